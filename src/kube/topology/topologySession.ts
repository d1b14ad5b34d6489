// One live topology graph (a context, a namespace or one Service) over the shared watches: it
// holds leases on the four layers through ViewLeases (the same rules as the tree), applies the
// batches that touch its scope to its TopologyModel (throttled; only what a batch can affect is
// recomputed), and emits a snapshot first, then diffs. A relist or a watch that stopped and was
// re-acquired gives a full build and a fresh snapshot, so the webview never drifts from the cache.
// Plain TypeScript: the VS Code panel is a thin adapter over this.
import type { ClusterManager } from '../clusters/clusterManager';
import type { ResourceType } from '../kinds/resourceType';
import { type Disposable, Emitter } from '../util/emitter';
import { Throttle } from '../util/throttle';
import type { ChangeSet } from '../watch/changeSet';
import { acquireAcross, visibleNamespaces } from '../watch/scopeFallback';
import type { SharedWatch } from '../watch/sharedWatch';
import { type AcquireOptions, type LeasedWatch, ViewLeases } from '../watch/viewLeases';
import { diffGraphs, type GraphDiff, isEmptyDiff } from './graphDiff';
import { type Layer, TopologyModel, type TopologyChange } from './graphModel';
import type { TopoGraph, TopoScope } from './graphTypes';
import { POD_INDEXES, SLICE_INDEXES, type StoreView, type TopologyInput, unionView } from './sources';

export type TopologyUpdate = { type: 'snapshot'; graph: TopoGraph } | { type: 'diff'; diff: GraphDiff };

export interface TopologySessionOptions {
  /** Pods per slice above which healthy pods are grouped. */
  groupAbove?: number;
  /** Pods drawn on one Node above which its healthy ones are grouped. */
  nodeGroupAbove?: number;
  /** At most one rebuild per this window (an isolated change is rebuilt at once). */
  throttleMs?: number;
}

const LAYERS: { layer: Layer; id: string; indexes?: AcquireOptions['indexes'] }[] = [
  { layer: 'Service', id: 'services' },
  { layer: 'EndpointSlice', id: 'endpointslices.discovery.k8s.io', indexes: SLICE_INDEXES },
  { layer: 'Pod', id: 'pods', indexes: POD_INDEXES },
  { layer: 'Node', id: 'nodes' },
];

let sessions = 0;

export class TopologySession implements Disposable {
  private readonly holder = `topology:${++sessions}`;
  private readonly leases: ViewLeases;
  private readonly updates = new Emitter<TopologyUpdate>();
  /** Snapshot first, then diffs. */
  readonly onUpdate = this.updates.event;
  private readonly throttle: Throttle;
  private input: TopologyInput = {};
  /** The watches read, each with its layer. */
  private watches = new Map<SharedWatch, Layer>();
  /** Watches that delivered a batch to this session already. */
  private readonly heard = new WeakSet<SharedWatch>();
  private model: TopologyModel | undefined;
  /** Each watch's resourceVersion when the model was built from it. */
  private builtFrom = new Map<SharedWatch, string>();
  private builds = 0;
  /** Batches not applied to the model yet. */
  private pending: TopologyChange[] = [];
  private readonly expanded = new Set<string>();
  /** The next update starts from a full build (a relist, re-acquired watches). */
  private needBuild = true;
  private needSnapshot = true;
  private reacquire = false;
  private disposed = false;

  constructor(
    private readonly clusters: Pick<ClusterManager, 'hub' | 'session' | 'kubeconfig'>,
    readonly context: string,
    readonly scope: TopoScope,
    private readonly opts: TopologySessionOptions = {},
  ) {
    this.throttle = new Throttle(() => void this.rebuild(), opts.throttleMs ?? 50);
    this.leases = new ViewLeases(clusters.hub, {
      changed: (w, cs) => this.changed(w, cs),
      statusChanged: (_w, st) => {
        // A stopped watch was dropped: take live ones and start the webview afresh. Other phases
        // leave the store as it was (a recovery that relists says so in its change set).
        if (st.phase !== 'stopped') return;
        this.reacquire = true;
        this.needSnapshot = true;
        this.throttle.schedule();
      },
    });
  }

  /** Full builds so far (the first, relists, re-acquired watches): for tests and diagnostics. */
  get fullBuilds(): number {
    return this.builds;
  }

  /** The graph as last emitted. */
  current(): TopoGraph {
    return this.model?.graph() ?? { nodes: [], edges: [], missing: [], notes: [] };
  }

  /** Acquires the layers and emits the first snapshot. */
  async start(): Promise<void> {
    await this.acquire();
    await this.rebuild();
  }

  /** The next update is a whole snapshot (the webview reloaded or asked). */
  resend(): void {
    this.needSnapshot = true;
    this.throttle.schedule();
  }

  /** Shows a group's pods one by one (or folds them again): `id` is the slice's or the Node's. */
  setExpanded(id: string, open: boolean): void {
    if (open) this.expanded.add(id);
    else this.expanded.delete(id);
    this.model?.setExpanded(id, open);
    this.throttle.schedule();
  }

  dispose(): void {
    this.disposed = true;
    this.throttle.cancel();
    this.leases.dispose();
    this.updates.dispose();
  }

  private changed(w: LeasedWatch, cs: ChangeSet): void {
    const layer = this.watches.get(w.watch);
    if (!layer) return;
    const first = !this.heard.has(w.watch);
    this.heard.add(w.watch);
    // A relist means a full build and a fresh snapshot. A new watch's first list is often the very
    // content the model was built from (its batch comes a moment after the build): nothing to do
    // when the watch has applied nothing since; else a full build, and only the diff is sent.
    if (cs.relisted) {
      if (first && this.builtFrom.get(w.watch) === w.watch.resourceVersion) return;
      this.needBuild = true;
      if (!first) this.needSnapshot = true;
      this.throttle.schedule();
      return;
    }
    // A namespace graph served by a cluster-wide watch ignores other namespaces' churn.
    const ns = this.scope.namespace;
    if (ns && w.type.namespaced) {
      const mine = (o: { metadata: { namespace?: string } }): boolean => o.metadata.namespace === ns;
      if (!cs.added.some(mine) && !cs.deleted.some(mine) && !cs.updated.some((u) => mine(u.new))) return;
    }
    this.pending.push({ layer, changes: cs });
    this.throttle.schedule();
  }

  private async rebuild(): Promise<void> {
    if (this.disposed) return;
    if (this.reacquire) {
      this.reacquire = false;
      await this.acquire();
      if (this.disposed) return;
    }
    const batches = this.pending;
    this.pending = [];
    let diff: GraphDiff;
    if (this.needBuild || !this.model) {
      this.needBuild = false;
      const before = this.model?.graph();
      this.model = new TopologyModel(this.input, this.scope, { groupAbove: this.opts.groupAbove, nodeGroupAbove: this.opts.nodeGroupAbove, expanded: this.expanded });
      this.builtFrom = new Map([...this.watches.keys()].map((w) => [w, w.resourceVersion]));
      this.builds++;
      if (!before) this.needSnapshot = true;
      diff = before && !this.needSnapshot ? diffGraphs(before, this.model.graph()) : this.model.takeDiff();
    } else {
      this.model.apply(batches);
      diff = this.model.takeDiff();
    }
    if (this.needSnapshot) {
      this.needSnapshot = false;
      this.updates.fire({ type: 'snapshot', graph: this.model.graph() });
      return;
    }
    if (!isEmptyDiff(diff)) this.updates.fire({ type: 'diff', diff });
  }

  private async acquire(): Promise<void> {
    const registry = await this.registry();
    const input: TopologyInput = { missing: [], notes: [] };
    const watches = new Map<SharedWatch, Layer>();
    const ns = this.scope.namespace;
    const namespaces = async (): Promise<string[]> => {
      const nsType = registry?.get('namespaces');
      const own = this.clusters.kubeconfig?.contexts.find((c) => c.name === this.context)?.namespace ?? 'default';
      return nsType ? (await visibleNamespaces(this.leases, this.holder, this.context, nsType, own)).names : [own];
    };
    await Promise.all(
      LAYERS.map(async ({ layer, id, indexes }) => {
        const type: ResourceType | undefined = registry?.get(id);
        if (!type) {
          input.missing!.push({ layer, reason: registry ? `the cluster does not serve ${id}` : 'not connected' });
          return;
        }
        let got: StoreView | undefined;
        if (ns && type.namespaced) {
          const a = await this.leases.acquire(this.holder, this.context, type, ns, { indexes });
          if ('watch' in a) {
            watches.set(a.watch, layer);
            got = a.watch.store;
          } else input.missing!.push({ layer, reason: a.message });
        } else {
          const across = await acquireAcross(this.leases, this.holder, this.context, type, namespaces, { indexes });
          for (const w of across.watches) watches.set(w, layer);
          got = unionView(across.watches.map((w) => w.store));
          if (across.refused) input.missing!.push({ layer, reason: across.refused.message });
          if (across.narrowed) input.notes!.push(across.narrowed);
        }
        if (got) input[key(layer)] = got;
      }),
    );
    input.missing!.sort((a, b) => LAYERS.findIndex((l) => l.layer === a.layer) - LAYERS.findIndex((l) => l.layer === b.layer));
    this.input = input;
    this.watches = watches;
    this.needBuild = true;
    this.pending = [];
  }

  private async registry() {
    const s = this.clusters.session(this.context);
    if (!s) return undefined;
    const st = await s.connect();
    return st.phase === 'ready' ? st.registry : undefined;
  }
}

function key(layer: Layer): 'services' | 'slices' | 'pods' | 'nodes' {
  return layer === 'Service' ? 'services' : layer === 'EndpointSlice' ? 'slices' : layer === 'Pod' ? 'pods' : 'nodes';
}
