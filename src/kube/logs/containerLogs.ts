// Streams one container's log over the transport's line streaming (the same path watches take):
// GET …/pods/NAME/log?follow=true&timestamps=true…, line by line. A follow whose connection drops
// (apiserver restart, a proxy ending long requests, a network blip) reconnects with backoff and
// resumes from the last timestamp seen, dropping what it had already shown (resumePoint.ts). When
// the server ends a follow cleanly, the container is asked about: still running means the
// connection was cut (resume); terminated, restarted or gone ends the stream with the reason.
// Aborting the signal ends the request and frees its socket.
import { Backoff, delay as abortableSleep } from '../watch/backoff';
import type { KubeTransport } from '../transport/types';
import { describeLogError, type LogError } from './logErrors';
import { type ContainerRef, type LogOptions, logPath, logQuery } from './logOptions';
import { ResumePoint } from './resumePoint';
import { splitTimestamp } from './timestampedLine';

/** What the container is doing now, when a follow ended cleanly. */
export type ContainerLiveness = { state: 'running' } | { state: 'stopped'; reason: string } | { state: 'gone' };

export type StreamEnd =
  | { reason: 'aborted' }
  /** The server sent everything (no follow), or the container stopped / the pod went. */
  | { reason: 'ended'; message?: string }
  | { reason: 'failed'; error: LogError };

export interface StreamEvents {
  line(text: string, timestamp: string | undefined): void;
  /** The connection dropped and will be retried after `delayMs` (shown as a notice). */
  reconnecting?(error: LogError | undefined, delayMs: number): void;
  /** A (re)connection answered 2xx. */
  connected?(attempt: number): void;
}

export interface StreamDeps {
  /** Asked when a follow ends cleanly: is the container still running? Default: GET the pod. */
  liveness?(): Promise<ContainerLiveness>;
  /** Containers the pod has, for "not found" messages. */
  containers?: readonly string[];
  sleep?(ms: number, signal: AbortSignal): Promise<void>;
  backoff?: Backoff;
  /** Where to resume from (a stream restarted for a restarted container keeps its place). */
  resume?: ResumePoint;
}

export async function streamContainerLogs(transport: KubeTransport, ref: ContainerRef, opts: LogOptions, events: StreamEvents, signal: AbortSignal, deps: StreamDeps = {}): Promise<StreamEnd> {
  const resume = deps.resume ?? new ResumePoint();
  const backoff = deps.backoff ?? new Backoff({ initialMs: 500, maxMs: 10_000, factor: 2, jitter: 0.5, resetAfterMs: 60_000 });
  const sleep = deps.sleep ?? abortableSleep;
  const liveness = deps.liveness ?? (() => podLiveness(transport, ref, signal));
  const following = opts.follow && !opts.previous;
  for (let attempt = 0; ; attempt++) {
    if (signal.aborted) return { reason: 'aborted' };
    let failure: LogError | undefined;
    let got = 0;
    try {
      if (attempt > 0) resume.reconnecting();
      const lines = await transport.streamLines({ path: logPath(ref), query: logQuery(ref, opts, attempt > 0 ? resume : undefined), signal });
      events.connected?.(attempt);
      for await (const raw of lines) {
        const { timestamp, text } = splitTimestamp(raw);
        if (!resume.accept(timestamp)) continue;
        if (got++ === 0) backoff.reset();
        events.line(text, timestamp);
      }
      if (signal.aborted) return { reason: 'aborted' };
      if (!following) return { reason: 'ended' };
      // The server ended a follow: the container stopped, or the connection was cut.
      const live = await liveness().catch(() => ({ state: 'running' }) as ContainerLiveness);
      if (live.state === 'gone') return { reason: 'ended', message: `pod ${ref.pod} deleted` };
      if (live.state === 'stopped') return { reason: 'ended', message: `container ${ref.container} of pod ${ref.pod} ${live.reason}` };
    } catch (e) {
      if (signal.aborted) return { reason: 'aborted' };
      failure = describeLogError(e, ref, deps.containers);
      if (!failure.retryable || !following) return { reason: 'failed', error: failure };
    }
    const delay = backoff.next();
    events.reconnecting?.(failure, delay);
    await sleep(delay, signal).catch(() => undefined);
  }
}

/** Whether the container still runs, from a GET of its pod (single-pod views; multi-pod ones ask the cache). */
export async function podLiveness(transport: KubeTransport, ref: ContainerRef, signal?: AbortSignal): Promise<ContainerLiveness> {
  try {
    const pod = await transport.request<{ metadata?: { deletionTimestamp?: string }; status?: { containerStatuses?: ContainerStatusLike[]; initContainerStatuses?: ContainerStatusLike[] } }>({
      path: `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/pods/${encodeURIComponent(ref.pod)}`,
      signal,
      timeoutMs: 10_000,
    });
    const st = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])].find((c) => c.name === ref.container);
    return containerLiveness(st);
  } catch (e) {
    if ((e as { status?: number }).status === 404) return { state: 'gone' };
    throw e;
  }
}

export interface ContainerStatusLike {
  name: string;
  restartCount?: number;
  state?: { running?: unknown; waiting?: { reason?: string }; terminated?: { reason?: string; exitCode?: number } };
}

export function containerLiveness(st: ContainerStatusLike | undefined): ContainerLiveness {
  if (!st?.state || st.state.running) return { state: 'running' };
  const t = st.state.terminated;
  if (t) return { state: 'stopped', reason: `terminated${t.reason ? ` (${t.reason}${t.exitCode !== undefined ? `, exit code ${t.exitCode}` : ''})` : t.exitCode !== undefined ? ` (exit code ${t.exitCode})` : ''}` };
  return { state: 'stopped', reason: `is waiting${st.state.waiting?.reason ? ` (${st.state.waiting.reason})` : ''}` };
}

