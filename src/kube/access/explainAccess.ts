// Words for a denied action: which verb on which resource is missing, for which user, and how to
// check it, so a forbidden action never ends in a bare "403".
import { type AccessDecision, type AccessQuery, resourceName, type UserInfo } from './accessTypes';

/** The user as the cluster sees them, else the kubeconfig user the context names. */
export function describeUser(user: UserInfo | undefined, kubeconfigUser: string | undefined): string {
  if (user) {
    const groups = user.groups.filter((g) => g !== 'system:authenticated');
    return `user "${user.username}"${groups.length ? ` (groups: ${groups.join(', ')})` : ''}`;
  }
  return kubeconfigUser ? `kubeconfig user "${kubeconfigUser}"` : 'your user';
}

export function forbiddenMessage(q: AccessQuery, who: string, decision?: AccessDecision): string {
  const where = q.namespace ? ` in namespace "${q.namespace}"` : '';
  const why = decision?.reason ? ` (${decision.reason})` : '';
  return `Not allowed: ${who} may not ${q.verb} ${resourceName(q)}${where}${why}.`;
}

export function forbiddenHint(q: AccessQuery): string {
  return `Ask a cluster admin for "${q.verb}" on ${resourceName(q)}${q.namespace ? ` in namespace ${q.namespace}` : ''} (\`kubectl auth can-i ${q.verb} ${resourceName(q)}${q.namespace ? ` -n ${q.namespace}` : ''}\` checks it).`;
}
