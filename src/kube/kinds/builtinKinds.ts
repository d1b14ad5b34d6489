// Static knowledge discovery cannot give: where a built-in kind sits in the tree and which
// actions make sense. Keyed by resource id (`plural.group`), so CRDs simply fall through to
// 'Custom Resources'.
import type { TreeGroup } from './resourceType';

interface BuiltinInfo {
  group: TreeGroup;
  /** Order inside its tree group (lower first). */
  order: number;
  restartable?: boolean;
}

const BUILTIN: Readonly<Record<string, BuiltinInfo>> = {
  'deployments.apps': { group: 'Workloads', order: 1, restartable: true },
  'statefulsets.apps': { group: 'Workloads', order: 2, restartable: true },
  'daemonsets.apps': { group: 'Workloads', order: 3, restartable: true },
  'replicasets.apps': { group: 'Workloads', order: 4 },
  'jobs.batch': { group: 'Workloads', order: 5 },
  'cronjobs.batch': { group: 'Workloads', order: 6 },
  pods: { group: 'Workloads', order: 7 },
  services: { group: 'Network', order: 1 },
  'endpointslices.discovery.k8s.io': { group: 'Network', order: 2 },
  'ingresses.networking.k8s.io': { group: 'Network', order: 3 },
  'networkpolicies.networking.k8s.io': { group: 'Network', order: 4 },
  configmaps: { group: 'Config', order: 1 },
  secrets: { group: 'Config', order: 2 },
  'horizontalpodautoscalers.autoscaling': { group: 'Config', order: 3 },
  'poddisruptionbudgets.policy': { group: 'Config', order: 4 },
  resourcequotas: { group: 'Config', order: 5 },
  limitranges: { group: 'Config', order: 6 },
  persistentvolumeclaims: { group: 'Storage', order: 1 },
  persistentvolumes: { group: 'Storage', order: 2 },
  'storageclasses.storage.k8s.io': { group: 'Storage', order: 3 },
  serviceaccounts: { group: 'Access', order: 1 },
  'roles.rbac.authorization.k8s.io': { group: 'Access', order: 2 },
  'rolebindings.rbac.authorization.k8s.io': { group: 'Access', order: 3 },
  'clusterroles.rbac.authorization.k8s.io': { group: 'Access', order: 4 },
  'clusterrolebindings.rbac.authorization.k8s.io': { group: 'Access', order: 5 },
  nodes: { group: 'Cluster', order: 1 },
  namespaces: { group: 'Cluster', order: 2 },
  'customresourcedefinitions.apiextensions.k8s.io': { group: 'Cluster', order: 3 },
};

/** Groups whose kinds are served by Kubernetes itself; anything else discovered is a custom resource. */
const BUILTIN_API_GROUPS = new Set([
  '', 'apps', 'batch', 'autoscaling', 'policy', 'networking.k8s.io', 'discovery.k8s.io', 'storage.k8s.io',
  'rbac.authorization.k8s.io', 'apiextensions.k8s.io', 'admissionregistration.k8s.io', 'apiregistration.k8s.io',
  'authentication.k8s.io', 'authorization.k8s.io', 'certificates.k8s.io', 'coordination.k8s.io', 'events.k8s.io',
  'flowcontrol.apiserver.k8s.io', 'node.k8s.io', 'scheduling.k8s.io', 'resource.k8s.io', 'internal.apiserver.k8s.io',
  'storagemigration.k8s.io', 'metrics.k8s.io',
]);

export function builtinInfo(id: string): BuiltinInfo | undefined {
  return BUILTIN[id];
}

export function isBuiltinGroup(group: string): boolean {
  return BUILTIN_API_GROUPS.has(group);
}

export const TREE_GROUP_ORDER: readonly TreeGroup[] = ['Workloads', 'Network', 'Config', 'Storage', 'Access', 'Custom Resources'];
