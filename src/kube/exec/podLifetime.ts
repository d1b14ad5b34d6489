// What ends a channel besides its own socket: the pod being deleted, or the context being reset
// (new credentials, reconnect, removed from the kubeconfig). A real kubelet kills the process when
// the pod goes, but the socket may linger (and a simulated kubelet keeps the process running): the
// watch cache tells us first, and the holder closes its socket.
import type { ClusterManager } from '../clusters/clusterManager';
import type { ResourceType } from '../kinds/resourceType';
import type { Disposable } from '../watch/sharedWatch';

export type PodEnd = 'deleted' | 'replaced' | 'context-reset';

export interface PodRef {
  context: string;
  namespace: string;
  name: string;
  /** When known, a pod of the same name made later (a StatefulSet's) counts as "replaced". */
  uid?: string;
}

/**
 * Calls `onEnd` once when the pod is deleted (or replaced by another of the same name) or its
 * context is reset. Holds a watch of pods in that namespace (shared with the tree's) until disposed.
 */
export function watchPodLifetime(clusters: ClusterManager, pod: PodRef, onEnd: (why: PodEnd) => void): Disposable {
  let done = false;
  const end = (why: PodEnd): void => {
    if (done) return;
    done = true;
    dispose();
    onEnd(why);
  };
  const parts: Disposable[] = [];
  const dispose = (): void => {
    for (const p of parts.splice(0)) p.dispose();
  };
  parts.push(clusters.onDidResetContext((ctx) => ctx === pod.context && end('context-reset')));
  const session = clusters.session(pod.context);
  const registry = session?.state.phase === 'ready' ? session.state.registry : undefined;
  const podType: ResourceType | undefined = registry?.get('pods');
  if (podType) {
    const lease = clusters.hub.acquire(pod.context, podType, pod.namespace);
    parts.push({ dispose: () => lease.release() });
    const key = `${pod.namespace}/${pod.name}`;
    const check = (): void => {
      if (!lease.watch.status.synced) return;
      const current = lease.watch.store.get(key);
      if (!current) end('deleted');
      else if (pod.uid && current.metadata.uid && current.metadata.uid !== pod.uid) end('replaced');
    };
    parts.push(lease.watch.onChange(check));
    parts.push(lease.watch.onStatus(check));
    void lease.watch.whenSynced().then(check);
  }
  return {
    dispose: () => {
      done = true;
      dispose();
    },
  };
}
