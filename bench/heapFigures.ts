// Heap per cached pod, for each way of holding pods we measured, on the seeded cluster:
//   whole objects (the reference) · slimmed (managedFields and last-applied dropped: before
//   issue 6) · projection (kinds/projection/podProjection.ts) without pooling · projection with
//   pooled strings · projection with pooled strings and shared sub-objects (what ships).
// Each variant: one cluster-wide pod watch through the real transport, synced, with the indexes
// the tree queries on pods (namespace for counts, owner for a workload's pods) built; heapUsed
// after a full GC minus before, divided by the pods cached. The peak during the list shows the
// garbage of parsing pages (what the process's RSS has to hold for a moment).
// Then the tree's real load: a namespace's Workloads group open in BrowseModel (7 kinds watched
// cluster-wide, the Pods kind and one Deployment expanded), per pod in the cluster.
import type { Cluster } from '../test/cluster/cluster.harness';
import { deepFreeze, InternPool, NO_POOL, type Pool } from '../src/kube/kinds/projection/internPool';
import { projectPod } from '../src/kube/kinds/projection/podProjection';
import type { KubeObject } from '../src/kube/kinds/types';
import { BrowseModel } from '../src/kube/tree/browseModel';
import type { BrowseNode } from '../src/kube/tree/nodes';
import { SharedWatch } from '../src/kube/watch/sharedWatch';
import { transportListerWatcher, type TransportListerWatcherOptions } from '../src/kube/watch/transportListerWatcher';
import { realStack } from '../test/support/realStack';
import { note, report } from './report';

const gc = (globalThis as { gc?: () => void }).gc;
const MB = 1024 * 1024;

interface Variant {
  name: string;
  lw: () => TransportListerWatcherOptions;
  /** The reflector's transform (SharedWatch slims by default). */
  transform?: (o: KubeObject) => KubeObject;
}

const stringsOnly = (): Pool => {
  const p = new InternPool();
  return { str: (s) => p.str(s), share: (v) => deepFreeze(v) };
};

const VARIANTS: Variant[] = [
  { name: 'whole objects', lw: () => ({ projection: null }), transform: (o) => o },
  { name: 'slimmed (managedFields, last-applied dropped; before issue 6)', lw: () => ({ projection: null }) },
  { name: 'projection, no pooling', lw: () => ({ projection: projectPod, pool: NO_POOL }) },
  { name: 'projection + pooled strings', lw: () => ({ projection: projectPod, pool: stringsOnly() }) },
  { name: 'projection + pooled strings + shared sub-objects (ships)', lw: () => ({}) },
];

function fullGc(): void {
  gc!();
  gc!();
}

interface Mem {
  heapUsed: number;
  heapTotal: number;
  rss: number;
}
const mem = (): Mem => {
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, heapTotal: m.heapTotal, rss: m.rss };
};
const grew = (a: Mem, b: Mem): string => `heapTotal +${((b.heapTotal - a.heapTotal) / MB).toFixed(0)} MB, RSS +${((b.rss - a.rss) / MB).toFixed(0)} MB`;

async function measureVariant(c: Cluster, v: Variant): Promise<{ perPod: number; count: number; peakMB: number; ms: number; grown: string }> {
  const stack = await realStack(c.kubeconfig);
  try {
    const type = stack.registry.get('pods')!;
    fullGc();
    const m0 = mem();
    const before = m0.heapUsed;
    let peak = before;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }, 2);
    const t = process.hrtime.bigint();
    const w = new SharedWatch(transportListerWatcher(stack.transport, type, undefined, v.lw()), v.transform ? { transform: v.transform } : {});
    w.start();
    await w.whenSynced();
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    clearInterval(sampler);
    // The indexes the tree builds on pods: namespace (kind counts), owner (a workload's pods).
    w.store.byIndex('namespace', 'default');
    w.store.byIndex('owner', 'none');
    fullGc();
    const m1 = mem();
    const after = m1.heapUsed;
    const count = w.store.size;
    await w.stop();
    return { perPod: (after - before) / count, count, peakMB: (peak - before) / MB, ms, grown: grew(m0, m1) };
  } finally {
    await stack.close();
  }
}

async function workloadsOpen(c: Cluster, ns: string): Promise<{ perPod: number; totalMB: number; watches: string[]; pods: number; grown: string }> {
  const stack = await realStack(c.kubeconfig, { lingerMs: 60_000, batchMs: 20 });
  const model = new BrowseModel(stack.clusters, { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined });
  try {
    const find = async (parent: BrowseNode, pred: (n: BrowseNode) => boolean): Promise<BrowseNode> => {
      const hit = await model.findChild(parent, pred);
      if (!hit) throw new Error(`node not found under ${parent.id}`);
      return hit;
    };
    fullGc();
    const m0 = mem();
    const before = m0.heapUsed;
    const ctx = model.roots().find((n) => n.context === stack.context)!;
    const nsNode = await find(ctx, (n) => n.type === 'namespace' && n.label === ns);
    const workloads = await find(nsNode, (n) => n.label === 'Workloads');
    const kinds = await model.children(workloads);
    await model.children(kinds.find((k) => k.resource?.kind === 'Pod')!);
    const deps = await model.children(kinds.find((k) => k.resource?.kind === 'Deployment')!);
    if (deps[0]) await model.children(deps[0]);
    model.flush();
    fullGc();
    const m1 = mem();
    const after = m1.heapUsed;
    // A namespace is served by its own namespaced watch (a cluster-wide one only if some view runs it).
    const podType = stack.registry.get('pods')!;
    const pods = (stack.clusters.hub.peek(stack.context, podType, ns) ?? stack.clusters.hub.peek(stack.context, podType))?.store.size ?? Number.NaN;
    return { perPod: (after - before) / pods, totalMB: (after - before) / MB, watches: stack.clusters.hub.keys().map((k) => k.split('|')[1] ?? k), pods, grown: grew(m0, m1) };
  } finally {
    model.dispose();
    await stack.close();
  }
}

export async function heapFigures(c: Cluster, busyNamespace: string): Promise<void> {
  if (!gc) {
    note('heap figures need node --expose-gc (bench/run.mjs passes it)');
    return;
  }
  // The tree's load first, in a process that has not grown yet (so its RSS growth means something),
  // then the variants, what ships first and whole objects last.
  const wl = await workloadsOpen(c, busyNamespace);
  const results: { v: Variant; r: Awaited<ReturnType<typeof measureVariant>> }[] = [];
  for (const v of [...VARIANTS].reverse()) results.unshift({ v, r: await measureVariant(c, v) });
  const whole = results[0]!.r;
  const ships = results[results.length - 1]!.r;
  report({ name: 'heap per cached pod', value: ships.perPod, unit: 'bytes', reference: { name: 'whole objects kept', value: whole.perPod } });
  for (const { v, r } of results) {
    report({ name: `heap per cached pod, ${v.name}`, value: r.perPod, unit: 'bytes', reference: { name: 'whole objects kept', value: whole.perPod } });
    note(`${r.count} pods; list+sync ${Math.round(r.ms)} ms; heapUsed peak during the list +${r.peakMB.toFixed(0)} MB, kept ${((r.perPod * r.count) / MB).toFixed(1)} MB; ${r.grown}`);
  }
  report({ name: "heap of a namespace's Workloads open in the tree (its namespaced watches, indexes, nodes)", value: wl.totalMB, unit: 'MB' });
  report({ name: "heap per pod held, a namespace's Workloads open in the tree", value: wl.perPod, unit: 'bytes', reference: { name: 'pods alone, whole objects', value: whole.perPod } });
  note(`${wl.totalMB.toFixed(1)} MB for ${wl.pods} pods: ${wl.watches.length} watches (${wl.watches.join(', ')}), their indexes and the tree's nodes; ${wl.grown} (measured first, in a fresh process)`);
  note('RSS deltas of the variants after the first are those of a process that already grew (V8 keeps the pages it grew into)');
}
