// client-go's Reflector, in TypeScript: list (paged), then watch from the list's resourceVersion
// with bookmarks and a randomised timeout; relist after 410 Gone; reconnect with backoff and
// jitter after anything else. Supervised: it only ends when stopped.
import { type KubeObject, objectKey } from '../kinds/types';
import { KubeApiError } from '../transport/types';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions, delay } from './backoff';
import type { ListerWatcher } from './listerWatcher';
import type { IndexedStore, StoreDiff } from './store';

export type WatchPhase = 'listing' | 'watching' | 'backoff' | 'forbidden' | 'stopped';

export interface WatchStatus {
  phase: WatchPhase;
  /** True once the first complete list landed in the store (stays true across reconnects). */
  synced: boolean;
  /** The last failure, while recovering from it. */
  error?: Error;
  /** When phase is backoff/forbidden: ms until the next attempt. */
  retryInMs?: number;
}

export interface ReflectorSink {
  replaced(diff: StoreDiff): void;
  added(key: string, obj: KubeObject): void;
  updated(key: string, old: KubeObject, obj: KubeObject): void;
  deleted(key: string, obj: KubeObject): void;
  status(s: WatchStatus): void;
}

export interface ReflectorOptions {
  pageSize?: number;
  /** Server-side watch timeout; randomised so that many watches do not all reconnect at once. */
  watchTimeoutSeconds?: () => number;
  backoff?: BackoffOptions;
  transform?: (o: KubeObject) => KubeObject;
  /** A watch that ends sooner than this counts as a failure (guards against hot reconnect loops). */
  minHealthyWatchMs?: number;
  now?: () => number;
}

const randomTimeout = (): number => 300 + Math.floor(Math.random() * 300);

class GoneError extends Error {}

export class Reflector {
  private resourceVersion = '';
  private synced = false;
  private readonly abort = new AbortController();
  private readonly backoff: Backoff;
  private running: Promise<void> | undefined;

  constructor(
    private readonly lw: ListerWatcher,
    private readonly store: IndexedStore,
    private readonly sink: ReflectorSink,
    private readonly opts: ReflectorOptions = {},
  ) {
    this.backoff = new Backoff(opts.backoff ?? DEFAULT_BACKOFF, opts.now);
  }

  /** The resourceVersion the cache is at (opaque: compared only for equality). */
  get lastSyncResourceVersion(): string {
    return this.resourceVersion;
  }

  start(): void {
    this.running ??= this.run();
  }

  /** Stops and resolves when the loop has ended; safe during connect, list or backoff. */
  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
    this.sink.status({ phase: 'stopped', synced: this.synced });
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  /**
   * A signal for one list or watch attempt, linked to the reflector's: HTTP clients hang listeners
   * on the signals they get, and a long-lived signal reused across thousands of reconnects would
   * collect them.
   */
  private attemptSignal(): { signal: AbortSignal; done(): void } {
    const c = new AbortController();
    const onAbort = (): void => c.abort();
    if (this.signal.aborted) c.abort();
    else this.signal.addEventListener('abort', onAbort, { once: true });
    return { signal: c.signal, done: () => this.signal.removeEventListener('abort', onAbort) };
  }

  private async run(): Promise<void> {
    while (!this.signal.aborted) {
      try {
        if (!this.resourceVersion) await this.listAll();
        if (this.signal.aborted) break;
        await this.watchOnce();
      } catch (e) {
        if (this.signal.aborted) break;
        if (e instanceof GoneError || (e instanceof KubeApiError && e.status === 410)) {
          // Our resourceVersion fell out of etcd's history: relist now (no backoff), the relist
          // synthesises deletes for whatever vanished meanwhile.
          this.resourceVersion = '';
          continue;
        }
        const err = e instanceof Error ? e : new Error(String(e));
        const forbidden = e instanceof KubeApiError && (e.status === 403 || e.status === 401);
        let wait = this.backoff.next();
        if (e instanceof KubeApiError && e.retryAfterSeconds !== undefined) wait = Math.max(wait, e.retryAfterSeconds * 1000);
        this.sink.status({ phase: forbidden ? 'forbidden' : 'backoff', synced: this.synced, error: err, retryInMs: wait });
        await delay(wait, this.signal);
      }
    }
  }

  private async listAll(): Promise<void> {
    this.sink.status({ phase: 'listing', synced: this.synced });
    const items: KubeObject[] = [];
    let continueToken: string | undefined;
    let rv = '';
    for (;;) {
      let page: Awaited<ReturnType<ListerWatcher['list']>>;
      const attempt = this.attemptSignal();
      try {
        page = await this.lw.list({ limit: this.opts.pageSize ?? 500, continueToken, resourceVersion: '', signal: attempt.signal });
      } catch (e) {
        // The continue token expired mid-list (410): start the list over, not the whole backoff.
        if (continueToken && e instanceof KubeApiError && e.status === 410) {
          items.length = 0;
          continueToken = undefined;
          continue;
        }
        throw e;
      } finally {
        attempt.done();
      }
      const transform = this.opts.transform;
      for (const o of page.items) items.push(transform ? transform(o) : o);
      rv = page.resourceVersion;
      continueToken = page.continueToken;
      if (!continueToken) break;
    }
    if (this.signal.aborted) return;
    const diff = this.store.replace(items);
    this.resourceVersion = rv;
    this.synced = true;
    this.sink.replaced(diff);
    // Synced as soon as the list landed: readers need not wait for the watch to connect.
    this.sink.status({ phase: 'watching', synced: true });
  }

  private async watchOnce(): Promise<void> {
    const attempt = this.attemptSignal();
    try {
      await this.watchStream(attempt.signal);
    } finally {
      attempt.done();
    }
  }

  private async watchStream(signal: AbortSignal): Promise<void> {
    const started = (this.opts.now ?? Date.now)();
    const events = await this.lw.watch({
      resourceVersion: this.resourceVersion,
      timeoutSeconds: (this.opts.watchTimeoutSeconds ?? randomTimeout)(),
      allowWatchBookmarks: true,
      signal,
    });
    this.sink.status({ phase: 'watching', synced: this.synced });
    let received = 0;
    for await (const ev of events) {
      if (this.signal.aborted) return;
      received++;
      const obj = ev.object;
      switch (ev.type) {
        case 'ADDED':
        case 'MODIFIED': {
          const o = this.opts.transform ? this.opts.transform(obj) : obj;
          const key = objectKey(o);
          const old = this.store.upsert(o);
          if (old) this.sink.updated(key, old, o);
          else this.sink.added(key, o);
          break;
        }
        case 'DELETED': {
          const key = objectKey(obj);
          const old = this.store.delete(key);
          if (old) this.sink.deleted(key, old);
          break;
        }
        case 'BOOKMARK':
          break;
        case 'ERROR': {
          if (obj.code === 410) throw new GoneError(obj.message ?? 'resourceVersion too old');
          throw new KubeApiError(obj.message ?? 'watch error', { kind: 'http', status: obj.code, reason: obj.reason });
        }
        default:
          continue;
      }
      const rv = obj.metadata?.resourceVersion;
      if (rv) this.resourceVersion = rv;
    }
    if (this.signal.aborted) return;
    // The server ended the watch (its timeout, or a restart). A watch that delivered events or ran
    // for a while was healthy: reconnect at once. One that closed immediately with nothing is
    // treated as a failure, so a server that keeps closing us does not become a hot loop.
    const ranMs = (this.opts.now ?? Date.now)() - started;
    if (received > 0 || ranMs >= (this.opts.minHealthyWatchMs ?? 1000)) {
      this.backoff.reset();
      return;
    }
    throw new Error('the watch closed immediately');
  }
}
