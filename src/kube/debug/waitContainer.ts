// Waits for a container of a pod to run, from the namespace's pod watch (shared with the tree),
// the way `kubectl debug` waits before it attaches: done when running, failed when it terminated
// or the pod went, and every waiting reason reported meanwhile (ImagePullBackOff says more than
// a spinner). A deadline ends the wait with the last reason seen.
import type { ClusterManager } from '../clusters/clusterManager';
import { containerState } from './debugPod';

export interface ContainerRef {
  context: string;
  namespace: string;
  pod: string;
  container: string;
}

export type WaitResult = { running: true } | { running: false; why: string };

export function waitForContainer(clusters: Pick<ClusterManager, 'hub' | 'session'>, ref: ContainerRef, opts: { timeoutMs: number; onWaiting?: (reason: string) => void; signal?: AbortSignal }): Promise<WaitResult> {
  const session = clusters.session(ref.context);
  const podType = session?.state.phase === 'ready' ? session.state.registry.get('pods') : undefined;
  if (!podType) return Promise.resolve({ running: false, why: `context "${ref.context}" is not connected` });
  const lease = clusters.hub.acquire(ref.context, podType, ref.namespace);
  return new Promise<WaitResult>((resolve) => {
    let last = '';
    let finished = false;
    const subs: { dispose(): void }[] = [];
    // Once: a check that runs late (the first sync) must not release the lease a second time.
    const done = (r: WaitResult): void => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      for (const s of subs.splice(0)) s.dispose();
      lease.release();
      resolve(r);
    };
    const check = (): void => {
      if (finished || !lease.watch.status.synced) return;
      const pod = lease.watch.store.get(`${ref.namespace}/${ref.pod}`);
      if (!pod) {
        done({ running: false, why: `pod ${ref.namespace}/${ref.pod} is gone` });
        return;
      }
      const st = containerState(pod, ref.container);
      if (st?.running || st?.terminated !== undefined) {
        done(st.running ? { running: true } : { running: false, why: `container ${ref.container} exited with code ${st.terminated}` });
        return;
      }
      const reason = st?.waiting ?? (st ? 'waiting' : 'not started yet');
      if (reason !== last) {
        last = reason;
        opts.onWaiting?.(reason);
      }
    };
    const timer = setTimeout(() => done({ running: false, why: `container ${ref.container} did not start within ${Math.round(opts.timeoutMs / 1000)} s (last: ${last || 'no status'})` }), opts.timeoutMs);
    subs.push(lease.watch.onChange(check), lease.watch.onStatus(check));
    if (opts.signal) {
      const onAbort = () => done({ running: false, why: 'cancelled' });
      opts.signal.addEventListener('abort', onAbort, { once: true });
      subs.push({ dispose: () => opts.signal?.removeEventListener('abort', onAbort) });
    }
    void lease.watch.whenSynced().then(check);
  });
}
