// Pod state the way `kubectl get pods` computes its STATUS column (printers.go printPod), so users
// see the same words (CrashLoopBackOff, Init:1/2, Terminating, Completed) they know.
import type { KubeObject } from '../types';
import type { ObjectSummary, Severity } from './types';

interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; message?: string };
}
export interface ContainerStatus {
  name: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  started?: boolean;
  state?: ContainerState;
  lastState?: ContainerState;
}
interface PodStatus {
  phase?: string;
  reason?: string;
  message?: string;
  podIP?: string;
  hostIP?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}
interface PodSpec {
  nodeName?: string;
  containers?: { name: string; image?: string }[];
  initContainers?: { name: string; image?: string; restartPolicy?: string }[];
}

const ERROR_REASONS = new Set([
  'CrashLoopBackOff', 'ImagePullBackOff', 'ErrImagePull', 'InvalidImageName', 'CreateContainerConfigError',
  'CreateContainerError', 'RunContainerError', 'Error', 'OOMKilled', 'ContainerCannotRun', 'Evicted', 'NodeLost',
  'Unknown', 'Failed', 'DeadlineExceeded', 'StartError',
]);

export function podStatusText(pod: KubeObject): string {
  const status = (pod.status ?? {}) as PodStatus;
  const spec = (pod.spec ?? {}) as PodSpec;
  let reason = status.reason || status.phase || 'Unknown';

  let initializing = false;
  const inits = status.initContainerStatuses ?? [];
  const initSpecs = spec.initContainers ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    const sidecar = initSpecs.find((s) => s.name === c.name)?.restartPolicy === 'Always';
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (sidecar && c.started) continue;
    if (t) {
      reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode ?? '?'}`;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length || inits.length}`;
    }
    initializing = true;
    break;
  }

  if (!initializing) {
    let hasRunning = false;
    const cs = status.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      const w = c.state?.waiting;
      const t = c.state?.terminated;
      if (w?.reason) reason = w.reason;
      else if (t?.reason) reason = t.reason;
      else if (t) reason = t.signal ? `Signal:${t.signal}` : `ExitCode:${t.exitCode ?? '?'}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      const ready = (status.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True');
      reason = ready ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata.deletionTimestamp) reason = status.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

export function podSeverity(text: string): Severity {
  if (text === 'Running') return 'ok';
  if (text === 'Completed' || text === 'Succeeded') return 'done';
  if (text === 'Pending' || text === 'ContainerCreating' || text === 'PodInitializing' || text === 'Terminating' || /^Init:\d+\/\d+$/.test(text)) return 'progress';
  const bare = text.startsWith('Init:') ? text.slice(5) : text;
  if (ERROR_REASONS.has(bare) || /^(ExitCode|Signal):/.test(bare)) return 'error';
  return 'warning';
}

export function summarizePod(pod: KubeObject): ObjectSummary {
  const status = (pod.status ?? {}) as PodStatus;
  const spec = (pod.spec ?? {}) as PodSpec;
  const cs = status.containerStatuses ?? [];
  const total = spec.containers?.length ?? cs.length;
  const ready = cs.filter((c) => c.ready).length;
  const restarts = cs.reduce((n, c) => n + (c.restartCount ?? 0), 0);
  let text = podStatusText(pod);
  let severity = podSeverity(text);
  // Running but not every container ready is worth a glance, not green.
  if (text === 'Running' && ready < total) {
    severity = 'warning';
    text = 'Running (not ready)';
  }
  // Pending is progress while it waits its turn, but the scheduler saying no node fits is a
  // problem that needs someone (kubectl still prints Pending: the text stays, the mark does not).
  if (text === 'Pending' && (status.conditions ?? []).some((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')) {
    severity = 'warning';
  }
  const details = [
    spec.nodeName ? `Node: ${spec.nodeName}` : 'Node: (not scheduled)',
    status.podIP ? `Pod IP: ${status.podIP}` : '',
    status.message ? `Message: ${status.message}` : '',
    ...cs.map((c) => `Container ${c.name}: ${containerStateText(c)}${c.restartCount ? `, ${c.restartCount} restarts` : ''}`),
  ].filter(Boolean);
  return { status: text, severity, ready: `${ready}/${total}`, restarts, details };
}

export function containerStateText(c: ContainerStatus): string {
  const s = c.state ?? {};
  if (s.running) return c.ready ? 'Running, ready' : 'Running, not ready';
  if (s.waiting) return s.waiting.reason ?? 'Waiting';
  if (s.terminated) return s.terminated.reason ?? `Exited ${s.terminated.exitCode ?? '?'}`;
  return 'Unknown';
}
