// Watch-cache benchmark on a seeded cluster (default 20,000 pods / 200 namespaces / 500 nodes):
//   1. start → complete pod cache, vs `kubectl get pods -A -o json` (same cluster, same run)
//   2. heap bytes per cached pod (projected), vs keeping whole objects, and every alternative measured
//   3. watch events processed per second: an apiserver burst, and the pipeline's own ceiling
//   4. latency from a change in the apiserver to the tree's change event (p50/p95)
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { attachCluster, type Cluster } from '../test/cluster/cluster.harness';
import { inParallel } from '../test/cluster/harness/nodes';
import { loadKubeconfigs } from '../src/kube/config/kubeconfigLoad';
import { createTransport } from '../src/kube/transport/createTransport';
import type { KubeObject } from '../src/kube/kinds/types';
import { BrowseModel } from '../src/kube/tree/browseModel';
import type { BrowseNode } from '../src/kube/tree/nodes';
import { SharedWatch } from '../src/kube/watch/sharedWatch';
import { transportListerWatcher } from '../src/kube/watch/transportListerWatcher';
import { realStack } from '../test/support/realStack';
import { waitFor } from '../test/support/waitFor';
import { heapFigures } from './heapFigures';
import { median, note, percentile, report } from './report';

const gc = (globalThis as { gc?: () => void }).gc;

function kubectlPodsJson(c: Cluster): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    // Output goes to /dev/null: kubectl still decodes, converts and prints every pod.
    const p = spawn(join(c.binDir, 'kubectl'), [`--kubeconfig=${c.kubeconfig}`, 'get', 'pods', '-A', '-o', 'json'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`kubectl failed: ${err}`))));
  });
}

async function cacheSync(c: Cluster, transform?: (o: KubeObject) => KubeObject): Promise<{ ms: number; watch: SharedWatch; close: () => Promise<void> }> {
  const stack = await realStack(c.kubeconfig);
  const t = process.hrtime.bigint();
  const w = new SharedWatch(transportListerWatcher(stack.transport, stack.registry.get('pods')!), transform ? { transform } : {});
  w.start();
  await w.whenSynced();
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  return { ms, watch: w, close: async () => {
    await w.stop();
    await stack.close();
  } };
}

async function startToCache(c: Cluster): Promise<number> {
  const ours: number[] = [];
  const theirs: number[] = [];
  let count = 0;
  for (let i = 0; i < 3; i++) {
    theirs.push(await kubectlPodsJson(c));
    const r = await cacheSync(c);
    ours.push(r.ms);
    count = r.watch.store.size;
    await r.close();
  }
  report({ name: 'start to complete pod cache', value: median(ours), unit: 'ms', reference: { name: 'kubectl get pods -A -o json', value: median(theirs) } });
  note(`${count} pods; median of 3 runs each (ours ${ours.map(Math.round).join('/')}, kubectl ${theirs.map(Math.round).join('/')})`);
  return count;
}

async function heapPerPod(c: Cluster, busy: string): Promise<void> {
  if (!gc) {
    note('heap figures need node --expose-gc (bench/run.mjs passes it)');
    return;
  }
  // Every alternative measured for issue 6, and the tree's real load (bench/heapFigures.ts).
  await heapFigures(c, busy);
}

async function burst(c: Cluster, ns: string): Promise<void> {
  const r = await cacheSync(c);
  try {
    const pods = r.watch.store.byIndex('namespace', ns);
    const seen = new Set<string>();
    const stamp = `b${Date.now()}`;
    r.watch.onChange((cs) => {
      for (const u of cs.updated) if (u.new.metadata.labels?.burst === stamp) seen.add(u.new.metadata.name ?? '');
    });
    const t = process.hrtime.bigint();
    let patchedAt = 0;
    await inParallel(pods, 64, async (p) => {
      await c.api.ok('PATCH', `/api/v1/namespaces/${ns}/pods/${p.metadata.name}`, { metadata: { labels: { burst: stamp } } }, 'application/merge-patch+json');
    });
    patchedAt = Number(process.hrtime.bigint() - t) / 1e6;
    await waitFor(() => seen.size === pods.length, { what: 'every burst update seen by the cache', timeoutMs: 120_000, intervalMs: 5 });
    const doneAt = Number(process.hrtime.bigint() - t) / 1e6;
    report({ name: 'watch events/s, apiserver burst', value: (pods.length / doneAt) * 1000, unit: 'events/s', reference: { name: 'apiserver PATCH throughput', value: (pods.length / patchedAt) * 1000 } });
    note(`${pods.length} pod label patches (64 in flight); all seen ${Math.round(doneAt - patchedAt)} ms after the last PATCH returned`);
  } finally {
    await r.close();
  }
}

/**
 * The pipeline's own ceiling: a loopback HTTPS server in another process streams N realistic pod
 * events (so its TLS and JSON work does not share our thread) through the real transport,
 * reflector, store and batching.
 */
const STREAM_SERVER = `
const https = require('node:https');
const fs = require('node:fs');
const [cert, key, sampleFile, n] = [process.env.CERT, process.env.KEY, process.env.SAMPLE, Number(process.env.N)];
const sample = JSON.parse(fs.readFileSync(sampleFile, 'utf8'));
const lines = [];
for (let i = 0; i < 1000; i++) {
  const o = structuredClone(sample);
  o.metadata = { ...o.metadata, name: 'p-' + i, namespace: 'bench', uid: 'u-' + i, resourceVersion: String(i + 2) };
  lines.push(JSON.stringify({ type: 'MODIFIED', object: o }));
}
const block = Buffer.from(lines.join('\\n') + '\\n');
const done = Buffer.from(JSON.stringify({ type: 'BOOKMARK', object: { kind: 'Pod', metadata: { resourceVersion: 'done' } } }) + '\\n');
let served = false;
const server = https.createServer({ cert: fs.readFileSync(cert), key: fs.readFileSync(key) }, (req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' });
  if (!req.url.includes('watch=true')) return res.end(JSON.stringify({ kind: 'PodList', items: [], metadata: { resourceVersion: '1' } }));
  if (served) return; // later watches just stay open
  served = true;
  let sent = 0;
  const pump = () => {
    while (sent < n) {
      sent += 1000;
      if (!res.write(block)) return void res.once('drain', pump);
    }
    res.write(done);
  };
  pump();
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

async function pipelineCeiling(sample: KubeObject): Promise<void> {
  const c = attachCluster(process.env.KUBE_ATLAS_CLUSTER_DIR!);
  const merged = await loadKubeconfigs([c.kubeconfig]);
  const n = 100_000;
  const { existsSync, writeFileSync } = await import('node:fs');
  // The cluster's own serving certificate, so the kubeconfig's CA trusts our fake server too.
  const pkiDir = join(c.dir, 'pki');
  const certFile = join(pkiDir, 'apiserver.crt');
  const keyFile = join(pkiDir, 'apiserver.key');
  if (!existsSync(certFile) || !existsSync(keyFile)) throw new Error(`no apiserver certificate in ${pkiDir}`);
  const sampleFile = join(c.dir, 'bench-sample-pod.json');
  writeFileSync(sampleFile, JSON.stringify(sample));
  const server = spawn(process.execPath, ['-e', STREAM_SERVER], { env: { ...process.env, CERT: certFile, KEY: keyFile, SAMPLE: sampleFile, N: String(n) }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  const cluster = [...merged.clusters.values()][0]!;
  merged.clusters.set(cluster.name, { ...cluster, server: `https://127.0.0.1:${port}` });
  const transport = createTransport(merged, merged.contexts[0]!.name);
  const stack = await realStack(c.kubeconfig);
  const type = stack.registry.get('pods')!;
  await stack.close();
  let delivered = 0;
  const w = new SharedWatch(transportListerWatcher(transport, type), { minHealthyWatchMs: 0 });
  w.onChange((cs) => {
    delivered += cs.added.length + cs.updated.length;
  });
  const t = process.hrtime.bigint();
  w.start();
  await w.whenSynced();
  await waitFor(() => w.resourceVersion === 'done', { what: 'all streamed events processed', timeoutMs: 120_000, intervalMs: 5 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  await w.stop();
  await transport.close();
  server.kill();
  report({ name: 'watch events/s, pipeline ceiling (loopback stream)', value: (n / ms) * 1000, unit: 'events/s' });
  note(`${n} MODIFIED events of realistic pods (${Math.round(JSON.stringify(sample).length / 100) / 10} KB each) over HTTPS → transport → reflector → store; ${delivered} object changes delivered after coalescing`);
}

async function treeLatency(c: Cluster, ns: string): Promise<void> {
  const stack = await realStack(c.kubeconfig, {});
  const model = new BrowseModel(stack.clusters, { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined });
  try {
    const ctx = model.roots().find((n) => n.context === stack.context)!;
    const find = async (parent: BrowseNode, pred: (n: BrowseNode) => boolean): Promise<BrowseNode> => {
      const hit = await model.findChild(parent, pred);
      if (!hit) throw new Error(`node not found under ${parent.id}`);
      return hit;
    };
    const nsNode = await find(ctx, (n) => n.type === 'namespace' && n.label === ns);
    const workloads = await find(nsNode, (n) => n.label === 'Workloads');
    const podsKind = await find(workloads, (n) => n.resource?.kind === 'Pod');
    const podNodes = (await model.children(podsKind)).filter((n) => n.type === 'object');
    if (!podNodes.length) throw new Error(`no pods in ${ns}`);
    // A refresh of the pod's node or of any ancestor shows the change.
    const covers = (target: BrowseNode, n: BrowseNode): boolean => {
      for (let p: BrowseNode | undefined = target; p; p = p.parent) if (p === n) return true;
      return false;
    };
    const samples: number[] = [];
    // A patch that sets what is already there is a no-op (no event): make every value new.
    const runId = Date.now().toString(36);
    for (let i = -3; i < 40; i++) {
      const target = podNodes[(i + podNodes.length) % podNodes.length]!;
      let resolveSeen: (t: bigint) => void = () => undefined;
      const seen = new Promise<bigint>((r) => {
        resolveSeen = r;
      });
      const sub = model.onDidChange((nodes) => {
        if (!nodes || nodes.some((n) => covers(target, n))) resolveSeen(process.hrtime.bigint());
      });
      const t = process.hrtime.bigint();
      await c.api.ok('PATCH', `/api/v1/namespaces/${ns}/pods/${target.label}`, { metadata: { annotations: { 'bench/i': `${runId}-${i}` } } }, 'application/merge-patch+json');
      const at = await Promise.race([seen, new Promise<bigint>((_, rej) => setTimeout(() => rej(new Error('no tree event within 10 s')), 10_000))]);
      sub.dispose();
      // The first three are warm-up (the initial list may still be on its way to subscribers).
      if (i >= 0) samples.push(Number(at - t) / 1e6);
      // Pace the changes like a user's cluster, not a burst: refreshes are throttled per 70 ms.
      await new Promise((r) => setTimeout(r, 150));
    }
    const ref = await kubectlWatchLatency(c, ns, podNodes.map((n) => n.label), runId);
    report({ name: 'apiserver change → tree change event, p50', value: percentile(samples, 50), unit: 'ms', reference: { name: 'kubectl get pods -w prints the change, p50', value: percentile(ref, 50) } });
    report({ name: 'apiserver change → tree change event, p95', value: percentile(samples, 95), unit: 'ms', reference: { name: 'kubectl get pods -w prints the change, p95', value: percentile(ref, 95) } });
    note(`${samples.length} PATCHes of pods in ${ns}, 150 ms apart; tree refreshes are throttled (leading edge, at most one per 70 ms)`);
  } finally {
    model.dispose();
    await stack.close();
  }
}

/** The same measurement for `kubectl get pods -w` (no tree, no batching): the reference. */
async function kubectlWatchLatency(c: Cluster, ns: string, pods: string[], runId: string): Promise<number[]> {
  const p = spawn(join(c.binDir, 'kubectl'), [`--kubeconfig=${c.kubeconfig}`, '-n', ns, 'get', 'pods', '-w', '-o', 'name'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let buf = '';
  let waiter: ((line: string) => void) | undefined;
  p.stdout.on('data', (d: Buffer) => {
    buf += d.toString();
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      waiter?.(line);
      nl = buf.indexOf('\n');
    }
  });
  const samples: number[] = [];
  try {
    // kubectl first prints every pod once; the three warm-up rounds absorb that.
    for (let i = -3; i < 20; i++) {
      const name = pods[(i + 3) % pods.length]!;
      const seen = new Promise<bigint>((resolve) => {
        waiter = (line) => {
          if (line.endsWith(`/${name}`)) resolve(process.hrtime.bigint());
        };
      });
      const t = process.hrtime.bigint();
      await c.api.ok('PATCH', `/api/v1/namespaces/${ns}/pods/${name}`, { metadata: { annotations: { 'bench/k': `${runId}-${i}` } } }, 'application/merge-patch+json');
      const at = await Promise.race([seen, new Promise<bigint>((_, rej) => setTimeout(() => rej(new Error('kubectl printed nothing within 10 s')), 10_000))]);
      if (i >= 0) samples.push(Number(at - t) / 1e6);
      await new Promise((r) => setTimeout(r, 150));
    }
  } finally {
    p.kill();
  }
  return samples;
}

async function main(): Promise<void> {
  const dir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  if (!dir) throw new Error('run through bench/run.mjs (it starts or attaches a cluster)');
  const c = attachCluster(dir);
  // KUBE_ATLAS_BENCH_FIGURES=start,heap,burst,ceiling,tree picks figures (all by default).
  const only = process.env.KUBE_ATLAS_BENCH_FIGURES?.split(',').filter(Boolean);
  const want = (f: string): boolean => !only?.length || only.includes(f);
  const nsList = await c.api.ok<{ items: KubeObject[] }>('GET', '/api/v1/namespaces?labelSelector=kube-atlas.dev%2Fseed');
  const busy = nsList.items.map((n) => n.metadata.name ?? '').sort()[0] ?? 'default';
  if (want('start')) note(`cluster: ${await startToCache(c)} pods`);
  if (want('heap')) await heapPerPod(c, busy);
  if (want('burst')) await burst(c, busy);
  if (want('ceiling')) {
    const sample = (await c.api.ok<{ items: KubeObject[] }>('GET', `/api/v1/namespaces/${busy}/pods?limit=1`)).items[0];
    if (sample) await pipelineCeiling(sample);
  }
  if (want('tree')) await treeLatency(c, busy);
  c.closeClients();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exit(1);
  },
);
