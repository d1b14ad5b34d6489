// One open "Top Pods" / "Top Nodes" view: it holds its metrics scope (so the hub polls while the
// view is open, and stops when it closes) and the watch it reads requests, limits and allocatable
// from (the tree's own when the tree holds it), and renders the table again on every poll.
import type { ClusterManager } from '../clusters/clusterManager';
import type { KubeObject } from '../kinds/types';
import { Emitter } from '../util/emitter';
import type { Disposable } from '../util/emitter';
import type { ChangeSet } from '../watch/changeSet';
import { type Acquired, ViewLeases } from '../watch/viewLeases';
import type { MetricsAvailability, MetricsScope } from './metricsApi';
import type { MetricsHub } from './metricsHub';
import { TOP_SORTS, type TopSort, topContainersTable, topNodesTable, topPodsTable } from './topTable';
import { containerBudget, nodeAllocatable, podBudget, runningContainers } from './usageMath';

export interface TopTarget {
  context: string;
  what: 'pods' | 'nodes';
  /** Pods of one namespace; undefined = every namespace. */
  namespace?: string;
}

export function topScope(t: TopTarget): MetricsScope {
  return t.what === 'nodes' ? { kind: 'nodes' } : { kind: 'pods', namespace: t.namespace };
}

/** The kubectl command the view's table corresponds to. */
export function kubectlEquivalent(t: TopTarget, sort: TopSort, containers = false): string {
  const by = sort === 'name' ? '' : ` --sort-by=${sort}`;
  if (t.what === 'nodes') return `kubectl top node --context ${t.context}${by}`;
  return `kubectl top pod --context ${t.context} ${t.namespace ? `-n ${t.namespace}` : '-A'}${containers ? ' --containers' : ''}${by}`;
}

const SORT_WORD: Record<TopSort, string> = { cpu: 'CPU, largest first', memory: 'memory, largest first', name: 'name' };

export class TopSession {
  private readonly leases: ViewLeases;
  private watched: Acquired | undefined;
  private readonly changed = new Emitter<void>();
  /** Fires when the text may have changed (new figures, objects, availability). */
  readonly onDidChange = this.changed.event;
  private readonly subs: Disposable[] = [];
  private disposed = false;

  constructor(
    private readonly clusters: ClusterManager,
    private readonly hub: MetricsHub,
    readonly target: TopTarget,
    private readonly holder: string,
    public sort: TopSort = 'cpu',
    /** Pods views: a row per container (kubectl top pod --containers) instead of per pod. */
    public containers = false,
  ) {
    this.leases = new ViewLeases(clusters.hub, {
      changed: (_w, cs: ChangeSet) => {
        if (cs.added.length || cs.deleted.length || cs.updated.length || cs.relisted) this.changed.fire();
      },
      statusChanged: (_w, st) => {
        // A reconnect stopped the watch: take the fresh one.
        if (st.phase === 'stopped') void this.acquireObjects();
      },
    });
    this.subs.push(
      hub.onDidChange((c) => {
        if (c.context !== target.context) return;
        const s = c.scope;
        const mine = !s || (target.what === 'nodes' ? s.kind === 'nodes' : s.kind === 'pods' && (s.namespace === undefined || s.namespace === target.namespace));
        if (mine) this.changed.fire();
      }),
    );
  }

  /** Starts polling (the first figures follow at once) and reads the objects the percentages need. */
  async start(): Promise<void> {
    this.hub.acquire(this.holder, this.target.context, topScope(this.target));
    await this.acquireObjects();
    this.changed.fire();
  }

  setSort(sort: TopSort): void {
    if (!TOP_SORTS.includes(sort) || sort === this.sort) return;
    this.sort = sort;
    this.changed.fire();
  }

  /** Pods views: per-container rows on or off (nodes have no containers: ignored). */
  setContainers(on: boolean): void {
    if (this.target.what !== 'pods' || on === this.containers) return;
    this.containers = on;
    this.changed.fire();
  }

  text(): string {
    const t = this.target;
    const where = t.what === 'nodes' ? 'nodes' : t.namespace ? `pods in namespace ${t.namespace}` : 'pods in all namespaces';
    const head = [
      `Top ${where} — context ${t.context}`,
      `Like: ${kubectlEquivalent(t, this.sort, this.containers)}  ·  sorted by ${SORT_WORD[this.sort]} (Sort by CPU / Memory / Name${t.what === 'pods' ? `, Toggle Rows per Container (now per ${this.containers ? 'container' : 'pod'})` : ''} in the title bar)`,
    ];
    const avail = this.hub.availability(t.context);
    if (avail.state !== 'available') return [...head, '', availabilityText(avail), ''].join('\n');
    const status = this.hub.scopeStatus(t.context, topScope(t));
    const rows = t.what === 'nodes' ? this.hub.nodes(t.context) : this.hub.pods(t.context, t.namespace);
    if (!rows) return [...head, '', status?.error ? `Could not read the metrics: ${status.error} (retrying every ${this.seconds()} s)` : 'Waiting for the first figures…', ''].join('\n');
    const sample = rows.find((r) => r.timestamp);
    head.push(
      `Sampled ${sample?.timestamp ?? '?'}${sample?.window ? ` over ${sample.window}` : ''} by metrics.k8s.io · read at ${status?.fetchedAt ? `${new Date(status.fetchedAt).toISOString().slice(11, 19)}Z` : '?'}, every ${this.seconds()} s while this view is open${status?.error ? ` · last read failed: ${status.error}` : ''}`,
    );
    const objects = this.objects();
    const table =
      t.what === 'nodes'
        ? topNodesTable(rows as NonNullable<ReturnType<MetricsHub['nodes']>>, this.sort, (name) => {
            const n = objects.get(name);
            return n ? nodeAllocatable(n) : undefined;
          }, [...objects.keys()])
        : this.containers
          ? topContainersTable(rows as NonNullable<ReturnType<MetricsHub['pods']>>, this.sort, {
              allNamespaces: !t.namespace,
              budget: (p, container) => {
                const o = objects.get(`${p.namespace}/${p.name}`);
                return o ? containerBudget(runningContainers(o).find((c) => c.name === container)) : undefined;
              },
            })
          : topPodsTable(rows as NonNullable<ReturnType<MetricsHub['pods']>>, this.sort, {
              allNamespaces: !t.namespace,
              budget: (p) => {
                const o = objects.get(`${p.namespace}/${p.name}`);
                return o ? podBudget(o) : undefined;
              },
            });
    const note =
      t.what !== 'pods'
        ? []
        : this.containers
          ? ['', 'Pods in order of their totals, each pod’s containers sorted the same way. CPU/REQUEST … MEMORY/LIMIT: usage as a percent of the container’s requests and limits; "-": none set.']
          : ['', 'CPU/REQUEST … MEMORY/LIMIT: usage as a percent of the pod’s requests and limits (its running containers); "-": none set.'];
    return [...head, '', ...(rows.length ? table : ['No figures: the metrics API reports nothing here yet.']), ...note, ''].join('\n');
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.hub.release((h) => h === this.holder);
    this.leases.dispose();
    for (const s of this.subs) s.dispose();
    this.changed.dispose();
  }

  private seconds(): number {
    return Math.round(this.hub.interval / 1000);
  }

  private async acquireObjects(): Promise<void> {
    if (this.disposed) return;
    const st = await this.clusters.session(this.target.context)?.connect();
    const type = st?.phase === 'ready' ? st.registry.get(this.target.what === 'nodes' ? 'nodes' : 'pods') : undefined;
    if (!type || this.disposed) return;
    this.watched = await this.leases.acquire(this.holder, this.target.context, type, this.target.namespace);
    this.changed.fire();
  }

  /** Pods (by namespace/name) or nodes (by name) as the watch holds them. */
  private objects(): Map<string, KubeObject> {
    const w = this.watched && 'watch' in this.watched ? this.watched.watch : undefined;
    const out = new Map<string, KubeObject>();
    if (!w) return out;
    for (const o of w.store.list()) {
      if (this.target.namespace && o.metadata.namespace !== this.target.namespace) continue;
      out.set(o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? ''), o);
    }
    return out;
  }
}

function availabilityText(a: MetricsAvailability): string {
  switch (a.state) {
    case 'checking':
      return 'Checking for the metrics API…';
    case 'available':
      return '';
    default:
      return `${a.message.charAt(0).toUpperCase()}${a.message.slice(1)}.\nNothing is asked until that changes: this view updates by itself when it does.`;
  }
}
