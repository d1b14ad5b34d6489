// Draws the graph as SVG. Every cluster string goes in as a text node (textContent), never as
// markup: a name or description of "<img onerror=…>" shows as those characters. Geometry is set
// through attributes (the CSP has no 'unsafe-inline', so no style attributes).
import type { TopoEdge, TopoNode } from '../../src/kube/topology/graphTypes';
import { BOX_HEIGHT, BOX_WIDTH, COLUMN_WIDTH, type Layout, ROW_HEIGHT } from './layout';

const SVG = 'http://www.w3.org/2000/svg';
const PAD = 16;

export interface Drawn {
  g: SVGGElement;
  node: TopoNode;
}

export class Renderer {
  readonly svg: SVGSVGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  readonly nodes = new Map<string, Drawn>();
  readonly edges = new Map<string, { path: SVGPathElement; edge: TopoEdge }>();

  constructor(
    host: HTMLElement,
    private readonly layout: Layout,
  ) {
    this.svg = document.createElementNS(SVG, 'svg');
    this.svg.setAttribute('class', 'graph');
    this.svg.setAttribute('role', 'application');
    this.svg.setAttribute('aria-label', 'Service to EndpointSlice to Pod to Node graph');
    this.edgeLayer = el('g', { class: 'edges' });
    this.nodeLayer = el('g', { class: 'nodes' });
    this.svg.append(this.edgeLayer, this.nodeLayer);
    host.append(this.svg);
  }

  clear(): void {
    this.nodes.clear();
    this.edges.clear();
    this.edgeLayer.replaceChildren();
    this.nodeLayer.replaceChildren();
  }

  upsertNode(n: TopoNode): SVGGElement {
    const had = this.nodes.get(n.id);
    const g = had?.g ?? el('g', { tabindex: '0', role: 'button' });
    g.replaceChildren();
    g.setAttribute('class', `node kind-${n.kind} health-${n.health}${n.ghost ? ' ghost' : ''}`);
    g.dataset.id = n.id;
    g.setAttribute('aria-label', `${n.kind} ${n.namespace ? `${n.namespace}/` : ''}${n.name}: ${n.status}${n.problems.length ? `. ${n.problems.join('. ')}` : ''}`);
    const title = el('title', {});
    title.textContent = [`${n.kind} ${n.name}`, n.status, ...n.problems].join('\n');
    const box = el('rect', { width: String(BOX_WIDTH), height: String(BOX_HEIGHT), rx: '4', class: 'box' });
    const mark = el('rect', { width: '5', height: String(BOX_HEIGHT), rx: '2', class: 'mark' });
    const name = el('text', { x: '12', y: '13', class: 'name' });
    name.textContent = clip(n.name, 27);
    const status = el('text', { x: '12', y: '25', class: 'status' });
    status.textContent = clip(`${kindShort(n)} · ${n.status}`, 32);
    g.append(title, box, mark, name, status);
    if (n.problems.length) {
      const badge = el('text', { x: String(BOX_WIDTH - 14), y: '19', class: 'badge' });
      badge.textContent = n.health === 'info' ? 'i' : '!';
      g.append(badge);
    }
    if (!had) this.nodeLayer.append(g);
    this.nodes.set(n.id, { g, node: n });
    this.place(n.id);
    return g;
  }

  removeNode(id: string): void {
    this.nodes.get(id)?.g.remove();
    this.nodes.delete(id);
  }

  upsertEdge(e: TopoEdge): void {
    const had = this.edges.get(e.id);
    const path = had?.path ?? el('path', {});
    const state = e.kind === 'endpoint' ? (e.terminating ? ' terminating' : e.ready === false ? ' not-ready' : ' ready') : '';
    path.setAttribute('class', `edge edge-${e.kind}${state}`);
    path.replaceChildren();
    const title = el('title', {});
    title.textContent = edgeText(e);
    path.append(title);
    if (!had) this.edgeLayer.append(path);
    this.edges.set(e.id, { path, edge: e });
    this.route(e.id);
  }

  removeEdge(id: string): void {
    this.edges.get(id)?.path.remove();
    this.edges.delete(id);
  }

  /** Moves every element to its place and re-routes every edge (after a full layout). */
  placeAll(): void {
    for (const id of this.nodes.keys()) this.place(id);
    for (const id of this.edges.keys()) this.route(id);
    this.resize();
  }

  resize(): void {
    this.svg.setAttribute('width', String(PAD * 2 + COLUMN_WIDTH * 3 + BOX_WIDTH));
    this.svg.setAttribute('height', String(PAD * 2 + Math.max(1, this.layout.rows) * ROW_HEIGHT));
  }

  private place(id: string): void {
    const d = this.nodes.get(id);
    const p = this.layout.places.get(id);
    if (!d || !p) return;
    d.g.setAttribute('transform', `translate(${PAD + p.col * COLUMN_WIDTH},${PAD + p.row * ROW_HEIGHT})`);
  }

  private route(id: string): void {
    const d = this.edges.get(id);
    if (!d) return;
    const a = this.layout.places.get(d.edge.from);
    const b = this.layout.places.get(d.edge.to);
    if (!a || !b) return;
    const x1 = PAD + a.col * COLUMN_WIDTH + BOX_WIDTH;
    const y1 = PAD + a.row * ROW_HEIGHT + BOX_HEIGHT / 2;
    const x2 = PAD + b.col * COLUMN_WIDTH;
    const y2 = PAD + b.row * ROW_HEIGHT + BOX_HEIGHT / 2;
    const mid = (x1 + x2) / 2;
    d.path.setAttribute('d', `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`);
  }
}

export function edgeText(e: TopoEdge): string {
  if (e.kind === 'endpoint') {
    const flags = [e.ready === false ? 'not ready' : 'ready', e.serving === false ? 'not serving' : 'serving', e.terminating ? 'terminating' : ''].filter(Boolean).join(', ');
    return `endpoint: ${flags}${e.label ? ` · ${e.label}` : ''}`;
  }
  if (e.kind === 'selects') return 'selected by the Service, not in its EndpointSlices';
  if (e.kind === 'runs-on') return `runs on${e.label ? ` (${e.label})` : ''}`;
  return 'EndpointSlice of the Service';
}

function kindShort(n: TopoNode): string {
  return n.kind === 'EndpointSlice' ? 'slice' : n.kind === 'PodGroup' ? 'group' : n.kind.toLowerCase();
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}
