// The topology webview: says "ready", draws the snapshot the host answers with, then applies
// diffs in place (the layout keeps everything that stays where it was). Clicks and keys ask the
// host to reveal an element in the tree or open its YAML; the host validates every request.
import type { GraphDiff } from '../../src/kube/topology/graphDiff';
import type { TopoEdge, TopoGraph, TopoNode } from '../../src/kube/topology/graphTypes';
import type { HostMessage, PanelScope, WebviewMessage } from '../../src/kube/topology/protocol';
import './graph.css';
import { COLUMN, Layout } from './layout';
import { banner, details, h, legend, toolbar } from './panels';
import { Renderer } from './render';

declare function acquireVsCodeApi(): { postMessage(m: WebviewMessage): void; setState(s: PanelScope): void; getState(): unknown };
const vscode = acquireVsCodeApi();

const app = document.getElementById('app') ?? document.body;
const bar = toolbar();
const bannerEl = h('div', { class: 'banner', role: 'status' });
const main = h('div', { class: 'main' });
const canvas = h('div', { class: 'canvas' });
const side = h('aside', { class: 'details', 'aria-live': 'polite' });
main.append(canvas, side);
const status = h('div', { class: 'empty' }, 'Loading…');
app.append(bar.root, bannerEl, legend(), status, main);

const layout = new Layout();
const renderer = new Renderer(canvas, layout);
const nodes = new Map<string, TopoNode>();
const edges = new Map<string, TopoEdge>();
const expanded = new Set<string>();
let selected: string | undefined;
const SNAPSHOT_DRAWN = 'kube-atlas:snapshot-drawn';
const SNAPSHOT_RECEIVED = 'kube-atlas:snapshot-received';

const actions = {
  reveal: (id: string) => vscode.postMessage({ type: 'reveal', id }),
  openYaml: (id: string) => vscode.postMessage({ type: 'openYaml', id }),
  expand: (of: string, open: boolean) => {
    if (open) expanded.add(of);
    else expanded.delete(of);
    vscode.postMessage({ type: 'expand', id: of, open });
  },
  isExpanded: (of: string) => expanded.has(of),
};

function showDetails(id: string | undefined): void {
  details(side, id ? nodes.get(id) : undefined, [...edges.values()], actions);
}

function snapshot(scope: PanelScope, g: TopoGraph): void {
  vscode.setState(scope);
  nodes.clear();
  edges.clear();
  renderer.clear();
  for (const n of g.nodes) nodes.set(n.id, n);
  for (const e of g.edges) edges.set(e.id, e);
  layout.full(g.nodes, g.edges);
  for (const n of g.nodes) renderer.upsertNode(n);
  for (const e of g.edges) renderer.upsertEdge(e);
  renderer.placeAll();
  banner(bannerEl, g);
  afterChange();
  // After the frame that paints it, a mark with the size drawn: how long a graph takes to show
  // (bench/topology-render.bench.ts reads it; one per snapshot, and snapshots are rare).
  requestAnimationFrame(() => setTimeout(() => performance.mark(SNAPSHOT_DRAWN, { detail: { elements: nodes.size, edges: edges.size } })));
}

let missingNow: Pick<TopoGraph, 'missing' | 'notes'> = { missing: [], notes: [] };
function diff(d: GraphDiff): void {
  for (const id of d.removeEdges) {
    edges.delete(id);
    renderer.removeEdge(id);
  }
  for (const id of d.removeNodes) {
    nodes.delete(id);
    renderer.removeNode(id);
  }
  const added = d.upsertNodes.filter((n) => !nodes.has(n.id));
  for (const n of d.upsertNodes) nodes.set(n.id, n);
  for (const e of d.upsertEdges) edges.set(e.id, e);
  layout.update(added, d.removeNodes, [...edges.values()]);
  for (const n of d.upsertNodes) renderer.upsertNode(n);
  for (const e of d.upsertEdges) renderer.upsertEdge(e);
  renderer.resize();
  if (d.missing || d.notes) {
    missingNow = { missing: d.missing ?? missingNow.missing, notes: d.notes ?? missingNow.notes };
    banner(bannerEl, missingNow);
  }
  afterChange();
}

function afterChange(): void {
  status.hidden = nodes.size > 0;
  if (!nodes.size) status.textContent = bannerEl.hidden ? 'No Services in this scope.' : 'Nothing to draw with the layers you may see.';
  applyFilter();
  if (selected && !nodes.has(selected)) selected = undefined;
  showDetails(selected);
}

function applyFilter(): void {
  const q = bar.search.value.trim().toLowerCase();
  const problems = bar.problemsOnly.checked;
  let shown = 0;
  for (const d of renderer.nodes.values()) {
    const n = d.node;
    const text = `${n.name} ${n.namespace ?? ''} ${n.status} ${n.problems.join(' ')}`.toLowerCase();
    const match = (!q || text.includes(q)) && (!problems || n.health !== 'ok');
    d.g.classList.toggle('dim', !match);
    if (match) shown++;
  }
  bar.count.textContent = q || problems ? `${shown} of ${nodes.size} match` : `${nodes.size} elements, ${edges.size} edges`;
}
bar.search.addEventListener('input', applyFilter);
bar.problemsOnly.addEventListener('change', applyFilter);
bar.search.addEventListener('keydown', (e) => {
  if (e.key !== 'Enter') return;
  const first = [...renderer.nodes.values()].find((d) => !d.g.classList.contains('dim'));
  first?.g.focus();
});

function idOf(t: EventTarget | null): string | undefined {
  return (t as Element | null)?.closest?.('g.node')?.getAttribute('data-id') ?? undefined;
}
canvas.addEventListener('mouseover', (e) => {
  const id = idOf(e.target);
  if (id) showDetails(id);
});
canvas.addEventListener('focusin', (e) => {
  selected = idOf(e.target);
  showDetails(selected);
});
canvas.addEventListener('click', (e) => {
  const id = idOf(e.target);
  if (!id) return;
  selected = id;
  const n = nodes.get(id);
  if (n?.kind === 'PodGroup' && n.groupOf) actions.expand(n.groupOf, true);
  else if (n && !n.ghost) actions.reveal(id);
});
canvas.addEventListener('keydown', (e) => {
  const id = idOf(e.target);
  const n = id ? nodes.get(id) : undefined;
  if (!id || !n) return;
  const next = e.key === 'ArrowUp' || e.key === 'ArrowDown' ? inColumn(id, e.key === 'ArrowDown' ? 1 : -1) : e.key === 'ArrowLeft' || e.key === 'ArrowRight' ? alongEdge(id, e.key === 'ArrowRight' ? 1 : -1) : undefined;
  if (next) {
    renderer.nodes.get(next)?.g.focus();
    e.preventDefault();
  } else if (e.key === 'Enter' && !n.ghost && n.kind !== 'PodGroup') actions.reveal(id);
  else if (e.key.toLowerCase() === 'y' && !n.ghost && n.kind !== 'PodGroup') actions.openYaml(id);
  else if (e.key.toLowerCase() === 'e' && n.kind === 'PodGroup' && n.groupOf) actions.expand(n.groupOf, true);
});

function inColumn(id: string, dir: 1 | -1): string | undefined {
  const p = layout.places.get(id);
  if (!p) return undefined;
  let best: string | undefined;
  let bestRow = dir > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  for (const [other, q] of layout.places) {
    if (q.col !== p.col || other === id) continue;
    if (dir > 0 ? q.row > p.row && q.row < bestRow : q.row < p.row && q.row > bestRow) {
      best = other;
      bestRow = q.row;
    }
  }
  return best;
}

function alongEdge(id: string, dir: 1 | -1): string | undefined {
  const col = COLUMN[nodes.get(id)!.kind];
  for (const e of edges.values()) {
    const other = e.from === id ? e.to : e.to === id ? e.from : undefined;
    const o = other ? nodes.get(other) : undefined;
    if (o && Math.sign(COLUMN[o.kind] - col) === dir) return other;
  }
  return undefined;
}

window.addEventListener('message', (e: MessageEvent<HostMessage>) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'snapshot') {
    performance.mark(SNAPSHOT_RECEIVED);
    missingNow = { missing: m.graph.missing, notes: m.graph.notes };
    snapshot(m.scope, m.graph);
  } else if (m.type === 'diff') diff(m.diff);
  else if (m.type === 'error') {
    status.hidden = false;
    status.textContent = m.message;
  }
});
showDetails(undefined);
performance.mark('kube-atlas:ready-sent');
vscode.postMessage({ type: 'ready' });
