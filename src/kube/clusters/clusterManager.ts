// All contexts of the merged kubeconfig, each with a lazily connected session, and the one
// WatchHub every view reads from. Reloading the kubeconfig keeps sessions whose context did not
// change and drops the rest (stopping their watches).
import type { MergedKubeconfig } from '../config/types';
import type { ResourceType } from '../kinds/resourceType';
import { KubeApiError, type KubeTransport } from '../transport/types';
import { Emitter } from '../util/emitter';
import type { Logger } from '../util/logger';
import { silentLogger } from '../util/logger';
import { transportListerWatcher } from '../watch/transportListerWatcher';
import { WatchHub, type WatchHubOptions } from '../watch/watchHub';
import { ClusterSession } from './clusterSession';

export type TransportFactory = (merged: MergedKubeconfig, contextName: string) => KubeTransport;

export class ClusterManager {
  private merged: MergedKubeconfig | undefined;
  private readonly sessions = new Map<string, { session: ClusterSession; fingerprint: string }>();
  readonly hub: WatchHub;
  private readonly contextsChanged = new Emitter<MergedKubeconfig>();
  readonly onDidChangeContexts = this.contextsChanged.event;
  private readonly sessionChanged = new Emitter<ClusterSession>();
  readonly onDidChangeSession = this.sessionChanged.event;
  private readonly contextReset = new Emitter<string>();
  /**
   * A context's connection was dropped because its credentials may have changed: its kubeconfig
   * entry changed (or it left the kubeconfig), or the user reconnected. Caches of what the user
   * may do there (kube/access) are dropped on it.
   */
  readonly onDidResetContext = this.contextReset.event;

  constructor(
    private readonly makeTransport: TransportFactory,
    hubOptions: WatchHubOptions = {},
    private readonly log: Logger = silentLogger,
  ) {
    this.hub = new WatchHub((context, type, ns) => this.listerWatcher(context, type, ns), hubOptions);
  }

  get kubeconfig(): MergedKubeconfig | undefined {
    return this.merged;
  }

  /** The context Kube Atlas acts on: the user's choice while it still exists, else the kubeconfig's current-context. */
  currentContext(chosen: string | undefined): string | undefined {
    return chosen && this.contextNames().includes(chosen) ? chosen : this.merged?.currentContext;
  }

  contextNames(): string[] {
    return this.merged?.contexts.map((c) => c.name) ?? [];
  }

  /** Adopt a (re)loaded kubeconfig. */
  async setKubeconfig(merged: MergedKubeconfig): Promise<void> {
    this.merged = merged;
    const stale: string[] = [];
    for (const [name, entry] of this.sessions) {
      const ctx = merged.contexts.find((c) => c.name === name);
      if (!ctx || fingerprint(merged, name) !== entry.fingerprint) stale.push(name);
    }
    for (const name of stale) {
      const entry = this.sessions.get(name)!;
      this.sessions.delete(name);
      this.log.info(`Context "${name}" changed in the kubeconfig: reconnecting`);
      await this.hub.stopContext(name);
      await entry.session.dispose();
      this.contextReset.fire(name);
    }
    this.contextsChanged.fire(merged);
  }

  /** The session of a context (created on first use), or undefined for an unknown context. */
  session(contextName: string): ClusterSession | undefined {
    const existing = this.sessions.get(contextName);
    if (existing) return existing.session;
    const merged = this.merged;
    const ctx = merged?.contexts.find((c) => c.name === contextName);
    if (!merged || !ctx) return undefined;
    const session = new ClusterSession(ctx, () => this.makeTransport(merged, contextName));
    let crdWatch: { release(): void } | undefined;
    session.onDidChangeState((s) => {
      if (s.phase === 'ready' && !crdWatch) crdWatch = this.followCrds(session);
      if (s.phase !== 'ready' && crdWatch) {
        crdWatch.release();
        crdWatch = undefined;
      }
      if (s.phase === 'ready') this.log.info(`Connected to "${contextName}" (${s.version}, ${s.registry.all.length} resource types)`);
      if (s.phase === 'error') this.log.warn(`Cannot connect to "${contextName}": ${s.error.message}`);
      this.sessionChanged.fire(session);
    });
    this.sessions.set(contextName, { session, fingerprint: fingerprint(merged, contextName) });
    return session;
  }

  /**
   * Watches CustomResourceDefinitions so kinds added or removed while we run show up: after any
   * change, discovery is re-read until it agrees with the Established CRDs (the apiserver
   * publishes a new CRD in discovery a moment after it is Established). Skipped where RBAC
   * forbids reading CRDs.
   */
  private followCrds(session: ClusterSession): { release(): void } | undefined {
    const st = session.state;
    const crdType = st.phase === 'ready' ? st.registry.get('customresourcedefinitions.apiextensions.k8s.io') : undefined;
    if (!crdType) return undefined;
    const lease = this.hub.acquire(session.context.name, crdType);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let attempts = 0;
    const inSync = (): boolean => {
      const now = session.state;
      if (now.phase !== 'ready') return true;
      const established = [...lease.watch.store.list()].filter((crd) =>
        ((crd.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Established' && c.status === 'True'),
      );
      const served = established.map((crd) => `${(crd.spec as { names?: { plural?: string } })?.names?.plural}.${(crd.spec as { group?: string })?.group}`);
      const known = new Set(now.registry.all.filter((r) => r.treeGroup === 'Custom Resources').map((r) => `${r.plural}.${r.group}`));
      return served.every((id) => known.has(id));
    };
    const schedule = (delayMs: number): void => {
      if (timer) clearTimeout(timer);
      timer = setTimeout(async () => {
        timer = undefined;
        await session.rediscover();
        if (!inSync() && ++attempts < 20) schedule(Math.min(5000, 250 * attempts));
      }, delayMs);
    };
    // Every delivery (the initial list included: a CRD may be created while we connect) is
    // checked against the registry; only a disagreement costs a rediscovery.
    const sub = lease.watch.onChange((cs) => {
      // A removal is not visible in the Established set any more: always rediscover on one.
      if (cs.deleted.length === 0 && inSync()) return;
      attempts = 0;
      schedule(200);
    });
    return {
      release: () => {
        if (timer) clearTimeout(timer);
        sub.dispose();
        lease.release();
      },
    };
  }

  /**
   * Drops a context's connection and watches so the next use reconnects (the Retry action). The
   * stopped watches tell their holders, which re-acquire fresh ones on the new connection.
   */
  async resetContext(contextName: string): Promise<void> {
    const entry = this.sessions.get(contextName);
    if (!entry) return;
    this.log.info(`Reconnecting "${contextName}"`);
    // Both start in this turn (the old transport is dropped and every watch reads stopped) before
    // either awaits, so nothing re-acquired meanwhile can land on the closing connection.
    await Promise.all([entry.session.reset(), this.hub.stopContext(contextName)]);
    this.contextReset.fire(contextName);
  }

  private listerWatcher(context: string, type: ResourceType, namespace: string | undefined) {
    if (!this.session(context)) throw new Error(`Unknown context ${context}`);
    // Resolved per request: after a reconnect or a kubeconfig change the context has a new session.
    return transportListerWatcher(
      () => {
        const s = this.session(context);
        if (!s) throw new KubeApiError(`Context "${context}" is no longer in the kubeconfig`, { kind: 'credentials', hint: 'Pick another context.' });
        return s.transport;
      },
      type,
      namespace,
    );
  }

  async dispose(): Promise<void> {
    await this.hub.dispose();
    await Promise.all([...this.sessions.values()].map((e) => e.session.dispose()));
    this.sessions.clear();
    this.contextsChanged.dispose();
    this.sessionChanged.dispose();
    this.contextReset.dispose();
  }
}

/** What a context's connection depends on: if this is unchanged, the session can be kept. */
function fingerprint(merged: MergedKubeconfig, contextName: string): string {
  const ctx = merged.contexts.find((c) => c.name === contextName);
  if (!ctx) return '';
  const cluster = merged.clusters.get(ctx.cluster);
  const user = merged.users.get(ctx.user);
  return JSON.stringify([ctx, cluster, user]);
}
