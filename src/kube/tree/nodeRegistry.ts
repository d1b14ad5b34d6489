// The tree's node instances by id, the children each parent showed last, and object rows by uid.
// VS Code matches elements by identity (refresh, getParent and reveal), so a node keeps its
// instance for as long as it is shown; a node that is no longer shown is forgotten with its subtree.
import type { BrowseNode } from './nodes';

const NO_NODES: ReadonlySet<BrowseNode> = new Set();

export class NodeRegistry {
  private readonly nodes = new Map<string, BrowseNode>();
  private readonly childIds = new Map<string, string[]>();
  private readonly byUid = new Map<string, Set<BrowseNode>>();

  /** `forgotten` is called for each node that left the tree (its watches can go). */
  constructor(private readonly forgotten: (n: BrowseNode) => void) {}

  get(id: string): BrowseNode | undefined {
    return this.nodes.get(id);
  }

  has(id: string): boolean {
    return this.nodes.has(id);
  }

  all(): IterableIterator<BrowseNode> {
    return this.nodes.values();
  }

  ids(): IterableIterator<string> {
    return this.nodes.keys();
  }

  /** The object rows showing the object with this uid (a pod under its kind and under its Deployment). */
  withUid(uid: string): ReadonlySet<BrowseNode> {
    return this.byUid.get(uid) ?? NO_NODES;
  }

  /** Whether any object row is shown (nothing expanded: change sets need no owner lookups). */
  hasObjectRows(): boolean {
    return this.byUid.size > 0;
  }

  /** Registers a node by id, reusing the existing instance (VS Code matches elements by identity). */
  keep(fresh: BrowseNode, parent: BrowseNode | undefined): BrowseNode {
    const existing = this.nodes.get(fresh.id);
    if (existing && existing.type === fresh.type) {
      Object.assign(existing, fresh, { parent });
      return existing;
    }
    fresh.parent = parent;
    this.nodes.set(fresh.id, fresh);
    return fresh;
  }

  /** Registers a new object row (and indexes it by uid). */
  addObject(n: BrowseNode): void {
    this.nodes.set(n.id, n);
    this.indexUid(n);
  }

  /** An object row now shows another object (same name, new uid): index it under the new uid. */
  reindex(n: BrowseNode, oldUid: string | undefined): void {
    if (oldUid === n.object?.metadata.uid) return;
    this.unindexUid(n, oldUid);
    this.indexUid(n);
  }

  /** Remembers which children a parent has, and forgets nodes that disappeared (and their subtrees). */
  track(parentId: string, kids: BrowseNode[]): void {
    const prev = this.childIds.get(parentId);
    const next = kids.map((k) => k.id);
    this.childIds.set(parentId, next);
    if (!prev) return;
    const keep = new Set(next);
    for (const id of prev) if (!keep.has(id)) this.forget(id);
  }

  private forget(id: string): void {
    const n = this.nodes.get(id);
    // An object node that moved between chunks is still alive under another parent.
    if (n?.parent && this.childIds.get(n.parent.id)?.includes(id)) return;
    for (const child of this.childIds.get(id) ?? []) this.forget(child);
    this.childIds.delete(id);
    if (n) {
      this.unindexUid(n, n.object?.metadata.uid);
      this.nodes.delete(id);
      this.forgotten(n);
    }
  }

  private indexUid(n: BrowseNode): void {
    const uid = n.type === 'object' ? n.object?.metadata.uid : undefined;
    if (!uid) return;
    let set = this.byUid.get(uid);
    if (!set) {
      set = new Set();
      this.byUid.set(uid, set);
    }
    set.add(n);
  }

  private unindexUid(n: BrowseNode, uid: string | undefined): void {
    if (!uid) return;
    const set = this.byUid.get(uid);
    set?.delete(n);
    if (set && set.size === 0) this.byUid.delete(uid);
  }
}
