// Watch-cache and tree-model benchmark on a seeded cluster (default 20,000 pods / 200 namespaces /
// 500 nodes), in Node, each figure against a reference measured in the same run:
//   start    cold start → complete pod cache (kubeconfig read, transport, TLS, /version, discovery,
//            paged list) vs `kubectl get pods -A -o name`, a raw paged list through our transport
//            (no store), and `kubectl get pods -A -o json`; runs alternate their order
//   heap     heap bytes per cached pod (projected), vs whole objects and every alternative (heapFigures.ts)
//   burst    watch events/s from an apiserver burst
//   ceiling  events/s of the pipeline alone (loopback stream), through the store and through BrowseModel
//   tree     apiserver change → BrowseModel change event (p50/p95), changes at random intervals,
//            vs `kubectl get pods -w`
//   scale    20,000 pods in one namespace: expand the kind, open a range, one change → its range
//   sockets  TCP connections this process holds with 10 kinds × 5 namespaces open in the model
// KUBE_ATLAS_BENCH_FIGURES=start,heap,… picks figures (all by default).
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { attachCluster, type Cluster } from '../test/cluster/cluster.harness';
import { inParallel } from '../test/cluster/harness/nodes';
import { connectionsTo } from '../test/e2e/harness/processes';
import { ClusterManager } from '../src/kube/clusters/clusterManager';
import { loadKubeconfigs } from '../src/kube/config/kubeconfigLoad';
import type { MergedKubeconfig } from '../src/kube/config/types';
import type { KubeObject } from '../src/kube/kinds/types';
import { createTransport } from '../src/kube/transport/createTransport';
import type { KubeRequest, KubeTransport } from '../src/kube/transport/types';
import { BrowseModel } from '../src/kube/tree/browseModel';
import type { BrowseNode } from '../src/kube/tree/nodes';
import { SharedWatch } from '../src/kube/watch/sharedWatch';
import { transportListerWatcher } from '../src/kube/watch/transportListerWatcher';
import { realStack } from '../test/support/realStack';
import { waitFor } from '../test/support/waitFor';
import { heapFigures } from './heapFigures';
import { jitter, median, note, pause, percentile, report, reportPercentiles, since, runBench } from './report';
import { addSamples, emptySamples, kubectlWatchLatency, modelLatency, NO_STATE, OP_KINDS } from './latency';
import { BIG_NAMESPACE, ensureBigNamespace, kubectlMs, removeBigNamespace, seededNamespace } from './support';

const gc = (globalThis as { gc?: () => void }).gc;

// ---- 1. start → complete pod cache ---------------------------------------------------------

interface ColdCache {
  totalMs: number;
  /** kubeconfig read + transport + TLS + /version + discovery. */
  connectMs: number;
  /** paged list → store → synced. */
  listMs: number;
  count: number;
}

/** What the extension does on a cold start, from before the kubeconfig read to a synced pod cache. */
async function coldCache(c: Cluster): Promise<ColdCache> {
  const t = process.hrtime.bigint();
  const merged = await loadKubeconfigs([c.kubeconfig]);
  const clusters = new ClusterManager((m, ctx) => createTransport(m, ctx, { userAgent: 'kube-atlas' }));
  try {
    await clusters.setKubeconfig(merged);
    const ctx = clusters.currentContext(undefined)!;
    const state = await clusters.session(ctx)!.connect();
    if (state.phase !== 'ready') throw new Error(`cannot connect: ${state.phase}`);
    const connectMs = since(t);
    const lease = clusters.hub.acquire(ctx, state.registry.get('pods')!);
    await lease.watch.whenSynced();
    const totalMs = since(t);
    const count = lease.watch.store.size;
    lease.release();
    return { totalMs, connectMs, listMs: totalMs - connectMs, count };
  } finally {
    await clusters.dispose();
  }
}

/** The same pages through our transport, parsed, without a store: the floor for the list phase. */
async function rawPagedList(c: Cluster): Promise<{ ms: number; count: number }> {
  const t = process.hrtime.bigint();
  const merged = await loadKubeconfigs([c.kubeconfig]);
  const transport = createTransport(merged, merged.currentContext!, { userAgent: 'kube-atlas' });
  try {
    let count = 0;
    let cont: string | undefined;
    do {
      const page = await transport.request<{ items: unknown[]; metadata: { continue?: string } }>({ path: '/api/v1/pods', query: { limit: 500, continue: cont }, timeoutMs: 120_000 });
      count += page.items.length;
      cont = page.metadata.continue || undefined;
    } while (cont);
    return { ms: since(t), count };
  } finally {
    await transport.close();
  }
}

async function startToCache(c: Cluster): Promise<number> {
  const ours: ColdCache[] = [];
  const raw: number[] = [];
  const kName: number[] = [];
  const kJson: number[] = [];
  const steps: [string, () => Promise<void>][] = [
    ['ours', async () => void ours.push(await coldCache(c))],
    ['raw', async () => void raw.push((await rawPagedList(c)).ms)],
    ['kubectl -o name', async () => void kName.push(await kubectlMs(c, ['get', 'pods', '-A', '-o', 'name']))],
    ['kubectl -o json', async () => void kJson.push(await kubectlMs(c, ['get', 'pods', '-A', '-o', 'json']))],
  ];
  const runs = 4;
  for (let i = 0; i < runs; i++) {
    // Alternate the order so no variant always runs on a warmer (or more tired) apiserver.
    const order = i % 2 === 0 ? steps : [...steps].reverse();
    for (const [, step] of order) await step();
  }
  const total = ours.map((o) => o.totalMs);
  report({ name: 'cold start → complete pod cache', value: median(total), unit: 'ms', reference: { name: 'kubectl get pods -A -o name', value: median(kName) } });
  report({ name: 'cold start → complete pod cache (vs raw pages)', value: median(total), unit: 'ms', reference: { name: 'same pages through our transport, no store (kubeconfig read + TLS included)', value: median(raw) } });
  report({ name: 'cold start → complete pod cache (vs -o json)', value: median(total), unit: 'ms', reference: { name: 'kubectl get pods -A -o json', value: median(kJson) } });
  report({ name: 'of which kubeconfig + connect (TLS, /version, discovery)', value: median(ours.map((o) => o.connectMs)), unit: 'ms' });
  report({ name: 'of which paged list → synced store', value: median(ours.map((o) => o.listMs)), unit: 'ms', reference: { name: 'raw paged list (incl. kubeconfig read + TLS)', value: median(raw) } });
  const r = (xs: number[]) => xs.map(Math.round).join('/');
  note(`${ours[0]?.count ?? 0} pods, pages of 500; median of ${runs} runs each, order alternating. ours ${r(total)} (connect ${r(ours.map((o) => o.connectMs))}), raw ${r(raw)}, -o name ${r(kName)}, -o json ${r(kJson)}`);
  note('kubectl keeps a discovery cache in ~/.kube/cache; we do discovery on every cold start');
  return ours[0]?.count ?? 0;
}

// ---- 2. heap per pod -----------------------------------------------------------------------

async function cacheSync(c: Cluster, transform?: (o: KubeObject) => KubeObject): Promise<{ ms: number; watch: SharedWatch; close: () => Promise<void> }> {
  const stack = await realStack(c.kubeconfig);
  const t = process.hrtime.bigint();
  const w = new SharedWatch(transportListerWatcher(stack.transport, stack.registry.get('pods')!), transform ? { transform } : {});
  w.start();
  await w.whenSynced();
  const ms = since(t);
  return {
    ms,
    watch: w,
    close: async () => {
      await w.stop();
      await stack.close();
    },
  };
}

async function heapPerPod(c: Cluster, busy: string): Promise<void> {
  if (!gc) {
    note('heap figures need node --expose-gc (bench/run.mjs passes it)');
    return;
  }
  // Every alternative measured for issue 6, and the tree's real load (bench/heapFigures.ts).
  await heapFigures(c, busy);
}

// ---- 3. burst ------------------------------------------------------------------------------

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
    await inParallel(pods, 64, async (p) => {
      await c.api.ok('PATCH', `/api/v1/namespaces/${ns}/pods/${p.metadata.name}`, { metadata: { labels: { burst: stamp } } }, 'application/merge-patch+json');
    });
    const patchedAt = since(t);
    await waitFor(() => seen.size === pods.length, { what: 'every burst update seen by the cache', timeoutMs: 120_000, intervalMs: 5 });
    const doneAt = since(t);
    report({ name: 'watch events/s, apiserver burst', value: (pods.length / doneAt) * 1000, unit: 'events/s', reference: { name: 'apiserver PATCH throughput', value: (pods.length / patchedAt) * 1000 } });
    note(`${pods.length} pod label patches (64 in flight); all seen ${Math.round(doneAt - patchedAt)} ms after the last PATCH returned`);
  } finally {
    await r.close();
  }
}

// ---- 4. pipeline ceiling -------------------------------------------------------------------

/**
 * A loopback HTTPS server in another process streams N realistic pod events (so its TLS and JSON
 * work does not share our thread). Pods are p-0…p-999 of namespace $NS, 100 rounds of MODIFIED.
 */
const STREAM_SERVER = `
const https = require('node:https');
const fs = require('node:fs');
const [cert, key, sampleFile, n, ns] = [process.env.CERT, process.env.KEY, process.env.SAMPLE, Number(process.env.N), process.env.NS];
const sample = JSON.parse(fs.readFileSync(sampleFile, 'utf8'));
const lines = [];
for (let i = 0; i < 1000; i++) {
  const o = structuredClone(sample);
  o.metadata = { ...o.metadata, name: 'p-' + String(i).padStart(3, '0'), namespace: ns, uid: 'u-' + i, resourceVersion: String(i + 2) };
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

async function streamServer(c: Cluster, sample: KubeObject, n: number, ns: string): Promise<{ port: number; stop: () => void }> {
  const pkiDir = join(c.dir, 'pki');
  const certFile = join(pkiDir, 'apiserver.crt');
  const keyFile = join(pkiDir, 'apiserver.key');
  if (!existsSync(certFile) || !existsSync(keyFile)) throw new Error(`no apiserver certificate in ${pkiDir}`);
  const sampleFile = join(c.dir, 'bench-sample-pod.json');
  writeFileSync(sampleFile, JSON.stringify(sample));
  const server = spawn(process.execPath, ['-e', STREAM_SERVER], { env: { ...process.env, CERT: certFile, KEY: keyFile, SAMPLE: sampleFile, N: String(n), NS: ns }, stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve) => server.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  return { port, stop: () => server.kill() };
}

/** The merged kubeconfig with the cluster's server moved to the loopback stream server. */
function pointedAt(merged: MergedKubeconfig, port: number): MergedKubeconfig {
  const clusters = new Map(merged.clusters);
  const [name, cluster] = [...clusters.entries()][0]!;
  clusters.set(name, { ...cluster, server: `https://127.0.0.1:${port}` });
  return { ...merged, clusters };
}

/**
 * The floor under any watch pipeline in Node: JSON.parse alone of the same event lines the stream
 * server sends (same pods, same sizes), in this process, right after the pipeline ran. The ceiling
 * figures are printed against it, so a loaded machine shows as a lower floor, not as a slower
 * pipeline.
 */
function parseFloor(sample: KubeObject, n: number, ns: string): number {
  const lines: string[] = [];
  for (let i = 0; i < 1000; i++) {
    const o = structuredClone(sample);
    o.metadata = { ...o.metadata, name: `p-${String(i).padStart(3, '0')}`, namespace: ns, uid: `u-${i}`, resourceVersion: String(i + 2) };
    lines.push(JSON.stringify({ type: 'MODIFIED', object: o }));
  }
  let sink = 0;
  const t = process.hrtime.bigint();
  for (let i = 0; i < n; i++) sink += (JSON.parse(lines[i % 1000]!) as { type: string }).type.length;
  const ms = since(t);
  if (sink === 0) throw new Error('nothing parsed');
  return (n / ms) * 1000;
}

async function pipelineCeiling(c: Cluster, sample: KubeObject): Promise<void> {
  const n = 100_000;
  const server = await streamServer(c, sample, n, 'bench');
  const merged = await loadKubeconfigs([c.kubeconfig]);
  const transport = createTransport(pointedAt(merged, server.port), merged.currentContext!);
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
  const ms = since(t);
  await w.stop();
  await transport.close();
  server.stop();
  report({ name: 'watch events/s, pipeline ceiling (loopback stream → store)', value: (n / ms) * 1000, unit: 'events/s', reference: { name: 'JSON.parse alone of the same lines', value: parseFloor(sample, n, 'bench') }, goal: '≥ 20,000' });
  note(`${n} MODIFIED events of realistic pods (${Math.round(JSON.stringify(sample).length / 100) / 10} KB each) over HTTPS → transport → reflector → store; ${delivered} object changes delivered after coalescing`);
}

/**
 * Routes the pod collection of one namespace to the loopback stream server and everything else
 * (version, discovery, namespaces, other kinds) to the real cluster: the model runs unchanged.
 */
function splitTransport(real: KubeTransport, stream: KubeTransport, streamPath: string): KubeTransport {
  const pick = (req: KubeRequest): KubeTransport => (req.path === streamPath || req.path === '/api/v1/pods' ? stream : real);
  return {
    server: real.server,
    request: (req) => pick(req).request(req),
    exchange: (req) => pick(req).exchange(req),
    streamLines: (req) => pick(req).streamLines(req),
    close: async () => {
      await Promise.all([real.close(), stream.close()]);
    },
  };
}

async function modelCeiling(c: Cluster, sample: KubeObject): Promise<void> {
  const n = 100_000;
  const ns = `bench-stream-${Date.now().toString(36)}`;
  await c.api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  const server = await streamServer(c, sample, n, ns);
  const merged = await loadKubeconfigs([c.kubeconfig]);
  const clusters = new ClusterManager((m, ctx) => splitTransport(createTransport(m, ctx), createTransport(pointedAt(m, server.port), ctx), `/api/v1/namespaces/${ns}/pods`), { minHealthyWatchMs: 0 });
  await clusters.setKubeconfig(merged);
  const model = new BrowseModel(clusters, NO_STATE);
  let fired = 0;
  let rendered = 0;
  let lastRender: Promise<unknown> = Promise.resolve();
  try {
    const ctxNode = model.roots()[0]!;
    const nsNode = await model.findChild(ctxNode, (x) => x.type === 'namespace' && x.label === ns);
    if (!nsNode) throw new Error(`namespace ${ns} not in the model`);
    const workloads = (await model.findChild(nsNode, (x) => x.label === 'Workloads'))!;
    const t = process.hrtime.bigint();
    // Expanding Workloads starts the namespace's pod watch, which the stream server feeds.
    const podsKind = (await model.findChild(workloads, (x) => x.resource?.kind === 'Pod'))!;
    await model.children(podsKind);
    // Like VS Code: every refreshed node is asked for its children again (here, sequentially).
    model.onDidChange((nodes) => {
      fired++;
      for (const node of nodes ?? [podsKind]) {
        lastRender = lastRender.then(async () => {
          if (node.collapsible) await model.children(node);
          rendered++;
        });
      }
    });
    // The first range (200 pods) is open, as a user looking at pods would have it.
    await waitFor(async () => (await model.children(podsKind)).some((x) => x.type === 'chunk'), { what: 'the streamed pods to fill ranges', timeoutMs: 60_000, intervalMs: 5 });
    const firstRange = (await model.children(podsKind))[0]!;
    await model.children(firstRange);
    const ctxName = clusters.currentContext(undefined)!;
    const st = clusters.session(ctxName)!.state;
    if (st.phase !== 'ready') throw new Error('not connected');
    // The namespace's own pod watch (namespaces are served by namespaced watches), fed by the stream.
    const w = clusters.hub.peek(ctxName, st.registry.get('pods')!, ns) ?? clusters.hub.peek(ctxName, st.registry.get('pods')!);
    if (!w) throw new Error(`no pod watch for ${ns}`);
    await waitFor(() => w.resourceVersion === 'done', { what: 'all streamed events processed', timeoutMs: 300_000, intervalMs: 5 });
    // Hand over what the watch and the model still hold in their batching windows, then let the
    // last re-renders finish.
    w.flush();
    model.flush();
    await lastRender;
    const ms = since(t);
    report({ name: 'watch events/s, pipeline ceiling through BrowseModel (Pods + first range open)', value: (n / ms) * 1000, unit: 'events/s', reference: { name: 'JSON.parse alone of the same lines', value: parseFloor(sample, n, ns) }, goal: '≥ 20,000' });
    note(`${n} events of 1,000 pods in one namespace; ${fired} model change events, ${rendered} node re-renders (children recomputed as VS Code would)`);
  } finally {
    model.dispose();
    await clusters.dispose();
    server.stop();
    await c.api.request('DELETE', `/api/v1/namespaces/${ns}`);
  }
}

// ---- 5. change → model event ---------------------------------------------------------------

async function treeLatency(c: Cluster, ns: string): Promise<void> {
  const pods = (await c.api.ok<{ items: KubeObject[] }>('GET', `/api/v1/namespaces/${ns}/pods`)).items.map((p) => p.metadata.name ?? '').sort();
  const ours = emptySamples();
  const ref = emptySamples();
  // Alternate: reference, ours, reference, ours.
  for (let round = 0; round < 2; round++) {
    addSamples(ref, await kubectlWatchLatency(c, ns, pods));
    addSamples(ours, await modelLatency(c, ns));
  }
  for (const k of OP_KINDS) reportPercentiles(`apiserver pod ${k} → BrowseModel change event`, ours[k], { name: 'kubectl get pods -w prints it', samples: ref[k] });
  note(`samples: ours ${OP_KINDS.map((k) => `${ours[k].length} ${k}`).join(', ')}; kubectl ${OP_KINDS.map((k) => `${ref[k].length} ${k}`).join(', ')}; random intervals 50–700 ms; seen = the fired node's rendering shows the change`);
}

// ---- 6. tree at scale ----------------------------------------------------------------------

async function treeAtScale(c: Cluster): Promise<void> {
  await ensureBigNamespace(c, 20_000);
  const stack = await realStack(c.kubeconfig, {});
  const model = new BrowseModel(stack.clusters, NO_STATE);
  try {
    const ctx = model.roots()[0]!;
    const nsNode = (await model.findChild(ctx, (n) => n.type === 'namespace' && n.label === BIG_NAMESPACE))!;
    const workloads = (await model.findChild(nsNode, (n) => n.label === 'Workloads'))!;
    // Counts: every Workloads kind watched cluster-wide (the pod watch lists every pod).
    let t = process.hrtime.bigint();
    const kinds = await model.children(workloads);
    const countsMs = since(t);
    const podsKind = kinds.find((n) => n.resource?.kind === 'Pod')!;
    t = process.hrtime.bigint();
    const ranges = await model.children(podsKind);
    const expandMs = since(t);
    const expandAgain: number[] = [];
    for (let i = 0; i < 5; i++) {
      t = process.hrtime.bigint();
      await model.children(podsKind);
      expandAgain.push(since(t));
    }
    const mid = ranges[Math.floor(ranges.length / 2)]!;
    const openRange: number[] = [];
    let rows: BrowseNode[] = [];
    for (let i = 0; i < 5; i++) {
      t = process.hrtime.bigint();
      rows = await model.children(mid);
      openRange.push(since(t));
    }
    const kubectlNs = await kubectlMs(c, ['-n', BIG_NAMESPACE, 'get', 'pods', '-o', 'name']);
    report({ name: `20,000 pods in one namespace: expand Workloads (counts, cold watches)`, value: countsMs, unit: 'ms', reference: { name: `kubectl -n ${BIG_NAMESPACE} get pods -o name`, value: kubectlNs } });
    report({ name: '20,000 pods in one namespace: expand Pods (100 ranges), first', value: expandMs, unit: 'ms' });
    report({ name: '20,000 pods in one namespace: expand Pods again (re-render)', value: median(expandAgain), unit: 'ms' });
    report({ name: '20,000 pods in one namespace: open a range (200 rows)', value: median(openRange), unit: 'ms' });
    // One change → which node fires, and how long until the range re-renders with it.
    const target = rows[Math.floor(rows.length / 2)]!;
    const lat: number[] = [];
    const renders: number[] = [];
    const fired: string[] = [];
    for (let i = 0; i < 10; i++) {
      const stamp = `S${Date.now().toString(36)}${i}`;
      const seen = new Promise<number>((resolve) => {
        const sub = model.onDidChange((nodes) => {
          if (!nodes?.some((n) => n === target || n === mid || n === podsKind)) return;
          fired.push(...(nodes ?? []).map((n) => (n === target ? 'pod row' : n === mid ? 'its range' : n === podsKind ? 'the kind (all ranges)' : n.type)));
          sub.dispose();
          resolve(performance.timeOrigin + performance.now());
        });
      });
      const t0 = performance.timeOrigin + performance.now();
      await c.api.ok('PATCH', `/api/v1/namespaces/${BIG_NAMESPACE}/pods/${target.label}/status`, { status: { reason: stamp } }, 'application/merge-patch+json');
      lat.push((await seen) - t0);
      t = process.hrtime.bigint();
      await model.children(mid);
      renders.push(since(t));
      await pause(jitter(50, 700));
    }
    report({ name: '20,000 pods in one namespace: one pod change → its row refreshed, p50', value: percentile(lat, 50), unit: 'ms' });
    report({ name: '20,000 pods in one namespace: re-render of the range after a change', value: median(renders), unit: 'ms' });
    note(`refreshed: ${[...new Set(fired)].join(', ')}; ${ranges.length} ranges; expand again ${expandAgain.map(Math.round).join('/')} ms, open range ${openRange.map(Math.round).join('/')} ms`);
  } finally {
    model.dispose();
    await stack.close();
  }
}

// ---- 7. sockets ----------------------------------------------------------------------------

async function sockets(c: Cluster): Promise<void> {
  const stack = await realStack(c.kubeconfig, {});
  const model = new BrowseModel(stack.clusters, NO_STATE);
  try {
    const ctx = model.roots()[0]!;
    const seeded = (await c.api.ok<{ items: { metadata: { name: string } }[] }>('GET', '/api/v1/namespaces?labelSelector=kube-atlas.dev%2Fseed')).items.map((n) => n.metadata.name).sort().slice(0, 5);
    // findChild looks inside ranges (more namespaces than a page).
    const namespaces: BrowseNode[] = [];
    for (const name of seeded) {
      const n = await model.findChild(ctx, (x) => x.type === 'namespace' && x.label === name);
      if (n) namespaces.push(n);
    }
    for (const ns of namespaces) {
      for (const group of await model.children(ns)) {
        if (group.label === 'Workloads' || group.label === 'Network') await model.children(group);
      }
    }
    const kinds = new Set(stack.clusters.hub.keys().map((k) => k.split('|')[1]));
    const port = Number(new URL(stack.transport.server).port);
    const conns = connectionsTo(process.pid, port);
    report({ name: `TCP connections to the apiserver, ${kinds.size} kinds × ${namespaces.length} namespaces open (model in Node)`, value: conns.length, unit: 'sockets', reference: { name: 'watches running', value: stack.clusters.hub.size } });
    note(`kinds watched: ${[...kinds].sort().join(', ')}`);
  } finally {
    model.dispose();
    await stack.close();
  }
}

async function main(): Promise<void> {
  const dir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  if (!dir) throw new Error('run through bench/run.mjs (it starts or attaches a cluster)');
  const c = attachCluster(dir);
  const only = process.env.KUBE_ATLAS_BENCH_FIGURES?.split(',').filter(Boolean);
  const want = (f: string): boolean => !only?.length || only.includes(f);
  const busy = await seededNamespace(c);
  if (want('start')) note(`cluster: ${await startToCache(c)} pods`);
  if (want('heap')) await heapPerPod(c, busy);
  if (want('burst')) await burst(c, busy);
  if (want('ceiling') || want('model-ceiling')) {
    const sample = (await c.api.ok<{ items: KubeObject[] }>('GET', `/api/v1/namespaces/${busy}/pods?limit=1`)).items[0];
    if (sample && want('ceiling')) await pipelineCeiling(c, sample);
    if (sample) await modelCeiling(c, sample);
  }
  if (want('tree')) await treeLatency(c, busy);
  if (want('sockets')) await sockets(c);
  if (want('scale')) {
    try {
      await treeAtScale(c);
    } finally {
      if (process.env.KUBE_ATLAS_BENCH_KEEP_BIG !== '1') await removeBigNamespace(c);
    }
  }
  c.closeClients();
}

runBench(main);
