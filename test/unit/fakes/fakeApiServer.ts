// A scripted stand-in for one resource collection of an API server, behind our own ListerWatcher
// seam: it keeps an event history so watches resume from a resourceVersion, can compact that
// history (410 Gone), drop connections, fail calls and hang on connect.
import type { KubeObject } from '../../../src/kube/kinds/types';
import type { ListerWatcher, ListOptions, ListPage, WatchEvent, WatchOptions } from '../../../src/kube/watch/listerWatcher';

class Channel implements AsyncIterable<WatchEvent> {
  private queue: WatchEvent[] = [];
  private waiting: ((r: IteratorResult<WatchEvent>) => void) | undefined;
  private failWaiting: ((e: unknown) => void) | undefined;
  private ended = false;
  private error: unknown;

  constructor(signal: AbortSignal, private readonly onEnd: () => void) {
    if (signal.aborted) queueMicrotask(() => this.close());
    else signal.addEventListener('abort', () => this.close(), { once: true });
  }

  push(ev: WatchEvent): void {
    if (this.ended) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = undefined;
      w({ value: ev, done: false });
    } else this.queue.push(ev);
  }

  close(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    if (this.waiting) this.waiting({ value: undefined, done: true });
  }

  drop(err: Error): void {
    if (this.ended) return;
    this.ended = true;
    this.error = err;
    this.onEnd();
    if (this.failWaiting) this.failWaiting(err);
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    return {
      next: () => {
        const v = this.queue.shift();
        if (v) return Promise.resolve({ value: v, done: false });
        if (this.error) return Promise.reject(this.error);
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => {
          this.waiting = resolve;
          this.failWaiting = reject;
        });
      },
    };
  }
}

export class FakeApiServer {
  private rv = 100;
  readonly objects = new Map<string, KubeObject>();
  private history: { rv: number; ev: WatchEvent }[] = [];
  private compactedBelow = 0;
  readonly open = new Set<Channel>();
  listCalls = 0;
  /** Options of every list call (without the signal). */
  readonly listOpts: Omit<ListOptions, 'signal'>[] = [];
  readonly watchCalls: WatchOptions[] = [];
  /** Errors thrown by the next list/watch calls, in order. */
  readonly failNext: Error[] = [];
  /** metav1.Status objects the next watches send as an ERROR event before closing, in order. */
  readonly watchErrors: WatchEvent['object'][] = [];
  /** Errors thrown by list calls that carry a continue token, in order (an expired token). */
  readonly failContinue: Error[] = [];
  /** Errors thrown by lists that ask for resourceVersionMatch=NotOlderThan, in order. */
  readonly failNotOlderThan: Error[] = [];
  /** Called after every list page is served (tests compact or write here). */
  afterList: (() => void) | undefined;
  hangWatches = false;
  /** Open watches stay open but deliver nothing (a middlebox that silently dropped them). */
  private silenced = new Set<Channel>();

  get currentRv(): string {
    return String(this.rv);
  }

  create(name: string, namespace = 'default', extra: Partial<KubeObject> = {}): KubeObject {
    return this.write('ADDED', { apiVersion: 'v1', kind: 'Pod', ...extra, metadata: { name, namespace, uid: `uid-${namespace}-${name}`, ...extra.metadata } });
  }

  update(name: string, namespace = 'default', patch: (o: KubeObject) => KubeObject = (o) => o): KubeObject {
    const old = this.objects.get(`${namespace}/${name}`);
    if (!old) throw new Error(`no ${namespace}/${name}`);
    return this.write('MODIFIED', patch(structuredClone(old)));
  }

  remove(name: string, namespace = 'default'): void {
    const old = this.objects.get(`${namespace}/${name}`);
    if (!old) throw new Error(`no ${namespace}/${name}`);
    this.write('DELETED', old);
  }

  /** Forget history below the current revision: watches from older RVs get 410 Gone. */
  compact(): void {
    this.compactedBelow = this.rv;
    this.history = [];
  }

  bookmark(): void {
    this.rv++;
    this.broadcast({ type: 'BOOKMARK', object: { metadata: { resourceVersion: String(this.rv) } } });
  }

  dropAll(err = new Error('socket hang up')): void {
    for (const c of [...this.open]) c.drop(err);
  }

  closeAll(): void {
    for (const c of [...this.open]) c.close();
  }

  /** Every watch open now goes silent without closing; later watches work. */
  silenceOpen(): void {
    for (const c of this.open) this.silenced.add(c);
  }

  lw(): ListerWatcher {
    return {
      list: async (opts: ListOptions): Promise<ListPage> => {
        this.listCalls++;
        const { signal: _signal, ...recorded } = opts;
        this.listOpts.push(recorded);
        const err = this.failNext.shift() ?? (opts.continueToken ? this.failContinue.shift() : undefined) ?? (opts.resourceVersionMatch === 'NotOlderThan' ? this.failNotOlderThan.shift() : undefined);
        if (err) throw err;
        queueMicrotask(() => this.afterList?.());
        const all = [...this.objects.values()].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
        const start = opts.continueToken ? Number(opts.continueToken) : 0;
        const limit = opts.limit ?? all.length;
        const items = all.slice(start, start + limit).map((o) => structuredClone(o));
        const next = start + limit < all.length ? String(start + limit) : undefined;
        return { items, resourceVersion: this.currentRv, continueToken: next };
      },
      watch: async (opts: WatchOptions): Promise<AsyncIterable<WatchEvent>> => {
        this.watchCalls.push({ ...opts });
        const err = this.failNext.shift();
        if (err) throw err;
        if (this.hangWatches) {
          await new Promise((_, reject) => opts.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
        }
        const from = Number(opts.resourceVersion);
        const ch = new Channel(opts.signal, () => {
          this.open.delete(ch);
          this.silenced.delete(ch);
        });
        this.open.add(ch);
        const status = this.watchErrors.shift();
        if (status) {
          ch.push({ type: 'ERROR', object: status });
          ch.close();
          return ch;
        }
        if (from < this.compactedBelow) {
          ch.push({ type: 'ERROR', object: { metadata: {}, code: 410, reason: 'Expired', message: 'too old resource version' } });
          ch.close();
          return ch;
        }
        for (const h of this.history) if (h.rv > from) ch.push(structuredClone(h.ev));
        return ch;
      },
    };
  }

  private write(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: KubeObject): KubeObject {
    this.rv++;
    const o = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
    const key = `${o.metadata.namespace}/${o.metadata.name}`;
    if (type === 'DELETED') this.objects.delete(key);
    else this.objects.set(key, o);
    const ev: WatchEvent = { type, object: o };
    this.history.push({ rv: this.rv, ev });
    this.broadcast(ev);
    return o;
  }

  private broadcast(ev: WatchEvent): void {
    for (const c of this.open) if (!this.silenced.has(c)) c.push(structuredClone(ev));
  }
}
