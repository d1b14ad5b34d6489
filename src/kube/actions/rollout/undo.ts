// `kubectl rollout undo` with its exact semantics (k8s.io/kubectl/pkg/polymorphichelpers/rollback.go, v0.36):
// - Deployment: the target is the ReplicaSet of revision N, or for "previous" (0) the one with the
//   second-highest revision; a paused Deployment is refused; when the template already matches, the
//   rollback is skipped; else one JSON patch replaces spec.template (the ReplicaSet's, without
//   pod-template-hash) and metadata.annotations (the Deployment's own revision/apply bookkeeping
//   annotations kept, every other annotation taken from the ReplicaSet, change-cause included).
// - StatefulSet / DaemonSet: the ControllerRevision of revision N, or for 0 the second-highest
//   one (there must be more than one); skipped when its data equals the current template's patch;
//   else its data is sent as a strategic merge patch (it replaces the whole template).
import type { KubeObject } from '../../kinds/types';
import type { KubeTransport } from '../../transport/types';
import { FIELD_MANAGER, PATCH } from '../objectPath';
import { fetchHistory, type WorkloadHistory, workloadPath } from './history';
import {
  deploymentRevision,
  equalIgnoreHash,
  LAST_APPLIED_ANNOTATION,
  type PodTemplate,
  REVISION_ANNOTATION,
  semanticEqual,
  templateOf,
  withoutHash,
  type WorkloadKind,
} from './workload';

/** Annotations kept from the Deployment and never copied from the ReplicaSet (rollback.go's annotationsToSkip). */
const ANNOTATIONS_TO_SKIP = new Set([
  LAST_APPLIED_ANNOTATION,
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'deprecated.deployment.rollback.to',
]);

export type UndoPlan =
  | { action: 'skip'; revision: number; message: string }
  | { action: 'patch'; revision: number; contentType: string; body: unknown; template: PodTemplate };

/** What kubectl refuses, with its reasons. */
export class UndoError extends Error {
  override name = 'UndoError';
}

/** Pure: what undo to `toRevision` (0 = the previous revision) does to this workload. */
export function planUndo(history: Pick<WorkloadHistory, 'kind' | 'owner' | 'sources'>, toRevision: number): UndoPlan {
  if (!Number.isInteger(toRevision) || toRevision < 0) throw new UndoError(`unable to find specified revision ${toRevision} in history`);
  return history.kind === 'Deployment' ? planDeployment(history.owner, history.sources, toRevision) : planControllerRevision(history.kind, history.owner, history.sources, toRevision);
}

function planDeployment(deployment: KubeObject, replicaSets: readonly KubeObject[], toRevision: number): UndoPlan {
  const { rs, revision } = deploymentTarget(deployment, replicaSets, toRevision);
  if ((deployment.spec as { paused?: boolean } | undefined)?.paused === true) {
    throw new UndoError('you cannot roll back a paused deployment; resume it first and try again');
  }
  const target = templateOf(rs);
  if (!target) throw new UndoError(`revision ${revision} has no pod template`);
  if (equalIgnoreHash(target, templateOf(deployment))) {
    return { action: 'skip', revision, message: `skipped rollback (current template already matches revision ${revision})` };
  }
  const template = withoutHash(target);
  const annotations: Record<string, string> = {};
  const own = deployment.metadata.annotations ?? {};
  for (const k of ANNOTATIONS_TO_SKIP) if (k in own) annotations[k] = own[k] as string;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!ANNOTATIONS_TO_SKIP.has(k)) annotations[k] = v;
  return {
    action: 'patch',
    revision,
    contentType: PATCH.json,
    body: [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
    template,
  };
}

/** rollback.go's deploymentRevision(): RSs in creation order (oldest "new" RS last), then by revision. */
function deploymentTarget(deployment: KubeObject, owned: readonly KubeObject[], toRevision: number): { rs: KubeObject; revision: number } {
  const sorted = [...owned].sort(byCreation);
  const current = templateOf(deployment);
  const newRs = sorted.find((rs) => equalIgnoreHash(templateOf(rs), current));
  const all = [...sorted.filter((rs) => rs !== newRs), ...(newRs ? [newRs] : [])];
  let latest: { rs: KubeObject; v: number } | undefined;
  let previous: { rs: KubeObject; v: number } | undefined;
  let latestRevision = -1;
  let previousRevision = -1;
  for (const rs of all) {
    const v = deploymentRevision(rs);
    if (v === undefined) continue;
    if (toRevision === 0) {
      if (latestRevision < v) {
        previous = latest;
        previousRevision = latestRevision;
        latest = { rs, v };
        latestRevision = v;
      } else if (previousRevision < v) {
        previous = { rs, v };
        previousRevision = v;
      }
    } else if (toRevision === v) {
      return { rs, revision: v };
    }
  }
  if (toRevision > 0) throw new UndoError(`unable to find specified revision ${toRevision} in history`);
  if (!previous) throw new UndoError(`no rollout history found for deployment "${deployment.metadata.name ?? ''}"`);
  return { rs: previous.rs, revision: previous.v };
}

function planControllerRevision(kind: WorkloadKind, owner: KubeObject, history: readonly KubeObject[], toRevision: number): UndoPlan {
  if (toRevision === 0 && history.length <= 1) throw new UndoError('no last revision to roll back to');
  const revisionOf = (cr: KubeObject): number => (typeof cr.revision === 'number' ? cr.revision : 0);
  let target: KubeObject | undefined;
  if (toRevision === 0) {
    // findHistory(): sort by revision, take the second-highest.
    const sorted = [...history].sort((a, b) => revisionOf(a) - revisionOf(b));
    target = sorted[sorted.length - 2];
  } else {
    target = history.find((cr) => revisionOf(cr) === toRevision);
  }
  if (!target) throw new UndoError(`unable to find specified revision ${toRevision} in history`);
  const revision = revisionOf(target);
  const data = target.data as { spec?: { template?: PodTemplate } } | undefined;
  const template = data?.spec?.template;
  if (!template) throw new UndoError(`revision ${revision} of ${kind} "${owner.metadata.name ?? ''}" holds no pod template`);
  // statefulsetMatch/daemonSetMatch: the revision's data against the patch the current template would make.
  const currentPatch = { spec: { template: { ...(templateOf(owner) ?? {}), $patch: 'replace' } } };
  if (semanticEqual(data, currentPatch)) {
    return { action: 'skip', revision, message: `skipped rollback (current template already matches revision ${revision})` };
  }
  const { $patch: _replace, ...restored } = template;
  return { action: 'patch', revision, contentType: PATCH.strategic, body: data, template: restored };
}

function byCreation(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta === tb) return (a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : (a.metadata.name ?? '') > (b.metadata.name ?? '') ? 1 : 0;
  return Date.parse(ta) - Date.parse(tb);
}

export interface UndoResult {
  plan: UndoPlan;
  /** The workload after the patch (undefined when skipped). */
  updated?: KubeObject;
  /** kubectl's warning for objects managed by `kubectl apply`, and the server's Warning headers. */
  warnings: string[];
}

/** Reads the workload's history fresh from the API and rolls it back. */
export async function undoRollout(transport: KubeTransport, kind: WorkloadKind, namespace: string, name: string, toRevision: number, signal?: AbortSignal): Promise<UndoResult> {
  const history = await fetchHistory(transport, kind, namespace, name, signal);
  const plan = planUndo(history, toRevision);
  const warnings: string[] = [];
  if (history.owner.metadata.annotations?.[LAST_APPLIED_ANNOTATION] !== undefined) {
    warnings.push(`${kind} ${namespace}/${name} is managed with \`kubectl apply\` (it has the ${LAST_APPLIED_ANNOTATION} annotation): applying its file again will undo this rollback.`);
  }
  if (plan.action === 'skip') return { plan, warnings };
  const res = await transport.exchange<KubeObject>({
    method: 'PATCH',
    path: workloadPath(kind, namespace, name),
    query: { fieldManager: FIELD_MANAGER },
    contentType: plan.contentType,
    body: plan.body,
    signal,
  });
  return { plan, updated: res.body, warnings: [...warnings, ...res.warnings] };
}
