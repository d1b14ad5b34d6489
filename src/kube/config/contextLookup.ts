// The cluster and user a context needs, or a credentials error saying which name is missing and
// where to fix it. Shared by the transport factory and the client-node bridge.

import { KubeApiError } from '../transport/types';
import type { ClusterEntry, ContextEntry, MergedKubeconfig, UserEntry } from './types';

export interface ResolvedContext {
  context: ContextEntry;
  cluster: ClusterEntry;
  user: UserEntry;
}

export function resolveContext(merged: MergedKubeconfig, contextName: string): ResolvedContext {
  const context = merged.contexts.find((c) => c.name === contextName);
  if (!context) {
    const known = merged.contexts.map((c) => c.name);
    throw new KubeApiError(`context "${contextName}" is not defined in the kubeconfig files`, {
      kind: 'credentials',
      hint: known.length
        ? `Pick one of: ${known.slice(0, 10).join(', ')}${known.length > 10 ? ', …' : ''}.`
        : 'No contexts are defined: create a kubeconfig with your cluster’s tooling.',
    });
  }
  const at = `${context.file}${context.line ? ` (line ${context.line})` : ''}`;
  const cluster = merged.clusters.get(context.cluster);
  if (!cluster) {
    throw new KubeApiError(`context "${contextName}" refers to cluster "${context.cluster}", which no kubeconfig file defines`, {
      kind: 'credentials',
      hint: `Add a cluster named "${context.cluster}" to a kubeconfig file, or fix the context's cluster in ${at}.`,
    });
  }
  const user = merged.users.get(context.user);
  if (!user) {
    throw new KubeApiError(`context "${contextName}" refers to user "${context.user}", which no kubeconfig file defines`, {
      kind: 'credentials',
      hint: `Add a user named "${context.user}" to a kubeconfig file, or fix the context's user in ${at}.`,
    });
  }
  if (!cluster.server) {
    throw new KubeApiError(`cluster "${cluster.name}" (context "${contextName}") has no server URL`, {
      kind: 'credentials',
      hint: `Set "server" for cluster "${cluster.name}" in ${cluster.file}.`,
    });
  }
  return { context, cluster, user };
}
