// Scale through the scale subresource (autoscaling/v1 Scale), as `kubectl scale` does: a merge
// patch of spec.replicas on `<object>/scale`. Works for Deployments, StatefulSets, ReplicaSets
// and any custom resource whose CRD declares a scale subresource (discovery says which).
import type { ResourceType } from '../kinds/resourceType';
import { KubeApiError, type KubeRequest, type KubeTransport } from '../transport/types';
import { FIELD_MANAGER, objectPath, objectTitle, PATCH } from './objectPath';

export interface ScaleState {
  /** spec.replicas of the Scale. */
  desired: number;
  /** status.replicas: how many there are now. */
  current: number | undefined;
}

const MAX_REPLICAS = 2_147_483_647; // int32, the API's type

/** The user's text → replicas, or the reason it is not a valid count. */
export function parseReplicas(text: string): { replicas: number } | { error: string } {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return { error: 'Enter a whole number of replicas, 0 or more.' };
  const replicas = Number(t);
  if (!Number.isSafeInteger(replicas) || replicas > MAX_REPLICAS) return { error: `At most ${MAX_REPLICAS} replicas.` };
  return { replicas };
}

export function scaleRequest(type: ResourceType, namespace: string | undefined, name: string, replicas: number): KubeRequest {
  if (!Number.isInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS) throw new RangeError(`invalid replica count ${replicas}`);
  return {
    method: 'PATCH',
    path: objectPath(type, namespace, name, 'scale'),
    query: { fieldManager: FIELD_MANAGER },
    contentType: PATCH.merge,
    body: { spec: { replicas } },
  };
}

export async function readScale(transport: KubeTransport, type: ResourceType, namespace: string | undefined, name: string, signal?: AbortSignal): Promise<ScaleState> {
  const s = await transport.request<{ spec?: { replicas?: number }; status?: { replicas?: number } }>({ path: objectPath(type, namespace, name, 'scale'), signal });
  return { desired: s?.spec?.replicas ?? 0, current: s?.status?.replicas };
}

export interface ScaleResult {
  replicas: number;
  warnings: string[];
}

export async function scaleObject(transport: KubeTransport, type: ResourceType, namespace: string | undefined, name: string, replicas: number): Promise<ScaleResult> {
  if (!type.scalable) {
    throw new KubeApiError(`${objectTitle(type, namespace, name)} cannot be scaled: ${type.plural}${type.group ? `.${type.group}` : ''} has no scale subresource`, {
      kind: 'http',
      status: 404,
      hint: 'Only kinds with a scale subresource (Deployments, StatefulSets, ReplicaSets, custom resources that declare one) can be scaled.',
    });
  }
  const res = await transport.exchange<{ spec?: { replicas?: number } }>(scaleRequest(type, namespace, name, replicas));
  return { replicas: res.body?.spec?.replicas ?? replicas, warnings: res.warnings };
}
