// Resource usage for every view, polled only while some view shows it. The metrics API has no
// watch, so this is the one place in Kube Atlas that polls, and it follows the watch leases' rules:
// - views lease a scope (a namespace's pods, every pod, the nodes) on behalf of holders (tree node
//   ids, open top documents) and release it when they close; a scope nobody holds is not asked;
// - one list call per held scope per interval (kubeAtlas.metrics.intervalSeconds, 15 s: the
//   resolution metrics-server samples at, so asking more often only returns the same figures);
//   while every pod is held, namespaces read from that list instead of asking for themselves;
// - nothing is asked while the context has no metrics API (no APIService, its server down, or
//   RBAC forbids it): the source says when that changes (the APIService watch, or discovery), and
//   polling resumes then.
import type { Disposable, Event } from '../util/emitter';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import {
  availabilityFromError,
  type MetricsAvailability,
  type MetricsScope,
  type NodeUsage,
  type PodUsage,
  type ScopeData,
  scopeKey,
} from './metricsApi';

/** What the source knows about a context's metrics API, and how sure it is. */
export interface SourceAvailability {
  availability: MetricsAvailability;
  /**
   * True when it comes from the APIService's own status (watched): a failed list is then a
   * passing failure, retried at the next interval. False when it is read from discovery alone:
   * a 404 or 503 then stops the asking until discovery changes.
   */
  watched: boolean;
}

/** The seam to the cluster: list calls and the availability of the metrics API per context. */
export interface MetricsSource {
  list(context: string, scope: MetricsScope, signal: AbortSignal): Promise<ScopeData>;
  /** Follows a context's metrics API; `changed` is called with the first answer and every change. */
  follow(context: string, changed: (a: SourceAvailability) => void): { release(): void };
  /** A context reconnected (new credentials): forbidden answers no longer hold. */
  readonly onDidReset: Event<string>;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
  now(): number;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface MetricsHubOptions {
  intervalMs?: number;
  timers?: Timers;
  log?: Logger;
}

export interface MetricsChange {
  context: string;
  /** The scope whose figures arrived, or undefined when only the availability changed. */
  scope?: MetricsScope;
}

export interface ScopeStatus {
  scope: MetricsScope;
  holders: number;
  /** When the figures shown were fetched (ms since epoch). */
  fetchedAt?: number;
  /** The last list failed with this (transient: retried at the next interval). */
  error?: string;
  /** Served by the all-namespaces list instead of a list of its own. */
  servedByAll: boolean;
}

interface ScopeState {
  readonly key: string;
  readonly scope: MetricsScope;
  readonly holders: Set<string>;
  timer?: unknown;
  inflight?: AbortController;
  data?: ScopeData;
  byName?: Map<string, PodUsage | NodeUsage>;
  fetchedAt?: number;
  startedAt?: number;
  error?: string;
}

interface ContextState {
  readonly context: string;
  readonly scopes: Map<string, ScopeState>;
  follow?: { release(): void };
  source?: SourceAvailability;
  /** Set by a list error (missing/unavailable without a watch, forbidden): cleared when the source changes. */
  blocked?: MetricsAvailability;
  listCalls: number;
}

export class MetricsHub {
  private readonly contexts = new Map<string, ContextState>();
  private readonly changed = new Emitter<MetricsChange>();
  readonly onDidChange = this.changed.event;
  private intervalMs: number;
  private readonly timers: Timers;
  private readonly log: Logger;
  private readonly subs: Disposable[] = [];

  constructor(
    private readonly source: MetricsSource,
    opts: MetricsHubOptions = {},
  ) {
    this.intervalMs = Math.max(1000, opts.intervalMs ?? 15_000);
    this.timers = opts.timers ?? realTimers;
    this.log = opts.log ?? silentLogger;
    this.subs.push(source.onDidReset((ctx) => this.reset(ctx)));
  }

  /** Holds `scope` of `context` for `holder` (idempotent); the first holder starts its polling. */
  acquire(holder: string, context: string, scope: MetricsScope): void {
    const c = this.contextState(context);
    const key = scopeKey(scope);
    let s = c.scopes.get(key);
    if (!s) {
      s = { key, scope, holders: new Set() };
      c.scopes.set(key, s);
    }
    if (s.holders.has(holder)) return;
    s.holders.add(holder);
    if (!c.follow) {
      // The first answer may come synchronously (a cached watch): `follow` must be set before it reconciles.
      let first: SourceAvailability | undefined;
      let following = false;
      c.follow = this.source.follow(context, (a) => {
        if (!following) first = a;
        else this.sourceChanged(c, a);
      });
      following = true;
      if (first) this.sourceChanged(c, first);
    }
    this.reconcile(c);
  }

  /** Releases every lease of the holders that match (a collapsed subtree, a closed document). */
  release(matches: (holder: string) => boolean): void {
    for (const c of [...this.contexts.values()]) {
      let dropped = false;
      for (const s of [...c.scopes.values()]) {
        for (const h of [...s.holders]) if (matches(h)) s.holders.delete(h);
        if (s.holders.size) continue;
        this.stop(s);
        c.scopes.delete(s.key);
        dropped = true;
      }
      if (!c.scopes.size) {
        c.follow?.release();
        this.contexts.delete(c.context);
      } else if (dropped) this.reconcile(c);
    }
  }

  /**
   * The figures of a pod from whichever held scope has them (all namespaces first). None while the
   * context's metrics API is not available: figures from before it went would look current.
   */
  podUsage(context: string, namespace: string | undefined, name: string): PodUsage | undefined {
    const c = this.live(context);
    if (!c || !namespace) return undefined;
    const key = `${namespace}/${name}`;
    return (c.scopes.get('pods/*')?.byName?.get(key) ?? c.scopes.get(`pods/${namespace}`)?.byName?.get(key)) as PodUsage | undefined;
  }

  nodeUsage(context: string, name: string): NodeUsage | undefined {
    return this.live(context)?.scopes.get('nodes')?.byName?.get(name) as NodeUsage | undefined;
  }

  /** Every pod of a scope's last list (the all-namespaces list filtered, when that serves it). */
  pods(context: string, namespace: string | undefined): PodUsage[] | undefined {
    const c = this.live(context);
    const all = c?.scopes.get('pods/*')?.data;
    if (all?.kind === 'pods') return namespace ? all.items.filter((p) => p.namespace === namespace) : all.items;
    const own = namespace ? c?.scopes.get(`pods/${namespace}`)?.data : undefined;
    return own?.kind === 'pods' ? own.items : undefined;
  }

  nodes(context: string): NodeUsage[] | undefined {
    const d = this.live(context)?.scopes.get('nodes')?.data;
    return d?.kind === 'nodes' ? d.items : undefined;
  }

  /** Whether the context's metrics API can be asked now (and if not, why), for a context someone holds. */
  availability(context: string): MetricsAvailability {
    const c = this.contexts.get(context);
    if (!c) return { state: 'checking' };
    return c.blocked ?? c.source?.availability ?? { state: 'checking' };
  }

  scopeStatus(context: string, scope: MetricsScope): ScopeStatus | undefined {
    const c = this.contexts.get(context);
    const s = c?.scopes.get(scopeKey(scope));
    if (!c || !s) return undefined;
    const servedByAll = this.servedByAll(c, s);
    const from = servedByAll ? c.scopes.get('pods/*') : s;
    return { scope, holders: s.holders.size, fetchedAt: from?.fetchedAt, error: from?.error, servedByAll };
  }

  /** List calls made so far for a context (tests, figures). */
  listCalls(context: string): number {
    return this.contexts.get(context)?.listCalls ?? 0;
  }

  /** Scope keys held per context, e.g. { "kind-a": ["nodes", "pods/shop"] } (tests, diagnostics). */
  held(): Record<string, string[]> {
    return Object.fromEntries([...this.contexts.values()].map((c) => [c.context, [...c.scopes.keys()].sort()]));
  }

  /** Applies a new interval at once (kubeAtlas.metrics.intervalSeconds). */
  setIntervalMs(ms: number): void {
    const next = Math.max(1000, ms);
    if (next === this.intervalMs) return;
    this.intervalMs = next;
    for (const c of this.contexts.values()) {
      for (const s of c.scopes.values()) {
        if (s.timer === undefined) continue;
        this.timers.clear(s.timer);
        s.timer = undefined;
        this.schedule(c, s);
      }
    }
  }

  get interval(): number {
    return this.intervalMs;
  }

  dispose(): void {
    for (const c of this.contexts.values()) {
      for (const s of c.scopes.values()) this.stop(s);
      c.follow?.release();
    }
    this.contexts.clear();
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }

  // ---- internals --------------------------------------------------------------------------

  /** A held context whose metrics API can be asked now. */
  private live(context: string): ContextState | undefined {
    const c = this.contexts.get(context);
    return c && this.canAsk(c) ? c : undefined;
  }

  private contextState(context: string): ContextState {
    let c = this.contexts.get(context);
    if (!c) {
      c = { context, scopes: new Map(), listCalls: 0 };
      this.contexts.set(context, c);
    }
    return c;
  }

  private sourceChanged(c: ContextState, a: SourceAvailability): void {
    const before = JSON.stringify(this.availability(c.context));
    c.source = a;
    // "Until discovery changes": any news from the source lifts a block set by a failed list,
    // except forbidden, which only a reconnect (new credentials) lifts.
    if (c.blocked?.state !== 'forbidden') c.blocked = undefined;
    this.availabilityMaybeChanged(c, before);
    this.reconcile(c);
  }

  private reset(context: string): void {
    const c = this.contexts.get(context);
    if (!c) return;
    const before = JSON.stringify(this.availability(context));
    c.blocked = undefined;
    for (const s of c.scopes.values()) {
      this.stop(s);
      s.data = undefined;
      s.byName = undefined;
      s.fetchedAt = undefined;
    }
    this.availabilityMaybeChanged(c, before);
    this.reconcile(c);
  }

  private availabilityMaybeChanged(c: ContextState, before: string): void {
    const now = this.availability(c.context);
    if (JSON.stringify(now) === before) return;
    if (now.state !== 'available' && now.state !== 'checking') this.log.info(`Resource usage of "${c.context}": ${now.message}`);
    else if (now.state === 'available') this.log.info(`Resource usage of "${c.context}": metrics API available`);
    this.changed.fire({ context: c.context });
  }

  private canAsk(c: ContextState): boolean {
    return !c.blocked && c.source?.availability.state === 'available';
  }

  /** A namespace's pods are read from the all-namespaces list while someone holds that. */
  private servedByAll(c: ContextState, s: ScopeState): boolean {
    return s.scope.kind === 'pods' && s.scope.namespace !== undefined && c.scopes.has('pods/*');
  }

  /** Starts or stops each scope's polling to match availability and what is held. */
  private reconcile(c: ContextState): void {
    const ask = this.canAsk(c);
    for (const s of c.scopes.values()) {
      const poll = ask && !this.servedByAll(c, s);
      if (!poll) {
        this.stop(s);
        continue;
      }
      if (s.timer === undefined && !s.inflight) this.schedule(c, s);
    }
  }

  /** Next list at one interval after the last one started (at once for figures never fetched). */
  private schedule(c: ContextState, s: ScopeState): void {
    const due = s.startedAt === undefined ? 0 : Math.max(0, s.startedAt + this.intervalMs - this.timers.now());
    s.timer = this.timers.set(() => {
      s.timer = undefined;
      void this.fetch(c, s);
    }, due);
  }

  private async fetch(c: ContextState, s: ScopeState): Promise<void> {
    if (!this.canAsk(c) || c.scopes.get(s.key) !== s || s.inflight) return;
    const abort = new AbortController();
    s.inflight = abort;
    s.startedAt = this.timers.now();
    c.listCalls++;
    try {
      const data = await this.source.list(c.context, s.scope, abort.signal);
      if (abort.signal.aborted) return;
      s.data = data;
      s.byName = new Map(data.kind === 'pods' ? data.items.map((p) => [`${p.namespace}/${p.name}`, p]) : data.items.map((n) => [n.name, n]));
      s.fetchedAt = this.timers.now();
      s.error = undefined;
      this.changed.fire({ context: c.context, scope: s.scope });
    } catch (e) {
      if (abort.signal.aborted) return;
      const implied = availabilityFromError(e);
      // With the APIService watched, its status decides; a failed list is a passing failure.
      if (implied && (implied.state === 'forbidden' || !c.source?.watched)) {
        const before = JSON.stringify(this.availability(c.context));
        c.blocked = implied;
        s.inflight = undefined;
        this.availabilityMaybeChanged(c, before);
        this.reconcile(c);
        return;
      }
      s.error = e instanceof Error ? e.message : String(e);
      this.changed.fire({ context: c.context, scope: s.scope });
    } finally {
      if (s.inflight === abort) s.inflight = undefined;
    }
    if (c.scopes.get(s.key) === s && this.canAsk(c) && !this.servedByAll(c, s) && s.timer === undefined) this.schedule(c, s);
  }

  private stop(s: ScopeState): void {
    if (s.timer !== undefined) this.timers.clear(s.timer);
    s.timer = undefined;
    s.inflight?.abort();
    s.inflight = undefined;
  }
}
