// Kind rows and their objects: a group's kinds with their counts (the kinds are watched for that,
// built-in ones only), a kind's objects (or ranges of them past the page size), a range's slice,
// and the description a kind row shows (count, how many need attention, loading, usage).
import type { ResourceType, TreeGroup } from '../kinds/resourceType';
import type { Acquired } from '../watch/viewLeases';
import { tracksAttention } from './kindListings';
import { namespaceGroupNamed } from './namespaceChildren';
import { kindTooltip, makeKindNode, makeMessageNode } from './nodeFactory';
import { type BrowseNode, ids } from './nodes';
import { rangeNodes } from './treeRanges';
import type { TreeParts } from './treeParts';

/** Tree groups whose cluster-scoped kinds go under "Cluster Resources" (Nodes and Namespaces have their own places). */
const CLUSTER_LEVEL_GROUPS: readonly TreeGroup[] = ['Cluster', 'Storage', 'Access', 'Custom Resources', 'Other'];

export async function groupChildren(m: TreeParts, node: BrowseNode): Promise<BrowseNode[]> {
  const reg = await m.connectedRegistry(node.context);
  if (!reg || !node.group) return [];
  const extra = namespaceGroupNamed(node.group);
  if (extra) return (await extra.children(node, reg, m.groupDeps())).map((n) => m.keep(n, node));
  const clusterLevel = node.group === 'Cluster';
  const types = clusterLevel
    ? CLUSTER_LEVEL_GROUPS.flatMap((g) => reg.inGroup(g, false)).filter((t) => t.kind !== 'Node' && t.kind !== 'Namespace')
    : reg.inGroup(node.group as TreeGroup, true); // the namespace groups returned above
  const kindNodes = types.map((t) => m.keep(makeKindNode(node, t, node.namespace), node));
  // Counts for built-in kinds come from watching them; custom resources are watched only once
  // their own node is opened (a cluster can have hundreds of CRDs).
  await Promise.all(
    kindNodes.map(async (k) => {
      if (k.resource!.treeGroup === 'Custom Resources' || clusterLevel) return;
      const acquired = await m.acquire(node, node.context, k.resource!, node.namespace);
      describeKind(m, k, acquired);
    }),
  );
  return kindNodes;
}

export async function kindChildren(m: TreeParts, node: BrowseNode): Promise<BrowseNode[]> {
  const type = node.resource!;
  const acquired = await m.acquire(node, node.context, type, node.namespace);
  describeKind(m, node, acquired);
  if (!('watch' in acquired)) {
    const forbidden = 'forbidden' in acquired;
    const msg = m.keep(
      makeMessageNode(node, forbidden ? 'forbidden' : 'error', forbidden ? `Forbidden: cannot list ${type.plural}` : `Cannot list ${type.plural}`, forbidden ? `${acquired.message}\nAsk a cluster admin for list/watch on ${type.plural}.` : `${acquired.message}\n${acquired.hint ?? 'Kube Atlas keeps retrying.'}`),
      node,
    );
    return [msg];
  }
  const { watch, namespaced } = acquired;
  if (type.kind === 'Pod') await m.acquireEvents(node, node.namespace);
  m.usage.hold(node);
  const total = m.listings.count(watch, node.namespace, namespaced);
  if (total > m.pageSize()) return rangeNodes(m, node, total, (i) => m.listings.nameAt(watch, node.namespace, namespaced, i));
  const now = m.now();
  return m.listings.objects(watch, node.namespace, namespaced).map((o) => m.objectNode(ids.object(node.id, o.metadata.name ?? ''), node, type, o, now));
}

/** A range of a kind's objects. */
export async function objectRangeChildren(m: TreeParts, node: BrowseNode): Promise<BrowseNode[]> {
  const parent = node.parent!;
  const range = node.range!;
  const type: ResourceType = parent.resource!;
  const acquired = await m.acquire(node, parent.context, type, parent.namespace);
  if (!('watch' in acquired)) return [];
  const now = m.now();
  // Object ids hang off the kind node, not the chunk, so they survive re-chunking.
  return m.listings
    .slice(acquired.watch, parent.namespace, acquired.namespaced, range.start, range.end)
    .map((o) => m.objectNode(ids.object(parent.id, o.metadata.name ?? ''), node, type, o, now));
}

export function describeKind(m: TreeParts, node: BrowseNode, acquired: Acquired): void {
  if (!('watch' in acquired)) {
    node.description = 'forbidden' in acquired ? 'forbidden' : 'unavailable';
    node.severity = 'forbidden' in acquired ? 'warning' : 'error';
    node.icon = 'forbidden' in acquired ? 'lock' : 'error';
    return;
  }
  const { watch, namespaced } = acquired;
  const type = node.resource!;
  const count = m.listings.count(watch, node.namespace, namespaced);
  const bad = tracksAttention(type.kind, type.group) ? m.listings.attention(watch, node.namespace, namespaced, type.kind) : 0;
  const st = watch.status;
  const note = m.usage.kindNote(node);
  node.description = `${count}${bad ? ` · ${bad} need attention` : ''}${!st.synced ? ' · loading' : st.phase === 'backoff' ? ' · reconnecting' : ''}${note?.short ? ` · ${note.short}` : ''}`;
  node.tooltip = [kindTooltip(type), note?.line].filter(Boolean).join('\n');
  node.severity = bad ? 'warning' : undefined;
  node.icon = bad ? 'warning' : 'symbol-class';
}
