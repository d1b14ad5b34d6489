// Indexed object store (client-go's ThreadSafeStore + Indexer). Objects in it are frozen and shared
// by every subscriber: nobody may mutate them. Index values map to key sets so lookups by
// namespace, owner or node are O(result), not O(store) (client-node's informer cache is linear).
// Indexes are lazy: one is built from the index registry (watch/indexes.ts) the first time it is
// queried, or when declared, and kept up to date from then on; one never queried costs nothing.
// A view's own index (declared with its function) is counted per declaration and dropped when the
// last declarer releases it: a closed graph panel leaves no index behind on a watch the tree keeps.
import { type KubeObject, objectKey } from '../kinds/types';
import { type IndexFunc, indexFunc } from './indexes';

export { byLabel, byNamespace, byNodeName, byOwnerUid, type IndexFunc } from './indexes';

export interface StoreDiff {
  added: KubeObject[];
  updated: { old: KubeObject; new: KubeObject }[];
  deleted: KubeObject[];
}

export interface IndexedStoreOptions {
  /** Index functions by name, instead of the registry's (tests; views with private indexes). */
  indexers?: Readonly<Record<string, IndexFunc>>;
  /** Indexes to build from the start (they are built on first query otherwise). */
  declare?: readonly string[];
}

interface Index {
  fn: IndexFunc;
  map: Map<string, Set<string>>;
  /** Open declarations (declareIndex calls not yet released). */
  declarers: number;
  /**
   * Kept when its last declarer goes: the registry's indexes (or the store's own `indexers`) and
   * those the store was made with. A view's private function is dropped: nobody else can query it.
   */
  keep: boolean;
}

export class IndexedStore {
  private readonly items = new Map<string, KubeObject>();
  private readonly indexes = new Map<string, Index>();
  private readonly indexers: Readonly<Record<string, IndexFunc>> | undefined;

  constructor(opts: IndexedStoreOptions = {}) {
    this.indexers = opts.indexers;
    for (const name of opts.declare ?? []) this.index(name).keep = true;
  }

  get size(): number {
    return this.items.size;
  }

  /** Names of the indexes built so far (for tests and diagnostics). */
  get builtIndexes(): string[] {
    return [...this.indexes.keys()];
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

  /**
   * Builds index `name` now if it is not built yet (a view that will query it soon). A view that
   * needs a lookup of its own (the topology graph: slices by targetRef uid) passes the function:
   * the index lives on this store only, so the global registry holds just the common ones. Two
   * views declaring one name with different functions is a bug: it throws. Returns the release:
   * when every declaration of a view's own index is released, the index is dropped (its upkeep
   * on each change stops); the registry's indexes stay, as if they had been queried.
   */
  declareIndex(name: string, fn?: IndexFunc): () => void {
    const built = this.indexes.get(name);
    if (built && fn && built.fn !== fn) throw new Error(`index "${name}" is already declared with another function`);
    const idx = built ?? this.index(name, fn);
    idx.declarers++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      idx.declarers--;
      if (idx.declarers === 0 && !idx.keep && this.indexes.get(name) === idx) this.indexes.delete(name);
    };
  }

  /** Whether `byIndex(name, …)` can answer (an index of the registry, or declared on this store). */
  hasIndex(name: string): boolean {
    return this.indexes.has(name) || (this.indexers ? name in this.indexers : indexFunc(name) !== undefined);
  }

  /** Objects whose index `name` contains `value`. */
  byIndex(name: string, value: string): KubeObject[] {
    const keys = this.index(name).map.get(value);
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
    return this.index(name).map.get(value)?.size ?? 0;
  }

  /** Insert or replace; returns the previous object. */
  upsert(obj: KubeObject): KubeObject | undefined {
    const key = objectKey(obj);
    const old = this.items.get(key);
    if (old) this.unindex(key, old);
    this.items.set(key, obj);
    this.addToIndexes(key, obj);
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

  private index(name: string, declared?: IndexFunc): Index {
    let idx = this.indexes.get(name);
    if (idx) return idx;
    const named = this.indexers ? this.indexers[name] : indexFunc(name);
    const fn = declared ?? named;
    if (!fn) throw new Error(`no index named "${name}"`);
    idx = { fn, map: new Map(), declarers: 0, keep: fn === named };
    for (const [key, o] of this.items) add(idx, key, o);
    this.indexes.set(name, idx);
    return idx;
  }

  private addToIndexes(key: string, obj: KubeObject): void {
    for (const idx of this.indexes.values()) add(idx, key, obj);
  }

  private unindex(key: string, obj: KubeObject): void {
    for (const idx of this.indexes.values()) {
      for (const v of idx.fn(obj)) {
        const set = idx.map.get(v);
        if (!set) continue;
        set.delete(key);
        if (set.size === 0) idx.map.delete(v);
      }
    }
  }
}

function add(idx: Index, key: string, obj: KubeObject): void {
  for (const v of idx.fn(obj)) {
    let set = idx.map.get(v);
    if (!set) {
      set = new Set();
      idx.map.set(v, set);
    }
    set.add(key);
  }
}
