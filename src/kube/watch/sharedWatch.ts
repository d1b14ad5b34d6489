// One watch (one reflector, one store) shared by every subscriber of a (context, kind, scope):
// the tree, the topology graph and diagnosis read the same objects. Changes are coalesced and
// delivered in batches; the store is always updated before any subscriber hears of a change.
import { objectKey as keyOf } from '../kinds/types';
import { ChangeAccumulator, type ChangeSet } from './changeSet';
import type { ListerWatcher } from './listerWatcher';
import { Reflector, type ReflectorOptions, type WatchStatus } from './reflector';
import { IndexedStore } from './store';
import { slimObject } from './slim';
import { Throttle } from '../util/throttle';

export interface Disposable {
  dispose(): void;
}

export interface SharedWatchOptions extends ReflectorOptions {
  /** Deliveries happen at most once per this window (an isolated change goes out at once). */
  batchMs?: number;
}

type ChangeListener = (cs: ChangeSet) => void;
type StatusListener = (s: WatchStatus) => void;

export class SharedWatch {
  readonly store = new IndexedStore();
  private readonly reflector: Reflector;
  private readonly acc = new ChangeAccumulator();
  private readonly changeListeners = new Set<ChangeListener>();
  private readonly statusListeners = new Set<StatusListener>();
  private readonly throttle: Throttle;
  private currentStatus: WatchStatus = { phase: 'listing', synced: false };
  private syncedWaiters: (() => void)[] = [];
  private readonly batchMs: number;

  constructor(lw: ListerWatcher, opts: SharedWatchOptions = {}) {
    this.batchMs = opts.batchMs ?? 30;
    this.throttle = new Throttle(() => this.flush(), this.batchMs);
    const acc = this.acc;
    this.reflector = new Reflector(
      lw,
      this.store,
      {
        replaced: (diff) => {
          acc.markRelisted();
          for (const o of diff.added) acc.added(keyOf(o), o);
          for (const u of diff.updated) acc.updated(keyOf(u.new), u.old, u.new);
          for (const o of diff.deleted) acc.deleted(keyOf(o), o);
          this.schedule();
        },
        added: (k, o) => {
          acc.added(k, o);
          this.schedule();
        },
        updated: (k, old, o) => {
          acc.updated(k, old, o);
          this.schedule();
        },
        deleted: (k, o) => {
          acc.deleted(k, o);
          this.schedule();
        },
        status: (s) => this.setStatus(s),
      },
      { transform: slimObject, ...opts },
    );
  }

  get status(): WatchStatus {
    return this.currentStatus;
  }

  get resourceVersion(): string {
    return this.reflector.lastSyncResourceVersion;
  }

  start(): void {
    this.reflector.start();
  }

  /** Stops for good: the status reads 'stopped' (never synced) at once, before the loop has unwound. */
  async stop(): Promise<void> {
    const stopping = this.reflector.stop();
    this.throttle.cancel();
    await stopping;
    for (const w of this.syncedWaiters) w();
    this.syncedWaiters = [];
  }

  /** Resolves when the first list completed (or the watch was stopped). */
  whenSynced(): Promise<void> {
    if (this.currentStatus.synced || this.currentStatus.phase === 'stopped') return Promise.resolve();
    return new Promise((resolve) => this.syncedWaiters.push(resolve));
  }

  /**
   * Resolves when the first list completed or the first attempt failed (forbidden, unreachable),
   * so a view can show either the objects or the reason instead of spinning forever.
   */
  whenSettled(): Promise<void> {
    const settled = (st: WatchStatus): boolean => st.synced || st.phase === 'stopped' || st.phase === 'backoff' || st.phase === 'forbidden';
    if (settled(this.currentStatus)) return Promise.resolve();
    return new Promise((resolve) => {
      const d = this.onStatus((st) => {
        if (!settled(st)) return;
        d.dispose();
        resolve();
      });
    });
  }

  onChange(listener: ChangeListener): Disposable {
    this.changeListeners.add(listener);
    return { dispose: () => this.changeListeners.delete(listener) };
  }

  onStatus(listener: StatusListener): Disposable {
    this.statusListeners.add(listener);
    return { dispose: () => this.statusListeners.delete(listener) };
  }

  /** Delivers pending changes now (tests and shutdown; normally a timer does this). */
  flush(): void {
    this.throttle.cancel();
    if (this.acc.isEmpty) return;
    const cs = this.acc.take();
    for (const l of this.changeListeners) {
      try {
        l(cs);
      } catch {
        // A failing subscriber must not starve the others or kill the watch.
      }
    }
  }

  private schedule(): void {
    this.throttle.schedule();
  }

  private setStatus(s: WatchStatus): void {
    this.currentStatus = s;
    if (s.synced && this.syncedWaiters.length) {
      // Deliver the initial content before telling waiters we are synced.
      this.flush();
      for (const w of this.syncedWaiters) w();
      this.syncedWaiters = [];
    }
    for (const l of this.statusListeners) {
      try {
        l(s);
      } catch {
        // see flush()
      }
    }
  }
}
