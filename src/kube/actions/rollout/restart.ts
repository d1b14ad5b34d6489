// `kubectl rollout restart` (polymorphichelpers/objectrestarter.go, v0.36): the pod template gets
// the annotation kubectl.kubernetes.io/restartedAt = now in RFC 3339 (Go's time.Now().Format(
// time.RFC3339): local time, seconds, "Z" or ±hh:mm), sent as the strategic merge patch kubectl
// computes; a paused Deployment is refused, and a second restart within the same second would be
// an empty patch, which kubectl refuses too.
import type { KubeObject } from '../../kinds/types';
import type { KubeTransport } from '../../transport/types';
import { FIELD_MANAGER, PATCH } from '../objectPath';
import { workloadPath } from './history';
import { RESTARTED_AT_ANNOTATION, templateOf, type WorkloadKind } from './workload';

export class RestartError extends Error {
  override name = 'RestartError';
}

/** Go's time.RFC3339 layout for a local time: 2006-01-02T15:04:05Z07:00. */
export function rfc3339Local(d: Date): string {
  const pad = (v: number): string => String(v).padStart(2, '0');
  const offsetMin = -d.getTimezoneOffset();
  const zone = offsetMin === 0 ? 'Z' : `${offsetMin > 0 ? '+' : '-'}${pad(Math.floor(Math.abs(offsetMin) / 60))}:${pad(Math.abs(offsetMin) % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}

/** Pure: the patch `kubectl rollout restart` sends for this object at `now`. */
export function restartPatch(kind: WorkloadKind, obj: KubeObject, now: Date = new Date()): { contentType: string; body: unknown; restartedAt: string } {
  if (kind === 'Deployment' && (obj.spec as { paused?: boolean } | undefined)?.paused === true) {
    throw new RestartError("can't restart paused deployment (resume it first)");
  }
  const restartedAt = rfc3339Local(now);
  if (templateOf(obj)?.metadata?.annotations?.[RESTARTED_AT_ANNOTATION] === restartedAt) {
    throw new RestartError('it was restarted within the past second: wait a second before restarting it again');
  }
  return { contentType: PATCH.strategic, body: { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } }, restartedAt };
}

export interface RestartResult {
  restartedAt: string;
  /** The workload after the patch: its generation is what the rollout follower waits for. */
  updated: KubeObject;
  warnings: string[];
}

/** GETs the workload (kubectl restarts the latest object, not a cached one) and restarts it. */
export async function restartWorkload(transport: KubeTransport, kind: WorkloadKind, namespace: string, name: string, now?: Date): Promise<RestartResult> {
  const path = workloadPath(kind, namespace, name);
  const obj = await transport.request<KubeObject>({ path });
  const patch = restartPatch(kind, obj, now);
  const res = await transport.exchange<KubeObject>({ method: 'PATCH', path, query: { fieldManager: FIELD_MANAGER }, contentType: patch.contentType, body: patch.body });
  return { restartedAt: patch.restartedAt, updated: res.body, warnings: res.warnings };
}
