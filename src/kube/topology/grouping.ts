// Large namespaces stay readable: above a threshold, the healthy pods of an EndpointSlice are drawn
// as one group ("48 pods") with an edge per node they run on, and expand on demand. Pods with a
// problem, pods listed by several slices and pods only selected (not in a slice) stay visible on
// their own: what needs attention is never folded away. Then, per cluster Node: when more pods
// than a threshold are still drawn on one node (many small Services, or no slices layer at all),
// its healthy ones fold into a node group with an edge from each slice or Service that reaches
// them ("12 pods"); pods of a slice the user expanded stay out of it.
//
// GroupedView is the graph as drawn: the raw graph (rawGraph.ts) minus folded pods, plus groups.
// It is kept up to date from what the model touched: only the slices and nodes whose members may
// have changed are regrouped, only the elements whose drawn form changed are recorded for the diff.
import { type GraphDiff, sameElement } from './graphDiff';
import { edgeId, type TopoEdge, type TopoGraph, type TopoNode } from './graphTypes';
import { type RawGraph, sameEdge, type Touched } from './rawGraph';

/** The group of a slice (`EndpointSlice:ns/name` → `PodGroup:ns/name`) or of a Node (`Node:n` → `PodGroup:n`). */
export function groupId(of: string): string {
  return `PodGroup:${of.slice(of.indexOf(':') + 1)}`;
}

export interface GroupOptions {
  /** Pods per slice above which its healthy pods fold into a group. */
  above: number;
  /** Pods drawn on one Node above which its healthy ones fold into a group. */
  nodeAbove: number;
  /** Slices and Nodes the user expanded: their pods are drawn one by one. */
  expanded: ReadonlySet<string>;
}

interface Group {
  /** The slice or Node whose pods it folds. */
  of: string;
  bySlice: boolean;
  node: TopoNode;
  edges: TopoEdge[];
  members: string[];
}

export class GroupedView {
  /** The drawn elements, by id. */
  readonly nodes = new Map<string, TopoNode>();
  readonly edges = new Map<string, TopoEdge>();
  private readonly groups = new Map<string, Group>();
  private readonly groupNodes = new Map<string, TopoNode>();
  private readonly groupEdges = new Map<string, TopoEdge>();
  /** Pod id → the id of the group it is folded into. */
  private readonly folded = new Map<string, string>();
  /** Drawn elements changed since the last diff, each with what was drawn before (undefined: nothing). */
  private readonly beforeNodes = new Map<string, TopoNode | undefined>();
  private readonly beforeEdges = new Map<string, TopoEdge | undefined>();
  private sorted: TopoGraph | undefined;
  /** Off while the first build draws everything: there is no "before" to diff against. */
  private recording = false;

  constructor(
    private readonly raw: RawGraph,
    private readonly opts: GroupOptions,
  ) {}

  /** Draws the whole raw graph (the first build: no diff is kept for it, and every slice is grouped). */
  build(): void {
    const slices: string[] = [];
    const nodes: string[] = [];
    for (const [id, n] of this.raw.nodes) {
      if (n.kind === 'EndpointSlice') slices.push(id);
      else if (n.kind === 'Node') nodes.push(id);
    }
    const refold = new Set<string>();
    for (const s of slices) this.regroup(s, refold);
    for (const n of nodes) this.regroupNode(n, refold);
    for (const [id, n] of this.raw.nodes) if (!this.folded.has(id)) this.nodes.set(id, n);
    for (const [id, e] of this.raw.edges) if (!this.folded.has(e.from) && !this.folded.has(e.to)) this.edges.set(id, e);
    this.sorted = undefined;
    this.recording = true;
  }

  /** Brings the drawn graph up to date with what changed in the raw one, and with toggled slices. */
  update(t: Touched, toggled: Iterable<string> = []): void {
    const pods = new Set<string>();
    const slices = new Set<string>(toggled);
    for (const id of t.nodes) {
      if (id.startsWith('Pod:')) pods.add(id);
      else if (id.startsWith('EndpointSlice:')) slices.add(id);
    }
    const end = (id: string): void => {
      if (id.startsWith('Pod:')) pods.add(id);
      else if (id.startsWith('EndpointSlice:')) slices.add(id);
    };
    for (const e of t.edges.values()) {
      end(e.from);
      end(e.to);
    }
    // A pod's slice now, and the one whose group it was folded into.
    for (const p of pods) {
      const now = this.memberOf(p);
      if (now) slices.add(now);
      const was = this.folded.get(p);
      const of = was && this.groups.get(was)?.of;
      if (of) slices.add(of);
    }
    const refold = new Set<string>();
    for (const s of slices) this.regroup(s, refold);

    // Nodes whose pods in view or whose candidates may have changed: those of the pods above and
    // of the pods a slice group just took or let go, those a pod left (its runs-on edge went),
    // those whose group a pod was in, and every node a toggled slice's pods run on.
    const nodes = new Set<string>();
    const nodeOf = (p: string): void => {
      for (const eid of this.raw.outgoing.get(p) ?? []) {
        const e = this.raw.edges.get(eid);
        if (e?.kind === 'runs-on') nodes.add(e.to);
      }
      const g = this.groups.get(this.folded.get(p) ?? '');
      if (g && !g.bySlice) nodes.add(g.of);
    };
    for (const p of pods) nodeOf(p);
    for (const p of refold) nodeOf(p);
    for (const e of t.edges.values()) if (e.kind === 'runs-on') nodes.add(e.to);
    for (const id of toggled) {
      if (id.startsWith('Node:')) nodes.add(id);
      for (const eid of this.raw.outgoing.get(id) ?? []) nodeOf(this.raw.edges.get(eid)?.to ?? '');
    }
    for (const n of nodes) this.regroupNode(n, refold);

    for (const id of t.nodes) this.redrawNode(id);
    for (const id of t.edges.keys()) this.redrawEdge(id);
    for (const p of refold) {
      this.redrawNode(p);
      for (const id of this.raw.incoming.get(p) ?? []) this.redrawEdge(id);
      for (const id of this.raw.outgoing.get(p) ?? []) this.redrawEdge(id);
    }
  }

  /** What changed in the drawn graph since the last call (missing and notes are the model's). */
  takeDiff(): GraphDiff {
    const d: GraphDiff = { upsertNodes: [], removeNodes: [], upsertEdges: [], removeEdges: [] };
    for (const [id, before] of this.beforeNodes) {
      const now = this.nodes.get(id);
      if (!now) {
        if (before) d.removeNodes.push(id);
      } else if (!before || !sameElement(before, now)) d.upsertNodes.push(now);
    }
    for (const [id, before] of this.beforeEdges) {
      const now = this.edges.get(id);
      if (!now) {
        if (before) d.removeEdges.push(id);
      } else if (!before || !sameEdge(before, now)) d.upsertEdges.push(now);
    }
    this.beforeNodes.clear();
    this.beforeEdges.clear();
    return d;
  }

  /** Elements and edges sorted by id (built once per change). */
  sortedGraph(): Pick<TopoGraph, 'nodes' | 'edges'> {
    this.sorted ??= { nodes: [...this.nodes.values()].sort(byId), edges: [...this.edges.values()].sort(byId), missing: [], notes: [] };
    return this.sorted;
  }

  /**
   * The slice whose group a pod may join: a healthy pod whose only way in is one ready, not
   * terminating endpoint of that slice.
   */
  private memberOf(podId: string): string | undefined {
    const n = this.raw.nodes.get(podId);
    if (n?.kind !== 'Pod' || n.health !== 'ok' || n.ghost) return undefined;
    const ins = this.raw.incoming.get(podId);
    if (ins?.length !== 1) return undefined;
    const e = this.raw.edges.get(ins[0]!);
    if (e?.kind !== 'endpoint' || e.ready === false || e.terminating) return undefined;
    return e.from;
  }

  private regroup(sliceId: string, refold: Set<string>): void {
    const members: string[] = [];
    if (!this.opts.expanded.has(sliceId)) {
      for (const eid of this.raw.outgoing.get(sliceId) ?? []) {
        const to = this.raw.edges.get(eid)?.to;
        if (to && this.memberOf(to) === sliceId) members.push(to);
      }
    }
    const id = groupId(sliceId);
    this.setGroup(id, members.length > this.opts.above ? this.sliceGroup(sliceId, id, members.sort()) : undefined, refold);
  }

  /** A pod a node group may fold: healthy, reached only by ready endpoints or selectors, from no expanded slice. */
  private nodeCandidate(podId: string): boolean {
    const n = this.raw.nodes.get(podId);
    if (n?.kind !== 'Pod' || n.health !== 'ok' || n.ghost) return false;
    for (const eid of this.raw.incoming.get(podId) ?? []) {
      const e = this.raw.edges.get(eid);
      if (!e || this.opts.expanded.has(e.from)) return false;
      if (e.kind === 'endpoint' ? e.ready === false || e.terminating : e.kind !== 'selects') return false;
    }
    return true;
  }

  private regroupNode(nodeId: string, refold: Set<string>): void {
    const members: string[] = [];
    let inView = 0;
    if (!this.opts.expanded.has(nodeId)) {
      for (const eid of this.raw.incoming.get(nodeId) ?? []) {
        const e = this.raw.edges.get(eid);
        if (e?.kind !== 'runs-on' || this.groups.get(this.folded.get(e.from) ?? '')?.bySlice) continue;
        inView++;
        if (this.nodeCandidate(e.from)) members.push(e.from);
      }
    }
    const id = groupId(nodeId);
    this.setGroup(id, inView > this.opts.nodeAbove && members.length > 1 ? this.nodeGroup(nodeId, id, members.sort()) : undefined, refold);
  }

  /** Replaces group `id` (undefined: none), folding and unfolding its members; `refold` gets the pods that moved. */
  private setGroup(id: string, next: Group | undefined, refold: Set<string>): void {
    const old = this.groups.get(id);
    const stay = new Set(next?.members);
    for (const p of old?.members ?? []) {
      if (stay.has(p) || this.folded.get(p) !== id) continue;
      this.folded.delete(p);
      refold.add(p);
    }
    for (const p of next?.members ?? []) {
      if (this.folded.get(p) === id) continue;
      this.folded.set(p, id);
      refold.add(p);
    }
    for (const e of old?.edges ?? []) this.groupEdges.delete(e.id);
    this.groupNodes.delete(id);
    if (next) {
      this.groups.set(id, next);
      this.groupNodes.set(id, next.node);
      for (const e of next.edges) this.groupEdges.set(e.id, e);
    } else this.groups.delete(id);
    this.redrawNode(id);
    for (const e of old?.edges ?? []) this.redrawEdge(e.id);
    for (const e of next?.edges ?? []) this.redrawEdge(e.id);
  }

  private nodeGroup(nodeId: string, id: string, members: string[]): Group {
    // One edge per slice or Service that reaches the members, with how many it reaches.
    const from = new Map<string, { kind: TopoEdge['kind']; count: number }>();
    const namespaces = new Set<string | undefined>();
    for (const p of members) {
      namespaces.add(this.raw.nodes.get(p)?.namespace);
      for (const eid of this.raw.incoming.get(p) ?? []) {
        const e = this.raw.edges.get(eid)!;
        const had = from.get(e.from);
        if (had) had.count++;
        else from.set(e.from, { kind: e.kind, count: 1 });
      }
    }
    const name = nodeId.slice('Node:'.length);
    const node: TopoNode = {
      id,
      kind: 'PodGroup',
      name: `${members.length} pods`,
      namespace: namespaces.size === 1 ? [...namespaces][0] : undefined,
      health: 'ok',
      status: 'all ready',
      problems: [],
      details: [
        ['Node', name],
        ['Reached from', `${from.size} ${from.size === 1 ? 'slice or Service' : 'slices or Services'}`],
      ],
      count: members.length,
      groupOf: nodeId,
    };
    const edges: TopoEdge[] = [];
    for (const [src, { kind, count }] of from) {
      const label = `${count} pods`;
      edges.push(kind === 'endpoint' ? { id: edgeId(src, id), from: src, to: id, kind, ready: true, serving: true, terminating: false, label } : { id: edgeId(src, id), from: src, to: id, kind, label });
    }
    edges.push({ id: edgeId(id, nodeId), from: id, to: nodeId, kind: 'runs-on', label: `${members.length} pods` });
    return { of: nodeId, bySlice: false, node, edges, members };
  }

  private sliceGroup(sliceId: string, id: string, members: string[]): Group {
    const slice = this.raw.nodes.get(sliceId);
    const onNode = new Map<string, number>();
    let ports = '';
    for (const [i, p] of members.entries()) {
      if (i === 0) ports = this.raw.edges.get(this.raw.incoming.get(p)?.[0] ?? '')?.label ?? '';
      for (const eid of this.raw.outgoing.get(p) ?? []) {
        const e = this.raw.edges.get(eid);
        if (e?.kind === 'runs-on') onNode.set(e.to, (onNode.get(e.to) ?? 0) + 1);
      }
    }
    const node: TopoNode = {
      id,
      kind: 'PodGroup',
      name: `${members.length} pods`,
      namespace: slice?.namespace,
      health: 'ok',
      status: 'all ready',
      problems: [],
      details: [
        ['Slice', slice?.name ?? sliceId],
        ['Nodes', String(onNode.size)],
      ],
      count: members.length,
      groupOf: sliceId,
    };
    const edges: TopoEdge[] = [{ id: edgeId(sliceId, id), from: sliceId, to: id, kind: 'endpoint', ready: true, serving: true, terminating: false, label: ports }];
    for (const [n, count] of onNode) edges.push({ id: edgeId(id, n), from: id, to: n, kind: 'runs-on', label: `${count} pods` });
    return { of: sliceId, bySlice: true, node, edges, members };
  }

  /** Draws element `id` as it should be now: its raw form unless folded, or its group. */
  private redrawNode(id: string): void {
    const raw = this.raw.nodes.get(id);
    this.draw(this.nodes, this.beforeNodes, id, raw ? (this.folded.has(id) ? undefined : raw) : this.groupNodes.get(id));
  }

  private redrawEdge(id: string): void {
    const raw = this.raw.edges.get(id);
    this.draw(this.edges, this.beforeEdges, id, raw ? (this.folded.has(raw.from) || this.folded.has(raw.to) ? undefined : raw) : this.groupEdges.get(id));
  }

  private draw<T>(drawn: Map<string, T>, before: Map<string, T | undefined>, id: string, want: T | undefined): void {
    const had = drawn.get(id);
    if (had === want) return;
    if (this.recording && !before.has(id)) before.set(id, had);
    if (want) drawn.set(id, want);
    else drawn.delete(id);
    this.sorted = undefined;
  }
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
