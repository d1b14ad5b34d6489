// A context's children: Nodes, the Cluster Resources folder, then its namespaces (filtered by the
// user's filter, in ranges past the page size), or what stops them: kubeconfig problems, a failed
// connection, a namespace list the user may not read.
import { visibleNamespaces } from '../watch/scopeFallback';
import { makeKindNode, makeMessageNode } from './nodeFactory';
import type { BrowseNode } from './nodes';
import { clusterFolderNode, namespaceNode } from './structureNodes';
import { rangeNodes } from './treeRanges';
import type { TreeParts } from './treeParts';

export async function contextChildren(m: TreeParts, node: BrowseNode): Promise<BrowseNode[]> {
  const merged = m.clusters.kubeconfig;
  const problems = merged?.problems.filter((p) => p.context === node.context) ?? [];
  if (problems.length) {
    return problems.map((p, i) => m.keep(makeMessageNode(node, 'error', p.message, [p.file ? `${p.file}${p.line ? `:${p.line}` : ''}` : '', p.hint].filter(Boolean).join('\n'), `problem-${i}`), node));
  }
  const session = m.clusters.session(node.context);
  if (!session) return [];
  const state = await session.connect();
  if (state.phase !== 'ready') {
    const err = state.phase === 'error' ? state.error : undefined;
    const msg = m.keep(makeMessageNode(node, 'error', err?.message ?? 'Not connected', err?.hint ?? 'Retry from the context menu.'), node);
    msg.contextValue = 'kubeAtlas.message.error:retry';
    msg.description = err?.hint ?? '';
    return [msg];
  }
  const reg = state.registry;
  const out: BrowseNode[] = [];
  const nodesType = reg.get('nodes');
  if (nodesType) out.push(m.keep(makeKindNode(node, nodesType, undefined), node));
  out.push(m.keep(clusterFolderNode(node), node));
  const nsType = reg.get('namespaces');
  if (!nsType) return out;
  const own = m.clusters.kubeconfig?.contexts.find((c) => c.name === node.context)?.namespace ?? 'default';
  const visible = await visibleNamespaces(m.leases, node.id, node.context, nsType, own);
  const filter = m.state.namespaceFilter(node.context)?.toLowerCase();
  const nsWatch = visible.watch;
  // Sorted the way the kind listings keep them (no sort per render).
  let names = nsWatch ? m.listings.objects(nsWatch, undefined, false).map((o) => o.metadata.name ?? '') : visible.names;
  let note: BrowseNode | undefined;
  if (visible.refused) {
    // Listing namespaces is forbidden for many users: the context's own namespace is shown.
    const { forbidden, message } = visible.refused;
    note = m.keep(makeMessageNode(node, forbidden ? 'forbidden' : 'error', forbidden ? 'Namespaces: listing is forbidden' : 'Namespaces could not be listed', `${message}\nShowing the context's namespace "${own}" only.`), node);
    note.description = `showing "${own}" only`;
  }
  if (filter) names = names.filter((n) => n.toLowerCase().includes(filter));
  const selectedNs = m.state.selectedNamespace(node.context);
  if (note) out.push(note);
  // Namespace nodes are made by whoever shows them (here, or a range node), so their parent is right.
  if (names.length <= m.pageSize()) out.push(...names.map((n) => m.keep(namespaceNode(node, n, nsWatch?.store.get(n), n === selectedNs), node)));
  else out.push(...rangeNodes(m, node, names.length, (i) => names[i] ?? '', 'namespaces'));
  return out;
}

/** A range of a context's namespaces, from a namespaces watch the range itself holds. */
export async function namespaceRangeChildren(m: TreeParts, node: BrowseNode): Promise<BrowseNode[]> {
  const parent = node.parent!;
  const range = node.range!;
  const nsType = (await m.connectedRegistry(parent.context))?.get('namespaces');
  const a = nsType ? await m.acquire(node, parent.context, nsType, undefined) : undefined;
  const w = a && 'watch' in a ? a.watch : undefined;
  const names = w ? m.listings.objects(w, undefined, false).map((o) => o.metadata.name ?? '') : [];
  const filter = m.state.namespaceFilter(parent.context)?.toLowerCase();
  const list = filter ? names.filter((n) => n.toLowerCase().includes(filter)) : names;
  const selectedNs = m.state.selectedNamespace(parent.context);
  return list.slice(range.start, range.end).map((n) => m.keep(namespaceNode(parent, n, w?.store.get(n), n === selectedNs), node));
}
