// The `restricted` user: may read pods in namespace team-a and nothing else, so tests (and the
// extension's access features) can show a real 403 next to a real 200.
import type { ApiClient } from './http';

export const RESTRICTED_NAMESPACE = 'team-a';
export const RESTRICTED_USER = 'restricted';

export async function setupRestrictedUser(api: ApiClient): Promise<void> {
  await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: RESTRICTED_NAMESPACE } });
  await api.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${RESTRICTED_NAMESPACE}/roles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name: 'pod-reader', namespace: RESTRICTED_NAMESPACE },
    rules: [{ apiGroups: [''], resources: ['pods', 'pods/log'], verbs: ['get', 'list', 'watch'] }],
  });
  await api.create(`/apis/rbac.authorization.k8s.io/v1/namespaces/${RESTRICTED_NAMESPACE}/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: 'restricted-pod-reader', namespace: RESTRICTED_NAMESPACE },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'pod-reader' },
    subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: RESTRICTED_USER }],
  });
}
