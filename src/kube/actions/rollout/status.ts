// Where a rollout stands, as `kubectl rollout status` judges it (kinds/summary/rolloutProgress.ts),
// plus what kubectl leaves to the user: the new pods that fail, with their waiting reasons, so a
// rollout that cannot finish says why instead of waiting for its deadline.
import { type RolloutProgress, rolloutProgress } from '../../kinds/summary';
import type { KubeObject } from '../../kinds/types';
import { REVISION_ANNOTATION, type WorkloadKind } from './workload';

/** Waiting reasons after which a pod does not come up by itself: the rollout is stuck. */
const STUCK_REASONS = new Set(['CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError']);

export interface PodProblem {
  pod: string;
  reason: string;
  message: string;
  /** Waiting in a backoff or configuration error: it will not come up by itself. */
  stuck: boolean;
}

export type RolloutPhase = 'waiting' | 'progressing' | 'complete' | 'stuck' | 'failed';

export interface RolloutState {
  phase: RolloutPhase;
  /** One line for a notification or a row. */
  message: string;
  progress: RolloutProgress | undefined;
  problems: PodProblem[];
}

interface ContainerStatus {
  name?: string;
  state?: { waiting?: { reason?: string; message?: string }; terminated?: { reason?: string; exitCode?: number } };
}
interface PodStatus {
  conditions?: { type?: string; status?: string; reason?: string; message?: string }[];
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
}

/** Why a pod of the new revision does not come up, if it does not. */
export function podProblems(pod: KubeObject): PodProblem[] {
  const name = pod.metadata.name ?? '';
  const st = (pod.status ?? {}) as PodStatus;
  const out: PodProblem[] = [];
  for (const c of [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])]) {
    const w = c.state?.waiting;
    if (w?.reason && w.reason !== 'ContainerCreating' && w.reason !== 'PodInitializing') {
      out.push({ pod: name, reason: w.reason, message: `${c.name ?? '?'}: ${w.message ?? w.reason}`, stuck: STUCK_REASONS.has(w.reason) });
    }
  }
  const sched = st.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  if (sched?.reason) out.push({ pod: name, reason: sched.reason, message: sched.message ?? sched.reason, stuck: false });
  return out;
}

/**
 * The pods of the revision being rolled out: a Deployment's are owned by its ReplicaSet of the
 * Deployment's revision; a StatefulSet's carry controller-revision-hash = status.updateRevision; a
 * DaemonSet's carry pod-template-generation = its generation.
 */
export function newRevisionPods(kind: WorkloadKind, owner: KubeObject, replicaSets: readonly KubeObject[], podsOwnedBy: (uid: string) => readonly KubeObject[]): KubeObject[] {
  const uid = owner.metadata.uid;
  if (!uid) return [];
  if (kind === 'Deployment') {
    const rev = owner.metadata.annotations?.[REVISION_ANNOTATION];
    const rs = rev === undefined ? undefined : replicaSets.find((r) => r.metadata.annotations?.[REVISION_ANNOTATION] === rev && (r.metadata.ownerReferences ?? []).some((o) => o.uid === uid && o.controller));
    return rs?.metadata.uid ? [...podsOwnedBy(rs.metadata.uid)] : [];
  }
  const pods = podsOwnedBy(uid);
  if (kind === 'StatefulSet') {
    const updateRevision = (owner.status as { updateRevision?: string } | undefined)?.updateRevision;
    return updateRevision ? pods.filter((p) => p.metadata.labels?.['controller-revision-hash'] === updateRevision) : [];
  }
  const generation = String(owner.metadata.generation ?? '');
  return pods.filter((p) => p.metadata.labels?.['pod-template-generation'] === generation);
}

/**
 * Pure: the state of a rollout. `minGeneration` is the generation our own change produced: an
 * object older than that (the cache has not seen our change yet) never reads as complete.
 */
export function rolloutState(kind: WorkloadKind, obj: KubeObject | undefined, newPods: readonly KubeObject[], minGeneration = 0): RolloutState {
  if (!obj) return { phase: 'failed', message: `the ${kind} was deleted`, progress: undefined, problems: [] };
  if ((obj.metadata.generation ?? 0) < minGeneration) {
    return { phase: 'waiting', message: `Waiting for ${kind.toLowerCase()} spec update to be observed...`, progress: undefined, problems: [] };
  }
  const progress = rolloutProgress(kind, obj);
  if (!progress) return { phase: 'failed', message: `${kind} has no rollout status`, progress, problems: [] };
  const problems = newPods.flatMap(podProblems);
  if (progress.failed?.reason === 'ProgressDeadlineExceeded') {
    const why = problems.length ? `: ${describeProblems(problems)}` : '';
    return { phase: 'stuck', message: `${progress.message} (ProgressDeadlineExceeded)${why}`, progress, problems };
  }
  if (progress.failed) return { phase: 'failed', message: progress.message, progress, problems };
  if (progress.done) return { phase: 'complete', message: progress.message, progress, problems };
  const stuck = problems.filter((p) => p.stuck);
  if (stuck.length) return { phase: 'stuck', message: `new pods are failing: ${describeProblems(stuck)}`, progress, problems };
  const note = problems.length ? ` (${describeProblems(problems)})` : '';
  return { phase: progress.observed ? 'progressing' : 'waiting', message: `${progress.message}${note}`, progress, problems };
}

function describeProblems(ps: readonly PodProblem[]): string {
  const shown = ps.slice(0, 3).map((p) => `${p.pod} ${p.reason}${p.message && p.message !== p.reason ? ` (${p.message})` : ''}`);
  return `${shown.join('; ')}${ps.length > 3 ? `; and ${ps.length - 3} more` : ''}`;
}
