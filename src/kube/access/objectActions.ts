// Which permission each action on an object needs, and how the tree marks what is allowed. The
// markers go into each object row's contextValue (`…:can-delete:can-scale`), because VS Code
// menus of a tree item can only see that item's contextValue and global context keys, and
// permissions differ per context, namespace and kind: a global key could not say "may scale in
// namespace a but not in b". Edit and other actions reuse the same markers.
import type { ResourceType } from '../kinds/resourceType';
import type { AccessDecision, AccessQuery } from './accessTypes';

/**
 * - delete: delete the object
 * - patch: change the object (restart, undo, pause, resume, edit)
 * - scale: patch its scale subresource
 * - history: list what holds its revisions (ReplicaSets for Deployments, ControllerRevisions for
 *   StatefulSets and DaemonSets): history and undo read them
 * - exec: open a shell or run a command in a pod's container (`create pods/exec`, what kubectl's
 *   exec always needed; container rows carry their pod's markers), or in a workload's pods
 * - logs: read the logs of its pods (`get pods/log`): a pod's own, or a workload's pods'
 * - debug: add an ephemeral debug container to a pod (`patch pods/ephemeralcontainers`, what
 *   `kubectl debug` needs; attaching to it then needs `create pods/attach`, checked when it opens)
 */
export type ObjectAction = 'delete' | 'patch' | 'scale' | 'history' | 'logs' | 'exec' | 'debug';

const ROLLOUT_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

/** Kinds with a rollout (status, restart, history, undo): the apps/v1 workloads kubectl supports. */
export function hasRollout(type: Pick<ResourceType, 'kind' | 'group'>): boolean {
  return type.group === 'apps' && ROLLOUT_KINDS.has(type.kind);
}

const POD_OWNER_KINDS: Readonly<Record<string, string>> = { Deployment: 'apps', StatefulSet: 'apps', DaemonSet: 'apps', ReplicaSet: 'apps', Job: 'batch' };

/** Kinds whose pods' logs the tree offers: pods, and the workloads whose selector finds their pods. */
export function hasPodLogs(type: Pick<ResourceType, 'kind' | 'group' | 'hasLogs'>): boolean {
  return type.hasLogs || POD_OWNER_KINDS[type.kind] === type.group;
}

/** The actions the tree offers on objects of this kind (before asking whether they are allowed). */
export function actionsFor(type: ResourceType): ObjectAction[] {
  const out: ObjectAction[] = [];
  if (type.verbs.includes('delete')) out.push('delete');
  if (type.verbs.includes('patch')) out.push('patch');
  if (type.scalable) out.push('scale');
  if (hasRollout(type)) out.push('history');
  if (hasPodLogs(type)) out.push('logs');
  // Pods (Open Shell) and the workloads whose pods a command can run in (Run Command in Pods…).
  if ((type.kind === 'Pod' && type.group === '' && type.hasExec) || POD_OWNER_KINDS[type.kind] === type.group) out.push('exec');
  if (type.kind === 'Pod' && type.group === '' && type.hasExec) out.push('debug');
  return out;
}

export function actionQuery(action: ObjectAction, type: Pick<ResourceType, 'kind' | 'group' | 'plural' | 'namespaced'>, namespace: string | undefined): AccessQuery {
  const ns = type.namespaced ? namespace : undefined;
  switch (action) {
    case 'delete':
      return { verb: 'delete', group: type.group, resource: type.plural, namespace: ns };
    case 'patch':
      return { verb: 'patch', group: type.group, resource: type.plural, namespace: ns };
    case 'scale':
      // kubectl scale (and we) PATCH the scale subresource.
      return { verb: 'patch', group: type.group, resource: type.plural, subresource: 'scale', namespace: ns };
    case 'exec':
      return { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: ns };
    case 'debug':
      return { verb: 'patch', group: '', resource: 'pods', subresource: 'ephemeralcontainers', namespace: ns };
    case 'history':
      return { verb: 'list', group: 'apps', resource: type.kind === 'Deployment' ? 'replicasets' : 'controllerrevisions', namespace: ns };
    case 'logs':
      // kubectl logs (and we) GET the pods' log subresource, whatever object the logs were asked of.
      return { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: ns };
  }
}

/**
 * The contextValue markers for the actions whose answers are known. An action is marked when it
 * is allowed, or when its review failed (unknown: the server decides and a denial is explained
 * then); a denied action is not marked, so its menu entries are hidden. Returns undefined while
 * any answer is missing.
 */
export function accessMarkers(actions: readonly ObjectAction[], decisions: readonly (AccessDecision | undefined)[]): string | undefined {
  if (decisions.some((d) => d === undefined)) return undefined;
  return actions
    .filter((_, i) => decisions[i]?.allowed !== false)
    .map((a) => `:can-${a}`)
    .join('');
}
