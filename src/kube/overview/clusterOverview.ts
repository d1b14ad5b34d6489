// The cross-cluster overview, live: for each context that has joined, leases on its Nodes,
// Namespaces and Pods (cluster-wide, or per visible namespace when RBAC says so, as the tree does)
// and on the kinds the user picked, through the same WatchHub every view shares. A batch recomputes
// that context's figures (throttled per context). Contexts whose credentials run a program (exec
// plugins, auth providers: a browser login, an SSO prompt, a slow cloud CLI) join only when asked,
// unless the tree has connected them already. Plain TypeScript: the VS Code view is an adapter.
import type { ClusterManager } from '../clusters/clusterManager';
import { PodDiagnoser } from '../diagnosis/podDiagnoser';
import type { KindRegistry } from '../kinds/kindRegistry';
import type { ResourceType } from '../kinds/resourceType';
import { summarize } from '../kinds/summary';
import type { KubeObject } from '../kinds/types';
import { type Disposable, Emitter } from '../util/emitter';
import { Throttle } from '../util/throttle';
import { acquireAcross, visibleNamespaces } from '../watch/scopeFallback';
import type { SharedWatch } from '../watch/sharedWatch';
import { ViewLeases } from '../watch/viewLeases';
import { type NodeFigures, nodeFigures, type PodFigures, podFigures, type Refused } from './overviewFigures';

export interface AttentionPod {
  namespace: string;
  name: string;
  /** The root cause (statuses only: the overview holds no events watches), or the pod's status. */
  cause: string;
}

export interface OverviewEntry {
  context: string;
  /** 'waiting': its credentials run a program; it joins when the user asks. */
  phase: 'waiting' | 'connecting' | 'ready' | 'error';
  version?: string;
  error?: string;
  nodes?: NodeFigures | Refused;
  pods?: PodFigures | Refused;
  /** Pods are counted per namespace (listing them cluster-wide is forbidden). */
  podsNarrowed?: string;
  namespaces?: number | Refused;
  /** The first pods that need attention, worst first (at most ATTENTION_ROWS). */
  attention: AttentionPod[];
  /** Counts of the kinds the user picked, by kind name; absent where the context does not serve it. */
  kinds: { kind: string; count: number | Refused }[];
}

export interface ClusterOverviewOptions {
  /** Resource ids or kind names to count in every context (kubeAtlas.overview.kinds). */
  kinds?: () => readonly string[];
  /** At most one recompute per context per this window. */
  throttleMs?: number;
}

const ATTENTION_ROWS = 20;
/** Pods diagnosed per recompute (the rest are counted by severity alone). */
const DIAGNOSED = 500;

interface Layers {
  nodes?: SharedWatch[] | Refused;
  pods?: SharedWatch[] | Refused;
  podsNarrowed?: string;
  namespaces?: SharedWatch[] | Refused;
  kinds: { kind: string; watches: SharedWatch[] | Refused }[];
}

interface Live {
  entry: OverviewEntry;
  layers: Layers;
  throttle: Throttle;
  /** The watches this context reads (a batch from another is not ours). */
  watches: Set<SharedWatch>;
  generation: number;
}

export class ClusterOverview implements Disposable {
  private readonly holder = 'overview';
  private readonly leases: ViewLeases;
  private readonly live = new Map<string, Live>();
  private readonly diagnoser = new PodDiagnoser();
  private readonly changed = new Emitter<string>();
  /** A context's entry changed (its figures, phase or error). */
  readonly onDidChange = this.changed.event;
  private readonly subs: Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly clusters: Pick<ClusterManager, 'hub' | 'session' | 'kubeconfig' | 'contextNames' | 'onDidChangeSession'>,
    private readonly opts: ClusterOverviewOptions = {},
  ) {
    this.leases = new ViewLeases(clusters.hub, {
      changed: (w) => {
        for (const l of this.live.values()) if (l.watches.has(w.watch)) l.throttle.schedule();
      },
      // A stopped watch (kubeconfig entry changed, Reconnect) was dropped: take live ones.
      statusChanged: (w, st) => {
        if (st.phase === 'stopped' && this.live.has(w.context)) void this.join(w.context);
      },
    });
    this.subs.push(
      clusters.onDidChangeSession((s) => {
        const l = this.live.get(s.context.name);
        // The tree connected a waiting context, or a joined one reconnected: (re)join it.
        if (!l || this.disposed) return;
        if (l.entry.phase === 'waiting' && s.state.phase === 'ready') void this.join(s.context.name);
      }),
    );
  }

  /** Every context of the kubeconfig, joined or waiting, in kubeconfig order. */
  entries(): OverviewEntry[] {
    return [...this.live.values()].map((l) => l.entry);
  }

  entry(context: string): OverviewEntry | undefined {
    return this.live.get(context)?.entry;
  }

  /**
   * Shows every context of the kubeconfig: joins those that connect without running a program (or
   * are connected already), and lists the others as waiting. Contexts that left the kubeconfig go.
   */
  async open(): Promise<void> {
    const names = this.clusters.contextNames();
    for (const ctx of [...this.live.keys()]) if (!names.includes(ctx)) this.leave(ctx);
    await Promise.all(
      names.map((ctx) => {
        if (this.live.get(ctx)?.entry.phase === 'ready') return undefined;
        if (this.prompts(ctx) && this.clusters.session(ctx)?.state.phase !== 'ready') {
          this.slot(ctx).entry = { ...emptyEntry(ctx), phase: 'waiting' };
          this.changed.fire(ctx);
          return undefined;
        }
        return this.join(ctx);
      }),
    );
  }

  /** Connects a context (asked for, or allowed without asking) and takes its leases. */
  async join(context: string): Promise<void> {
    const l = this.slot(context);
    const generation = ++l.generation;
    l.entry = { ...emptyEntry(context), phase: 'connecting' };
    this.changed.fire(context);
    const session = this.clusters.session(context);
    const st = session ? await session.connect() : undefined;
    if (this.disposed || l.generation !== generation) return;
    if (st?.phase !== 'ready') {
      l.entry = { ...emptyEntry(context), phase: 'error', error: st?.phase === 'error' ? st.error.message : 'not connected' };
      this.changed.fire(context);
      return;
    }
    l.layers = await this.acquire(context, st.registry);
    if (this.disposed || l.generation !== generation) return;
    l.watches = new Set(allWatches(l.layers));
    l.entry = { ...emptyEntry(context), phase: 'ready', version: st.version };
    this.recompute(context);
  }

  /** Stops showing a context: its leases go (the hub keeps a watch a while for other views). */
  leave(context: string): void {
    const l = this.live.get(context);
    if (!l) return;
    l.throttle.cancel();
    this.live.delete(context);
    this.leases.release((h) => h === this.holderOf(context));
  }

  dispose(): void {
    this.disposed = true;
    for (const l of this.live.values()) l.throttle.cancel();
    this.live.clear();
    this.leases.dispose();
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }

  /** Whether connecting runs a program on the user's behalf (it may prompt or be slow). */
  private prompts(context: string): boolean {
    const merged = this.clusters.kubeconfig;
    const ctx = merged?.contexts.find((c) => c.name === context);
    const user = ctx ? merged?.users.get(ctx.user) : undefined;
    return !!(user?.exec || user?.authProvider);
  }

  private slot(context: string): Live {
    let l = this.live.get(context);
    if (!l) {
      l = { entry: emptyEntry(context), layers: { kinds: [] }, throttle: new Throttle(() => this.recompute(context), this.opts.throttleMs ?? 250), watches: new Set(), generation: 0 };
      this.live.set(context, l);
    }
    return l;
  }

  private holderOf(context: string): string {
    return `${this.holder}:${context}`;
  }

  private async acquire(context: string, registry: KindRegistry): Promise<Layers> {
    const holder = this.holderOf(context);
    // A fresh set of leases: the previous ones (a stopped watch, an older join) go first.
    this.leases.release((h) => h === holder);
    const own = this.clusters.kubeconfig?.contexts.find((c) => c.name === context)?.namespace ?? 'default';
    const nsType = registry.get('namespaces');
    const namespaces = async (): Promise<string[]> => (nsType ? (await visibleNamespaces(this.leases, holder, context, nsType, own)).names : [own]);
    const across = async (type: ResourceType | undefined): Promise<{ watches: SharedWatch[] | Refused; narrowed?: string } | undefined> => {
      if (!type) return undefined;
      const a = await acquireAcross(this.leases, holder, context, type, namespaces);
      if (a.refused) return { watches: { refused: a.refused.message } };
      return { watches: a.watches, ...(a.narrowed ? { narrowed: a.narrowed } : {}) };
    };
    const picked = [...new Set(this.opts.kinds?.() ?? [])].map((k) => registry.resolve(k)).filter((t): t is ResourceType => !!t);
    const [nodes, pods, nsList, ...kinds] = await Promise.all([across(registry.get('nodes')), across(registry.get('pods')), across(nsType), ...picked.map((t) => across(t))]);
    return {
      ...(nodes ? { nodes: nodes.watches } : {}),
      ...(pods ? { pods: pods.watches, ...(pods.narrowed ? { podsNarrowed: pods.narrowed } : {}) } : {}),
      ...(nsList ? { namespaces: nsList.watches } : {}),
      kinds: picked.map((t, i) => ({ kind: t.kind, watches: kinds[i]?.watches ?? { refused: 'not served' } })),
    };
  }

  private recompute(context: string): void {
    const l = this.live.get(context);
    if (l?.entry.phase !== 'ready' || this.disposed) return;
    const { layers } = l;
    // Warnings and errors need attention; a pending or terminating pod does when diagnosis finds a
    // cause (Unschedulable, a pull still failing). Diagnosed from statuses (no events watch here),
    // and only the first few hundred: the view shows twenty, errors first.
    const found: (AttentionPod & { rank: number })[] = [];
    const needs = (pod: KubeObject, sev: string | undefined): boolean => {
      const bad = sev === 'error' || sev === 'warning';
      if (!bad && sev !== 'progress' && !pod.metadata.deletionTimestamp) return false;
      if (found.length >= DIAGNOSED) return bad;
      const d = this.diagnoser.diagnose(pod, undefined);
      if (!d && !bad) return false;
      found.push({ namespace: pod.metadata.namespace ?? '', name: pod.metadata.name ?? '', cause: d?.summary ?? summarize('Pod', pod).status, rank: d?.severity === 'error' || sev === 'error' ? 0 : 1 });
      return true;
    };
    const pods = layers.pods && ('refused' in layers.pods ? layers.pods : podFigures(objectsOf(layers.pods), needs));
    const rows = found
      .sort((a, b) => a.rank - b.rank || a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name))
      .slice(0, ATTENTION_ROWS)
      .map(({ rank: _rank, ...r }) => r);
    l.entry = {
      ...l.entry,
      ...(layers.nodes ? { nodes: 'refused' in layers.nodes ? layers.nodes : nodeFigures(objectsOf(layers.nodes)) } : {}),
      ...(pods ? { pods } : {}),
      ...(layers.podsNarrowed ? { podsNarrowed: layers.podsNarrowed } : {}),
      ...(layers.namespaces ? { namespaces: 'refused' in layers.namespaces ? layers.namespaces : count(layers.namespaces) } : {}),
      attention: rows,
      kinds: layers.kinds.map((k) => ({ kind: k.kind, count: 'refused' in k.watches ? k.watches : count(k.watches) })),
    };
    this.changed.fire(context);
  }
}

function emptyEntry(context: string): OverviewEntry {
  return { context, phase: 'connecting', attention: [], kinds: [] };
}

function* objectsOf(watches: SharedWatch[]): Iterable<KubeObject> {
  for (const w of watches) yield* w.store.list();
}

function count(watches: SharedWatch[]): number {
  let n = 0;
  for (const w of watches) n += w.store.size;
  return n;
}

function allWatches(l: Layers): SharedWatch[] {
  const out: SharedWatch[] = [];
  for (const v of [l.nodes, l.pods, l.namespaces, ...l.kinds.map((k) => k.watches)]) if (Array.isArray(v)) out.push(...v);
  return out;
}
