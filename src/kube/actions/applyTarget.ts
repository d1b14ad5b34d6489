// An apply target from a connected session: its transport, its discovery (re-read after CRDs are
// created), and the namespace for documents that name none.
import type { AccessReviewer } from '../access/accessReviewer';
import type { ClusterSession } from '../clusters/clusterSession';
import { KubeApiError } from '../transport/types';
import type { ApplyTarget } from './applyRun';

export async function applyTargetOf(session: ClusterSession, defaultNamespace: string, access?: AccessReviewer): Promise<ApplyTarget> {
  const state = await session.connect();
  if (state.phase === 'error') throw state.error;
  if (state.phase !== 'ready') throw new KubeApiError(`Context "${session.context.name}" is not connected`, { kind: 'network' });
  let registry = state.registry;
  return {
    context: session.context.name,
    transport: session.transport,
    registry: () => {
      const now = session.state;
      if (now.phase === 'ready') registry = now.registry;
      return registry;
    },
    rediscover: () => session.rediscover(),
    defaultNamespace,
    ...(access ? { access } : {}),
  };
}
