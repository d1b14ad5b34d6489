// Our own production stack pointed at a test cluster's kubeconfig: the real kubeconfig loader,
// transport, discovery and watch hub (no fakes), for cluster tests and benchmarks.
import { ClusterManager } from '../../src/kube/clusters/clusterManager';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import type { MergedKubeconfig } from '../../src/kube/config/types';
import type { KindRegistry } from '../../src/kube/kinds/kindRegistry';
import { createTransport } from '../../src/kube/transport/createTransport';
import type { KubeTransport } from '../../src/kube/transport/types';
import type { WatchHubOptions } from '../../src/kube/watch/watchHub';

export interface RealStack {
  merged: MergedKubeconfig;
  clusters: ClusterManager;
  context: string;
  transport: KubeTransport;
  registry: KindRegistry;
  close(): Promise<void>;
}

export async function realStack(kubeconfig: string, hub: WatchHubOptions = { lingerMs: 0, batchMs: 20 }): Promise<RealStack> {
  const merged = await loadKubeconfigs([kubeconfig]);
  if (merged.problems.length) throw new Error(`kubeconfig problems: ${merged.problems.map((p) => p.message).join('; ')}`);
  const clusters = new ClusterManager((m, ctx) => createTransport(m, ctx), hub);
  await clusters.setKubeconfig(merged);
  const context = merged.currentContext ?? merged.contexts[0]!.name;
  const session = clusters.session(context)!;
  const state = await session.connect();
  if (state.phase !== 'ready') throw new Error(`cannot connect: ${state.phase === 'error' ? state.error.message : state.phase}`);
  return { merged, clusters, context, transport: session.transport, registry: state.registry, close: () => clusters.dispose() };
}
