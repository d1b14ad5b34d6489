// A layered layout of our own: four columns in traffic order (Service | EndpointSlice | Pod |
// Node), rows on a grid. A snapshot is laid out whole (barycentre ordering: each column sorted by
// the mean row of its neighbours in the column before, then every element placed at the mean row
// of its pods, pushed down past the one above). A diff moves nothing that stays: a new element
// takes the free row nearest its neighbours' mean, a removed one leaves its row free. So a pod that
// comes or goes never makes the rest of the graph jump. See docs/architecture.md for why not elkjs.
import type { TopoEdge, TopoKind, TopoNode } from '../../src/kube/topology/graphTypes';

export const COLUMN: Record<TopoKind, number> = { Service: 0, EndpointSlice: 1, Pod: 2, PodGroup: 2, Node: 3 };
export const ROW_HEIGHT = 40;
export const COLUMN_WIDTH = 215;
export const BOX_WIDTH = 168;
export const BOX_HEIGHT = 30;

export interface Place {
  col: number;
  row: number;
}

export class Layout {
  readonly places = new Map<string, Place>();
  private readonly taken: Set<number>[] = [new Set(), new Set(), new Set(), new Set()];

  /** Lays out a whole graph (a snapshot): positions are recomputed from scratch. */
  full(nodes: readonly TopoNode[], edges: readonly TopoEdge[]): void {
    this.places.clear();
    for (const t of this.taken) t.clear();
    const nb = neighbours(edges);
    const cols: TopoNode[][] = [[], [], [], []];
    for (const n of nodes) cols[COLUMN[n.kind]]!.push(n);
    // Order: Services by name; every next column by the mean order of its left-hand neighbours.
    const order = new Map<string, number>();
    for (const [i, n] of cols[0]!.sort(byId).entries()) order.set(n.id, i);
    for (let c = 1; c < 4; c++) {
      const bary = new Map<string, number>();
      for (const n of cols[c]!) bary.set(n.id, mean((nb.get(n.id) ?? []).filter((m) => order.has(m) && (c !== 3 || !m.startsWith('Node:'))).map((m) => order.get(m)!)) ?? Number.MAX_SAFE_INTEGER);
      cols[c]!.sort((a, b) => bary.get(a.id)! - bary.get(b.id)! || byId(a, b));
      for (const [i, n] of cols[c]!.entries()) order.set(n.id, i);
    }
    // Rows: the pod column is dense; the others sit at the mean row of their pods (or next free).
    const row = new Map<string, number>();
    for (const [i, n] of cols[2]!.entries()) row.set(n.id, i);
    for (const c of [1, 0, 3]) {
      let next = 0;
      for (const n of cols[c]!) {
        const want = mean(reachRows(n.id, nb, row)) ?? next;
        const r = Math.max(next, Math.round(want));
        row.set(n.id, r);
        next = r + 1;
      }
    }
    for (const n of nodes) this.put(n.id, COLUMN[n.kind], row.get(n.id) ?? 0);
  }

  /** Places elements new to the graph without moving any other; forgets removed ones. */
  update(added: readonly TopoNode[], removed: readonly string[], edges: readonly TopoEdge[]): void {
    for (const id of removed) {
      const p = this.places.get(id);
      if (!p) continue;
      this.taken[p.col]!.delete(p.row);
      this.places.delete(id);
    }
    if (!added.length) return;
    const nb = neighbours(edges);
    const placedRow = new Map<string, number>();
    for (const [id, p] of this.places) placedRow.set(id, p.row);
    for (const n of [...added].sort((a, b) => COLUMN[a.kind] - COLUMN[b.kind] || byId(a, b))) {
      if (this.places.has(n.id)) continue;
      const col = COLUMN[n.kind];
      const want = mean((nb.get(n.id) ?? []).flatMap((m) => (placedRow.has(m) ? [placedRow.get(m)!] : []))) ?? this.end(col);
      const r = this.nearestFree(col, Math.round(want));
      this.put(n.id, col, r);
      placedRow.set(n.id, r);
    }
  }

  /** Rows used by any column (the drawing's height). */
  get rows(): number {
    let max = 0;
    for (const t of this.taken) for (const r of t) max = Math.max(max, r + 1);
    return max;
  }

  private put(id: string, col: number, row: number): void {
    this.places.set(id, { col, row });
    this.taken[col]!.add(row);
  }

  private end(col: number): number {
    let max = -1;
    for (const r of this.taken[col]!) max = Math.max(max, r);
    return max + 1;
  }

  private nearestFree(col: number, want: number): number {
    const t = this.taken[col]!;
    for (let d = 0; ; d++) {
      if (!t.has(want + d)) return want + d;
      if (want - d >= 0 && !t.has(want - d)) return want - d;
    }
  }
}

function neighbours(edges: readonly TopoEdge[]): Map<string, string[]> {
  const nb = new Map<string, string[]>();
  const add = (a: string, b: string): void => {
    const l = nb.get(a);
    if (l) l.push(b);
    else nb.set(a, [b]);
  };
  for (const e of edges) {
    add(e.from, e.to);
    add(e.to, e.from);
  }
  return nb;
}

/** Rows of the pods an element leads to or comes from (one hop, or two for a Service via its slices). */
function reachRows(id: string, nb: Map<string, string[]>, row: Map<string, number>): number[] {
  const direct = (nb.get(id) ?? []).filter((m) => m.startsWith('Pod') && row.has(m)).map((m) => row.get(m)!);
  if (direct.length) return direct;
  const out: number[] = [];
  for (const m of nb.get(id) ?? []) for (const k of nb.get(m) ?? []) if (k !== id && row.has(k)) out.push(row.get(k)!);
  return out;
}

function mean(xs: number[]): number | undefined {
  if (!xs.length) return undefined;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
