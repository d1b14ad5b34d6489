// What the extension knows about one API resource: discovered from the server (so CRDs appear
// without code changes), enriched with static knowledge of the built-in kinds.

export type TreeGroup = 'Workloads' | 'Network' | 'Config' | 'Storage' | 'Access' | 'Custom Resources' | 'Cluster' | 'Other';

export interface ResourceType {
  group: string; // '' for the core group
  version: string;
  kind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  verbs: readonly string[];
  shortNames: readonly string[];
  /** Where the tree shows it. */
  treeGroup: TreeGroup;
  /** Has a `scale` subresource (scalable in the UI). */
  scalable: boolean;
  /** `kubectl rollout restart` makes sense (pod template annotation). */
  restartable: boolean;
  /** Pods: logs/exec/port-forward subresources. */
  hasLogs: boolean;
  hasExec: boolean;
  /**
   * Listed and watched as PartialObjectMetadata (kinds/metadataOnly.ts): the cache holds metadata
   * only (Secrets always), and a view that needs more GETs the object.
   */
  metadataOnly: boolean;
}

/** Stable id of a resource: `plural.group` (`pods`, `deployments.apps`), like kubectl's. */
export function resourceId(r: Pick<ResourceType, 'plural' | 'group'>): string {
  return r.group ? `${r.plural}.${r.group}` : r.plural;
}

export function apiVersionOf(r: Pick<ResourceType, 'group' | 'version'>): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

/** The collection path, all namespaces when namespace is undefined. */
export function collectionPath(r: ResourceType, namespace?: string): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  return r.namespaced && namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${r.plural}` : `${base}/${r.plural}`;
}

/** The path of one object. */
export function objectPath(r: ResourceType, namespace: string | undefined, name: string): string {
  return `${collectionPath(r, r.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
}

export function canWatch(r: Pick<ResourceType, 'verbs'>): boolean {
  return r.verbs.includes('list') && r.verbs.includes('watch');
}
