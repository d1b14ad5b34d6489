// What went wrong with a log stream, in words a user can act on. The apiserver (and the kubelet
// behind it) answer with texts such as "container foo is not valid for pod bar" or "previous
// terminated container "c" in pod "p" not found" inside a 400; these become one sentence naming
// the pod and container, plus whether trying again later can help.
import { KubeApiError } from '../transport/types';
import type { ContainerRef } from './logOptions';

export type LogProblem = 'forbidden' | 'pod-not-found' | 'container-not-found' | 'no-previous' | 'waiting' | 'network' | 'server' | 'other';

export interface LogError {
  problem: LogProblem;
  message: string;
  hint?: string;
  /** A follow may reconnect after this (a dropped connection, a restarting apiserver). */
  retryable: boolean;
}

export function describeLogError(e: unknown, ref: ContainerRef, containers?: readonly string[]): LogError {
  const where = `pod ${ref.namespace}/${ref.pod}`;
  if (!(e instanceof KubeApiError)) return { problem: 'other', message: `Logs of ${where}: ${e instanceof Error ? e.message : String(e)}`, retryable: false };
  const server = serverText(e.message);
  if (e.kind === 'network' || e.kind === 'timeout') return { problem: 'network', message: `Logs of ${where}: ${e.message}`, hint: e.hint, retryable: true };
  if (e.kind !== 'http') return { problem: 'other', message: `Logs of ${where}: ${e.message}`, hint: e.hint, retryable: false };
  if (e.status === 403) {
    return {
      problem: 'forbidden',
      message: `Not allowed to read the logs of ${where}: RBAC forbids get pods/log in namespace "${ref.namespace}".`,
      hint: `Ask a cluster admin for "get" on "pods/log" (\`kubectl auth can-i get pods/log -n ${ref.namespace}\` shows what you may do). The server said: ${server}`,
      retryable: false,
    };
  }
  if (/previous terminated container/i.test(server)) {
    return {
      problem: 'no-previous',
      message: `Container "${ref.container}" of ${where} has no previous instance: it has not restarted (or the kubelet no longer keeps its log).`,
      retryable: false,
    };
  }
  if (/is not valid for pod|container .* not found|a container name must be specified/i.test(server)) {
    const list = containers?.length ? ` Its containers: ${containers.join(', ')}.` : '';
    return { problem: 'container-not-found', message: `Container "${ref.container}" not found in ${where}.${list}`, retryable: false };
  }
  if (/is waiting to start|ContainerCreating|PodInitializing/i.test(server)) {
    return { problem: 'waiting', message: `Container "${ref.container}" of ${where} has not started yet: ${server}`, retryable: true };
  }
  if (e.status === 404) return { problem: 'pod-not-found', message: `Pod ${ref.namespace}/${ref.pod} not found: it may have been deleted.`, retryable: false };
  if (e.status === 429 || (e.status ?? 0) >= 500) return { problem: 'server', message: `Logs of ${where}: ${e.message}`, hint: e.hint, retryable: true };
  return { problem: 'other', message: `Logs of ${where}: ${e.message}`, hint: e.hint, retryable: false };
}

/** The server's own words: what follows "HTTP 400 BadRequest — " in our error messages. */
function serverText(message: string): string {
  const i = message.indexOf(' — ');
  return i >= 0 ? message.slice(i + 3) : message;
}
