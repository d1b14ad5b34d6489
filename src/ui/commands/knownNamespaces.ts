// The namespaces a picker offers without listing anything: the ones the tree's shared namespace
// watch already holds, and the context's own (kubeconfig) namespace for users who may not list.
import type { ClusterManager } from '../../kube/clusters/clusterManager';

export async function knownNamespaces(clusters: ClusterManager, context: string): Promise<{ own: string; cached: string[] }> {
  const st = await clusters.session(context)?.connect();
  const nsType = st?.phase === 'ready' ? st.registry.get('namespaces') : undefined;
  const cached = nsType ? [...(clusters.hub.peek(context, nsType)?.store.list() ?? [])].map((o) => o.metadata.name ?? '').filter(Boolean) : [];
  const own = clusters.kubeconfig?.contexts.find((c) => c.name === context)?.namespace ?? 'default';
  return { own, cached };
}
