// Reading the cached (projected) objects the graph needs, defensively: cluster objects are
// untrusted JSON and every field may be missing.
import type { KubeObject } from '../kinds/types';

export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

export interface EndpointConditions {
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
}

export interface Endpoint {
  addresses?: string[];
  conditions?: EndpointConditions;
  nodeName?: string;
  targetRef?: { kind?: string; name?: string; namespace?: string; uid?: string };
}

export interface ServicePort {
  name?: string;
  port?: number;
  protocol?: string;
}

export interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  selector?: Record<string, string>;
  externalName?: string;
  ports?: ServicePort[];
}

/** The label the EndpointSlice controller (and anyone making slices by hand) links a slice with. */
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';

export function serviceSpec(o: KubeObject): ServiceSpec {
  return (o.spec ?? {}) as ServiceSpec;
}

export function selectorOf(o: KubeObject): Record<string, string> | undefined {
  const s = serviceSpec(o).selector;
  return s && typeof s === 'object' && Object.keys(s).length ? s : undefined;
}

export function endpointsOf(slice: KubeObject): Endpoint[] {
  return Array.isArray(slice.endpoints) ? (slice.endpoints as Endpoint[]) : [];
}

export function slicePorts(slice: KubeObject): string {
  const ports = Array.isArray(slice.ports) ? (slice.ports as ServicePort[]) : [];
  return ports.map((p) => `${p.name ? `${p.name} ` : ''}${p.port ?? '?'}/${p.protocol ?? 'TCP'}`).join(', ');
}

export function conditions(o: KubeObject): Condition[] {
  const c = (o.status as { conditions?: unknown } | undefined)?.conditions;
  return Array.isArray(c) ? (c as Condition[]) : [];
}

export function condition(o: KubeObject, type: string): Condition | undefined {
  return conditions(o).find((c) => c.type === type);
}

/** "reason: message", or whichever is present. */
export function because(c: Condition | undefined): string {
  if (!c) return '';
  return [c.reason, c.message].filter(Boolean).join(': ');
}

interface PodStatus {
  phase?: string;
  podIP?: string;
  containerStatuses?: { name?: string; ready?: boolean; state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string } } }[];
}

export function podStatus(pod: KubeObject): PodStatus {
  return (pod.status ?? {}) as PodStatus;
}

export function podNode(pod: KubeObject): string | undefined {
  const n = (pod.spec as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof n === 'string' && n ? n : undefined;
}

export function podReady(pod: KubeObject): boolean {
  return condition(pod, 'Ready')?.status === 'True';
}

/** Why a pod is not ready, in words: the waiting container's reason first, then the Ready condition's. */
export function notReadyReason(pod: KubeObject): string {
  const st = podStatus(pod);
  if (pod.metadata.deletionTimestamp) return 'it is terminating';
  if (st.phase === 'Succeeded' || st.phase === 'Failed') return `it has finished (phase ${st.phase})`;
  if (!podNode(pod)) {
    const sched = condition(pod, 'PodScheduled');
    return `it is not scheduled yet${sched?.status === 'False' ? ` (${because(sched)})` : ''}`;
  }
  const waiting = (st.containerStatuses ?? []).find((c) => c.state?.waiting?.reason);
  if (waiting) return `container ${waiting.name ?? '?'} is waiting: ${[waiting.state?.waiting?.reason, waiting.state?.waiting?.message].filter(Boolean).join(': ')}`;
  const ready = condition(pod, 'Ready');
  if (ready && ready.status !== 'True') return `Ready is ${ready.status ?? 'unknown'}${because(ready) ? ` (${because(ready)})` : ''}`;
  if (!st.podIP) return `it has no IP yet (phase ${st.phase ?? 'unknown'})`;
  return `phase ${st.phase ?? 'unknown'}`;
}

/** A short state for the pod's label: kubectl-like, enough for the graph. */
export function podState(pod: KubeObject): string {
  if (pod.metadata.deletionTimestamp) return 'Terminating';
  const st = podStatus(pod);
  const waiting = (st.containerStatuses ?? []).find((c) => c.state?.waiting?.reason)?.state?.waiting?.reason;
  return waiting ?? st.phase ?? 'Unknown';
}

export interface NodeHealth {
  ready: boolean;
  cordoned: boolean;
  /** Problems in words ("NotReady: KubeletNotReady: …", "cordoned: …"). */
  problems: string[];
}

export function nodeHealth(node: KubeObject): NodeHealth {
  const ready = condition(node, 'Ready');
  const cordoned = (node.spec as { unschedulable?: unknown } | undefined)?.unschedulable === true;
  const problems: string[] = [];
  const isReady = ready?.status === 'True';
  if (!isReady) problems.push(`NotReady${because(ready) ? `: ${because(ready)}` : ' (no Ready condition)'}`);
  if (cordoned) problems.push('Cordoned: no new pods are scheduled here');
  return { ready: isReady, cordoned, problems };
}

export function description(o: KubeObject): string | undefined {
  return o.metadata.annotations?.['kubernetes.io/description'];
}

export function selectorText(sel: Record<string, string>): string {
  return Object.entries(sel)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}
