// Large namespaces stay readable: above a threshold, the healthy pods of an EndpointSlice are drawn
// as one group ("48 pods") with an edge per node they run on, and expand on demand. Pods with a
// problem, pods listed by several slices and pods only selected (not in a slice) stay visible on
// their own: what needs attention is never folded away.
//
// GroupedView is the graph as drawn: the raw graph (rawGraph.ts) minus folded pods, plus groups.
// It is kept up to date from what the model touched: only the slices whose members may have
// changed are regrouped, only the elements whose drawn form changed are recorded for the diff.
import { type GraphDiff, sameElement } from './graphDiff';
import { edgeId, type TopoEdge, type TopoGraph, type TopoNode } from './graphTypes';
import { type RawGraph, sameEdge, type Touched } from './rawGraph';

export function groupId(sliceId: string): string {
  return `PodGroup:${sliceId.slice(sliceId.indexOf(':') + 1)}`;
}

export interface GroupOptions {
  /** Pods per slice above which its healthy pods fold into a group. */
  above: number;
  /** Slices the user expanded: their pods are drawn one by one. */
  expanded: ReadonlySet<string>;
}

interface Group {
  /** The slice it folds. */
  of: string;
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
    const slices = new Set<string>();
    for (const [id, n] of this.raw.nodes) if (n.kind === 'EndpointSlice') slices.add(id);
    const refold = new Set<string>();
    for (const s of slices) this.regroup(s, refold);
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
    const id = groupId(sliceId);
    const old = this.groups.get(id);
    const members: string[] = [];
    if (!this.opts.expanded.has(sliceId)) {
      for (const eid of this.raw.outgoing.get(sliceId) ?? []) {
        const to = this.raw.edges.get(eid)?.to;
        if (to && this.memberOf(to) === sliceId) members.push(to);
      }
    }
    const next = members.length > this.opts.above ? this.sliceGroup(sliceId, id, members.sort()) : undefined;
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
    };
    const edges: TopoEdge[] = [{ id: edgeId(sliceId, id), from: sliceId, to: id, kind: 'endpoint', ready: true, serving: true, terminating: false, label: ports }];
    for (const [n, count] of onNode) edges.push({ id: edgeId(id, n), from: id, to: n, kind: 'runs-on', label: `${count} pods` });
    return { of: sliceId, node, edges, members };
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
