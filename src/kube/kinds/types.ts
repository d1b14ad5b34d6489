// Minimal object shapes the core relies on. Cluster objects are untrusted JSON: every field is
// optional and read defensively.

export interface ObjectMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
}

export interface OwnerReference {
  apiVersion?: string;
  kind?: string;
  name?: string;
  uid?: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: unknown;
  status?: unknown;
  [key: string]: unknown;
}

/** The key the store uses: `namespace/name`, or `name` for cluster-scoped objects (client-go's). */
export function objectKey(o: Pick<KubeObject, 'metadata'>): string {
  const ns = o.metadata.namespace;
  const name = o.metadata.name ?? '';
  return ns ? `${ns}/${name}` : name;
}
