// The HTML around the drawing: toolbar (search, problems-only), banner (layers the user may not
// see, notes), legend, and the details pane for the hovered or focused element. Text from the
// cluster is set with textContent only.
import type { TopoEdge, TopoGraph, TopoNode } from '../../src/kube/topology/graphTypes';
import { edgeText } from './render';

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

export interface Toolbar {
  root: HTMLElement;
  search: HTMLInputElement;
  problemsOnly: HTMLInputElement;
  count: HTMLElement;
}

export function toolbar(): Toolbar {
  const root = h('div', { class: 'toolbar' });
  const search = h('input', { type: 'search', placeholder: 'Filter by name, status or problem…', 'aria-label': 'Filter the graph' });
  const label = h('label', { class: 'check' });
  const problemsOnly = h('input', { type: 'checkbox', 'aria-label': 'Problems only' });
  label.append(problemsOnly, document.createTextNode(' Problems only'));
  const count = h('span', { class: 'count', 'aria-live': 'polite' });
  root.append(search, label, count);
  return { root, search, problemsOnly, count };
}

export function legend(): HTMLElement {
  const root = h('div', { class: 'legend', 'aria-label': 'Legend' });
  const items: [string, string][] = [
    ['swatch health-ok', 'healthy'],
    ['swatch health-info', 'note'],
    ['swatch health-warning', 'warning'],
    ['swatch health-error', 'problem'],
    ['line ready', 'ready endpoint'],
    ['line not-ready', 'not-ready endpoint'],
    ['line terminating', 'terminating'],
    ['line selects', 'selected, not in a slice'],
  ];
  for (const [cls, text] of items) {
    const item = h('span', { class: 'legend-item' });
    item.append(h('span', { class: cls }), document.createTextNode(text));
    root.append(item);
  }
  root.append(h('span', { class: 'legend-keys' }, 'Keys: ↑↓ within a column, ←→ along edges, Enter reveal in tree, Y open YAML, E expand a group'));
  return root;
}

export function banner(root: HTMLElement, g: Pick<TopoGraph, 'missing' | 'notes'>): void {
  root.replaceChildren();
  for (const m of g.missing) root.append(h('div', { class: 'missing' }, `${m.layer}s not shown: ${m.reason}`));
  for (const n of g.notes) root.append(h('div', { class: 'note' }, n));
  root.hidden = !g.missing.length && !g.notes.length;
}

export interface DetailActions {
  reveal(id: string): void;
  openYaml(id: string): void;
  /** `of`: the slice or Node whose pods a group folds. */
  expand(of: string, open: boolean): void;
  isExpanded(of: string): boolean;
}

/** Fills the details pane for one element, with its edges in words. */
export function details(root: HTMLElement, n: TopoNode | undefined, edges: readonly TopoEdge[], actions: DetailActions): void {
  root.replaceChildren();
  if (!n) {
    root.append(h('p', { class: 'hint' }, 'Hover or focus an element for details.'));
    return;
  }
  root.append(h('h2', {}, `${n.kind} ${n.name}`));
  if (n.namespace) root.append(h('div', { class: 'ns' }, `namespace ${n.namespace}`));
  root.append(h('div', { class: `state health-${n.health}` }, n.status));
  if (n.problems.length) {
    const ul = h('ul', { class: 'problems' });
    for (const p of n.problems) ul.append(h('li', {}, p));
    root.append(ul);
  }
  const dl = h('dl');
  for (const [k, v] of n.details) dl.append(h('dt', {}, k), h('dd', {}, v));
  root.append(dl);
  const touching = edges.filter((e) => e.from === n.id || e.to === n.id).slice(0, 20);
  if (touching.length) {
    const ul = h('ul', { class: 'edges-list' });
    for (const e of touching) ul.append(h('li', {}, `${e.from === n.id ? '→' : '←'} ${other(e, n.id)}: ${edgeText(e)}`));
    root.append(ul);
  }
  const buttons = h('div', { class: 'buttons' });
  if (n.kind !== 'PodGroup' && !n.ghost) {
    const reveal = h('button', {}, 'Reveal in tree');
    reveal.addEventListener('click', () => actions.reveal(n.id));
    const yaml = h('button', {}, 'Open YAML');
    yaml.addEventListener('click', () => actions.openYaml(n.id));
    buttons.append(reveal, yaml);
  }
  // A group's pods are shown by expanding its slice or Node; an expanded one can fold them again.
  const of = n.kind === 'PodGroup' ? n.groupOf : n.kind === 'EndpointSlice' || n.kind === 'Node' ? n.id : undefined;
  if (of && (n.kind === 'PodGroup' || actions.isExpanded(of))) {
    const open = n.kind === 'PodGroup';
    const b = h('button', {}, open ? 'Show these pods' : 'Group the pods again');
    b.addEventListener('click', () => actions.expand(of, open));
    buttons.append(b);
  }
  root.append(buttons);
}

function other(e: TopoEdge, id: string): string {
  const x = e.from === id ? e.to : e.from;
  return x.slice(x.indexOf(':') + 1);
}
