// An object row's children: a pod's containers, a CronJob's Jobs, and a workload's pods (through
// its ReplicaSets for a Deployment), up to a page of them, found with the watches' owner index.
import type { KubeObject } from '../kinds/types';
import { compareNames } from './kindListings';
import { makeContainerNodes, makeMessageNode } from './nodeFactory';
import { type BrowseNode, ids } from './nodes';
import type { TreeParts } from './treeParts';

export async function ownedChildren(m: TreeParts, node: BrowseNode): Promise<BrowseNode[]> {
  const obj = node.object!;
  const kind = node.resource!.kind;
  if (kind === 'Pod') return makeContainerNodes(node, obj, m.usage.podUsage(node.context, obj)).map((c) => m.keep(c, node));
  const reg = await m.connectedRegistry(node.context);
  const pods = reg?.get('pods');
  if (!reg || !pods || !obj.metadata.uid) return [];
  const ns = obj.metadata.namespace;
  const now = m.now();
  if (kind === 'CronJob') {
    const jobs = reg.get('jobs.batch');
    if (!jobs) return [];
    const a = await m.acquire(node, node.context, jobs, ns);
    if (!('watch' in a)) return [];
    const owned = a.watch.store.byIndex('owner', obj.metadata.uid).sort(byName);
    return owned.map((j) => m.objectNode(ids.child(node.id, 'job', j.metadata.name ?? ''), node, jobs, j, now));
  }
  let ownerUids = [obj.metadata.uid];
  if (kind === 'Deployment') {
    const rsType = reg.get('replicasets.apps');
    if (!rsType) return [];
    const rs = await m.acquire(node, node.context, rsType, ns);
    if (!('watch' in rs)) return [];
    ownerUids = rs.watch.store.byIndex('owner', obj.metadata.uid).flatMap((r) => (r.metadata.uid ? [r.metadata.uid] : []));
  }
  const [a] = await Promise.all([m.acquire(node, node.context, pods, ns), m.acquireEvents(node, ns)]);
  if (!('watch' in a)) {
    return [m.keep(makeMessageNode(node, 'forbidden' in a ? 'forbidden' : 'error', `Pods: ${a.message}`, ''), node)];
  }
  const owned = ownerUids.flatMap((u) => a.watch.store.byIndex('owner', u)).sort(byName);
  m.usage.hold(node);
  const size = m.pageSize();
  const shown = owned.slice(0, size).map((p) => m.objectNode(ids.child(node.id, 'pod', p.metadata.name ?? ''), node, pods, p, now));
  if (owned.length > size) {
    const more = m.keep(makeMessageNode(node, 'info', `${owned.length - size} more pods`, 'Open the Pods kind in this namespace to see them all.', 'more'), node);
    shown.push(more);
  }
  return shown;
}

function byName(a: KubeObject, b: KubeObject): number {
  return compareNames(a.metadata.name ?? '', b.metadata.name ?? '');
}
