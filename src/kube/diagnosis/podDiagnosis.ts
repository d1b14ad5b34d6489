// A pod's one root cause. Order matters: what explains the others comes first — a pod being
// evicted or stuck terminating, then a pod that cannot be scheduled (no container ever ran),
// then the first failing init container (the app containers wait for it), then the app
// containers (the worst of them), then pod-level events (volume mounts) and the phase.
import type { KubeObject } from '../kinds/types';
import { diagnoseContainer } from './containerDiagnosis';
import { eventEvidence, forContainer, latest } from './eventFacts';
import { condition, type PodView, podView } from './podShape';
import { schedulingReason } from './scheduling';
import type { Diagnosis, EventFact, Evidence } from './types';
import { finalizerController } from './finalizers';

export interface PodDiagnosisOptions {
  /** False when the user may not read events: the diagnosis says it rests on statuses alone. */
  eventsVisible?: boolean;
  now?: number;
  /** How long past its deletionTimestamp a pod may take before it counts as stuck. Default 60 s. */
  stuckAfterMs?: number;
}

export function diagnosePod(obj: KubeObject, events: readonly EventFact[], opts: PodDiagnosisOptions = {}): Diagnosis | undefined {
  const p = podView(obj);
  const d = evicted(p, events) ?? terminating(p, events, opts) ?? unschedulable(p, events) ?? initFailure(p, events) ?? containerFailure(p, events) ?? podEvents(p, events) ?? failedPhase(p);
  if (d && opts.eventsVisible === false) {
    d.eventsVisible = false;
    d.evidence.push({ source: 'status', text: 'Events are not readable with your permissions (list events): this diagnosis rests on the pod\'s status alone.' });
  }
  return d;
}

function evicted(p: PodView, events: readonly EventFact[]): Diagnosis | undefined {
  const target = condition(p, 'DisruptionTarget');
  if (p.reason !== 'Evicted' && !(p.phase === 'Failed' && target?.status === 'True')) return undefined;
  const evidence: Evidence[] = [{ source: 'status', text: `pod ${p.phase ?? ''}: ${p.reason ?? ''}${p.message ? ` — ${p.message}` : ''}` }];
  if (target) evidence.push(condEvidence(target));
  const ev = latest(events, ['Evicted', 'Preempted', 'TaintManagerEviction']);
  if (ev) evidence.push(eventEvidence(ev));
  const resource = /low on resource: (\w[\w-]*)/i.exec(p.message ?? '')?.[1];
  return {
    code: 'Evicted',
    severity: 'error',
    summary: resource ? `Evicted: node low on ${resource}` : `Evicted${target?.reason ? ` (${target.reason})` : ''}`,
    detail: `The pod was evicted${p.nodeName ? ` from node ${p.nodeName}` : ''}: ${p.message ?? target?.message ?? 'no message'}`,
    nextStep: resource
      ? `The node ran short of ${resource}: set requests that match real use (pods over their requests go first), or give the node more ${resource}. Delete the evicted pod once done; its controller made a replacement.`
      : 'Its controller (if any) makes a replacement; check why it was chosen (preemption by priority, a NoExecute taint, an Eviction API call such as a drain).',
    evidence,
  };
}

function terminating(p: PodView, events: readonly EventFact[], opts: PodDiagnosisOptions): Diagnosis | undefined {
  if (!p.deletionTimestamp) return undefined;
  const now = opts.now ?? Date.now();
  // deletionTimestamp is when the grace period ends, so past it (plus slack) the pod is stuck.
  const overdue = now - Date.parse(p.deletionTimestamp);
  if (!(overdue > (opts.stuckAfterMs ?? 60_000))) return undefined;
  const evidence: Evidence[] = [{ source: 'status', at: p.deletionTimestamp, text: `deletion requested; grace period ended ${Math.round(overdue / 1000)} s ago` }];
  const ev = latest(events, ['FailedKillPod', 'Killing']);
  if (ev) evidence.push(eventEvidence(ev));
  if (p.finalizers.length) {
    for (const f of p.finalizers) evidence.push({ source: 'status', text: `finalizer ${f}: ${finalizerController(f)}` });
    return { code: 'StuckTerminating', severity: 'error', summary: `Terminating: blocked by finalizer ${p.finalizers.join(', ')}`, detail: `The pod cannot go away until its finalizers are removed: ${p.finalizers.join(', ')}.`, nextStep: 'Find why the controller that owns each finalizer does not remove it (is it running?). Removing a finalizer by hand skips its cleanup: only as a last resort.', evidence };
  }
  const ready = condition(p, 'Ready');
  return {
    code: 'StuckTerminating',
    severity: 'error',
    summary: 'Terminating: kubelet has not confirmed',
    detail: `The pod's grace period is over but the kubelet${p.nodeName ? ` on ${p.nodeName}` : ''} has not confirmed that its containers stopped${ready?.reason === 'NodeLost' || p.reason === 'NodeLost' ? ' (the node is lost)' : ''}.`,
    nextStep: `Check node ${p.nodeName ?? '?'} (Ready? kubelet running?). If the node is gone for good, delete the Node object or force-delete the pod (\`kubectl delete pod --grace-period=0 --force\`), knowing its process may still run.`,
    evidence,
  };
}

function unschedulable(p: PodView, events: readonly EventFact[]): Diagnosis | undefined {
  const sched = condition(p, 'PodScheduled');
  if (sched?.status !== 'False' || p.nodeName) return undefined;
  if (sched.reason === 'SchedulingGated') {
    return { code: 'SchedulingGated', severity: 'warning', summary: 'waiting for scheduling gates', detail: `The pod has scheduling gates; the scheduler ignores it until they are removed. ${sched.message ?? ''}`.trim(), nextStep: 'Whatever added spec.schedulingGates (a queue controller such as Kueue) removes them when the pod may run.', evidence: [condEvidence(sched)] };
  }
  const ev = latest(events, ['FailedScheduling']);
  const message = ev?.message || sched.message || '';
  const r = schedulingReason(message);
  const evidence: Evidence[] = [condEvidence(sched)];
  if (ev) evidence.push(eventEvidence(ev));
  const related = r.problems.includes('volumes') ? pvcNames(message).map((name) => ({ kind: 'PersistentVolumeClaim', name, namespace: p.namespace })) : [];
  return { code: 'Unschedulable', severity: 'error', summary: `Unschedulable: ${r.summary}`, detail: `The scheduler finds no node for the pod: ${r.reasons.join('; ')}.`, nextStep: r.next, evidence, related };
}

function initFailure(p: PodView, events: readonly EventFact[]): Diagnosis | undefined {
  for (const st of p.initStatuses) {
    const spec = p.initContainers.find((c) => c.name === st.name);
    const sidecar = spec?.restartPolicy === 'Always';
    if (st.state?.terminated?.exitCode === 0) continue;
    const d = diagnoseContainer({ status: st, spec, label: `init:${st.name}`, init: !sidecar, namespace: p.namespace, events: forContainer(events, st.name ?? '', true), restarts: p.restartPolicy !== 'Never' });
    if (d) {
      const index = p.initContainers.findIndex((c) => c.name === st.name);
      if (!sidecar) d.detail += ` (init container ${index + 1} of ${p.initContainers.length})`;
      return d;
    }
    // The first init container that has not finished is the one everything waits for.
    if (!sidecar) return undefined;
  }
  return undefined;
}

function containerFailure(p: PodView, events: readonly EventFact[]): Diagnosis | undefined {
  let best: Diagnosis | undefined;
  for (const st of p.statuses) {
    const spec = p.containers.find((c) => c.name === st.name);
    const d = diagnoseContainer({ status: st, spec, label: st.name ?? '', init: false, namespace: p.namespace, events: forContainer(events, st.name ?? '', false), restarts: p.restartPolicy !== 'Never' });
    if (d && (!best || (best.severity === 'warning' && d.severity === 'error'))) best = d;
  }
  return best;
}

// Pod-level problems seen only in events: volumes that cannot be mounted or attached keep every
// container in ContainerCreating (`MountVolume.SetUp failed for volume "cfg" : configmap "x" not found`).
function podEvents(p: PodView, events: readonly EventFact[]): Diagnosis | undefined {
  if (p.phase !== 'Pending') return undefined;
  const ev = latest(events, ['FailedMount', 'FailedAttachVolume', 'FailedCreatePodSandBox']);
  if (!ev) return undefined;
  const missing = /(configmap|secret|persistentvolumeclaim)s? "([^"]+)" not found/i.exec(ev.message);
  const kinds: Record<string, string> = { configmap: 'ConfigMap', secret: 'Secret', persistentvolumeclaim: 'PersistentVolumeClaim' };
  const kind = missing ? kinds[missing[1]?.toLowerCase() ?? ''] : undefined;
  const sandbox = ev.reason === 'FailedCreatePodSandBox';
  return {
    code: ev.reason,
    severity: 'error',
    summary: kind ? `${ev.reason}: ${kind} "${missing?.[2]}" not found` : ev.reason,
    detail: `The pod's ${sandbox ? 'sandbox (network) cannot be created' : 'volumes cannot be mounted'}: ${ev.message}`,
    nextStep: kind ? `Create ${kind} ${p.namespace}/${missing?.[2]} or fix the volume's reference.` : sandbox ? 'Check the node\'s CNI plugin (its pods and logs).' : 'Check the volume\'s source (claim bound? CSI driver running on the node?).',
    evidence: [eventEvidence(ev)],
    related: kind && missing?.[2] ? [{ kind, name: missing[2], namespace: p.namespace }] : [],
  };
}

function failedPhase(p: PodView): Diagnosis | undefined {
  if (p.phase !== 'Failed') return undefined;
  return { code: p.reason ?? 'Failed', severity: 'error', summary: `Failed${p.reason ? `: ${p.reason}` : ''}`, detail: `The pod failed: ${p.message ?? p.reason ?? 'no reason given'}`, nextStep: p.reason === 'DeadlineExceeded' ? 'The pod ran past activeDeadlineSeconds: raise it or make the work finish sooner.' : 'See the events and the containers\' last states.', evidence: [{ source: 'status', text: `phase Failed${p.reason ? `, reason ${p.reason}` : ''}${p.message ? ` — ${p.message}` : ''}` }] };
}

function condEvidence(c: { type?: string; status?: string; reason?: string; message?: string; lastTransitionTime?: string }): Evidence {
  const e: Evidence = { source: 'condition', text: `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}` };
  if (c.lastTransitionTime) e.at = c.lastTransitionTime;
  return e;
}

function pvcNames(message: string): string[] {
  return [...message.matchAll(/persistentvolumeclaim "([^"]+)"/gi)].map((m) => m[1] ?? '').filter(Boolean);
}
