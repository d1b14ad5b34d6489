// Follows a rollout live, like `kubectl rollout status -w`, but from the shared watch cache: the
// workload's watch (and for the failing-pod check, the pods' and ReplicaSets' watches of its
// namespace) deliver every change, each is judged by rolloutState(), and it ends in success or
// in the reason the rollout is stuck. Nothing polls: a watch the tree already runs is reused.
import type { KindRegistry } from '../../kinds/kindRegistry';
import type { ResourceType } from '../../kinds/resourceType';
import { type KubeObject, objectKey } from '../../kinds/types';
import type { Disposable } from '../../util/emitter';
import type { WatchHub, WatchLease } from '../../watch/watchHub';
import { newRevisionPods, type RolloutState, rolloutState } from './status';
import type { WorkloadKind } from './workload';

export interface FollowOptions {
  /** The generation our change produced (from the PATCH response): older objects never read as done. */
  minGeneration?: number;
  signal?: AbortSignal;
  /** Every new state, as it happens (progress notification, tests). */
  onUpdate?: (s: RolloutState) => void;
}

export interface FollowTarget {
  hub: WatchHub;
  registry: KindRegistry;
  context: string;
  kind: WorkloadKind;
  namespace: string;
  name: string;
}

const RESOURCE_IDS: Record<WorkloadKind, string> = { Deployment: 'deployments.apps', StatefulSet: 'statefulsets.apps', DaemonSet: 'daemonsets.apps' };

/** Resolves with the final state: complete, stuck or failed; or the last state when aborted. */
export function followRollout(t: FollowTarget, opts: FollowOptions = {}): Promise<RolloutState> {
  const workloadType = t.registry.get(RESOURCE_IDS[t.kind]);
  const podType = t.registry.get('pods');
  const rsType = t.kind === 'Deployment' ? t.registry.get('replicasets.apps') : undefined;
  if (!workloadType) return Promise.resolve({ phase: 'failed', message: `this cluster does not serve ${RESOURCE_IDS[t.kind]}`, progress: undefined, problems: [] });

  return new Promise<RolloutState>((resolve) => {
    const leases: WatchLease[] = [];
    const subs: Disposable[] = [];
    let last: RolloutState | undefined;
    let done = false;
    const finish = (s: RolloutState): void => {
      if (done) return;
      done = true;
      for (const d of subs) d.dispose();
      for (const l of leases) l.release();
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(s);
    };
    const onAbort = (): void => finish(last ?? { phase: 'waiting', message: 'cancelled', progress: undefined, problems: [] });
    if (opts.signal?.aborted) return onAbort();
    opts.signal?.addEventListener('abort', onAbort);

    const acquire = (type: ResourceType): WatchLease => {
      // A synced cluster-wide watch (the tree's, say) already holds this namespace.
      const lease = t.hub.peek(t.context, type)?.status.synced ? t.hub.acquire(t.context, type) : t.hub.acquire(t.context, type, t.namespace);
      leases.push(lease);
      subs.push(lease.watch.onChange(() => evaluate()), lease.watch.onStatus((st) => (st.phase === 'stopped' ? restart() : evaluate())));
      return lease;
    };
    let workload: WatchLease;
    let pods: WatchLease | undefined;
    let replicaSets: WatchLease | undefined;
    const start = (): void => {
      workload = acquire(workloadType);
      pods = podType ? acquire(podType) : undefined;
      replicaSets = rsType ? acquire(rsType) : undefined;
      void Promise.all(leases.map((l) => l.watch.whenSettled())).then(evaluate);
    };
    // The context was reconnected: its watches stopped. Take the fresh ones.
    const restart = (): void => {
      if (done) return;
      for (const d of subs.splice(0)) d.dispose();
      for (const l of leases.splice(0)) l.release();
      start();
    };

    function evaluate(): void {
      if (done) return;
      const w = workload.watch;
      if (!w.status.synced) {
        if (w.status.phase === 'forbidden') finish({ phase: 'failed', message: `cannot watch ${RESOURCE_IDS[t.kind]}: ${w.status.error?.message ?? 'forbidden'}`, progress: undefined, problems: [] });
        return;
      }
      const obj = w.store.get(objectKey({ metadata: { namespace: t.namespace, name: t.name } }));
      const ownedPods = (uid: string): KubeObject[] => (pods?.watch.status.synced ? pods.watch.store.byIndex('owner', uid) : []);
      const rsList = obj?.metadata.uid && replicaSets?.watch.status.synced ? replicaSets.watch.store.byIndex('owner', obj.metadata.uid) : [];
      const fresh = obj ? newRevisionPods(t.kind, obj, rsList, ownedPods) : [];
      const s = rolloutState(t.kind, obj, fresh, opts.minGeneration);
      if (!last || last.message !== s.message || last.phase !== s.phase) {
        last = s;
        opts.onUpdate?.(s);
      }
      if (s.phase === 'complete' || s.phase === 'stuck' || s.phase === 'failed') finish(s);
    }

    start();
  });
}
