// A workload's port → one of its ready pods, chosen from the watch cache (the namespace's pod
// watch, shared with the tree): pods matching the workload's selector, Ready, not being deleted,
// not among the ones that just went. A forward to a Deployment, StatefulSet or DaemonSet picks
// another such pod for its next connections when the one it used goes (a rollout, a deletion).
import type { KubeObject } from '../kinds/types';
import { type LabelSelector, selectFromStore } from '../watch/labelSelector';
import type { IndexedStore } from '../watch/store';
import type { PodPort } from './portForwardStream';

interface PodStatus {
  phase?: string;
  conditions?: { type?: string; status?: string }[];
}

export function isReadyPod(pod: KubeObject): boolean {
  const st = (pod.status ?? {}) as PodStatus;
  if (pod.metadata.deletionTimestamp || st.phase !== 'Running') return false;
  return (st.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** A ready pod of the selector (by name, so the choice is stable), skipping `avoid`. */
export function pickWorkloadPod(store: IndexedStore, selector: LabelSelector, namespace: string, port: number, avoid: ReadonlySet<string>): PodPort | undefined {
  const ready = selectFromStore(store, selector, namespace)
    .filter((p) => isReadyPod(p) && !avoid.has(p.metadata.name ?? ''))
    .map((p) => p.metadata.name ?? '')
    .sort();
  return ready[0] ? { namespace, pod: ready[0], port } : undefined;
}
