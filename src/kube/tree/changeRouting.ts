// A watch's change set → the rows whose rendering it changes: kind rows whose counts moved, object
// rows showing a changed object (found by uid), their owners (a workload rolls its pods' causes up,
// through its ReplicaSets), namespace groups, and for an event the rows of the object it is about.
import { resourceId } from '../kinds/resourceType';
import { summarize } from '../kinds/summary';
import type { KubeObject } from '../kinds/types';
import type { ChangeSet } from '../watch/changeSet';
import type { LeasedWatch } from '../watch/viewLeases';
import { markNamespaceGroups } from './namespaceChildren';
import { ids } from './nodes';
import type { TreeParts } from './treeParts';

/** Maps a change set to the nodes whose rendering it changes. */
export function routeChangeSet(m: TreeParts, view: LeasedWatch, cs: ChangeSet): void {
  const ctx = view.context;
  const type = view.type;
  m.listings.apply(view.watch, cs, type.kind);
  markNamespaceGroups(m, ctx, type, cs);
  if (type.kind === 'Event') {
    routeEvents(m, cs);
    return;
  }
  if (type.kind === 'Pod') for (const o of cs.deleted) m.diagnosis.pods.forget(o.metadata.uid);
  const rid = resourceId(type);
  const touched = new Set<string | undefined>();
  for (const o of cs.added) touched.add(o.metadata.namespace);
  for (const o of cs.deleted) touched.add(o.metadata.namespace);
  if (rid === 'namespaces') {
    // Namespace rows are recomputed with their parent (a phase change shows too).
    if (cs.added.length || cs.deleted.length || cs.updated.length || cs.relisted) m.markId(ids.context(ctx));
  } else if (!type.namespaced) {
    const parent = type.kind === 'Node' ? ids.context(ctx) : ids.clusterFolder(ctx);
    if (touched.size || cs.relisted || cs.updated.length) m.markKind(ids.kind(parent, rid));
  } else {
    for (const ns of touched) if (ns) m.markKind(ids.kind(ids.group(ctx, ns, type.treeGroup), rid));
  }
  const now = m.now();
  // After a relist, objects we already show may arrive as "added": refresh their nodes too.
  for (const o of cs.added) {
    for (const n of m.nodes.withUid(o.metadata.uid ?? '')) {
      m.render(n, n.resource ?? type, o, now);
      m.markChanged(n);
    }
  }
  for (const u of cs.updated) {
    for (const n of m.nodes.withUid(u.new.metadata.uid ?? '')) {
      m.render(n, n.resource ?? type, u.new, now);
      m.markChanged(n);
    }
    // Status changes alter the "need attention" count of the kind node.
    if (type.namespaced && u.new.metadata.namespace && summarize(type.kind, u.old).severity !== summarize(type.kind, u.new).severity) {
      m.markKind(ids.kind(ids.group(ctx, u.new.metadata.namespace, type.treeGroup), rid));
    }
  }
  // Workloads show the pods (or their ReplicaSets' pods) they own: tell them when those change.
  // Only expanded workloads listen (they hold the ReplicaSets watch), so a 20,000-pod relist with
  // nothing expanded costs no lookups here.
  if (!m.nodes.hasObjectRows()) return;
  const rsType = m.registry(ctx)?.get('replicasets.apps');
  const rsWatch = rsType ? m.leases.serving(ctx, rsType)?.watch : undefined;
  // Owners re-render too: their row rolls up their pods' causes.
  const notifyOwners = (refs: KubeObject['metadata']['ownerReferences']): void => {
    for (const ref of refs ?? []) {
      for (const owner of m.nodes.withUid(ref.uid ?? '')) {
        if (owner.resource && owner.object) m.render(owner, owner.resource, owner.object, now);
        m.markChanged(owner);
      }
    }
  };
  for (const o of [...cs.added, ...cs.deleted, ...cs.updated.map((u) => u.new)]) {
    const refs = o.metadata.ownerReferences;
    notifyOwners(refs);
    const ns = o.metadata.namespace;
    for (const ref of refs ?? []) {
      if (ref.kind !== 'ReplicaSet' || !ns || !rsType) continue;
      const rs = (rsWatch ?? m.leases.serving(ctx, rsType, ns)?.watch)?.store.get(`${ns}/${ref.name}`);
      notifyOwners(rs?.metadata.ownerReferences);
    }
  }
}

/** An event changed: re-render the rows of the object it is about, and their owners. */
function routeEvents(m: TreeParts, cs: ChangeSet): void {
  const now = m.now();
  const seen = new Set<string>();
  for (const e of [...cs.added, ...cs.deleted, ...cs.updated.map((u) => u.new)]) {
    const uid = ((e.involvedObject ?? e.regarding) as { uid?: string } | undefined)?.uid;
    if (!uid || seen.has(uid)) continue;
    seen.add(uid);
    for (const n of m.nodes.withUid(uid)) {
      if (!n.resource || !n.object) continue;
      m.render(n, n.resource, n.object, now);
      m.markChanged(n);
      rerenderOwners(m, n.object);
    }
  }
}

/** Owner rows (ReplicaSet, and the Deployment above it) roll their pods' causes up. */
function rerenderOwners(m: TreeParts, o: KubeObject): void {
  const now = m.now();
  const ctxNs = o.metadata.namespace;
  for (const ref of o.metadata.ownerReferences ?? []) {
    for (const owner of m.nodes.withUid(ref.uid ?? '')) {
      if (!owner.resource || !owner.object) continue;
      m.render(owner, owner.resource, owner.object, now);
      m.markChanged(owner);
      if (ctxNs && owner.object.metadata.ownerReferences?.length) rerenderOwners(m, owner.object);
    }
  }
}
