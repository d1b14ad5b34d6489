// Topology graph model: build time for a whole context of 20,000 pods / 2,000 Services / 500 Nodes,
// and the cost of one pod change (the pod and its slice, as the watches deliver them) until the
// diff is ready to post: the live path (TopologyModel.apply + takeDiff + JSON for postMessage).
// Synthetic stores indexed as the graph's watches are (the model is a function of the cache: no
// cluster needed for these figures). References, in the same run: the previous path, a full build
// per change diffed against the last graph; and Headlamp's published figures (5 s to load its map at
// 20,000 pods, 35–70 ms per incremental update at 2,000 pods), printed as ratios.
// Prints, never asserts. `npm run bench topology` (or `node --expose-gc out/bench/topology.bench.js`).
import { loadavg } from 'node:os';
import type { KubeObject } from '../src/kube/kinds/types';
import { buildGraph } from '../src/kube/topology/buildGraph';
import { diffGraphs } from '../src/kube/topology/graphDiff';
import type { TopoScope } from '../src/kube/topology/graphTypes';
import { TopologyModel } from '../src/kube/topology/graphModel';
import { type FixtureStores, node, pod, slice, stores, svc } from '../test/unit/fixtures/topology';
import { median, note, percentile, report, runBench, since } from './report';

const HEADLAMP_MAP_LOAD_MS = 5000;
const HEADLAMP_UPDATE_MS = { best: 35, worst: 70 };

interface Shape {
  namespaces: number;
  servicesPerNs: number;
  podsPerService: number;
  /** Endpoints per slice (the EndpointSlice controller's default maximum is 100). */
  perSlice: number;
  nodes: number;
}

const podName = (ns: string, s: number, p: number): string => `${ns}-svc-${s}-${p}`;
const sliceName = (s: number, k: number): string => `svc-${s}-${k}`;

function world(w: Shape): FixtureStores {
  const services: KubeObject[] = [];
  const slices: KubeObject[] = [];
  const pods: KubeObject[] = [];
  let i = 0;
  for (let n = 0; n < w.namespaces; n++) {
    const ns = `ns-${n}`;
    for (let s = 0; s < w.servicesPerNs; s++) {
      const app = `svc-${s}`;
      services.push(svc(app, { ns }));
      for (let p = 0; p < w.podsPerService; p++) pods.push(pod(podName(ns, s, p), { ns, labels: { app }, node: `node-${i++ % w.nodes}` }));
      for (let k = 0; k * w.perSlice < w.podsPerService; k++) {
        const eps = Array.from({ length: Math.min(w.perSlice, w.podsPerService - k * w.perSlice) }, (_, x) => ({ pod: podName(ns, s, k * w.perSlice + x) }));
        slices.push(slice(sliceName(s, k), app, eps, { ns }));
      }
    }
  }
  return stores({ services, slices, pods, nodes: Array.from({ length: w.nodes }, (_, k) => node(`node-${k}`)) });
}

/**
 * `count` changes: a pod of `ns-0` flips readiness and the slice that lists it follows, as the
 * watches report them. Ours: apply to the kept model, take the diff, serialise it for postMessage.
 * Reference: the previous path, a full build per change, diffed against the last one.
 */
function onePodChange(label: string, w: Shape, scope: TopoScope, count = 200): void {
  const s = world(w);
  const model = new TopologyModel(s, scope);
  let prev = buildGraph(s, scope);
  const ours: number[] = [];
  const rebuild: number[] = [];
  const bytes: number[] = [];
  const nodeOf = new Map([...s.pods.list()].map((p) => [p.metadata.name ?? '', (p.spec as { nodeName: string }).nodeName]));
  for (let k = 0; k < count; k++) {
    const sv = k % w.servicesPerNs;
    const p = (k * 7) % w.podsPerService;
    const ready = k % 2 === 1;
    const app = `svc-${sv}`;
    const name = podName('ns-0', sv, p);
    const oldPod = s.pods.get(`ns-0/${name}`)!;
    const newPod = pod(name, { ns: 'ns-0', labels: { app }, node: nodeOf.get(name), ready, rv: String(1000 + k) });
    s.pods.upsert(newPod);
    const sk = Math.floor(p / w.perSlice);
    const first = sk * w.perSlice;
    const eps = Array.from({ length: Math.min(w.perSlice, w.podsPerService - first) }, (_, x) => ({ pod: podName('ns-0', sv, first + x), ready: first + x !== p || ready }));
    const oldSlice = s.slices.get(`ns-0/${sliceName(sv, sk)}`)!;
    const newSlice = slice(sliceName(sv, sk), app, eps, { ns: 'ns-0', rv: String(1000 + k) });
    s.slices.upsert(newSlice);
    const t = process.hrtime.bigint();
    model.apply([
      { layer: 'Pod', changes: { added: [], deleted: [], updated: [{ old: oldPod, new: newPod }] } },
      { layer: 'EndpointSlice', changes: { added: [], deleted: [], updated: [{ old: oldSlice, new: newSlice }] } },
    ]);
    const json = JSON.stringify(model.takeDiff());
    ours.push(since(t));
    bytes.push(json.length);
    // Reference: the same change through a full build and a whole-graph diff (the previous path).
    const t2 = process.hrtime.bigint();
    const next = buildGraph(s, scope);
    JSON.stringify(diffGraphs(prev, next));
    rebuild.push(since(t2));
    prev = next;
  }
  const g = model.graph();
  note(`${label}: ${g.nodes.length} elements, ${g.edges.length} edges drawn (healthy pods grouped per slice above 50); diff ${percentile(bytes, 50)} B median vs whole graph ${JSON.stringify(g).length} B`);
  for (const q of [50, 95] as const) {
    const v = percentile(ours, q);
    report({ name: `one pod change → diff ready to post, ${label}, p${q}`, value: v, unit: 'ms', reference: { name: `full build + diff per change (same run), p${q}`, value: percentile(rebuild, q) } });
    report({ name: `  same, p${q}, against Headlamp's best reported update`, value: v, unit: 'ms', reference: { name: "Headlamp's 35 ms at 2,000 pods", value: HEADLAMP_UPDATE_MS.best } });
    report({ name: `  same, p${q}, against Headlamp's worst reported update`, value: v, unit: 'ms', reference: { name: "Headlamp's 70 ms at 2,000 pods", value: HEADLAMP_UPDATE_MS.worst } });
  }
}

async function main(): Promise<void> {
  // The machine may be shared: the in-run reference is the ratio to trust, Headlamp's are absolute.
  note(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  // 1. A whole context: 200 namespaces × 10 Services × 10 pods = 20,000 pods on 500 nodes.
  const big = world({ namespaces: 200, servicesPerNs: 10, podsPerService: 10, perSlice: 100, nodes: 500 });
  buildGraph(big, {}); // warm-up (JIT)
  const builds: number[] = [];
  let size = 0;
  for (let r = 0; r < 5; r++) {
    const t = process.hrtime.bigint();
    const g = buildGraph(big, {});
    builds.push(since(t));
    size = g.nodes.length + g.edges.length;
  }
  note(`context graph: ${size} elements (nodes + edges) for 20,000 pods, 2,000 Services, 2,000 slices, 500 Nodes`);
  report({ name: 'topology model build, 20,000 pods (median of 5)', value: median(builds), unit: 'ms', reference: { name: "Headlamp's reported map load at 20,000 pods", value: HEADLAMP_MAP_LOAD_MS } });

  // 2. One namespace of 2,000 pods: 20 Services × 100 pods (one slice each) on 50 nodes.
  onePodChange('2,000-pod namespace (20 Services × 100 pods)', { namespaces: 1, servicesPerNs: 20, podsPerService: 100, perSlice: 100, nodes: 50 }, { namespace: 'ns-0' });
  // 3. One Service of 2,000 pods in 20 slices of 100 (what the EndpointSlice controller makes).
  onePodChange('one 2,000-pod Service (20 slices × 100)', { namespaces: 1, servicesPerNs: 1, podsPerService: 2000, perSlice: 100, nodes: 50 }, { namespace: 'ns-0' });
  // 4. The whole 20,000-pod context graph (fewer samples: the reference rebuilds it all each time).
  onePodChange('20,000-pod context graph', { namespaces: 200, servicesPerNs: 10, podsPerService: 10, perSlice: 100, nodes: 500 }, {}, 20);
  note('Render timings in Chromium (first render, change → drawn): bench/topology-render.bench.ts.');
}

runBench(main);
