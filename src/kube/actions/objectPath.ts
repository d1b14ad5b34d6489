// The URL of one object (or one of its subresources), from its discovered resource type.
import { collectionPath, type ResourceType } from '../kinds/resourceType';

export function objectPath(type: ResourceType, namespace: string | undefined, name: string, subresource?: string): string {
  return `${collectionPath(type, type.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}`;
}

/** `Deployment shop/web`: how messages and confirmations name an object. */
export function objectTitle(type: Pick<ResourceType, 'kind'>, namespace: string | undefined, name: string): string {
  return `${type.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}

/** The field manager of every write we make (managedFields show who changed what). */
export const FIELD_MANAGER = 'kube-atlas';

export const PATCH = {
  strategic: 'application/strategic-merge-patch+json',
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
} as const;
