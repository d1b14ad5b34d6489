// Names a request the way RBAC does (verb + resource), so an error can say "RBAC forbids list on
// pods in namespace x" instead of "403 on /api/v1/namespaces/x/pods".

import type { HttpMethod, KubeRequest } from './types';

export interface RequestDescription {
  /** RBAC verb: get, list, watch, create, update, patch, delete, deletecollection. */
  verb: string;
  /** `pods`, `deployments.apps`, `pods/log`; the raw path for non-resource URLs like /version. */
  resource: string;
  namespace?: string;
  name?: string;
  /** false for /version, /healthz, discovery documents… */
  isResource: boolean;
}

export function describeRequest(req: Pick<KubeRequest, 'method' | 'path' | 'query'>): RequestDescription {
  const method: HttpMethod = req.method ?? 'GET';
  const parts = req.path.split('?')[0]!.split('/').filter((p) => p.length > 0);
  let rest: string[];
  let group = '';
  if (parts[0] === 'api' && parts.length >= 3) {
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    rest = parts.slice(3);
  } else {
    return { verb: method.toLowerCase(), resource: req.path, isResource: false };
  }
  let namespace: string | undefined;
  // `/namespaces/x` alone is the Namespace object x; `/namespaces/x/pods` is pods in x.
  if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, sub] = rest;
  const resource = `${plural}${group ? `.${group}` : ''}${sub ? `/${sub}` : ''}`;
  const watch = req.query?.watch === true || req.query?.watch === 'true' || req.query?.watch === 1 || req.query?.watch === '1';
  let verb: string;
  switch (method) {
    case 'GET':
      verb = name ? 'get' : watch ? 'watch' : 'list';
      break;
    case 'POST':
      verb = 'create';
      break;
    case 'PUT':
      verb = 'update';
      break;
    case 'PATCH':
      verb = 'patch';
      break;
    case 'DELETE':
      verb = name ? 'delete' : 'deletecollection';
      break;
  }
  const out: RequestDescription = { verb, resource, isResource: true };
  if (namespace !== undefined) out.namespace = namespace;
  if (name !== undefined) out.name = name;
  return out;
}

/** "list pods in namespace default", "get deployments.apps web in namespace x", "get /version". */
export function describeForHumans(d: RequestDescription): string {
  const what = d.name ? `${d.resource} ${d.name}` : d.resource;
  return `${d.verb} ${what}${d.namespace ? ` in namespace ${d.namespace}` : ''}`;
}
