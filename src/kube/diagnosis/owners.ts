// Owner chain up (Pod → ReplicaSet → Deployment, Job → CronJob, custom controllers) and
// dependents down, from the watch cache's owner index. The lookups are injected so the walk is
// pure and reads whatever stores the caller holds (the tree's watches, or a fresh GET).
import type { KubeObject, OwnerReference } from '../kinds/types';

export interface OwnerLookup {
  /** The object an owner reference names (namespace of the dependent), if it is cached. */
  owner(ref: OwnerReference, namespace: string | undefined): KubeObject | undefined;
  /** Objects whose ownerReferences name this uid (the `owner` index). */
  dependents(uid: string): KubeObject[];
}

export interface OwnerLink {
  kind: string;
  name: string;
  uid?: string;
  controller: boolean;
  /** False when the owner is not in the cache (not watched, or gone: an orphan in waiting). */
  found: boolean;
  object?: KubeObject;
}

/** From the object's controller (or first owner) upwards; stops at 10 levels and on cycles. */
export function ownerChain(obj: KubeObject, lookup: OwnerLookup): OwnerLink[] {
  const out: OwnerLink[] = [];
  const seen = new Set<string>();
  let cur: KubeObject | undefined = obj;
  while (cur && out.length < 10) {
    const refs: OwnerReference[] = cur.metadata.ownerReferences ?? [];
    const ref = refs.find((r) => r.controller) ?? refs[0];
    if (!ref || (ref.uid && seen.has(ref.uid))) break;
    if (ref.uid) seen.add(ref.uid);
    const owner = lookup.owner(ref, cur.metadata.namespace);
    const link: OwnerLink = { kind: ref.kind ?? '?', name: ref.name ?? '?', controller: ref.controller === true, found: owner !== undefined };
    if (ref.uid) link.uid = ref.uid;
    if (owner) link.object = owner;
    out.push(link);
    cur = owner;
  }
  return out;
}

export interface DependentNode {
  object: KubeObject;
  /** This dependent holds up its owner's foreground deletion. */
  blocksOwnerDeletion: boolean;
  children: DependentNode[];
}

/** Dependents down to `depth` levels (a Deployment's ReplicaSets and their pods). */
export function dependentTree(obj: KubeObject, lookup: OwnerLookup, depth = 3): DependentNode[] {
  const uid = obj.metadata.uid;
  if (!uid || depth <= 0) return [];
  return lookup.dependents(uid).map((d) => ({
    object: d,
    blocksOwnerDeletion: (d.metadata.ownerReferences ?? []).some((r) => r.uid === uid && r.blockOwnerDeletion === true),
    children: dependentTree(d, lookup, depth - 1),
  }));
}

/** What still holds up a foreground deletion: dependents with blockOwnerDeletion, at any depth. */
export function blockingDependents(tree: readonly DependentNode[]): KubeObject[] {
  return tree.flatMap((n) => (n.blocksOwnerDeletion ? [n.object, ...blockingDependents(n.children)] : blockingDependents(n.children)));
}
