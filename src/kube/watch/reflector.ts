// client-go's Reflector, in TypeScript: list (paged), then watch from the list's resourceVersion
// with bookmarks and a randomised timeout; relist after 410 Gone; reconnect with backoff and
// jitter after anything else. Supervised: it only ends when stopped.
//
// Which resourceVersion a list asks for follows client-go's relistResourceVersion(): the first
// list and any list after "resourceVersion unavailable" are consistent reads (""); a relist after
// a dropped or expired watch asks for "not older than what we had", which the apiserver serves
// from its watch cache instead of etcd.
import { type KubeObject, objectKey } from '../kinds/types';
import { KubeApiError } from '../transport/types';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions, delay } from './backoff';
import type { ListerWatcher, ListOptions, WatchEvent } from './listerWatcher';
import type { IndexedStore, StoreDiff } from './store';

export type WatchPhase = 'listing' | 'watching' | 'backoff' | 'forbidden' | 'stopped';

export interface WatchStatus {
  phase: WatchPhase;
  /**
   * True once the first complete list landed in the store (stays true across reconnects) and the
   * watch still runs: a stopped watch is never synced, so nobody mistakes its frozen store for live data.
   */
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
  /**
   * A watch that delivers nothing (not even a bookmark) for this long is presumed dead (laptop
   * sleep, VPN drop, a middlebox that silently forgets the connection) and is restarted from the
   * last resourceVersion. The apiserver sends a bookmark about once a minute (cacher.go
   * defaultBookmarkFrequency), so a live watch is never silent this long.
   */
  idleTimeoutMs?: number;
  /** Consecutive watch ERROR events (other than 410) after which the cache is relisted. */
  maxWatchErrors?: number;
  now?: () => number;
}

export const DEFAULT_IDLE_TIMEOUT_MS = 80_000;
const randomTimeout = (): number => 300 + Math.floor(Math.random() * 300);

/** The watch's resourceVersion is older than the server's history: relist. */
class GoneError extends Error {}
/** The watch went silent past the idle deadline. */
class IdleError extends Error {}
/** The server sent ERROR events repeatedly: relist instead of resuming from the same place. */
class RelistNeeded extends Error {}

export class Reflector {
  /** Last resourceVersion seen (list, event or bookmark): where a rewatch resumes. */
  private resourceVersion = '';
  /** The store must be (re)filled by a list before watching. */
  private needList = true;
  /** The last list asked for a resourceVersion the server no longer has: next list is a consistent read. */
  private rvUnavailable = false;
  private synced = false;
  private stopped = false;
  private readonly abort = new AbortController();
  private readonly backoff: Backoff;
  private running: Promise<void> | undefined;
  /** 410s in a row with no healthy watch in between: the second and later ones back off. */
  private goneStreak = 0;
  /** ERROR events in a row (not 410) with no healthy watch in between. */
  private errorStreak = 0;

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

  /**
   * Stops and resolves when the loop has ended; safe during connect, list or backoff. The stopped
   * status goes out at once, before the loop has unwound, so holders stop trusting the store now.
   */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.abort.abort();
      this.sink.status({ phase: 'stopped', synced: false });
    }
    await this.running;
  }

  private get signal(): AbortSignal {
    return this.abort.signal;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  private status(s: WatchStatus): void {
    if (!this.stopped) this.sink.status(s);
  }

  /**
   * A controller for one list or watch attempt, linked to the reflector's: HTTP clients hang
   * listeners on the signals they get, and a long-lived signal reused across thousands of
   * reconnects would collect them.
   */
  private attempt(): { controller: AbortController; done(): void } {
    const c = new AbortController();
    const onAbort = (): void => c.abort();
    if (this.signal.aborted) c.abort();
    else this.signal.addEventListener('abort', onAbort, { once: true });
    return { controller: c, done: () => this.signal.removeEventListener('abort', onAbort) };
  }

  private async run(): Promise<void> {
    while (!this.signal.aborted) {
      try {
        if (this.needList) await this.listAll();
        if (this.signal.aborted) break;
        await this.watchOnce();
      } catch (e) {
        if (this.signal.aborted) break;
        if (e instanceof GoneError) {
          // Our resourceVersion fell out of the server's history: relist (it synthesises deletes
          // for whatever vanished meanwhile). The first time at once; if the relisted version
          // expires again straight away, back off like any other failure (client-go always does).
          this.needList = true;
          if (++this.goneStreak === 1) continue;
        } else if (e instanceof RelistNeeded) {
          this.needList = true;
        } else if (e instanceof IdleError) {
          // Over HTTP/2 the restarted watch would share the silent connection: check it first.
          await this.lw.idle?.().catch(() => undefined);
        }
        const err = e instanceof Error ? e : new Error(String(e));
        const forbidden = e instanceof KubeApiError && (e.status === 403 || e.status === 401);
        let wait = this.backoff.next();
        const retryAfter = (e as { retryAfterSeconds?: unknown }).retryAfterSeconds;
        if (typeof retryAfter === 'number') wait = Math.max(wait, retryAfter * 1000);
        this.status({ phase: forbidden ? 'forbidden' : 'backoff', synced: this.synced, error: err, retryInMs: wait });
        await delay(wait, this.signal);
      }
    }
  }

  /** client-go's relistResourceVersion(), with NotOlderThan made explicit so paging keeps working. */
  private listOptions(): Pick<ListOptions, 'resourceVersion' | 'resourceVersionMatch'> {
    if (this.rvUnavailable || !this.resourceVersion) return { resourceVersion: '' };
    return { resourceVersion: this.resourceVersion, resourceVersionMatch: 'NotOlderThan' };
  }

  private async listAll(): Promise<void> {
    this.status({ phase: 'listing', synced: this.synced });
    let items: KubeObject[];
    let rv: string;
    try {
      ({ items, rv } = await this.listPages(this.listOptions()));
    } catch (e) {
      if (!isRvUnavailable(e) || this.rvUnavailable) throw e;
      // The version we asked for is gone (410) or ahead of this server's cache (a new apiserver
      // behind a load balancer): list the latest state instead, right away.
      this.rvUnavailable = true;
      ({ items, rv } = await this.listPages(this.listOptions()));
    }
    if (this.signal.aborted) return;
    const diff = this.store.replace(items);
    this.resourceVersion = rv;
    this.rvUnavailable = false;
    this.needList = false;
    this.synced = true;
    this.sink.replaced(diff);
    // Synced as soon as the list landed: readers need not wait for the watch to connect.
    this.status({ phase: 'watching', synced: true });
  }

  /**
   * All pages of one list. A continue token that expires mid-list (410: the snapshot it pointed at
   * was compacted) restarts the list from a consistent read; if that expires too, the list is
   * taken in one piece (client-go's pager falls back to a full list the same way).
   */
  private async listPages(first: Pick<ListOptions, 'resourceVersion' | 'resourceVersionMatch'>): Promise<{ items: KubeObject[]; rv: string }> {
    const transform = this.opts.transform;
    let limit: number | undefined = this.opts.pageSize ?? 500;
    let base = first;
    let items: KubeObject[] = [];
    let continueToken: string | undefined;
    for (let expiries = 0; ; ) {
      const attempt = this.attempt();
      let page: Awaited<ReturnType<ListerWatcher['list']>>;
      try {
        page = await this.lw.list({ limit, continueToken, ...(continueToken ? {} : base), signal: attempt.controller.signal });
      } catch (e) {
        if (continueToken && e instanceof KubeApiError && e.status === 410) {
          expiries++;
          items = [];
          continueToken = undefined;
          base = { resourceVersion: '' };
          if (expiries > 1) limit = undefined;
          continue;
        }
        throw e;
      } finally {
        attempt.done();
      }
      for (const o of page.items) items.push(transform ? transform(o) : o);
      continueToken = page.continueToken;
      if (!continueToken) return { items, rv: page.resourceVersion };
      if (this.signal.aborted) return { items, rv: page.resourceVersion };
    }
  }

  private async watchOnce(): Promise<void> {
    const attempt = this.attempt();
    try {
      await this.watchStream(attempt.controller);
    } finally {
      attempt.done();
    }
  }

  private async watchStream(controller: AbortController): Promise<void> {
    const started = this.now();
    const idleMs = this.opts.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
    let lastData = started;
    let idle = false;
    // One timer re-armed for the remaining time rather than one reset per event: cheap at 20,000 events/s.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = (ms: number): void => {
      timer = setTimeout(() => {
        const silent = this.now() - lastData;
        if (silent < idleMs) return arm(idleMs - silent);
        idle = true;
        controller.abort();
      }, ms);
    };
    arm(idleMs);
    let received = 0;
    try {
      const events = await this.lw.watch({
        resourceVersion: this.resourceVersion,
        timeoutSeconds: (this.opts.watchTimeoutSeconds ?? randomTimeout)(),
        allowWatchBookmarks: true,
        signal: controller.signal,
      });
      lastData = this.now();
      this.status({ phase: 'watching', synced: this.synced });
      for await (const ev of events) {
        if (this.signal.aborted) return;
        lastData = this.now();
        this.handle(ev);
        received++;
      }
    } catch (e) {
      if (!idle) throw e;
    } finally {
      clearTimeout(timer);
    }
    if (this.signal.aborted) return;
    if (idle) throw new IdleError(`the watch was silent for ${Math.round(idleMs / 1000)} s (no event or bookmark): reconnecting`);
    // The server ended the watch (its timeout, or a restart). A watch that delivered events or ran
    // for a while was healthy: reconnect at once. One that closed immediately with nothing is
    // treated as a failure, so a server that keeps closing us does not become a hot loop.
    if (received > 0 || this.now() - started >= (this.opts.minHealthyWatchMs ?? 1000)) {
      this.backoff.reset();
      return;
    }
    throw new Error('the watch closed immediately');
  }

  private handle(ev: WatchEvent): void {
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
      case 'ERROR':
        throw this.watchError(obj);
      default:
        return;
    }
    // A real event or a bookmark: the watch is healthy again.
    this.goneStreak = 0;
    this.errorStreak = 0;
    const rv = obj.metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
  }

  /** A watch ERROR event (a metav1.Status) as the error the run loop acts on. */
  private watchError(status: WatchEvent['object']): Error {
    if (status.code === 410) return new GoneError(status.message ?? 'resourceVersion too old');
    const details = status.details as { retryAfterSeconds?: unknown } | undefined;
    const retryAfterSeconds = typeof details?.retryAfterSeconds === 'number' ? details.retryAfterSeconds : undefined;
    const err = new KubeApiError(`watch error from the server: ${status.message ?? status.reason ?? `HTTP ${status.code}`}`, {
      kind: 'http',
      status: status.code,
      reason: status.reason,
      retryAfterSeconds,
    });
    // Resuming from the same resourceVersion forever would repeat the same error: after a few, relist.
    if (++this.errorStreak >= (this.opts.maxWatchErrors ?? 3)) {
      this.errorStreak = 0;
      const relist = new RelistNeeded(`${err.message} (${this.opts.maxWatchErrors ?? 3} in a row: listing again)`);
      return Object.assign(relist, { retryAfterSeconds });
    }
    return err;
  }
}

/** 410 Gone/Expired, or a resourceVersion the server's cache has not reached (504 ResourceVersionTooLarge). */
function isRvUnavailable(e: unknown): boolean {
  if (!(e instanceof KubeApiError)) return false;
  if (e.status === 410) return true;
  return e.causes?.some((c) => c.reason === 'ResourceVersionTooLarge') === true || /too large resource version/i.test(e.message);
}
