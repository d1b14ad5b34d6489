// Follows the logs of every container of a set of pods (a workload's, or a label selector's), as
// `kubectl logs -f -l … --prefix` does, but live: the set comes from the watch cache (podSource.ts),
// so pods a rollout creates are picked up when their container starts, and pods that go are
// marked ("— pod web-1 deleted") and their streams released. Each line is prefixed
// `[pod/container]`. At most `maxStreams` streams run at once (each holds a request on the
// apiserver and the kubelet); past it the rest wait, oldest pods first, and a notice says so.
import type { KubeObject } from '../kinds/types';
import type { KubeTransport } from '../transport/types';
import type { Disposable } from '../util/emitter';
import { type ContainerLiveness, type ContainerStatusLike, containerLiveness, type StreamDeps, type StreamEnd, streamContainerLogs } from './containerLogs';
import type { LogOptions } from './logOptions';
import type { PodSource } from './podSource';
import { ResumePoint } from './resumePoint';

/** Where lines and notices go (a LogBuffer in the editor, an array in tests). */
export interface LogSink {
  line(text: string): void;
}

export interface PodSetOptions extends LogOptions {
  maxStreams: number;
  /** Overrides for tests (sleep, backoff). */
  streamDeps?: Pick<StreamDeps, 'sleep' | 'backoff'>;
}

interface Entry {
  uid: string;
  namespace: string;
  pod: string;
  container: string;
  state: 'waiting' | 'queued' | 'streaming' | 'ended';
  abort?: AbortController;
  /** restartCount of the instance last streamed: a higher one running means a new instance. */
  restartCount: number;
  /** Pods that were there when the view opened get the user's tail/since; later ones start at their beginning. */
  initial: boolean;
  resume: ResumePoint;
}

export function prefixFor(pod: string, container: string): string {
  return `[${pod}/${container}]`;
}

/** One output line: prefix, the timestamp when asked for, the text. */
export function formatLine(prefix: string | undefined, text: string, timestamp: string | undefined, timestamps: boolean): string {
  return [prefix, timestamps ? timestamp : undefined, text].filter((p) => p !== undefined).join(' ');
}

export class PodSetLogs {
  private readonly entries = new Map<string, Entry>();
  /** uid → name of the pods we know, to mark the ones that go. */
  private readonly known = new Map<string, string>();
  private readonly stopper = new AbortController();
  private readonly sub: Disposable;
  private first = true;
  private lastQueuedNotice = 0;
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly transport: KubeTransport,
    private readonly source: PodSource,
    private readonly opts: PodSetOptions,
    private readonly sink: LogSink,
  ) {
    this.sub = source.onDidChange(() => this.reconcile());
    this.reconcile();
  }

  /** Streams running now (for tests and the status line). */
  get activeStreams(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.state === 'streaming') n++;
    return n;
  }

  stop(): void {
    if (this.stopper.signal.aborted) return;
    this.stopper.abort();
    this.sub.dispose();
    for (const e of this.entries.values()) e.abort?.abort();
  }

  /** Resolves when every stream has let go of its request (after stop()). */
  async settled(): Promise<void> {
    while (this.running.size) await Promise.all([...this.running]);
  }

  private reconcile(): void {
    if (this.stopper.signal.aborted) return;
    const pods = [...this.source.pods()].sort(byAge);
    const present = new Set<string>();
    if (this.first && !pods.length) this.sink.line('— no pods match yet: waiting for them');
    for (const pod of pods) {
      const uid = pod.metadata.uid ?? `${pod.metadata.namespace}/${pod.metadata.name}`;
      present.add(uid);
      if (!this.known.has(uid)) {
        if (!this.first) this.sink.line(`— pod ${pod.metadata.name} appeared`);
        this.known.set(uid, pod.metadata.name ?? '?');
      }
      const statuses = (pod.status as { containerStatuses?: ContainerStatusLike[] } | undefined)?.containerStatuses ?? [];
      for (const c of (pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []) {
        const key = `${uid}/${c.name}`;
        const st = statuses.find((s) => s.name === c.name);
        const started = !!(st?.state?.running || st?.state?.terminated);
        let e = this.entries.get(key);
        if (!e) {
          e = { uid, namespace: pod.metadata.namespace ?? '', pod: pod.metadata.name ?? '?', container: c.name, state: 'waiting', restartCount: st?.restartCount ?? 0, initial: this.first, resume: new ResumePoint() };
          this.entries.set(key, e);
        }
        if (e.state === 'waiting' && started) e.state = 'queued';
        if (e.state === 'ended' && st?.state?.running && (st.restartCount ?? 0) > e.restartCount) {
          this.sink.line(`— ${prefixFor(e.pod, e.container)} restarted`);
          e.restartCount = st.restartCount ?? 0;
          e.state = 'queued';
        }
      }
    }
    for (const [uid, name] of [...this.known]) {
      if (present.has(uid)) continue;
      this.known.delete(uid);
      for (const [key, e] of [...this.entries]) {
        if (e.uid !== uid) continue;
        e.abort?.abort();
        this.entries.delete(key);
      }
      this.sink.line(`— pod ${name} deleted`);
    }
    this.first = false;
    this.startQueued(pods);
  }

  private startQueued(pods: readonly KubeObject[]): void {
    const order = new Map(pods.map((p, i) => [p.metadata.uid ?? `${p.metadata.namespace}/${p.metadata.name}`, i]));
    const queued = [...this.entries.values()].filter((e) => e.state === 'queued').sort((a, b) => (order.get(a.uid) ?? 0) - (order.get(b.uid) ?? 0));
    let active = this.activeStreams;
    for (const e of queued) {
      if (active >= this.opts.maxStreams) break;
      active++;
      this.start(e);
    }
    const waiting = queued.length - queued.filter((e) => e.state === 'streaming').length;
    if (waiting > 0 && waiting !== this.lastQueuedNotice) {
      this.sink.line(`— ${waiting} container${waiting === 1 ? '' : 's'} not followed yet: at most ${this.opts.maxStreams} streams run at once (setting kubeAtlas.logs.maxStreams); they start as others end`);
    }
    this.lastQueuedNotice = waiting;
  }

  private start(e: Entry): void {
    e.state = 'streaming';
    const abort = new AbortController();
    e.abort = abort;
    const prefix = prefixFor(e.pod, e.container);
    const opts: LogOptions = e.initial ? this.opts : { ...this.opts, tailLines: undefined, sinceSeconds: undefined };
    e.initial = false; // a restarted instance starts at its beginning (the resume point drops what was shown)
    const ref = { namespace: e.namespace, pod: e.pod, container: e.container };
    const run = streamContainerLogs(
      this.transport,
      ref,
      opts,
      {
        line: (text, ts) => this.sink.line(formatLine(prefix, text, ts, this.opts.timestamps)),
        reconnecting: (err, ms) => this.sink.line(`— ${prefix} ${err ? err.message : 'stream ended while the container runs'}: reconnecting in ${(ms / 1000).toFixed(1)} s`),
      },
      abort.signal,
      { ...this.opts.streamDeps, liveness: async () => this.liveness(e), resume: e.resume },
    ).then((end) => this.ended(e, end));
    const tracked = run.finally(() => this.running.delete(tracked));
    this.running.add(tracked);
  }

  private liveness(e: Entry): ContainerLiveness {
    const pod = this.source.pods().find((p) => (p.metadata.uid ?? '') === e.uid);
    if (!pod) return { state: 'gone' };
    const st = (pod.status as { containerStatuses?: ContainerStatusLike[] } | undefined)?.containerStatuses?.find((s) => s.name === e.container);
    return containerLiveness(st);
  }

  private ended(e: Entry, end: StreamEnd): void {
    if (this.entries.get(`${e.uid}/${e.container}`) !== e) return; // the pod went: already marked
    e.state = 'ended';
    e.abort = undefined;
    if (end.reason === 'failed' && end.error.problem !== 'pod-not-found') this.sink.line(`— ${prefixFor(e.pod, e.container)} ${end.error.message}`);
    else if (end.reason === 'ended' && end.message && !end.message.endsWith('deleted')) this.sink.line(`— ${prefixFor(e.pod, e.container)} ${end.message}`);
    if (!this.stopper.signal.aborted) this.startQueued([...this.source.pods()].sort(byAge));
  }
}

function byAge(a: KubeObject, b: KubeObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  return ta < tb ? -1 : ta > tb ? 1 : (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}
