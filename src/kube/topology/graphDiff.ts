// The webview gets the graph once, then only what changed: elements added or changed (whole,
// they are small) and ids removed. A pod that turns ready changes one node and one edge, so one
// change in a 2,000-pod namespace posts a few hundred bytes, not the graph.
import type { TopoEdge, TopoGraph, TopoMissing, TopoNode } from './graphTypes';

export interface GraphDiff {
  upsertNodes: TopoNode[];
  removeNodes: string[];
  upsertEdges: TopoEdge[];
  removeEdges: string[];
  /** Replaced as a whole when they changed (a few entries at most). */
  missing?: TopoMissing[];
  notes?: string[];
}

// Elements are compared by their JSON: they are plain data, built in a fixed field order. A
// signature is computed once per element object (graphs are immutable once built).
const signatures = new WeakMap<object, string>();
function sig(x: object): string {
  let s = signatures.get(x);
  if (s === undefined) {
    s = JSON.stringify(x);
    signatures.set(x, s);
  }
  return s;
}

/** Same content (element objects are plain data, built in a fixed field order). */
export function sameElement(a: object, b: object): boolean {
  return a === b || sig(a) === sig(b);
}

function diffById<T extends { id: string }>(prev: readonly T[], next: readonly T[]): { upsert: T[]; remove: string[] } {
  const old = new Map<string, T>();
  for (const x of prev) old.set(x.id, x);
  const upsert: T[] = [];
  for (const x of next) {
    const o = old.get(x.id);
    old.delete(x.id);
    if (!o || !sameElement(o, x)) upsert.push(x);
  }
  return { upsert, remove: [...old.keys()] };
}

export function diffGraphs(prev: TopoGraph, next: TopoGraph): GraphDiff {
  const n = diffById(prev.nodes, next.nodes);
  const e = diffById(prev.edges, next.edges);
  const d: GraphDiff = { upsertNodes: n.upsert, removeNodes: n.remove, upsertEdges: e.upsert, removeEdges: e.remove };
  if (JSON.stringify(prev.missing) !== JSON.stringify(next.missing)) d.missing = next.missing;
  if (JSON.stringify(prev.notes) !== JSON.stringify(next.notes)) d.notes = next.notes;
  return d;
}

export function isEmptyDiff(d: GraphDiff): boolean {
  return !d.upsertNodes.length && !d.removeNodes.length && !d.upsertEdges.length && !d.removeEdges.length && !d.missing && !d.notes;
}

/** The graph a diff leads to (the webview keeps its own maps; this is for tests and replays). */
export function applyDiff(g: TopoGraph, d: GraphDiff): TopoGraph {
  const nodes = new Map(g.nodes.map((x) => [x.id, x]));
  const edges = new Map(g.edges.map((x) => [x.id, x]));
  for (const id of d.removeNodes) nodes.delete(id);
  for (const id of d.removeEdges) edges.delete(id);
  for (const x of d.upsertNodes) nodes.set(x.id, x);
  for (const x of d.upsertEdges) edges.set(x.id, x);
  const byId = (a: { id: string }, b: { id: string }): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  return { nodes: [...nodes.values()].sort(byId), edges: [...edges.values()].sort(byId), missing: d.missing ?? g.missing, notes: d.notes ?? g.notes };
}
