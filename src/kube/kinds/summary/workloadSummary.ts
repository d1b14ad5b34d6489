// Ready/desired for the workload kinds, with the conditions that make a rollout fail.
import type { KubeObject } from '../types';
import { rolloutProgress } from './rolloutProgress';
import type { ObjectSummary } from './types';

type Cond = { type: string; status: string; reason?: string; message?: string };
interface Status {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  updatedReplicas?: number;
  numberReady?: number;
  desiredNumberScheduled?: number;
  active?: number | unknown[];
  succeeded?: number;
  failed?: number;
  conditions?: Cond[];
  lastScheduleTime?: string;
}
interface Spec {
  replicas?: number;
  paused?: boolean;
  completions?: number;
  suspend?: boolean;
  schedule?: string;
}

function ratio(ready: number, desired: number, extra: string[], paused = false): ObjectSummary {
  const r = `${ready}/${desired}`;
  const severity = paused ? 'warning' : ready >= desired ? 'ok' : 'progress';
  return { status: paused ? `${r} (paused)` : r, severity, ready: r, details: extra };
}

/** A rollout under way shows on the row ("2/3 · rolling out 1/3 updated"), as kubectl rollout status would judge it. */
function withRollout(kind: string, o: KubeObject, sum: ObjectSummary): ObjectSummary {
  const p = rolloutProgress(kind, o);
  if (!p || p.done || sum.severity === 'error' || sum.severity === 'warning') return sum;
  sum.status = `${sum.status} · ${p.short}`;
  sum.severity = 'progress';
  sum.details.push(`Rollout: ${p.message}`);
  return sum;
}

export function summarizeDeployment(o: KubeObject): ObjectSummary {
  const s = (o.status ?? {}) as Status;
  const spec = (o.spec ?? {}) as Spec;
  const desired = spec.replicas ?? 1;
  const sum = ratio(s.readyReplicas ?? 0, desired, [
    `Desired: ${desired}`,
    `Updated: ${s.updatedReplicas ?? 0}`,
    `Available: ${s.availableReplicas ?? 0}`,
  ], spec.paused === true);
  const failed = (s.conditions ?? []).find((c) => (c.type === 'Progressing' && c.status === 'False') || c.type === 'ReplicaFailure');
  if (failed) {
    sum.severity = 'error';
    sum.status = `${sum.ready} ${failed.reason ?? failed.type}`;
    if (failed.message) sum.details.push(failed.message);
  }
  return withRollout('Deployment', o, sum);
}

export function summarizeStatefulSet(o: KubeObject): ObjectSummary {
  return withRollout('StatefulSet', o, summarizeReplicated(o));
}

export function summarizeReplicated(o: KubeObject): ObjectSummary {
  const s = (o.status ?? {}) as Status;
  const desired = ((o.spec ?? {}) as Spec).replicas ?? 1;
  return ratio(s.readyReplicas ?? 0, desired, [`Desired: ${desired}`, `Current: ${s.replicas ?? 0}`]);
}

export function summarizeDaemonSet(o: KubeObject): ObjectSummary {
  const s = (o.status ?? {}) as Status;
  return withRollout('DaemonSet', o, ratio(s.numberReady ?? 0, s.desiredNumberScheduled ?? 0, [`Desired: ${s.desiredNumberScheduled ?? 0}`]));
}

export function summarizeJob(o: KubeObject): ObjectSummary {
  const s = (o.status ?? {}) as Status;
  const spec = (o.spec ?? {}) as Spec;
  const completions = spec.completions ?? 1;
  const conds = s.conditions ?? [];
  const failed = conds.find((c) => c.type === 'Failed' && c.status === 'True');
  const complete = conds.find((c) => c.type === 'Complete' && c.status === 'True');
  const r = `${s.succeeded ?? 0}/${completions}`;
  const details = [`Active: ${typeof s.active === 'number' ? s.active : 0}`, `Failed pods: ${s.failed ?? 0}`];
  if (failed) return { status: `Failed (${failed.reason ?? 'BackoffLimitExceeded'})`, severity: 'error', ready: r, details: [...details, failed.message ?? ''].filter(Boolean) };
  if (complete) return { status: 'Complete', severity: 'done', ready: r, details };
  if (spec.suspend) return { status: 'Suspended', severity: 'warning', ready: r, details };
  return { status: `Running ${r}`, severity: 'progress', ready: r, details };
}

export function summarizeCronJob(o: KubeObject): ObjectSummary {
  const s = (o.status ?? {}) as Status;
  const spec = (o.spec ?? {}) as Spec;
  const active = Array.isArray(s.active) ? s.active.length : 0;
  const details = [`Schedule: ${spec.schedule ?? '?'}`, `Last run: ${s.lastScheduleTime ?? 'never'}`];
  if (spec.suspend) return { status: 'Suspended', severity: 'warning', details };
  return { status: active ? `${active} active` : spec.schedule ?? '', severity: active ? 'progress' : 'neutral', details };
}
