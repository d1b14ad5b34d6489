// Indexed object store (client-go's ThreadSafeStore + Indexer). Objects in it are frozen and shared
// by every subscriber: nobody may mutate them. Index values map to key sets so lookups by
// namespace, owner or node are O(result), not O(store) (client-node's informer cache is linear).
import { type KubeObject, objectKey } from '../kinds/types';

export type IndexFunc = (o: KubeObject) => readonly string[];

export const byNamespace: IndexFunc = (o) => (o.metadata.namespace ? [o.metadata.namespace] : []);
export const byOwnerUid: IndexFunc = (o) => (o.metadata.ownerReferences ?? []).flatMap((r) => (r.uid ? [r.uid] : []));
export const byNodeName: IndexFunc = (o) => {
  const n = (o.spec as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof n === 'string' && n ? [n] : [];
};
/** `key=value` for every label; the basis of label-selector lookups. */
export const byLabel: IndexFunc = (o) => Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`);

export const DEFAULT_INDEXES: Readonly<Record<string, IndexFunc>> = {
  namespace: byNamespace,
  owner: byOwnerUid,
  node: byNodeName,
  label: byLabel,
};

export interface StoreDiff {
  added: KubeObject[];
  updated: { old: KubeObject; new: KubeObject }[];
  deleted: KubeObject[];
}

export class IndexedStore {
  private readonly items = new Map<string, KubeObject>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexers: Readonly<Record<string, IndexFunc>> = DEFAULT_INDEXES) {
    for (const name of Object.keys(indexers)) this.indexes.set(name, new Map());
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): KubeObject | undefined {
    return this.items.get(key);
  }

  list(): IterableIterator<KubeObject> {
    return this.items.values();
  }

  keys(): IterableIterator<string> {
    return this.items.keys();
  }

  /** Objects whose index `name` contains `value`. */
  byIndex(name: string, value: string): KubeObject[] {
    const keys = this.indexes.get(name)?.get(value);
    if (!keys) return [];
    const out: KubeObject[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o) out.push(o);
    }
    return out;
  }

  /** How many objects have `value` in index `name` (counts for tree labels without building arrays). */
  countByIndex(name: string, value: string): number {
    return this.indexes.get(name)?.get(value)?.size ?? 0;
  }

  /** Insert or replace; returns the previous object. */
  upsert(obj: KubeObject): KubeObject | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  delete(key: string): KubeObject | undefined {
    const old = this.items.get(key);
    if (!old) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  /**
   * Replace the whole content (after a relist). Objects that vanished while we were disconnected
   * come back as deletes, so subscribers never keep ghosts (client-go's synthesised deletes).
   */
  replace(objs: Iterable<KubeObject>): StoreDiff {
    const diff: StoreDiff = { added: [], updated: [], deleted: [] };
    const seen = new Set<string>();
    for (const o of objs) {
      const key = objectKey(o);
      seen.add(key);
      const old = this.upsert(o);
      if (!old) diff.added.push(o);
      else if (old.metadata.resourceVersion !== o.metadata.resourceVersion) diff.updated.push({ old, new: o });
    }
    for (const key of [...this.items.keys()]) {
      if (!seen.has(key)) {
        const old = this.delete(key);
        if (old) diff.deleted.push(old);
      }
    }
    return diff;
  }

  private index(key: string, obj: KubeObject): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const idx = this.indexes.get(name)!;
      for (const v of fn(obj)) {
        let set = idx.get(v);
        if (!set) {
          set = new Set();
          idx.set(v, set);
        }
        set.add(key);
      }
    }
  }

  private unindex(key: string, obj: KubeObject): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const idx = this.indexes.get(name)!;
      for (const v of fn(obj)) {
        const set = idx.get(v);
        if (!set) continue;
        set.delete(key);
        if (set.size === 0) idx.delete(v);
      }
    }
  }
}
