// Topology graph model: build time for a whole context of 20,000 pods / 2,000 Services / 500 Nodes,
// and the cost of one pod change in a 2,000-pod namespace (rebuild + diff + the JSON posted to the
// webview), over synthetic stores indexed as the graph's watches are (the model is a pure function
// of the cache: no cluster needed for these figures). References: in the same run, posting the
// whole graph per change (rebuild + serialise it all); and Headlamp's published figures (5 s to load
// its map at 20,000 pods, 35–70 ms per incremental update at 2,000 pods), printed as ratios.
// Prints, never asserts. `npm run bench topology`.
import { loadavg } from 'node:os';
import type { KubeObject } from '../src/kube/kinds/types';
import { buildGraph } from '../src/kube/topology/buildGraph';
import { diffGraphs } from '../src/kube/topology/graphDiff';
import { type FixtureStores, node, pod, slice, stores, svc } from '../test/unit/fixtures/topology';
import { median, note, percentile, report, runBench, since } from './report';

const HEADLAMP_MAP_LOAD_MS = 5000;
const HEADLAMP_UPDATE_MS = { best: 35, worst: 70 };

function world(namespaces: number, servicesPerNs: number, podsPerService: number, nodes: number): FixtureStores {
  const services: KubeObject[] = [];
  const slices: KubeObject[] = [];
  const pods: KubeObject[] = [];
  let i = 0;
  for (let n = 0; n < namespaces; n++) {
    const ns = `ns-${n}`;
    for (let s = 0; s < servicesPerNs; s++) {
      const app = `svc-${s}`;
      services.push(svc(app, { ns }));
      const names: string[] = [];
      for (let p = 0; p < podsPerService; p++) {
        // Unique across namespaces: the fixtures derive uids from names.
        const name = `${ns}-${app}-${p}`;
        names.push(name);
        pods.push(pod(name, { ns, labels: { app }, node: `node-${i++ % nodes}` }));
      }
      slices.push(slice(`${app}-abc`, app, names.map((x) => ({ pod: x })), { ns }));
    }
  }
  return stores({ services, slices, pods, nodes: Array.from({ length: nodes }, (_, k) => node(`node-${k}`)) });
}

async function main(): Promise<void> {
  // The machine may be shared: the in-run reference is the ratio to trust, Headlamp's are absolute.
  note(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  // 1. A whole context: 200 namespaces × 10 Services × 10 pods = 20,000 pods on 500 nodes.
  const big = world(200, 10, 10, 500);
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

  // 2. One namespace of 2,000 pods (20 Services × 100 pods on 50 nodes): a pod flips readiness.
  const ns = world(1, 20, 100, 50);
  const scope = { namespace: 'ns-0' };
  let prev = buildGraph(ns, scope);
  const ours: number[] = [];
  const whole: number[] = [];
  const bytes: number[] = [];
  let wholeBytes = 0;
  for (let k = 0; k < 200; k++) {
    const s = k % 20;
    const p = (k * 7) % 100;
    const ready = k % 2 === 1;
    const app = `svc-${s}`;
    ns.pods.upsert(pod(`ns-0-${app}-${p}`, { ns: 'ns-0', labels: { app }, node: `node-${(s * 100 + p) % 50}`, ready, rv: String(1000 + k) }));
    const eps = Array.from({ length: 100 }, (_, x) => ({ pod: `ns-0-${app}-${x}`, ready: x !== p || ready }));
    ns.slices.upsert(slice(`${app}-abc`, app, eps, { ns: 'ns-0', rv: String(1000 + k) }));
    // Ours: rebuild, diff against what the webview has, serialise the diff for postMessage.
    const t = process.hrtime.bigint();
    const next = buildGraph(ns, scope);
    const json = JSON.stringify(diffGraphs(prev, next));
    ours.push(since(t));
    bytes.push(json.length);
    // Reference: the same rebuild, posting the whole graph instead.
    const t2 = process.hrtime.bigint();
    const again = buildGraph(ns, scope);
    wholeBytes = JSON.stringify(again).length;
    whole.push(since(t2));
    prev = next;
  }
  note(`namespace graph: ${prev.nodes.length} elements, ${prev.edges.length} edges (healthy pods grouped per slice above 50); diff ${percentile(bytes, 50)} B median vs whole graph ${wholeBytes} B`);
  for (const q of [50, 95] as const) {
    const v = percentile(ours, q);
    report({ name: `one pod change → diff ready to post, 2,000-pod namespace, p${q}`, value: v, unit: 'ms', reference: { name: `whole graph per change (same run), p${q}`, value: percentile(whole, q) } });
    report({ name: `  same, p${q}, against Headlamp's best reported update`, value: v, unit: 'ms', reference: { name: "Headlamp's 35 ms at 2,000 pods", value: HEADLAMP_UPDATE_MS.best } });
    report({ name: `  same, p${q}, against Headlamp's worst reported update`, value: v, unit: 'ms', reference: { name: "Headlamp's 70 ms at 2,000 pods", value: HEADLAMP_UPDATE_MS.worst } });
  }
  note('Not measured here: time to first render and change → rendered graph in headless Chromium (left for the workbench suite).');
}

runBench(main);
