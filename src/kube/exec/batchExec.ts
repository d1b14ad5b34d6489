// One command in many pods (a label selector's, a workload's, a namespace's): bounded concurrency,
// a deadline per pod, cancellation, and one result per pod — exit code, duration, output (capped)
// — with failures first, so "which pods are broken" is the top of the report.
import type { ChannelOpener } from '../transport/channel/channelSocket';
import type { KubeTransport } from '../transport/types';
import { type ExecEnd, ExecSession } from './execSession';
import { formatCommandLine } from './commandLine';
import { describeEnd } from './shellProbe';

export interface BatchTarget {
  namespace: string;
  pod: string;
  container?: string;
}

export interface BatchResult {
  target: BatchTarget;
  /** exit (with code), failure (the command could not run), closed, refused (the channel was refused), timeout, cancelled. */
  status: 'exit' | 'failure' | 'closed' | 'refused' | 'timeout' | 'cancelled';
  exitCode?: number;
  message?: string;
  durationMs: number;
  output: string;
}

export interface BatchOptions {
  command: readonly string[];
  /** Pods in flight at once. Default 8. */
  concurrency?: number;
  /** Per pod, from dial to exit. Default 30 s. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Output kept per pod (the tail beyond it is cut). Default 64 KiB. */
  maxOutput?: number;
  onResult?: (r: BatchResult, done: number, total: number) => void;
}

export function failed(r: BatchResult): boolean {
  return !(r.status === 'exit' && r.exitCode === 0);
}

/** Failures first (then by namespace/pod), successes after. */
export function failuresFirst(results: readonly BatchResult[]): BatchResult[] {
  const key = (r: BatchResult) => `${r.target.namespace}/${r.target.pod}`;
  return [...results].sort((a, b) => Number(failed(b)) - Number(failed(a)) || key(a).localeCompare(key(b)));
}

export async function runBatch(opener: ChannelOpener, targets: readonly BatchTarget[], opts: BatchOptions): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  const limit = Math.max(1, opts.concurrency ?? 8);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < targets.length) {
      const t = targets[next++]!;
      const r = await runOne(opener, t, opts);
      results.push(r);
      opts.onResult?.(r, results.length, targets.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, targets.length) }, worker));
  return failuresFirst(results);
}

async function runOne(opener: ChannelOpener, target: BatchTarget, opts: BatchOptions): Promise<BatchResult> {
  const started = Date.now();
  const max = opts.maxOutput ?? 64 * 1024;
  let output = '';
  const result = (status: BatchResult['status'], extra: Partial<BatchResult> = {}): BatchResult => ({ target, status, durationMs: Date.now() - started, output, ...extra });
  if (opts.signal?.aborted) return result('cancelled');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const ac = new AbortController();
  let why: 'timeout' | 'cancelled' | undefined;
  const timer = setTimeout(() => {
    why = 'timeout';
    ac.abort();
  }, timeoutMs);
  const onCancel = (): void => {
    why = 'cancelled';
    ac.abort();
  };
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  try {
    let session: ExecSession;
    try {
      session = await ExecSession.open(opener, { ...target, command: opts.command, tty: false, stdin: false, signal: ac.signal, timeoutMs }, (_s, text) => {
        if (output.length < max) output += text.slice(0, max - output.length);
      });
    } catch (e) {
      if (why) return result(why, { message: why === 'timeout' ? `no answer within ${timeoutMs} ms` : 'cancelled' });
      return result('refused', { message: e instanceof Error ? e.message : String(e) });
    }
    const onAbort = (): void => session.close();
    ac.signal.addEventListener('abort', onAbort, { once: true });
    // Cancelled or timed out while the channel was opening: the listener would never fire.
    if (ac.signal.aborted) session.close();
    const end: ExecEnd = await session.ended;
    ac.signal.removeEventListener('abort', onAbort);
    if (why) return result(why, { message: why === 'timeout' ? `still running after ${timeoutMs} ms: stopped` : 'cancelled' });
    if (end.kind === 'exit') return result('exit', { exitCode: end.code });
    return result(end.kind, { message: describeEnd(end) });
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCancel);
  }
}

/** Pods matching a label selector, in one namespace or all of them (a GET: the whole list, now). */
export async function podsBySelector(transport: KubeTransport, selector: string, namespace?: string, container?: string): Promise<BatchTarget[]> {
  const path = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods` : '/api/v1/pods';
  const list = await transport.request<{ items?: { metadata: { name: string; namespace: string }; status?: { phase?: string } }[] }>({ path, query: { labelSelector: selector || undefined } });
  return (list.items ?? []).filter((p) => p.status?.phase === 'Running').map((p) => ({ namespace: p.metadata.namespace, pod: p.metadata.name, container }));
}

/** The results document: a summary line, then one section per pod, failures first. */
export function renderBatchReport(command: readonly string[], results: readonly BatchResult[]): string {
  const bad = results.filter(failed).length;
  const lines = [`# ${formatCommandLine(command)}`, '', `${results.length} pods: ${bad} failed, ${results.length - bad} succeeded.`, ''];
  for (const r of failuresFirst(results)) {
    const what = r.status === 'exit' ? `exit ${r.exitCode}` : `${r.status}${r.message ? `: ${r.message}` : ''}`;
    lines.push(`## ${failed(r) ? '✖' : '✔'} ${r.target.namespace}/${r.target.pod}${r.target.container ? ` (${r.target.container})` : ''} — ${what} — ${r.durationMs} ms`);
    if (r.output) lines.push('', '```', r.output.replace(/\n$/, ''), '```');
    lines.push('');
  }
  return lines.join('\n');
}
