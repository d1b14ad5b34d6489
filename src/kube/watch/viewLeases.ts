// The watches one view (the tree, the topology graph, diagnosis) holds, on behalf of its parts
// ("holders": tree node ids, graph panels). Shared by every view so each gets the same rules:
// - what a namespace shows comes from a watch of that namespace: it lists in a blink even when the
//   cluster has 20,000 pods, holds only what is open, and works for users whose RBAC stops at
//   their namespace. A cluster-wide watch that some view already runs and has synced serves every
//   namespace instead (no second copy). Cluster-wide views (all namespaces) ask with no namespace;
//   HTTP/2 keeps the many small watches on one connection (transport/http2Probe.ts);
// - a watch is held while any holder needs it and released when the last one lets go; the indexes
//   a holder declared on it are released with its lease (a closed graph panel leaves none behind);
// - a watch that stops (its context was reconnected or its kubeconfig entry changed) is dropped at
//   once and its holders are told, so they re-acquire a live one instead of reading a frozen store.
import type { ResourceType } from '../kinds/resourceType';
import type { ChangeSet } from './changeSet';
import type { WatchStatus } from './reflector';
import type { IndexFunc } from './indexes';
import type { Disposable, SharedWatch } from './sharedWatch';
import { type WatchHub, watchKey, type WatchLease } from './watchHub';

export type Acquired =
  | { watch: SharedWatch; namespaced: boolean }
  | { forbidden: true; message: string }
  | { failed: true; message: string; hint?: string };

export interface AcquireOptions {
  /**
   * Lookups this view needs on the watch, by name: declared (built now and kept current) on the
   * watch that serves it, whichever that is (namespaced or a shared cluster-wide one).
   */
  indexes?: Readonly<Record<string, IndexFunc>>;
}

export interface LeasedWatch {
  readonly key: string;
  readonly context: string;
  readonly type: ResourceType;
  readonly watch: SharedWatch;
  /** Holders (e.g. tree node ids) using this watch. */
  readonly holders: ReadonlySet<string>;
}

export interface ViewLeasesListener {
  /** A held watch delivered a batch of changes (the store already reflects them). */
  changed(w: LeasedWatch, cs: ChangeSet): void;
  /**
   * A held watch recovered, started failing, or stopped. For 'stopped' the watch has already been
   * dropped: the holders must re-render, and their next acquire() gets a live watch.
   */
  statusChanged(w: LeasedWatch, status: WatchStatus, holders: readonly string[]): void;
}

interface View extends LeasedWatch {
  readonly holders: Set<string>;
  /** Per holder, the releases of the indexes it declared on this watch's store. */
  readonly declared: Map<string, Map<string, () => void>>;
  readonly lease: WatchLease;
  readonly subs: Disposable[];
}

export class ViewLeases {
  private readonly views = new Map<string, View>();

  constructor(
    private readonly hub: WatchHub,
    private readonly listener: ViewLeasesListener,
  ) {}

  /**
   * A lease on the watch that serves (type, namespace) for `holder`: the namespace's own watch, or
   * a running, synced cluster-wide one. `namespace` undefined means all namespaces. Resolves once
   * the watch has listed or failed, so the caller shows objects or a reason.
   */
  async acquire(holder: string, context: string, type: ResourceType, namespace: string | undefined, opts: AcquireOptions = {}): Promise<Acquired> {
    // A watch may be stopped while we wait for it (a reconnect): then take the fresh one.
    for (let attempt = 0; ; attempt++) {
      const { acquired, view } = await this.acquireOnce(holder, context, type, namespace);
      if ('watch' in acquired) this.declare(view, holder, opts.indexes);
      if (!('failed' in acquired) || !acquired.stopped || attempt >= 2) return acquired;
    }
  }

  private async acquireOnce(holder: string, context: string, type: ResourceType, namespace: string | undefined): Promise<{ acquired: Acquired & { stopped?: boolean }; view: View }> {
    const ns = type.namespaced ? namespace : undefined;
    // A cluster-wide watch that is already live serves this namespace too.
    const clusterWide = ns ? this.hub.peek(context, type) : undefined;
    const v = this.view(holder, context, type, clusterWide?.status.synced ? undefined : ns);
    await v.watch.whenSettled();
    if (v.watch.status.synced) return { acquired: { watch: v.watch, namespaced: v.key !== watchKey(context, type, undefined) }, view: v };
    return { acquired: failure(v.watch), view: v };
  }

  /** Declares `indexes` on the view's store for `holder`, once per (holder, name): released with its lease. */
  private declare(v: View, holder: string, indexes: AcquireOptions['indexes']): void {
    // The view may have been dropped while we waited (its watch stopped): nothing to declare on.
    if (!indexes || this.views.get(v.key) !== v || !v.holders.has(holder)) return;
    let mine = v.declared.get(holder);
    if (!mine) {
      mine = new Map();
      v.declared.set(holder, mine);
    }
    for (const [name, fn] of Object.entries(indexes)) if (!mine.has(name)) mine.set(name, v.watch.store.declareIndex(name, fn));
  }

  private letGo(v: View, holder: string): void {
    v.holders.delete(holder);
    for (const release of v.declared.get(holder)?.values() ?? []) release();
    v.declared.delete(holder);
  }

  /** Releases one holder's lease on the watch of (type, namespace), e.g. a refused one it falls back from. */
  releaseOne(holder: string, context: string, type: ResourceType, namespace: string | undefined): void {
    const v = this.views.get(watchKey(context, type, type.namespaced ? namespace : undefined));
    if (!v) return;
    this.letGo(v, holder);
    if (v.holders.size === 0) this.drop(v);
  }

  /** Releases every lease of the holders that match (a collapsed subtree, a closed panel). */
  release(matches: (holder: string) => boolean): void {
    for (const v of [...this.views.values()]) {
      for (const h of [...v.holders]) if (matches(h)) this.letGo(v, h);
      if (v.holders.size === 0) this.drop(v);
    }
  }

  /**
   * The synced watch a holder of (type, namespace) reads, without taking a lease: cluster-wide if
   * one runs, else the namespaced one.
   */
  serving(context: string, type: ResourceType, namespace?: string): { watch: SharedWatch; namespaced: boolean } | undefined {
    const cw = this.hub.peek(context, type);
    if (cw?.status.synced) return { watch: cw, namespaced: false };
    const nw = namespace && type.namespaced ? this.hub.peek(context, type, namespace) : undefined;
    if (nw?.status.synced) return { watch: nw, namespaced: true };
    return undefined;
  }

  /** Every watch currently held (for tests and diagnostics). */
  held(): LeasedWatch[] {
    return [...this.views.values()];
  }

  dispose(): void {
    for (const v of [...this.views.values()]) this.drop(v);
  }

  private view(holder: string, context: string, type: ResourceType, namespace: string | undefined): View {
    const key = watchKey(context, type, namespace);
    let v = this.views.get(key);
    // Belt and braces: a view whose watch stopped is dropped on its status event, but never reuse one.
    if (v && v.watch.status.phase === 'stopped') {
      this.drop(v);
      v = undefined;
    }
    if (!v) {
      const lease = this.hub.acquire(context, type, namespace);
      const view: View = { key, context, type, lease, watch: lease.watch, holders: new Set(), declared: new Map(), subs: [] };
      view.subs.push(
        lease.watch.onChange((cs) => this.listener.changed(view, cs)),
        lease.watch.onStatus((st) => this.onStatus(view, st)),
      );
      this.views.set(key, view);
      v = view;
    }
    v.holders.add(holder);
    return v;
  }

  private onStatus(v: View, st: WatchStatus): void {
    if (st.phase === 'stopped') {
      const holders = [...v.holders];
      this.drop(v);
      this.listener.statusChanged(v, st, holders);
      return;
    }
    // A watch that recovers or starts failing changes what its holders show.
    if (st.phase === 'watching' || st.phase === 'forbidden' || st.phase === 'backoff') this.listener.statusChanged(v, st, [...v.holders]);
  }

  private drop(v: View): void {
    if (this.views.get(v.key) !== v) return;
    this.views.delete(v.key);
    for (const h of [...v.declared.keys()]) this.letGo(v, h);
    for (const s of v.subs) s.dispose();
    v.lease.release();
  }
}

function failure(w: SharedWatch): Acquired & { stopped?: boolean } {
  const st = w.status;
  const message = st.error?.message ?? (st.phase === 'stopped' ? 'the watch was stopped' : 'not available');
  if (st.phase === 'forbidden') return { forbidden: true, message };
  return { failed: true, message, hint: (st.error as { hint?: string } | undefined)?.hint, stopped: st.phase === 'stopped' };
}
