// One container's failure: image pulls, config errors, crashes (exit code and signal, OOM with
// the memory limit, 126/127 and the runtime's StartError), probes. The pod-level rules
// (podDiagnosis.ts) pick which container's cause is the pod's.
import { eventEvidence, latest } from './eventFacts';
import { exitCodeMeaning } from './exitCodes';
import { classifyPull, PULL_TEXT } from './imagePull';
import type { ContainerSpecView, ContainerStatusView, TerminatedState } from './podShape';
import type { Diagnosis, EventFact, Evidence, RelatedObject } from './types';

export interface ContainerContext {
  status: ContainerStatusView;
  spec: ContainerSpecView | undefined;
  /** `init:` prefixed for init containers, so the report says which one. */
  label: string;
  init: boolean;
  namespace: string;
  /** Events of the pod (kubelet events name the container in the message or fieldPath). */
  events: readonly EventFact[];
  /** The pod restarts failed containers (restartPolicy Always/OnFailure). */
  restarts: boolean;
}

const PULL_REASONS = new Set(['ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'ErrImageNeverPull', 'RegistryUnavailable', 'SignatureValidationFailed']);

export function diagnoseContainer(c: ContainerContext): Diagnosis | undefined {
  const w = c.status.state?.waiting;
  if (w?.reason && PULL_REASONS.has(w.reason)) return imagePull(c, w.reason, w.message ?? '');
  if (w?.reason === 'CreateContainerConfigError') return configError(c, w.message ?? '');
  if (w?.reason === 'CreateContainerError' || w?.reason === 'RunContainerError') return startError(c, w.reason, w.message ?? '', c.status.lastState?.terminated);
  if (w?.reason === 'CrashLoopBackOff') return crash(c, c.status.lastState?.terminated, w.message);
  const t = c.status.state?.terminated;
  // A terminated container that will not restart (Never, or an init container that failed under
  // OnFailure is retried, so that case comes back as CrashLoopBackOff above).
  if (t && (t.exitCode ?? 0) !== 0) return crash(c, t, undefined);
  if (c.status.state?.running) return runningProblems(c);
  return undefined;
}

function who(c: ContainerContext): string {
  return `${c.init ? 'init container' : 'container'} "${c.spec?.name ?? c.status.name}"`;
}

function imagePull(c: ContainerContext, reason: string, waitingMessage: string): Diagnosis {
  const image = c.spec?.image ?? '';
  // The Failed event carries the registry's words; the waiting message of ImagePullBackOff only
  // says "Back-off pulling image". Prefer an event about this image.
  const ev = latest(c.events, ['Failed'], image ? new RegExp(`image "${escapeRegExp(image)}`) : /Failed to pull image/) ?? latest(c.events, ['Failed'], /pull/i);
  const text = [ev?.message ?? '', waitingMessage].join('\n');
  const kind = reason === 'InvalidImageName' ? 'invalid-name' : classifyPull(text);
  const t = PULL_TEXT[kind];
  const evidence: Evidence[] = [{ source: 'status', text: `${who(c)} waiting: ${reason}${waitingMessage ? ` — ${waitingMessage}` : ''}` }];
  if (ev) evidence.push(eventEvidence(ev));
  const backoff = latest(c.events, ['BackOff'], /pulling image/i);
  if (backoff) evidence.push(eventEvidence(backoff));
  return {
    code: `ImagePull:${kind}`,
    severity: 'error',
    summary: `${reason}: ${t.summary}`,
    detail: `The ${who(c)} cannot start: pulling image "${image}" failed (${t.summary}).`,
    nextStep: t.next,
    evidence,
    container: c.label,
  };
}

// kubelet_pods.go / configmap and secret managers: `configmap "x" not found`, `secret "x" not
// found`, `couldn't find key K in ConfigMap ns/name`, `couldn't find key K in Secret ns/name`.
function configError(c: ContainerContext, message: string): Diagnosis {
  const related: RelatedObject[] = [];
  let summary = 'CreateContainerConfigError';
  let next = 'Fix the reference in the pod spec or create what it refers to.';
  const missing = /(configmap|secret)s? "([^"]+)" not found/i.exec(message);
  const key = /couldn't find key (\S+) in (ConfigMap|Secret) ([^/\s]+)\/(\S+)/i.exec(message);
  if (key) {
    const kind = key[2] === 'Secret' ? 'Secret' : 'ConfigMap';
    related.push({ kind, name: key[4] ?? '', namespace: key[3] ?? c.namespace });
    summary = `missing key "${key[1]}" in ${kind} ${key[4]}`;
    next = `Add the key "${key[1]}" to ${kind} ${key[3]}/${key[4]}, or mark the reference optional.`;
  } else if (missing) {
    const kind = missing[1]?.toLowerCase() === 'secret' ? 'Secret' : 'ConfigMap';
    related.push({ kind, name: missing[2] ?? '', namespace: c.namespace });
    summary = `${kind} "${missing[2]}" not found`;
    next = `Create ${kind} ${c.namespace}/${missing[2]} (or fix its name in the pod spec); the kubelet retries on its own.`;
  }
  const evidence: Evidence[] = [{ source: 'status', text: `${who(c)} waiting: CreateContainerConfigError — ${message}` }];
  const ev = latest(c.events, ['Failed'], /not found|couldn't find key/);
  if (ev) evidence.push(eventEvidence(ev));
  return { code: 'CreateContainerConfigError', severity: 'error', summary, detail: `The ${who(c)} cannot be created: ${message}`, nextStep: next, evidence, container: c.label, related };
}

// The runtime could not start the process: containerd's `exec: "x": executable file not found in
// $PATH` (no such command) or `permission denied` (not executable), reported as StartError/128
// or as the CreateContainerError / RunContainerError waiting reasons.
function startError(c: ContainerContext, reason: string, message: string, last: TerminatedState | undefined): Diagnosis {
  const text = `${message} ${last?.message ?? ''}`;
  const evidence: Evidence[] = [{ source: 'status', text: `${who(c)} waiting: ${reason}${message ? ` — ${message}` : ''}` }];
  if (last) evidence.push(terminatedEvidence(c, last));
  const ev = latest(c.events, ['Failed']);
  if (ev) evidence.push(eventEvidence(ev));
  if (/executable file not found|no such file or directory/i.test(text)) {
    return { code: 'CommandNotFound', severity: 'error', summary: `${reason}: command not found`, detail: `The ${who(c)}'s command does not exist in the image: ${firstLine(text)}`, nextStep: 'Fix `command`/`args` (or the image\'s ENTRYPOINT): the binary is not in the image or not on $PATH.', evidence, container: c.label };
  }
  if (/permission denied/i.test(text)) {
    return { code: 'NotExecutable', severity: 'error', summary: `${reason}: command not executable`, detail: `The ${who(c)}'s command is not executable: ${firstLine(text)}`, nextStep: 'Make the file executable in the image (`chmod +x`) or run it through its interpreter.', evidence, container: c.label };
  }
  return { code: reason, severity: 'error', summary: reason, detail: `The runtime could not create the ${who(c)}: ${firstLine(text)}`, nextStep: 'Read the runtime\'s error below.', evidence, container: c.label };
}

function crash(c: ContainerContext, t: TerminatedState | undefined, backoffMessage: string | undefined): Diagnosis {
  const restarts = c.status.restartCount ?? 0;
  const looping = backoffMessage !== undefined;
  const prefix = looping ? 'CrashLoopBackOff' : c.init ? 'Init failed' : 'Failed';
  const evidence: Evidence[] = [];
  if (looping) evidence.push({ source: 'status', text: `${who(c)} waiting: CrashLoopBackOff — ${backoffMessage || 'back-off restarting failed container'} (${restarts} restarts)` });
  if (t) evidence.push(terminatedEvidence(c, t));
  const bo = latest(c.events, ['BackOff'], /restarting failed container/i);
  if (bo) evidence.push(eventEvidence(bo));
  const base = { severity: 'error' as const, evidence, container: c.label };
  if (!t) {
    return { ...base, code: 'CrashLoopBackOff', summary: prefix, detail: `The ${who(c)} keeps exiting (${restarts} restarts); its last exit is not reported.`, nextStep: 'Read the previous instance\'s logs (Show Logs → previous).' };
  }
  const code = t.exitCode ?? 0;
  if (t.reason === 'OOMKilled') {
    const limit = c.spec?.resources?.limits?.memory;
    return {
      ...base,
      code: 'OOMKilled',
      summary: `${prefix}: OOMKilled${limit ? ` (limit ${limit})` : ''}`,
      detail: `The ${who(c)} was killed for using more memory than ${limit ? `its limit of ${limit}` : 'the node could give (no limit set)'} (exit code ${code}: SIGKILL from the OOM killer).`,
      nextStep: limit ? `Raise resources.limits.memory above ${limit} or reduce the application's memory use (heap size flags such as -Xmx or --max-old-space-size).` : 'Set a memory request/limit that fits the application, or find what uses the memory.',
    };
  }
  if (t.reason === 'StartError' || t.reason === 'ContainerCannotRun' || code === 126 || code === 127) {
    if (code === 127 || /executable file not found/i.test(t.message ?? '')) {
      return { ...base, code: 'CommandNotFound', summary: `${prefix}: command not found (exit ${code})`, detail: `The ${who(c)}'s command was not found (${exitCodeMeaning(code)}).${t.message ? ` ${firstLine(t.message)}` : ''}`, nextStep: 'Fix `command`/`args`: the program is not in the image or not on $PATH (a shell wrapper exits 127 for that).' };
    }
    if (code === 126 || /permission denied/i.test(t.message ?? '')) {
      return { ...base, code: 'NotExecutable', summary: `${prefix}: not executable (exit ${code})`, detail: `The ${who(c)}'s command exists but cannot be executed (${exitCodeMeaning(code)}).`, nextStep: 'Make the file executable in the image (`chmod +x`), check its shebang line, or run it through its interpreter.' };
    }
  }
  const liveness = latest(c.events, ['Killing'], /failed liveness probe/i);
  if (liveness && (code === 137 || code === 143 || t.signal)) {
    const probe = latest(c.events, ['Unhealthy'], /Liveness probe failed/i);
    if (probe) evidence.push(eventEvidence(probe));
    evidence.push(eventEvidence(liveness));
    return { ...base, code: 'LivenessProbe', summary: `${prefix}: liveness probe failed`, detail: `The kubelet restarts the ${who(c)} because its liveness probe fails${probe ? `: ${probe.message}` : ''}.`, nextStep: 'Check the probe\'s path/port/command against the application, and give it a startupProbe or a longer initialDelaySeconds if it starts slowly.' };
  }
  const meaning = exitCodeMeaning(code, t.signal);
  return {
    ...base,
    code: c.init ? 'InitContainerFailed' : looping ? 'CrashLoopBackOff' : 'ContainerFailed',
    summary: `${prefix}: ${t.signal ? `signal ${t.signal}` : `exit code ${code}`}`,
    detail: `The ${who(c)} ${c.init ? 'failed, so the pod\'s other containers cannot start' : 'exits'}: ${meaning}${t.reason && t.reason !== 'Error' ? `, reason ${t.reason}` : ''}.${restarts ? ` ${restarts} restarts so far.` : ''}`,
    nextStep: code === 143 || code === 137 ? 'Something stopped the process (a failing liveness probe, a preStop timeout, or a manual kill): see the events.' : 'Read the logs of the previous instance (Show Logs → previous) for the application\'s error.',
  };
}

function runningProblems(c: ContainerContext): Diagnosis | undefined {
  const last = c.status.lastState?.terminated;
  if (!c.init && c.status.ready === false) {
    const probe = latest(c.events, ['Unhealthy'], /Readiness probe failed/i);
    if (probe) {
      return { code: 'ReadinessProbe', severity: 'warning', summary: 'readiness probe failing', detail: `The ${who(c)} runs but is not ready: ${probe.message}. It receives no Service traffic.`, nextStep: 'Check the readiness probe\'s path/port against the application, and the dependencies it waits for.', evidence: [{ source: 'status', text: `${who(c)} running, not ready` }, eventEvidence(probe)], container: c.label };
    }
  }
  if (last?.reason === 'OOMKilled' && (c.status.restartCount ?? 0) > 0) {
    const limit = c.spec?.resources?.limits?.memory;
    return { code: 'OOMKilled', severity: 'warning', summary: `restarted after OOMKilled${limit ? ` (limit ${limit})` : ''}`, detail: `The ${who(c)} runs again, but its previous instance was killed for exceeding ${limit ? `its memory limit of ${limit}` : 'the memory available'}.`, nextStep: limit ? `Raise resources.limits.memory above ${limit} or reduce memory use.` : 'Set a memory limit that fits the application.', evidence: [terminatedEvidence(c, last)], container: c.label };
  }
  const liveness = latest(c.events, ['Unhealthy'], /Liveness probe failed/i);
  if (liveness && (c.status.restartCount ?? 0) > 0) {
    return { code: 'LivenessProbe', severity: 'warning', summary: 'liveness probe failing', detail: `The ${who(c)}'s liveness probe fails and it has been restarted ${c.status.restartCount} times: ${liveness.message}`, nextStep: 'Check the probe against the application, or add a startupProbe if it starts slowly.', evidence: [eventEvidence(liveness)], container: c.label };
  }
  return undefined;
}

function terminatedEvidence(c: ContainerContext, t: TerminatedState): Evidence {
  const e: Evidence = { source: 'status', text: `${who(c)} last terminated: ${t.reason ?? 'Error'}, ${exitCodeMeaning(t.exitCode ?? 0, t.signal)}${t.message ? ` — ${firstLine(t.message)}` : ''}` };
  if (t.finishedAt) e.at = t.finishedAt;
  return e;
}

function firstLine(s: string): string {
  return s.trim().split('\n')[0] ?? '';
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
