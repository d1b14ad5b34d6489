// The tree's side of diagnosis: the cache-backed engine (diagnosis/cacheDiagnosis.ts) under the
// name BrowseModel knows, and the icon a row shows for a cause.
import type { Diagnosis } from '../diagnosis/types';

export { CacheDiagnosis as TreeDiagnosis } from '../diagnosis/cacheDiagnosis';

/** A codicon for the kind of cause, so a glance tells a pull problem from a crash. */
export function causeIcon(d: Diagnosis): string {
  const code = d.code.replace(/^ProgressDeadlineExceeded:/, '');
  if (code.startsWith('ImagePull')) return 'cloud-download';
  if (code === 'OOMKilled') return 'flame';
  if (code === 'Unschedulable' || code === 'SchedulingGated') return 'circle-slash';
  if (code === 'CreateContainerConfigError' || code === 'FailedMount') return 'symbol-key';
  if (code === 'ReadinessProbe' || code === 'LivenessProbe') return 'pulse';
  if (code === 'Evicted') return 'sign-out';
  if (code === 'StuckTerminating') return 'lock';
  if (code === 'CommandNotFound' || code === 'NotExecutable') return 'terminal';
  if (code === 'CrashLoopBackOff' || code === 'InitContainerFailed' || code === 'ContainerFailed') return 'debug-restart';
  return d.severity === 'error' ? 'error' : 'warning';
}
