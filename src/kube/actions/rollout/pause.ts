// `kubectl rollout pause` / `resume` (objectpauser.go, objectresumer.go): Deployments only (the
// only kind with spec.paused); pausing a paused one is a no-op ("already paused"), resuming one
// that is not paused is refused ("is not paused").
import type { KubeObject } from '../../kinds/types';
import type { KubeTransport } from '../../transport/types';
import { FIELD_MANAGER, PATCH } from '../objectPath';
import { workloadPath } from './history';

export type PauseOutcome = { outcome: 'paused' | 'resumed'; updated: KubeObject; warnings: string[] } | { outcome: 'already paused' };

export class PauseError extends Error {
  override name = 'PauseError';
}

export async function setPaused(transport: KubeTransport, namespace: string, name: string, paused: boolean): Promise<PauseOutcome> {
  const path = workloadPath('Deployment', namespace, name);
  const obj = await transport.request<KubeObject>({ path });
  const now = (obj.spec as { paused?: boolean } | undefined)?.paused === true;
  if (paused && now) return { outcome: 'already paused' };
  if (!paused && !now) throw new PauseError(`deployment "${name}" is not paused`);
  const res = await transport.exchange<KubeObject>({ method: 'PATCH', path, query: { fieldManager: FIELD_MANAGER }, contentType: PATCH.strategic, body: { spec: { paused } } });
  return { outcome: paused ? 'paused' : 'resumed', updated: res.body, warnings: res.warnings };
}
