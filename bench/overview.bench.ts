// The cross-cluster overview's time to its first full table: two clusters side by side (the
// bench's seeded one, and a second one started and seeded here with a tenth of its pods), from
// ClusterOverview.open() on a cold transport to both rows holding nodes, pods by phase and
// namespaces. Reference in the same run: the raw lists the table needs (`kubectl get pods,nodes,
// namespaces -A -o name` on each cluster, run one after the other as kubectl users do, and in
// parallel). A Node figure (the model, not the rendered view). KUBE_ATLAS_BENCH_SECOND_PODS sets
// the second cluster's pods (default: a tenth of the first's).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ClusterManager } from '../src/kube/clusters/clusterManager';
import { loadKubeconfigs } from '../src/kube/config/kubeconfigLoad';
import { ClusterOverview } from '../src/kube/overview/clusterOverview';
import type { PodFigures } from '../src/kube/overview/overviewFigures';
import { createTransport } from '../src/kube/transport/createTransport';
import { attachCluster, type Cluster, startCluster } from '../test/cluster/cluster.harness';
import { median, note, report, runBench, since } from './report';

const RUNS = 3;
const run = promisify(execFile);

async function table(kubeconfigs: string[], expect: number[]): Promise<number> {
  const t = process.hrtime.bigint();
  const merged = await loadKubeconfigs(kubeconfigs);
  const clusters = new ClusterManager((m, ctx) => createTransport(m, ctx), { lingerMs: 0 });
  await clusters.setKubeconfig(merged);
  const overview = new ClusterOverview(clusters, { throttleMs: 50 });
  try {
    await new Promise<void>((resolve) => {
      const check = () => {
        const full = overview.entries().length === expect.length && overview.entries().every((e, i) => e.phase === 'ready' && e.pods && !('refused' in e.pods) && (e.pods as PodFigures).total >= expect[i]! && e.nodes && e.namespaces !== undefined);
        if (full) resolve();
      };
      overview.onDidChange(check);
      void overview.open().then(check);
    });
    return since(t);
  } finally {
    overview.dispose();
    await clusters.dispose();
  }
}

async function kubectlLists(c: Cluster): Promise<void> {
  await run(join(c.binDir, 'kubectl'), [`--kubeconfig=${c.kubeconfig}`, 'get', 'pods,nodes,namespaces', '-A', '-o', 'name'], { maxBuffer: 256 << 20 });
}

async function podCount(c: Cluster): Promise<number> {
  const { stdout } = await run(join(c.binDir, 'kubectl'), [`--kubeconfig=${c.kubeconfig}`, 'get', 'pods', '-A', '-o', 'name'], { maxBuffer: 256 << 20 });
  return stdout.split('\n').filter(Boolean).length;
}

async function main(): Promise<void> {
  const dir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  if (!dir) throw new Error('run through bench/run.mjs (it starts or attaches a cluster)');
  const first = attachCluster(dir);
  const firstPods = await podCount(first);
  const secondDir = mkdtempSync(join(tmpdir(), 'kube-atlas-bench-second-'));
  const second = await startCluster({ dir: secondDir, nodes: 3, name: 'kube-atlas-second' });
  try {
    const want = Number(process.env.KUBE_ATLAS_BENCH_SECOND_PODS ?? Math.max(10, Math.round(firstPods / 10)));
    const seeded = await second.seed({ namespaces: Math.max(1, Math.round(want / 100)), pods: want, nodes: 50 });
    note(`second cluster seeded with ${want} pods in ${seeded.createSeconds} s`);
    const counts = [firstPods, await podCount(second)];
    note(`pods: ${counts.join(' and ')}`);
    const ours: number[] = [];
    const serial: number[] = [];
    const parallel: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const measureRef = async () => {
        let t = process.hrtime.bigint();
        await kubectlLists(first);
        await kubectlLists(second);
        serial.push(since(t));
        t = process.hrtime.bigint();
        await Promise.all([kubectlLists(first), kubectlLists(second)]);
        parallel.push(since(t));
      };
      if (r % 2 === 0) {
        ours.push(await table([first.kubeconfig, second.kubeconfig], counts));
        await measureRef();
      } else {
        await measureRef();
        ours.push(await table([first.kubeconfig, second.kubeconfig], counts));
      }
    }
    note(`ours: ${ours.map((v) => `${Math.round(v)} ms`).join(', ')}`);
    const name = `overview: first full table, two clusters (${counts[0]} and ${counts[1]} pods), cold, in Node (not a screen figure)`;
    report({ name, value: median(ours), unit: 'ms', reference: { name: 'kubectl get pods,nodes,namespaces -A -o name on each, one after the other', value: median(serial) } });
    report({ name: `${name}, vs both kubectl lists in parallel`, value: median(ours), unit: 'ms', reference: { name: 'the same two kubectl lists in parallel', value: median(parallel) } });
  } finally {
    await second.stop();
    rmSync(secondDir, { recursive: true, force: true });
    first.closeClients();
  }
}

runBench(main);
