// The live graph is kept up to date change by change (TopologyModel.apply), not rebuilt: this
// proves that what it holds after any sequence of changes is exactly what a full build of the same
// cache gives, and that the diffs it emits, replayed on the first snapshot, give that graph too.
// Random worlds and random changes (seeded, so a failure replays): Services of every type with
// overlapping selectors, slices that list pods twice, by stale uids or without uids, pods that come,
// go, move, change labels or come back under a new uid, Nodes that fail, are cordoned or vanish;
// four scopes, missing layers, slice and node groups with low thresholds, expanded and folded again.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/kube/kinds/types';
import { objectKey } from '../../src/kube/kinds/types';
import { buildGraph } from '../../src/kube/topology/buildGraph';
import { applyDiff } from '../../src/kube/topology/graphDiff';
import type { TopoGraph, TopoScope } from '../../src/kube/topology/graphTypes';
import { type Layer, TopologyModel, type TopologyChange } from '../../src/kube/topology/graphModel';
import type { TopologyInput } from '../../src/kube/topology/sources';
import { ChangeAccumulator } from '../../src/kube/watch/changeSet';
import type { IndexedStore } from '../../src/kube/watch/store';
import { type EndpointSpec, type FixtureStores, node, pod, slice, stores, svc } from './fixtures/topology';

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NAMESPACES = ['a', 'b'];
const APPS = ['web', 'api', 'db'];
const NODES = ['n1', 'n2', 'n3', 'n4'];
const PODS = 14;

class World {
  readonly s: FixtureStores;
  private readonly acc = new Map<Layer, ChangeAccumulator>();
  private rv = 100;
  private uid = 0;

  constructor(private readonly r: () => number) {
    this.s = stores({ nodes: [] });
    for (const n of NODES) this.put('Node', node(n));
    for (const ns of NAMESPACES) {
      for (let i = 0; i < PODS; i++) this.put('Pod', this.randomPod(ns, `p${i}`));
      for (const app of APPS) this.put('Service', this.randomService(ns, app));
      for (const app of APPS) this.put('EndpointSlice', this.randomSlice(ns, `${app}-1`, app));
    }
  }

  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  store(layer: Layer): IndexedStore {
    return layer === 'Service' ? this.s.services : layer === 'EndpointSlice' ? this.s.slices : layer === 'Pod' ? this.s.pods : this.s.nodes;
  }

  /** One random change to the cache, recorded as its watch would report it. */
  step(): void {
    const x = this.r();
    const ns = this.pick(NAMESPACES);
    if (x < 0.35) {
      const name = `p${Math.floor(this.r() * PODS)}`;
      if (this.r() < 0.2) this.del('Pod', `${ns}/${name}`);
      else this.put('Pod', this.randomPod(ns, name));
    } else if (x < 0.5) {
      const app = this.pick([...APPS, 'gone']);
      const name = `${app}-${this.pick(['1', '2'])}`;
      if (this.r() < 0.15) this.del('EndpointSlice', `${ns}/${name}`);
      else this.put('EndpointSlice', this.randomSlice(ns, name, app));
    } else if (x < 0.62) {
      const app = this.pick([...APPS, 'extra']);
      if (this.r() < 0.2) this.del('Service', `${ns}/${app}`);
      else this.put('Service', this.randomService(ns, app));
    } else if (x < 0.95) {
      // The controller catches up: one slice lists exactly the pods the selector matches.
      const app = this.pick(APPS);
      const sel = (this.s.services.get(`${ns}/${app}`)?.spec as { selector?: Record<string, string> } | undefined)?.selector ?? { app };
      const eps = [...this.s.pods.list()].filter((p) => p.metadata.namespace === ns && Object.entries(sel).every(([k, v]) => p.metadata.labels?.[k] === v)).map((p) => this.endpointOf(p));
      this.put('EndpointSlice', slice(`${app}-1`, app, eps, { ns, rv: this.nextRv() }));
      if (this.r() < 0.5) this.del('EndpointSlice', `${ns}/${app}-2`);
    } else {
      const n = this.pick(NODES);
      if (this.r() < 0.1) this.del('Node', n);
      else this.put('Node', node(n, { ready: this.r() < 0.85, cordoned: this.r() < 0.1 }));
    }
  }

  /** What the watches delivered since the last call, one batch per layer. */
  take(): TopologyChange[] {
    const out: TopologyChange[] = [];
    for (const [layer, acc] of this.acc) if (!acc.isEmpty) out.push({ layer, changes: acc.take() });
    return out;
  }

  private endpointOf(p: KubeObject): EndpointSpec {
    const ready = (p.status as { conditions?: { status?: string }[] }).conditions?.[0]?.status === 'True';
    return { pod: p.metadata.name ?? '', uid: p.metadata.uid, ready, terminating: !!p.metadata.deletionTimestamp };
  }

  private randomPod(ns: string, name: string): KubeObject {
    const labels: Record<string, string> = {};
    if (this.r() < 0.85) labels.app = this.pick(APPS);
    if (this.r() < 0.5) labels.tier = this.pick(['front', 'back']);
    const p = pod(name, {
      ns,
      labels,
      node: this.r() < 0.9 ? this.pick(NODES) : null,
      ready: this.r() < 0.8,
      ip: this.r() < 0.9 ? '10.0.0.1' : null,
      terminating: this.r() < 0.05,
      rv: this.nextRv(),
    });
    // Uids are unique in a cluster (the fixture derives them from names, which repeat across
    // namespaces); now and then the pod comes back under a new uid (a StatefulSet's pod, recreated).
    p.metadata.uid = this.r() < 0.2 ? `uid-${ns}-${name}-${++this.uid}` : `uid-${ns}-${name}`;
    const had = this.s.pods.get(`${ns}/${name}`);
    if (had && this.r() < 0.8) p.metadata.uid = had.metadata.uid;
    return p;
  }

  private randomService(ns: string, app: string): KubeObject {
    const y = this.r();
    const selector: Record<string, string> | null = y < 0.2 ? null : y < 0.4 ? { app: this.pick(APPS), tier: this.pick(['front', 'back']) } : { app: this.r() < 0.8 ? app : this.pick(APPS) };
    const s = y < 0.1 ? svc(app, { ns, type: 'ExternalName', externalName: 'x.example.com', selector: null }) : svc(app, { ns, selector, clusterIP: this.r() < 0.15 ? 'None' : '10.96.0.10' });
    s.metadata.resourceVersion = this.nextRv();
    return s;
  }

  private randomSlice(ns: string, name: string, app: string): KubeObject {
    const eps: EndpointSpec[] = [];
    const n = Math.floor(this.r() * 8);
    for (let i = 0; i < n; i++) {
      const podName = this.r() < 0.9 ? `p${Math.floor(this.r() * PODS)}` : `old-${i}`;
      const live = this.s.pods.get(`${ns}/${podName}`);
      const z = this.r();
      // The live pod's uid, a stale one, or none at all (a slice made by hand).
      const uid = z < 0.75 ? (live?.metadata.uid ?? `uid-${ns}-${podName}`) : z < 0.9 ? `stale-${ns}-${i}` : '';
      eps.push({ pod: podName, uid, ready: this.r() < 0.8, terminating: this.r() < 0.1, ip: `10.1.0.${i}` });
    }
    const sl = slice(name, app, eps, { ns, rv: this.nextRv() });
    for (const ep of sl.endpoints as { targetRef: { uid?: string } }[]) if (!ep.targetRef.uid) delete ep.targetRef.uid;
    return sl;
  }

  private put(layer: Layer, o: KubeObject): void {
    const store = this.store(layer);
    const old = store.upsert(o);
    const acc = this.accOf(layer);
    if (old) acc.updated(objectKey(o), old, o);
    else acc.added(objectKey(o), o);
  }

  private del(layer: Layer, key: string): void {
    const old = this.store(layer).delete(key);
    if (old) this.accOf(layer).deleted(key, old);
  }

  private accOf(layer: Layer): ChangeAccumulator {
    let a = this.acc.get(layer);
    if (!a) {
      a = new ChangeAccumulator();
      this.acc.set(layer, a);
    }
    return a;
  }

  private nextRv(): string {
    return String(++this.rv);
  }
}

interface Variant {
  name: string;
  scope: TopoScope;
  input: (s: FixtureStores) => TopologyInput;
}

const VARIANTS: Variant[] = [
  { name: 'one namespace', scope: { namespace: 'a' }, input: (s) => s },
  { name: 'the whole context', scope: {}, input: (s) => s },
  { name: 'one Service', scope: { namespace: 'a', service: 'web' }, input: (s) => s },
  {
    name: 'no slices, no nodes (RBAC)',
    scope: { namespace: 'b' },
    input: (s) => ({ services: s.services, pods: s.pods, missing: [{ layer: 'EndpointSlice', reason: 'forbidden' }, { layer: 'Node', reason: 'forbidden' }] }),
  },
];

test('a graph kept up to date change by change equals a full build of the same cache, and its diffs replay to it', () => {
  let compared = 0;
  let grouped = 0;
  const perVariant = new Map<string, number>();
  /** Steps with a slice group, with a node group. */
  const seen = new Map<string, number>();
  for (const v of VARIANTS) {
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const r = rng(seed * 7919 + v.name.length);
      const w = new World(r);
      w.take();
      const expanded = new Set<string>();
      const opts = { groupAbove: 2, nodeGroupAbove: 3, expanded };
      const input = v.input(w.s);
      const model = new TopologyModel(input, v.scope, opts);
      let shown: TopoGraph = model.graph();
      for (let step = 0; step < 250; step++) {
        // One to four changes per batch, as a throttled watch delivers them.
        const n = 1 + Math.floor(r() * 4);
        for (let i = 0; i < n; i++) w.step();
        model.apply(w.take());
        if (r() < 0.1) {
          // Expand a group, or fold an expanded one again.
          const groups = model.graph().nodes.filter((x) => x.kind === 'PodGroup');
          const id = expanded.size && (r() < 0.5 || !groups.length) ? w.pick([...expanded]) : groups.length ? w.pick(groups).groupOf! : w.pick(['EndpointSlice:a/web-1', 'Node:n1']);
          const open = !expanded.has(id);
          if (open) expanded.add(id);
          else expanded.delete(id);
          model.setExpanded(id, open);
        }
        const now = model.graph();
        const fresh = buildGraph(input, v.scope, { groupAbove: 2, nodeGroupAbove: 3, expanded: new Set(expanded) });
        assert.deepEqual(now, fresh, `${v.name}, seed ${seed}, step ${step}: incremental = full build`);
        shown = applyDiff(shown, model.takeDiff());
        assert.deepEqual(shown, fresh, `${v.name}, seed ${seed}, step ${step}: snapshot + diffs = full build`);
        compared++;
        const kinds = new Set(now.nodes.filter((x) => x.kind === 'PodGroup').map((x) => x.groupOf?.split(':')[0] ?? '?'));
        for (const k of kinds) seen.set(k, (seen.get(k) ?? 0) + 1);
        if (kinds.size) grouped++;
        perVariant.set(v.name, (perVariant.get(v.name) ?? 0) + (kinds.size ? 1 : 0));
      }
    }
  }
  // The worlds must exercise what they claim to: groups formed in a good share of the steps.
  const says = `groups in ${grouped} of ${compared} steps (${[...seen].map(([k, n]) => `${k} groups in ${n}`).join(', ')}; per variant ${[...perVariant].map(([k, n]) => `${k}: ${n}`).join(', ')})`;
  assert.ok(grouped > compared / 10, says);
  assert.ok((seen.get('EndpointSlice') ?? 0) > compared / 20 && (seen.get('Node') ?? 0) > compared / 20, says);
});
