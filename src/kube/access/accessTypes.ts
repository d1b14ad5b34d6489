// What an access review asks and answers, in RBAC's own terms (verb, group, resource,
// subresource, namespace), so a message can say exactly which permission is missing.

export interface AccessQuery {
  /** RBAC verb: get, list, watch, create, update, patch, delete… */
  verb: string;
  /** API group, '' for the core group. */
  group: string;
  /** Plural resource, e.g. `deployments`. */
  resource: string;
  /** e.g. `scale`, `log`. */
  subresource?: string;
  /** Undefined for cluster-scoped resources (or "in every namespace"). */
  namespace?: string;
}

export interface AccessDecision {
  /**
   * true: allowed; false: denied; undefined: the review itself failed (the server had no answer,
   * or reviews are not allowed): callers then let the server decide the real request.
   */
  allowed: boolean | undefined;
  /** The authorizer's reason when it gave one, or why the review failed. */
  reason?: string;
}

/** Who the cluster thinks we are (SelfSubjectReview), for "… for user X". */
export interface UserInfo {
  username: string;
  groups: readonly string[];
}

/** `deployments.apps/scale`, as kubectl and RBAC name it. */
export function resourceName(q: Pick<AccessQuery, 'group' | 'resource' | 'subresource'>): string {
  return `${q.resource}${q.group ? `.${q.group}` : ''}${q.subresource ? `/${q.subresource}` : ''}`;
}

/** The cache key: one review answers every object of (context, namespace, verb, resource, subresource). */
export function queryKey(context: string, q: AccessQuery): string {
  return JSON.stringify([context, q.namespace ?? '', q.verb, q.group, q.resource, q.subresource ?? '']);
}
