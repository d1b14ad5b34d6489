// The graph before grouping, kept as maps that the model edits in place, with the edges in and out
// of each element (grouping asks "which edges reach this pod") and a record of what was touched
// since the last look (grouping and the diff then visit only that). An element set again with the
// same content keeps its old object, so an unchanged element is never re-serialised downstream.
import { sameElement } from './graphDiff';
import type { TopoEdge, TopoNode } from './graphTypes';

export interface Touched {
  nodes: Set<string>;
  /** Edges added, changed or removed, each as it is now or, when removed, as it was. */
  edges: Map<string, TopoEdge>;
}

export class RawGraph {
  readonly nodes = new Map<string, TopoNode>();
  readonly edges = new Map<string, TopoEdge>();
  /** Element id → ids of the edges that end there (arrays: most hold one or two). */
  readonly incoming = new Map<string, string[]>();
  /** Element id → ids of the edges that start there. */
  readonly outgoing = new Map<string, string[]>();
  private touched: Touched = { nodes: new Set(), edges: new Map() };
  /** Off during a first build, which draws everything anyway. */
  tracking = true;

  setNode(n: TopoNode): void {
    const had = this.nodes.get(n.id);
    if (had && sameElement(had, n)) return;
    this.nodes.set(n.id, n);
    if (this.tracking) this.touched.nodes.add(n.id);
  }

  deleteNode(id: string): void {
    if (this.nodes.delete(id) && this.tracking) this.touched.nodes.add(id);
  }

  setEdge(e: TopoEdge): void {
    const had = this.edges.get(e.id);
    if (had && sameEdge(had, e)) return;
    this.edges.set(e.id, e);
    if (!had) {
      link(this.incoming, e.to, e.id);
      link(this.outgoing, e.from, e.id);
    }
    if (this.tracking) this.touched.edges.set(e.id, e);
  }

  deleteEdge(id: string): void {
    const had = this.edges.get(id);
    if (!had) return;
    this.edges.delete(id);
    unlink(this.incoming, had.to, id);
    unlink(this.outgoing, had.from, id);
    if (this.tracking) this.touched.edges.set(id, had);
  }

  /** What changed since the last call. */
  takeTouched(): Touched {
    const t = this.touched;
    this.touched = { nodes: new Set(), edges: new Map() };
    return t;
  }
}

/** Field by field: edges are many (one per endpoint) and all of one shape. */
export function sameEdge(a: TopoEdge, b: TopoEdge): boolean {
  return a === b || (a.id === b.id && a.from === b.from && a.to === b.to && a.kind === b.kind && a.ready === b.ready && a.serving === b.serving && a.terminating === b.terminating && a.label === b.label);
}

function link(m: Map<string, string[]>, k: string, id: string): void {
  const s = m.get(k);
  if (s) s.push(id);
  else m.set(k, [id]);
}

function unlink(m: Map<string, string[]>, k: string, id: string): void {
  const s = m.get(k);
  const i = s ? s.indexOf(id) : -1;
  if (i < 0) return;
  if (s!.length === 1) m.delete(k);
  else s!.splice(i, 1);
}
