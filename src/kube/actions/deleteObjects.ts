// Delete with a chosen propagation policy. Background (the default, as kubectl's) removes the
// object at once and lets the garbage collector remove what it owns; Foreground keeps the object
// (with a deletionTimestamp) until its dependents are gone; Orphan leaves the dependents behind.
import type { ResourceType } from '../kinds/resourceType';
import { KubeApiError, type KubeRequest, type KubeTransport } from '../transport/types';
import { objectPath, objectTitle } from './objectPath';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export interface DeleteTarget {
  type: ResourceType;
  namespace: string | undefined;
  name: string;
}

export type DeleteOutcome =
  /** Gone at once. */
  | { target: DeleteTarget; outcome: 'deleted' }
  /** Accepted; finalizers or foreground deletion keep it a while (the tree shows it until then). */
  | { target: DeleteTarget; outcome: 'deleting' }
  /** Was already gone (404). */
  | { target: DeleteTarget; outcome: 'gone' }
  | { target: DeleteTarget; outcome: 'failed'; error: KubeApiError };

export function deleteRequest(t: DeleteTarget, policy: PropagationPolicy): KubeRequest {
  return {
    method: 'DELETE',
    path: objectPath(t.type, t.namespace, t.name),
    body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: policy },
  };
}

/** Deletes each target (one failure does not stop the others); results in the targets' order. */
export async function deleteObjects(transport: (t: DeleteTarget) => KubeTransport, targets: readonly DeleteTarget[], policy: PropagationPolicy): Promise<DeleteOutcome[]> {
  return Promise.all(
    targets.map(async (target): Promise<DeleteOutcome> => {
      try {
        const res = await transport(target).exchange<{ kind?: string; metadata?: { deletionTimestamp?: string } }>(deleteRequest(target, policy));
        // 200 with the object (not a Status) carrying a deletionTimestamp, or 202: still there for a while.
        const lingering = res.status === 202 || (res.body?.kind !== 'Status' && res.body?.metadata?.deletionTimestamp !== undefined);
        return { target, outcome: lingering ? 'deleting' : 'deleted' };
      } catch (e) {
        if (e instanceof KubeApiError && e.status === 404) return { target, outcome: 'gone' };
        const error = e instanceof KubeApiError ? e : new KubeApiError(`Deleting ${objectTitle(target.type, target.namespace, target.name)} failed: ${String(e)}`, { kind: 'network', cause: e });
        return { target, outcome: 'failed', error };
      }
    }),
  );
}
