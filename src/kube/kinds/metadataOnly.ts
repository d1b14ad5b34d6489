// Kinds the cache lists and watches as PartialObjectMetadata: the server sends only metadata, so
// their content never reaches the extension host unless the user opens an object (then it is
// fetched, shown and not kept). Chosen by what their tree rows read (kinds/summary: nothing but
// metadata for these) and by what they hold:
// - secrets: their values, always (strictly: no fallback to whole objects, see below);
// - configmaps, controllerrevisions: bulk data (files, whole pod templates) no row reads;
// - serviceaccounts and RBAC objects: rows show names only (access checks ask the server);
// (EndpointSlices were metadata-only until the topology graph needed their endpoints: they are now
// projected to targetRefs, conditions, addresses and ports, kinds/projection/endpointSliceProjection.ts.)
// Custom resources are not metadata-only: their rows show the Ready/Available condition, which
// only the full object carries; the cache projects them to metadata + status.conditions instead,
// which also drops their spec (where some operators keep connection strings) on arrival.
import { resourceId, type ResourceType } from './resourceType';

const METADATA_ONLY = new Set([
  'secrets',
  'configmaps',
  'controllerrevisions.apps',
  'serviceaccounts',
  'roles.rbac.authorization.k8s.io',
  'rolebindings.rbac.authorization.k8s.io',
  'clusterroles.rbac.authorization.k8s.io',
  'clusterrolebindings.rbac.authorization.k8s.io',
]);

/** Kinds whose whole objects must never be received by a watch (no JSON fallback in Accept). */
const NEVER_WHOLE = new Set(['secrets']);

export function isMetadataOnly(id: string): boolean {
  return METADATA_ONLY.has(id);
}

const LIST_AS = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
const WATCH_AS = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';

/**
 * The Accept header of a metadata-only list or watch. Plain JSON is offered as a fallback (an
 * aggregated API server may not convert; the cache then projects whole objects to metadata) except
 * for Secrets: a server that cannot send their metadata alone answers 406 and the kind shows an
 * error, rather than their values arriving here.
 */
export function metadataAccept(type: Pick<ResourceType, 'plural' | 'group'>, what: 'list' | 'watch'): string {
  const as = what === 'list' ? LIST_AS : WATCH_AS;
  return NEVER_WHOLE.has(resourceId(type)) ? as : `${as},application/json`;
}
