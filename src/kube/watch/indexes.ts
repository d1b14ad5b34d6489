// The index functions a store can build, by name. Indexes are built when first queried (or when
// declared by whoever owns the store), so a kind nobody looks up by owner or label pays nothing
// for those indexes. These are the common ones; a view with lookups of its own declares them on
// the watch it reads, function and all (ViewLeases.acquire's `indexes`, IndexedStore.declareIndex),
// as the topology graph does for EndpointSlices by targetRef uid and by Service name.
import type { KubeObject } from '../kinds/types';

export type IndexFunc = (o: KubeObject) => readonly string[];

const NONE: readonly string[] = [];

export const byNamespace: IndexFunc = (o) => (o.metadata.namespace ? [o.metadata.namespace] : NONE);
export const byOwnerUid: IndexFunc = (o) => {
  const refs = o.metadata.ownerReferences;
  if (!refs?.length) return NONE;
  return refs.flatMap((r) => (r.uid ? [r.uid] : []));
};
export const byNodeName: IndexFunc = (o) => {
  const n = (o.spec as { nodeName?: unknown } | undefined)?.nodeName;
  return typeof n === 'string' && n ? [n] : NONE;
};
/** An Event's subject (core/v1 involvedObject, events.k8s.io/v1 regarding): diagnosis looks events up by pod uid. */
export const byInvolvedUid: IndexFunc = (o) => {
  const ref = (o.involvedObject ?? o.regarding) as { uid?: unknown } | undefined;
  return typeof ref?.uid === 'string' && ref.uid ? [ref.uid] : NONE;
};
/** `key=value` for every label; the basis of label-selector lookups. */
export const byLabel: IndexFunc = (o) => Object.entries(o.metadata.labels ?? {}).map(([k, v]) => `${k}=${v}`);

const REGISTRY = new Map<string, IndexFunc>([
  ['namespace', byNamespace],
  ['owner', byOwnerUid],
  ['node', byNodeName],
  ['label', byLabel],
  ['involvedUid', byInvolvedUid],
]);

/** Registers an index function under a name (a view's own index); names are global. */
export function registerIndex(name: string, fn: IndexFunc): void {
  const existing = REGISTRY.get(name);
  if (existing && existing !== fn) throw new Error(`index "${name}" is already registered`);
  REGISTRY.set(name, fn);
}

export function indexFunc(name: string): IndexFunc | undefined {
  return REGISTRY.get(name);
}
