// A workload's cause rolled up from its pods: the worst pod cause and how many pods share it.
// A Deployment stuck on ProgressDeadlineExceeded is explained by its new ReplicaSet's pods (the
// condition names the ReplicaSet: `ReplicaSet "web-7c9f" has timed out progressing.`), not by
// old pods that may still run fine.
import type { KubeObject } from '../kinds/types';
import type { Diagnosis, Evidence } from './types';

export interface PodCause {
  pod: KubeObject;
  diagnosis: Diagnosis | undefined;
}

export function rollUp(workload: KubeObject, pods: readonly PodCause[]): Diagnosis | undefined {
  const kind = workload.kind ?? 'workload';
  const conds = ((workload.status ?? {}) as { conditions?: { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }[] }).conditions ?? [];
  const progressing = conds.find((c) => c.type === 'Progressing');
  const stuck = progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded';
  const newRs = stuck ? /ReplicaSet "([^"]+)"/.exec(progressing?.message ?? '')?.[1] : undefined;
  const considered = newRs ? pods.filter((p) => (p.pod.metadata.ownerReferences ?? []).some((r) => r.kind === 'ReplicaSet' && r.name === newRs)) : pods;
  const failing = considered.filter((p): p is { pod: KubeObject; diagnosis: Diagnosis } => p.diagnosis !== undefined);
  const worst = pickWorst(failing.map((f) => f.diagnosis));
  if (!worst && !stuck) return undefined;
  const same = worst ? failing.filter((f) => f.diagnosis.code === worst.code) : [];
  const evidence: Evidence[] = [];
  if (stuck && progressing) {
    const e: Evidence = { source: 'condition', text: `Progressing=False (ProgressDeadlineExceeded): ${progressing.message ?? ''}` };
    if (progressing.lastTransitionTime) e.at = progressing.lastTransitionTime;
    evidence.push(e);
  }
  if (worst) {
    const names = same.slice(0, 5).map((f) => f.pod.metadata.name).join(', ');
    evidence.push({ source: 'owner', text: `${same.length} of ${considered.length} ${newRs ? `new (ReplicaSet ${newRs}) ` : ''}pods: ${worst.summary} (${names}${same.length > 5 ? ', …' : ''})` });
    evidence.push(...worst.evidence);
  }
  const count = `${same.length}/${considered.length} pods`;
  if (stuck) {
    return {
      code: worst ? `ProgressDeadlineExceeded:${worst.code}` : 'ProgressDeadlineExceeded',
      severity: 'error',
      summary: worst ? `rollout stuck: ${worst.summary} (${count})` : 'rollout stuck: ProgressDeadlineExceeded',
      detail: `The rollout exceeded its progress deadline${newRs ? ` because the new ReplicaSet ${newRs}'s pods do not become available` : ''}${worst ? `: ${worst.detail}` : '.'}`,
      nextStep: worst ? `${worst.nextStep} Or roll back (Rollout → Undo).` : 'Look at the new ReplicaSet\'s pods, or roll back (Rollout → Undo).',
      evidence,
      ...(worst?.container ? { container: worst.container } : {}),
      ...(worst?.related ? { related: worst.related } : {}),
    };
  }
  if (!worst) return undefined;
  return { ...worst, summary: `${worst.summary} (${count})`, detail: `${count} of this ${kind} fail the same way. ${worst.detail}`, evidence, code: worst.code };
}

/** Errors before warnings; among equals the first (callers pass pods in a stable order). */
export function pickWorst(ds: readonly Diagnosis[]): Diagnosis | undefined {
  return ds.find((d) => d.severity === 'error') ?? ds[0];
}
