// The topology graph of a scope, kept up to date change by change. A change batch recomputes only
// what it can affect, and the result is the graph a full build of the same cache gives
// (test/unit/topology-incremental.test.ts replays random changes against full builds):
// - a Service's fragment (fragment.ts: the Service, its slices and their edges) when the Service,
//   one of its slices, or a pod it reaches or selects changed in a way the fragment reads (the pod
//   came or went, changed uid or labels, or is one it only selects and so describes); within it,
//   only the slices that changed or whose target pods came or went, and the Service element;
// - a pod element (elements.ts) when the pod, its node's state, the slices listing it or what the
//   Services say of it changed; a Node element when the Node changed; a ghost when its endpoints did;
// - grouping (grouping.ts) for the slices whose members may have changed; the diff for the
//   elements whose drawn form changed.
// A full build is the same path with every Service in scope marked changed.
import type { KubeObject } from '../kinds/types';
import { objectKey } from '../kinds/types';
import type { ChangeSet } from '../watch/changeSet';
import { type GhostPart, ghostElement, ghostId, nodeElement, podElement } from './elements';
import { type Fragment, type SlicePart, serviceFragment } from './fragment';
import { type GraphDiff, sameElement } from './graphDiff';
import { edgeId, type TopoEdge, type TopoGraph, type TopoMissing, type TopoNode, type TopoScope } from './graphTypes';
import { GroupedView } from './grouping';
import { RawGraph } from './rawGraph';
import { endpointsOf, podNode, SERVICE_NAME_LABEL, selectorOf } from './readers';
import type { BuildOptions, TopologyInput } from './sources';

export type Layer = TopoMissing['layer'];

/** One watch's batch, with the layer it belongs to (the store already reflects it). */
export interface TopologyChange {
  layer: Layer;
  changes: Pick<ChangeSet, 'added' | 'updated' | 'deleted'>;
}

interface Dirty {
  fragments: Set<string>;
  /** Slice parts to rebuild although their slice object is the same (a target pod came or went). */
  slices: Set<string>;
  pods: Set<string>;
  ghosts: Set<string>;
  nodes: Set<string>;
}

export class TopologyModel {
  private readonly missing: ReadonlySet<Layer>;
  private readonly fragments = new Map<string, Fragment>();
  /** Pod key → the keys of the Services whose fragments reach it, once per part that does. */
  private readonly podRefs = new Map<string, string[]>();
  private readonly ghostRefs = new Map<string, string[]>();
  /** Pod key → the node it runs on, for pods in the graph. */
  private readonly podOn = new Map<string, string>();
  /** Node name → keys of the pods in the graph that run on it; its element while it has any. */
  private readonly nodeUsers = new Map<string, Set<string>>();
  private readonly nodeElems = new Map<string, TopoNode>();
  private readonly raw = new RawGraph();
  private readonly view: GroupedView;
  private readonly expanded: Set<string>;

  constructor(
    private readonly input: TopologyInput,
    private readonly scope: TopoScope = {},
    opts: BuildOptions = {},
  ) {
    this.missing = new Set((input.missing ?? []).map((m) => m.layer));
    this.expanded = new Set(opts.expanded ?? []);
    this.view = new GroupedView(this.raw, { above: opts.groupAbove ?? 50, nodeAbove: opts.nodeGroupAbove ?? 50, expanded: this.expanded });
    const d = dirty();
    for (const svc of this.servicesInScope()) d.fragments.add(objectKey(svc));
    this.raw.tracking = false;
    this.run(d, true);
    this.raw.tracking = true;
  }

  /** The graph as it is now, sorted by id. */
  graph(): TopoGraph {
    const g = this.view.sortedGraph();
    return { nodes: g.nodes, edges: g.edges, missing: [...(this.input.missing ?? [])], notes: [...(this.input.notes ?? [])] };
  }

  /** Applies change batches (the stores already hold their result). */
  apply(changes: readonly TopologyChange[]): void {
    const d = dirty();
    for (const { layer, changes: cs } of changes) {
      for (const o of cs.added) this.intake(layer, undefined, o, d);
      for (const u of cs.updated) this.intake(layer, u.old, u.new, d);
      for (const o of cs.deleted) this.intake(layer, o, undefined, d);
    }
    this.run(d);
  }

  /** Shows a group's pods one by one (or folds them again). */
  setExpanded(id: string, open: boolean): void {
    if (open === this.expanded.has(id)) return;
    if (open) this.expanded.add(id);
    else this.expanded.delete(id);
    this.view.update(this.raw.takeTouched(), [id]);
  }

  /** What changed in the drawn graph since the last call (or since the build). */
  takeDiff(): GraphDiff {
    return this.view.takeDiff();
  }

  private run(d: Dirty, first = false): void {
    for (const key of d.fragments) this.refragment(key, d);
    for (const key of d.pods) this.repod(key, d);
    for (const id of d.ghosts) this.reghost(id);
    for (const name of d.nodes) this.renode(name);
    if (first) this.view.build();
    else this.view.update(this.raw.takeTouched());
  }

  private intake(layer: Layer, old: KubeObject | undefined, now: KubeObject | undefined, d: Dirty): void {
    const o = (now ?? old)!;
    const ns = o.metadata.namespace ?? '';
    if (layer !== 'Node' && this.scope.namespace && ns !== this.scope.namespace) return;
    switch (layer) {
      case 'Service':
        if (this.inScope(objectKey(o))) d.fragments.add(objectKey(o));
        return;
      case 'EndpointSlice': {
        for (const x of [old, now]) {
          const svc = x?.metadata.labels?.[SERVICE_NAME_LABEL];
          if (svc && this.inScope(`${ns}/${svc}`)) d.fragments.add(`${ns}/${svc}`);
        }
        // Pods that this slice started or stopped listing: their "Listed in" changed.
        const was = targets(old);
        const is = targets(now);
        for (const [uid, key] of was) if (!is.has(uid)) d.pods.add(key);
        for (const [uid, key] of is) if (!was.has(uid)) d.pods.add(key);
        return;
      }
      case 'Pod': {
        const key = objectKey(o);
        d.pods.add(key);
        const refs = services(this.podRefs.get(key));
        if (old && now && old.metadata.uid === now.metadata.uid && sameLabels(old, now)) {
          // Still the same pod with the same labels: slices that list it read nothing of it that
          // changed; a Service that only selects it describes it.
          for (const f of refs) if (this.fragments.get(f)?.head.pods.has(key)) d.fragments.add(f);
          return;
        }
        // It came, went, or changed identity or labels: what lists it, points at its ghost or selects it.
        for (const f of refs) {
          d.fragments.add(f);
          for (const [sk, part] of this.fragments.get(f)?.slices ?? []) if (part.pods.has(key)) d.slices.add(sk);
        }
        const gid = ghostId(key);
        for (const f of services(this.ghostRefs.get(gid))) {
          d.fragments.add(f);
          for (const [sk, part] of this.fragments.get(f)?.slices ?? []) if (part.ghosts.has(gid)) d.slices.add(sk);
        }
        for (const x of [old, now]) if (x) for (const f of this.selecting(ns, x)) d.fragments.add(f);
        return;
      }
      case 'Node': {
        const name = o.metadata.name ?? '';
        const had = this.nodeElems.get(name);
        if (!had) return;
        const next = nodeElement(name, this.input.nodes);
        if (sameElement(had, next)) return;
        this.nodeElems.set(name, next);
        d.nodes.add(name);
        for (const p of this.nodeUsers.get(name) ?? []) d.pods.add(p);
        return;
      }
    }
  }

  /** Keys of the Services in scope whose selector matches the pod's labels. */
  private selecting(ns: string, pod: KubeObject): string[] {
    const candidates = this.scope.service ? [this.input.services?.get(`${ns}/${this.scope.service}`)] : (this.input.services?.byIndex('namespace', ns) ?? []);
    const labels = pod.metadata.labels ?? {};
    const out: string[] = [];
    for (const svc of candidates) {
      const sel = svc && selectorOf(svc);
      if (sel && Object.entries(sel).every(([k, v]) => labels[k] === v)) out.push(objectKey(svc));
    }
    return out;
  }

  private refragment(key: string, d: Dirty): void {
    const old = this.fragments.get(key);
    const svc = this.inScope(key) ? this.input.services?.get(key) : undefined;
    const reuse = (slice: KubeObject): SlicePart | undefined => {
      const sk = objectKey(slice);
      const part = old?.slices.get(sk);
      return part?.slice === slice && !d.slices.has(sk) ? part : undefined;
    };
    const next = svc ? serviceFragment(this.input, svc, this.missing, reuse) : undefined;
    if (next) this.fragments.set(key, next);
    else this.fragments.delete(key);

    for (const [sk, was] of old?.slices ?? []) {
      const is = next?.slices.get(sk);
      if (is !== was) this.replaceSlice(key, was, is, d);
    }
    for (const [sk, is] of next?.slices ?? []) if (!old?.slices.has(sk)) this.replaceSlice(key, undefined, is, d);

    const was = old?.head;
    const is = next?.head;
    this.replaceElements(was, is);
    for (const [p, r] of was?.pods ?? []) {
      const now = is?.pods.get(p);
      if (now && sameStrings(now.extras, r.extras)) continue;
      if (!now) unref(this.podRefs, p, key);
      d.pods.add(p);
    }
    for (const p of is?.pods.keys() ?? []) {
      if (was?.pods.has(p)) continue;
      ref(this.podRefs, p, key);
      d.pods.add(p);
    }
  }

  private replaceSlice(key: string, was: SlicePart | undefined, is: SlicePart | undefined, d: Dirty): void {
    this.replaceElements(was, is);
    for (const p of was?.pods ?? []) {
      if (is?.pods.has(p)) continue;
      unref(this.podRefs, p, key);
      d.pods.add(p);
    }
    for (const p of is?.pods ?? []) {
      if (was?.pods.has(p)) continue;
      ref(this.podRefs, p, key);
      d.pods.add(p);
    }
    for (const g of was?.ghosts.keys() ?? []) {
      unref(this.ghostRefs, g, key);
      d.ghosts.add(g);
    }
    for (const g of is?.ghosts.keys() ?? []) {
      ref(this.ghostRefs, g, key);
      d.ghosts.add(g);
    }
  }

  /** Swaps one part's elements and edges for another's (the raw graph keeps unchanged ones as they were). */
  private replaceElements(was: { nodes: TopoNode[]; edges: TopoEdge[] } | undefined, is: { nodes: TopoNode[]; edges: TopoEdge[] } | undefined): void {
    if (was?.nodes.length) {
      const keep = new Set(is?.nodes.map((n) => n.id));
      for (const n of was.nodes) if (!keep.has(n.id)) this.raw.deleteNode(n.id);
    }
    for (const n of is?.nodes ?? []) this.raw.setNode(n);
    if (was?.edges.length) {
      const keep = new Set(is?.edges.map((e) => e.id));
      for (const e of was.edges) if (!keep.has(e.id)) this.raw.deleteEdge(e.id);
    }
    for (const e of is?.edges ?? []) this.raw.setEdge(e);
  }

  private repod(key: string, d: Dirty): void {
    const id = `Pod:${key}`;
    const refs = this.podRefs.get(key);
    const pod = refs?.length ? this.input.pods?.get(key) : undefined;
    const was = this.podOn.get(key);
    const on = pod ? podNode(pod) : undefined;
    if (was !== on) {
      if (was) {
        this.raw.deleteEdge(edgeId(id, `Node:${was}`));
        this.unuse(was, key, d);
      }
      if (on) this.use(on, key, d);
    }
    if (!pod) {
      this.raw.deleteNode(id);
      return;
    }
    // Which slices list it, whatever Service they belong to (the slice watch's targetRef index).
    const listedIn = (this.input.slices?.byIndex('topology.target', pod.metadata.uid ?? '') ?? []).map((sl) => sl.metadata.name ?? '').sort();
    const extras: string[] = [];
    for (const f of services(refs)) {
      const x = this.fragments.get(f)?.head.pods.get(key)?.extras;
      if (x) extras.push(...x);
    }
    this.raw.setNode(podElement(pod, on ? this.nodeElems.get(on) : undefined, listedIn, extras));
    if (on) this.raw.setEdge({ id: edgeId(id, `Node:${on}`), from: id, to: `Node:${on}`, kind: 'runs-on' });
  }

  private reghost(id: string): void {
    const parts: GhostPart[] = [];
    for (const f of services(this.ghostRefs.get(id))) {
      for (const part of this.fragments.get(f)?.slices.values() ?? []) parts.push(...(part.ghosts.get(id) ?? []));
    }
    if (parts.length) this.raw.setNode(ghostElement(id, parts));
    else this.raw.deleteNode(id);
  }

  private renode(name: string): void {
    const n = this.nodeElems.get(name);
    if (n) this.raw.setNode(n);
    else this.raw.deleteNode(`Node:${name}`);
  }

  private use(node: string, pod: string, d: Dirty): void {
    this.podOn.set(pod, node);
    add(this.nodeUsers, node, pod);
    if (!this.nodeElems.has(node)) {
      this.nodeElems.set(node, nodeElement(node, this.input.nodes));
      d.nodes.add(node);
    }
  }

  private unuse(node: string, pod: string, d: Dirty): void {
    this.podOn.delete(pod);
    remove(this.nodeUsers, node, pod);
    if (this.nodeUsers.has(node)) return;
    this.nodeElems.delete(node);
    d.nodes.add(node);
  }

  private inScope(serviceKey: string): boolean {
    const { namespace, service } = this.scope;
    if (!namespace) return true;
    return service ? serviceKey === `${namespace}/${service}` : serviceKey.startsWith(`${namespace}/`);
  }

  private servicesInScope(): KubeObject[] {
    const services = this.input.services;
    if (!services) return [];
    const { namespace, service } = this.scope;
    if (namespace && service) {
      const s = services.get(`${namespace}/${service}`);
      return s ? [s] : [];
    }
    if (namespace) return services.byIndex('namespace', namespace);
    return [...services.list()];
  }
}

function dirty(): Dirty {
  return { fragments: new Set(), slices: new Set(), pods: new Set(), ghosts: new Set(), nodes: new Set() };
}

/** A slice's targets: pod uid → `namespace/name`. */
function targets(slice: KubeObject | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!slice) return out;
  for (const ep of endpointsOf(slice)) {
    const r = ep.targetRef;
    if (r?.uid && r.name) out.set(r.uid, `${r.namespace ?? slice.metadata.namespace ?? ''}/${r.name}`);
  }
  return out;
}

function sameLabels(a: KubeObject, b: KubeObject): boolean {
  const x = a.metadata.labels ?? {};
  const y = b.metadata.labels ?? {};
  const kx = Object.keys(x);
  return kx.length === Object.keys(y).length && kx.every((k) => x[k] === y[k]);
}

function sameStrings(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** Counts one more part of Service `svc` reaching `k` (an array: almost always one Service). */
function ref(m: Map<string, string[]>, k: string, svc: string): void {
  const refs = m.get(k);
  if (refs) refs.push(svc);
  else m.set(k, [svc]);
}

function unref(m: Map<string, string[]>, k: string, svc: string): void {
  const refs = m.get(k);
  const i = refs ? refs.indexOf(svc) : -1;
  if (i < 0) return;
  if (refs!.length === 1) m.delete(k);
  else refs!.splice(i, 1);
}

/** The Services in `refs`, each once, in key order (what they add to a shared element comes in that order). */
function services(refs: readonly string[] | undefined): readonly string[] {
  if (!refs || refs.length < 2) return refs ?? [];
  return [...new Set(refs)].sort();
}

function add(m: Map<string, Set<string>>, k: string, v: string): void {
  const s = m.get(k);
  if (s) s.add(v);
  else m.set(k, new Set([v]));
}

function remove(m: Map<string, Set<string>>, k: string, v: string): void {
  const s = m.get(k);
  if (!s) return;
  s.delete(v);
  if (!s.size) m.delete(k);
}
