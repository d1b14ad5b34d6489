// A log view's running part: one container's stream, or a pod set's, writing into a LogBuffer,
// with stop() that releases every request. The UI owns one per open log document.
import { objectPath, type ResourceType } from '../kinds/resourceType';
import type { KubeTransport } from '../transport/types';
import type { LabelSelector } from '../watch/labelSelector';
import type { WatchHub } from '../watch/watchHub';
import { type StreamDeps, type StreamEnd, streamContainerLogs } from './containerLogs';
import type { LogBuffer } from './logBuffer';
import type { ContainerRef, LogOptions } from './logOptions';
import { type PodSetOptions, PodSetLogs, formatLine } from './podSetLogs';
import { WatchedPods } from './podSource';

export interface LogSession {
  /** Ends every stream of the view and frees its requests; idempotent. */
  stop(): void;
  /** Resolves when the streams have let go (stopped, or ended by themselves). */
  readonly done: Promise<StreamEnd>;
}

export function describeOptions(o: LogOptions): string {
  return [
    o.previous ? 'previous instance' : o.follow ? 'following' : 'snapshot',
    o.tailLines !== undefined ? `last ${o.tailLines} lines` : '',
    o.sinceSeconds ? `since ${o.sinceSeconds} s ago` : '',
    o.timestamps ? 'timestamps' : '',
  ]
    .filter(Boolean)
    .join(', ');
}

/** One container's log into `buffer`. */
export function containerLogSession(transport: KubeTransport, ref: ContainerRef, opts: LogOptions, buffer: LogBuffer, deps: StreamDeps = {}): LogSession {
  const abort = new AbortController();
  const done = streamContainerLogs(
    transport,
    ref,
    opts,
    {
      line: (text, ts) => buffer.append(formatLine(undefined, text, ts, opts.timestamps)),
      reconnecting: (err, ms) => buffer.append(`— ${err ? err.message : 'the stream ended while the container runs'}: reconnecting in ${(ms / 1000).toFixed(1)} s`),
    },
    abort.signal,
    deps,
  ).then((end) => {
    if (end.reason === 'failed') buffer.append(`— ${end.error.message}${end.error.hint ? ` ${end.error.hint}` : ''}`);
    else if (end.reason === 'ended' && end.message) buffer.append(`— ${end.message}`);
    else if (end.reason === 'ended' && opts.follow && !opts.previous) buffer.append('— the stream ended');
    else if (end.reason === 'aborted') buffer.append('— stopped');
    return end;
  });
  return { stop: () => abort.abort(), done };
}

export interface PodSetTarget {
  hub: WatchHub;
  context: string;
  podType: ResourceType;
  namespace: string;
  selector: LabelSelector;
}

/** Every matching pod's containers into `buffer`; an error text when the pods cannot be listed. */
export async function podSetLogSession(transport: KubeTransport, target: PodSetTarget, opts: PodSetOptions, buffer: LogBuffer): Promise<LogSession | { error: string }> {
  const source = await WatchedPods.open(target.hub, target.context, target.podType, target.namespace, target.selector);
  if ('error' in source) return source;
  const set = new PodSetLogs(transport, source, opts, { line: (l) => buffer.append(l) });
  let resolveDone: (e: StreamEnd) => void = () => {};
  const done = new Promise<StreamEnd>((r) => {
    resolveDone = r;
  });
  let stopped = false;
  return {
    stop: () => {
      if (stopped) return;
      stopped = true;
      set.stop();
      source.dispose();
      void set.settled().then(() => {
        buffer.append('— stopped');
        resolveDone({ reason: 'aborted' });
      });
    },
    done,
  };
}

/** The label selector of a workload (Deployment, StatefulSet, DaemonSet, ReplicaSet, Job), read fresh: the cache may not keep it. */
export async function workloadSelector(transport: KubeTransport, type: ResourceType, namespace: string, name: string): Promise<LabelSelector> {
  const obj = await transport.request<{ spec?: { selector?: LabelSelector } }>({ path: objectPath(type, namespace, name) });
  const sel = obj.spec?.selector;
  if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) {
    throw new Error(`${type.kind} ${namespace}/${name} has no pod selector`);
  }
  return sel;
}

/** `app=web,tier in (a,b)`, for titles. */
export function selectorText(sel: LabelSelector): string {
  return [
    ...Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
    ...(sel.matchExpressions ?? []).map((e) =>
      e.operator === 'Exists' ? e.key : e.operator === 'DoesNotExist' ? `!${e.key}` : `${e.key} ${e.operator === 'In' ? 'in' : 'notin'} (${(e.values ?? []).join(',')})`,
    ),
  ].join(',');
}
