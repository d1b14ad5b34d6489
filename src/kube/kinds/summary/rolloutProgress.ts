// Where a rollout stands, from the workload object alone, with `kubectl rollout status`'s rules
// (k8s.io/kubectl/pkg/polymorphichelpers/rollout_status.go, v0.36): a rollout is only judged once
// the controller has observed the latest spec (observedGeneration), and it is done when every
// replica runs the new template and is available. Shared by the tree (each workload row) and the
// rollout follower (kube/actions/rollout/).
import type { KubeObject } from '../types';

export interface RolloutProgress {
  /** kubectl would stop waiting: success (or, with `failed`, an error). */
  done: boolean;
  /** kubectl's own words ("Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated..."). */
  message: string;
  /** Short form for a tree row ("rolling out 1/3 updated"). */
  short: string;
  /** Why kubectl would give up: ProgressDeadlineExceeded, or a strategy without rollout status. */
  failed?: { reason: string; message: string };
  /** The controller has seen the latest spec. */
  observed: boolean;
  desired?: number;
  updated?: number;
  ready?: number;
  available?: number;
}

interface Cond {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}
interface WorkloadStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  currentReplicas?: number;
  currentRevision?: string;
  updateRevision?: string;
  desiredNumberScheduled?: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberReady?: number;
  conditions?: Cond[];
}
interface WorkloadSpec {
  replicas?: number;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
}

const n = (v: number | undefined): number => v ?? 0;

export function rolloutProgress(kind: string, o: KubeObject): RolloutProgress | undefined {
  switch (kind) {
    case 'Deployment':
      return deploymentProgress(o);
    case 'StatefulSet':
      return statefulSetProgress(o);
    case 'DaemonSet':
      return daemonSetProgress(o);
    default:
      return undefined;
  }
}

function deploymentProgress(o: KubeObject): RolloutProgress {
  const name = o.metadata.name ?? '';
  const st = (o.status ?? {}) as WorkloadStatus;
  const spec = (o.spec ?? {}) as WorkloadSpec;
  const counts = { desired: spec.replicas, updated: n(st.updatedReplicas), ready: n(st.readyReplicas), available: n(st.availableReplicas) };
  if (n(o.metadata.generation) > n(st.observedGeneration)) {
    return { done: false, observed: false, message: 'Waiting for deployment spec update to be observed...', short: 'rolling out', ...counts };
  }
  const progressing = st.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    const message = `deployment "${name}" exceeded its progress deadline`;
    return { done: true, observed: true, message, short: 'ProgressDeadlineExceeded', failed: { reason: 'ProgressDeadlineExceeded', message: progressing.message || message }, ...counts };
  }
  if (spec.replicas !== undefined && n(st.updatedReplicas) < spec.replicas) {
    return {
      done: false,
      observed: true,
      message: `Waiting for deployment "${name}" rollout to finish: ${n(st.updatedReplicas)} out of ${spec.replicas} new replicas have been updated...`,
      short: `rolling out ${n(st.updatedReplicas)}/${spec.replicas} updated`,
      ...counts,
    };
  }
  if (n(st.replicas) > n(st.updatedReplicas)) {
    const old = n(st.replicas) - n(st.updatedReplicas);
    return {
      done: false,
      observed: true,
      message: `Waiting for deployment "${name}" rollout to finish: ${old} old replicas are pending termination...`,
      short: `rolling out, ${old} old pending termination`,
      ...counts,
    };
  }
  if (n(st.availableReplicas) < n(st.updatedReplicas)) {
    return {
      done: false,
      observed: true,
      message: `Waiting for deployment "${name}" rollout to finish: ${n(st.availableReplicas)} of ${n(st.updatedReplicas)} updated replicas are available...`,
      short: `rolling out ${n(st.availableReplicas)}/${n(st.updatedReplicas)} available`,
      ...counts,
    };
  }
  return { done: true, observed: true, message: `deployment "${name}" successfully rolled out`, short: '', ...counts };
}

function daemonSetProgress(o: KubeObject): RolloutProgress {
  const name = o.metadata.name ?? '';
  const st = (o.status ?? {}) as WorkloadStatus;
  const spec = (o.spec ?? {}) as WorkloadSpec;
  const counts = { desired: n(st.desiredNumberScheduled), updated: n(st.updatedNumberScheduled), ready: n(st.numberReady), available: n(st.numberAvailable) };
  if (spec.updateStrategy?.type !== 'RollingUpdate') {
    const message = 'rollout status is only available for RollingUpdate strategy type';
    return { done: true, observed: true, message, short: '', failed: { reason: 'OnDelete', message }, ...counts };
  }
  if (n(o.metadata.generation) > n(st.observedGeneration)) {
    return { done: false, observed: false, message: 'Waiting for daemon set spec update to be observed...', short: 'rolling out', ...counts };
  }
  if (n(st.updatedNumberScheduled) < n(st.desiredNumberScheduled)) {
    return {
      done: false,
      observed: true,
      message: `Waiting for daemon set "${name}" rollout to finish: ${n(st.updatedNumberScheduled)} out of ${n(st.desiredNumberScheduled)} new pods have been updated...`,
      short: `rolling out ${n(st.updatedNumberScheduled)}/${n(st.desiredNumberScheduled)} updated`,
      ...counts,
    };
  }
  if (n(st.numberAvailable) < n(st.desiredNumberScheduled)) {
    return {
      done: false,
      observed: true,
      message: `Waiting for daemon set "${name}" rollout to finish: ${n(st.numberAvailable)} of ${n(st.desiredNumberScheduled)} updated pods are available...`,
      short: `rolling out ${n(st.numberAvailable)}/${n(st.desiredNumberScheduled)} available`,
      ...counts,
    };
  }
  return { done: true, observed: true, message: `daemon set "${name}" successfully rolled out`, short: '', ...counts };
}

function statefulSetProgress(o: KubeObject): RolloutProgress {
  const st = (o.status ?? {}) as WorkloadStatus;
  const spec = (o.spec ?? {}) as WorkloadSpec;
  const counts = { desired: spec.replicas, updated: n(st.updatedReplicas), ready: n(st.readyReplicas), available: n(st.availableReplicas) };
  if (spec.updateStrategy?.type !== 'RollingUpdate') {
    const message = 'rollout status is only available for RollingUpdate strategy type';
    return { done: true, observed: true, message, short: '', failed: { reason: 'OnDelete', message }, ...counts };
  }
  if (n(st.observedGeneration) === 0 || n(o.metadata.generation) > n(st.observedGeneration)) {
    return { done: false, observed: false, message: 'Waiting for statefulset spec update to be observed...', short: 'rolling out', ...counts };
  }
  if (spec.replicas !== undefined && n(st.readyReplicas) < spec.replicas) {
    return {
      done: false,
      observed: true,
      message: `Waiting for ${spec.replicas - n(st.readyReplicas)} pods to be ready...`,
      short: `rolling out ${n(st.readyReplicas)}/${spec.replicas} ready`,
      ...counts,
    };
  }
  const partition = spec.updateStrategy.rollingUpdate?.partition;
  if (spec.updateStrategy.rollingUpdate) {
    if (spec.replicas !== undefined && partition !== undefined && n(st.updatedReplicas) < spec.replicas - partition) {
      return {
        done: false,
        observed: true,
        message: `Waiting for partitioned roll out to finish: ${n(st.updatedReplicas)} out of ${spec.replicas - partition} new pods have been updated...`,
        short: `rolling out ${n(st.updatedReplicas)}/${spec.replicas - partition} updated`,
        ...counts,
      };
    }
    return { done: true, observed: true, message: `partitioned roll out complete: ${n(st.updatedReplicas)} new pods have been updated...`, short: '', ...counts };
  }
  if (st.updateRevision !== st.currentRevision) {
    return {
      done: false,
      observed: true,
      message: `waiting for statefulset rolling update to complete ${n(st.updatedReplicas)} pods at revision ${st.updateRevision}...`,
      short: `rolling out ${n(st.updatedReplicas)}/${n(spec.replicas)} updated`,
      ...counts,
    };
  }
  return { done: true, observed: true, message: `statefulset rolling update complete ${n(st.currentReplicas)} pods at revision ${st.currentRevision}...`, short: '', ...counts };
}
