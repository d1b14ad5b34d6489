// What a kind node shows, kept up to date by change sets instead of recomputed per render: the
// names in order (for rows and ranges) and how many objects need attention (its description).
// With 20,000 pods in one namespace, sorting them and summarising each on every render cost tens of
// milliseconds per change; here a change costs a binary search and one summary.
import { summarize } from '../kinds/summary';
import { type KubeObject, objectKey } from '../kinds/types';
import type { ChangeSet } from '../watch/changeSet';
import type { SharedWatch } from '../watch/sharedWatch';

/** Code-unit order: names are DNS labels, and this is fast and the same everywhere. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

interface Listing {
  /** Store keys (`namespace/name` or `name`) of the objects in scope, in order. Within a namespace
   * that is name order; across namespaces, by namespace then name. */
  keys: string[];
  /** Objects whose summary is a warning or an error; undefined until first asked. */
  attention: number | undefined;
}

/** Kinds whose rows carry a health that makes a kind node say "N need attention". */
export function tracksAttention(kind: string, group: string): boolean {
  return kind === 'Pod' || group === 'apps' || group === 'batch';
}

const needsAttention = (kind: string, o: KubeObject): boolean => {
  const sev = summarize(kind, o).severity;
  return sev === 'error' || sev === 'warning';
};

export class KindListings {
  /** Per watch: scope ('*' = the whole store, else a namespace within a cluster-wide store) → listing. */
  private readonly listings = new WeakMap<SharedWatch, Map<string, Listing>>();

  /** The objects in scope, in order (a snapshot of the store as of this call). */
  objects(watch: SharedWatch, namespace: string | undefined, namespacedWatch: boolean): KubeObject[] {
    const l = this.listing(watch, namespace, namespacedWatch);
    return this.resolve(watch, l.keys);
  }

  /** Objects [start, end) of the scope: a range node renders without touching the rest. */
  slice(watch: SharedWatch, namespace: string | undefined, namespacedWatch: boolean, start: number, end: number): KubeObject[] {
    return this.resolve(watch, this.listing(watch, namespace, namespacedWatch).keys.slice(start, end));
  }

  count(watch: SharedWatch, namespace: string | undefined, namespacedWatch: boolean): number {
    return this.listing(watch, namespace, namespacedWatch).keys.length;
  }

  nameAt(watch: SharedWatch, namespace: string | undefined, namespacedWatch: boolean, i: number): string {
    const key = this.listing(watch, namespace, namespacedWatch).keys[i] ?? '';
    return key.slice(key.indexOf('/') + 1);
  }

  attention(watch: SharedWatch, namespace: string | undefined, namespacedWatch: boolean, kind: string): number {
    const l = this.listing(watch, namespace, namespacedWatch);
    if (l.attention === undefined) {
      let n = 0;
      for (const o of this.objects(watch, namespace, namespacedWatch)) if (needsAttention(kind, o)) n++;
      l.attention = n;
    }
    return l.attention;
  }

  /** Folds a change set of `watch` into its listings (called before the tree re-renders). */
  apply(watch: SharedWatch, cs: ChangeSet, kind: string): void {
    const scopes = this.listings.get(watch);
    if (!scopes) return;
    if (cs.relisted) {
      // Everything may have moved: rebuild lazily on the next render.
      scopes.clear();
      return;
    }
    const each = (o: KubeObject, f: (l: Listing) => void): void => {
      const whole = scopes.get('*');
      if (whole) f(whole);
      const ns = o.metadata.namespace;
      const inNs = ns ? scopes.get(ns) : undefined;
      if (inNs) f(inNs);
    };
    for (const o of cs.added) {
      const key = objectKey(o);
      each(o, (l) => {
        if (insertSorted(l.keys, key) && l.attention !== undefined && needsAttention(kind, o)) l.attention++;
      });
    }
    for (const o of cs.deleted) {
      const key = objectKey(o);
      each(o, (l) => {
        if (removeSorted(l.keys, key) && l.attention !== undefined && needsAttention(kind, o)) l.attention--;
      });
    }
    for (const u of cs.updated) {
      // The count may already include the new state (a render between the store update and this
      // delivery recounts), so a change of health is recounted rather than adjusted.
      if (needsAttention(kind, u.new) === needsAttention(kind, u.old)) continue;
      each(u.new, (l) => {
        l.attention = undefined;
      });
    }
  }

  private listing(watch: SharedWatch, namespace: string | undefined, namespacedWatch: boolean): Listing {
    let scopes = this.listings.get(watch);
    if (!scopes) {
      scopes = new Map();
      this.listings.set(watch, scopes);
    }
    const scope = namespace && !namespacedWatch ? namespace : '*';
    let l = scopes.get(scope);
    if (!l) {
      const objs = scope === '*' ? [...watch.store.list()] : watch.store.byIndex('namespace', scope);
      l = { keys: objs.map(objectKey).sort(compareNames), attention: undefined };
      scopes.set(scope, l);
    }
    return l;
  }

  /** Keys to objects; a key whose object left the store since (its delete is on the way) is skipped. */
  private resolve(watch: SharedWatch, keys: readonly string[]): KubeObject[] {
    const out: KubeObject[] = [];
    for (const k of keys) {
      const o = watch.store.get(k);
      if (o) out.push(o);
    }
    return out;
  }
}

/** Inserts keeping order; false when already present. */
function insertSorted(arr: string[], v: string): boolean {
  const i = lowerBound(arr, v);
  if (arr[i] === v) return false;
  arr.splice(i, 0, v);
  return true;
}

function removeSorted(arr: string[], v: string): boolean {
  const i = lowerBound(arr, v);
  if (arr[i] !== v) return false;
  arr.splice(i, 1);
  return true;
}

function lowerBound(arr: string[], v: string): number {
  let lo = 0;
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((arr[mid] as string) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
