// The parts of a pod diagnosis reads, typed once. Reads the same from the whole object and from
// the cache's projection (kinds/projection/podProjection.ts keeps exactly these fields).
import type { KubeObject } from '../kinds/types';

export interface TerminatedState {
  reason?: string;
  exitCode?: number;
  signal?: number;
  message?: string;
  startedAt?: string;
  finishedAt?: string;
}
export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: TerminatedState;
}
export interface ContainerStatusView {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}
export interface ContainerSpecView {
  name?: string;
  image?: string;
  restartPolicy?: string;
  resources?: { limits?: { memory?: string } };
}
export interface ConditionView {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}
export interface PodView {
  name: string;
  namespace: string;
  uid: string;
  deletionTimestamp?: string;
  finalizers: readonly string[];
  nodeName?: string;
  restartPolicy?: string;
  phase?: string;
  reason?: string;
  message?: string;
  conditions: readonly ConditionView[];
  containers: readonly ContainerSpecView[];
  initContainers: readonly ContainerSpecView[];
  statuses: readonly ContainerStatusView[];
  initStatuses: readonly ContainerStatusView[];
}

export function podView(o: KubeObject): PodView {
  const spec = (o.spec ?? {}) as { nodeName?: string; restartPolicy?: string; containers?: ContainerSpecView[]; initContainers?: ContainerSpecView[] };
  const st = (o.status ?? {}) as {
    phase?: string;
    reason?: string;
    message?: string;
    conditions?: ConditionView[];
    containerStatuses?: ContainerStatusView[];
    initContainerStatuses?: ContainerStatusView[];
  };
  const v: PodView = {
    name: o.metadata.name ?? '',
    namespace: o.metadata.namespace ?? '',
    uid: o.metadata.uid ?? '',
    finalizers: o.metadata.finalizers ?? [],
    conditions: st.conditions ?? [],
    containers: spec.containers ?? [],
    initContainers: spec.initContainers ?? [],
    statuses: st.containerStatuses ?? [],
    initStatuses: st.initContainerStatuses ?? [],
  };
  if (o.metadata.deletionTimestamp) v.deletionTimestamp = o.metadata.deletionTimestamp;
  if (spec.nodeName) v.nodeName = spec.nodeName;
  if (spec.restartPolicy) v.restartPolicy = spec.restartPolicy;
  if (st.phase) v.phase = st.phase;
  if (st.reason) v.reason = st.reason;
  if (st.message) v.message = st.message;
  return v;
}

export function condition(p: PodView, type: string): ConditionView | undefined {
  return p.conditions.find((c) => c.type === type);
}
