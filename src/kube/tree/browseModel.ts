// The live tree, independent of VS Code: computes children from the shared watch cache, holds
// watch leases only for what is expanded, and turns change sets into the smallest set of node
// refreshes (coalesced). Node objects are kept by id so the adapter can hand the same instances
// back to VS Code (refresh, getParent and reveal all depend on identity).
//
// This file wires the parts and keeps what spans them (object rows, access markers, usage); the
// children of each node type, ranges, change routing, reveal, node identity and refresh batching
// live in their own files (docs/architecture.md lists them), all working on TreeParts.
import type { AccessMarkerSource } from '../access/treeAccess';
import type { ClusterManager } from '../clusters/clusterManager';
import type { KindRegistry } from '../kinds/kindRegistry';
import type { ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import type { MetricsChange, MetricsHub } from '../metrics';
import type { Disposable } from '../util/emitter';
import type { ChangeSet } from '../watch/changeSet';
import { type Acquired, type LeasedWatch, ViewLeases } from '../watch/viewLeases';
import { routeChangeSet } from './changeRouting';
import { contextChildren, namespaceRangeChildren } from './contextChildren';
import { KindListings } from './kindListings';
import { describeKind, groupChildren, kindChildren, objectRangeChildren } from './kindChildren';
import { groupRowChildren, namespaceChildren } from './namespaceChildren';
import type { GroupDeps } from './namespaceGroups';
import { applyObject, makeMessageNode, makeObjectNode } from './nodeFactory';
import { NodeRegistry } from './nodeRegistry';
import { type BrowseNode, ids } from './nodes';
import { ownedChildren } from './ownedChildren';
import { RefreshQueue, TREE_REFRESH_WINDOW_MS } from './refreshQueue';
import { findIn, findObjectNode } from './revealPath';
import { contextNode } from './structureNodes';
import { TreeDiagnosis } from './treeDiagnosis';
import type { TreeParts } from './treeParts';
import { TreeUsage } from './treeUsage';

export { TREE_REFRESH_WINDOW_MS } from './refreshQueue';

export interface BrowseState {
  /** The context the extension treats as current (its own choice, never written to kubeconfig). */
  selectedContext(): string | undefined;
  selectedNamespace(context: string): string | undefined;
  /** Substring filter over namespace names, per context. */
  namespaceFilter(context: string): string | undefined;
  /** The user marked this context as production (kubeAtlas.productionContexts). */
  isProduction?(context: string): boolean;
}

export interface BrowseOptions {
  /** No node gets more children than this; larger lists are split into ranges. */
  pageSize?: number;
  /** At most one refresh per this window; an isolated change is refreshed at once. */
  refreshDelayMs?: number;
  now?: () => number;
  /** Marks object rows with the actions the user may do (menus hide the others). */
  access?: AccessMarkerSource;
  /** CPU and memory for pod and node rows, polled while a Pods/Nodes kind or a workload is expanded. */
  metrics?: MetricsHub;
}

export class BrowseModel {
  private readonly nodes = new NodeRegistry((n) => this.collapsed(n));
  private readonly leases: ViewLeases;
  private readonly listings = new KindListings();
  private readonly queue: RefreshQueue;
  /** Fires the nodes to refresh, or undefined for everything. */
  readonly onDidChange: RefreshQueue['onDidChange'];
  private pageSize: number;
  private readonly disposables: Disposable[] = [];
  /** Root causes for unhealthy rows (pods from their events, workloads from their pods). */
  readonly diagnosis: TreeDiagnosis;
  /** Resource usage shown on pod and node rows while their scope is expanded. */
  readonly usage: TreeUsage;
  private readonly parts: TreeParts;

  constructor(
    private readonly clusters: ClusterManager,
    private readonly state: BrowseState,
    private readonly opts: BrowseOptions = {},
  ) {
    this.pageSize = Math.max(10, opts.pageSize ?? 200);
    this.queue = new RefreshQueue(opts.refreshDelayMs ?? TREE_REFRESH_WINDOW_MS, (n) => this.nodes.get(n.id) === n);
    this.onDidChange = this.queue.onDidChange;
    this.leases = new ViewLeases(clusters.hub, {
      changed: (w, cs) => this.onChangeSet(w, cs),
      // Recovering, failing or stopped: the holders re-render (and re-acquire a live watch).
      statusChanged: (_w, _st, holders) => {
        for (const h of holders) this.markId(h);
      },
    });
    this.diagnosis = new TreeDiagnosis(this.leases, clusters.hub, (c) => this.registry(c), () => this.now());
    this.usage = new TreeUsage(opts.metrics);
    this.parts = {
      clusters,
      state,
      leases: this.leases,
      listings: this.listings,
      nodes: this.nodes,
      usage: this.usage,
      diagnosis: this.diagnosis,
      pageSize: () => this.pageSize,
      now: () => this.now(),
      keep: (fresh, parent) => this.nodes.keep(fresh, parent),
      objectNode: (id, parent, type, obj, now) => this.objectNode(id, parent, type, obj, now),
      render: (n, type, obj, now) => this.render(n, type, obj, now),
      acquire: (holder, context, type, namespace) => this.acquire(holder, context, type, namespace),
      acquireEvents: (holder, namespace) => this.acquireEvents(holder, namespace),
      registry: (context) => this.registry(context),
      connectedRegistry: (context) => this.connectedRegistry(context),
      groupDeps: () => this.groupDeps(),
      markChanged: (n) => this.markChanged(n),
      markId: (id) => this.markId(id),
      markKind: (id) => this.markKind(id),
    };
    const usageSub = this.usage.onDidChange((c) => this.onUsage(c));
    if (usageSub) this.disposables.push(usageSub);
    this.disposables.push(
      clusters.onDidChangeContexts(() => this.refreshAll()),
      clusters.onDidChangeSession((s) => {
        if (!this.nodes.has(ids.context(s.context.name))) return;
        // roots() re-renders the context nodes in place (same instances), then we announce it.
        const n = this.roots().find((r) => r.id === ids.context(s.context.name));
        if (n) this.markChanged(n);
      }),
    );
    if (opts.access) this.disposables.push(opts.access.onDidChange((ctx) => this.accessChanged(ctx)));
  }

  /** Access answers of a context arrived or were dropped: re-mark its object rows. */
  private accessChanged(context: string): void {
    for (const n of this.nodes.all()) {
      if (n.type !== 'object' || n.context !== context || !n.resource || !n.object) continue;
      const markers = this.accessMarkers(n.resource, n);
      if (markers === n.accessMarkers) continue;
      n.accessMarkers = markers;
      this.render(n, n.resource, n.object, this.now());
      this.markChanged(n);
    }
  }

  private accessMarkers(type: ResourceType, n: Pick<BrowseNode, 'context' | 'namespace'>): string | undefined {
    return this.opts.access?.markers(n.context, type, n.namespace);
  }

  getNode(id: string): BrowseNode | undefined {
    return this.nodes.get(id);
  }

  /** Applies a new `kubeAtlas.tree.pageSize`: every list is re-chunked on the next render. */
  setPageSize(pageSize: number): void {
    const next = Math.max(10, pageSize);
    if (next === this.pageSize) return;
    this.pageSize = next;
    this.refreshAll();
  }

  /** The watches the tree holds now (tests, diagnostics). */
  heldWatches(): LeasedWatch[] {
    return this.leases.held();
  }

  refreshAll(): void {
    this.queue.all();
  }

  /** Re-render one node (e.g. after the user changed the selected context). */
  refresh(node: BrowseNode | undefined): void {
    if (!node) this.refreshAll();
    else this.markChanged(node);
  }

  roots(): BrowseNode[] {
    const merged = this.clusters.kubeconfig;
    if (!merged) return [];
    const out: BrowseNode[] = [];
    const selected = this.clusters.currentContext(this.state.selectedContext());
    for (const ctx of merged.contexts) {
      const problems = merged.problems.filter((p) => p.context === ctx.name);
      const production = this.state.isProduction?.(ctx.name) ?? false;
      out.push(this.nodes.keep(contextNode(ctx, ctx.name === selected, this.clusters.session(ctx.name)?.state, problems, this.state.namespaceFilter(ctx.name), merged.clusters.get(ctx.cluster)?.server, production), undefined));
    }
    for (const p of merged.problems.filter((x) => !x.context)) {
      const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}` : '';
      const n = makeMessageNode(undefined, p.notice ? 'info' : 'error', p.message, [where, p.hint].filter(Boolean).join('\n'), `${where}|${p.message}`);
      n.description = where;
      out.push(this.nodes.keep(n, undefined));
    }
    this.nodes.track('', out);
    return out;
  }

  async children(node: BrowseNode): Promise<BrowseNode[]> {
    const kids = await this.computeChildren(node);
    this.nodes.track(node.id, kids);
    return kids;
  }

  /** The tree view was hidden or shown: resource usage is polled only while it is visible. */
  setVisible(visible: boolean): void {
    this.usage.setVisible(visible);
  }

  /** The user collapsed a node: stop watching what only its subtree needed. */
  collapsed(node: BrowseNode): void {
    const prefix = `${node.id}/`;
    const mine = (h: string) => h === node.id || h.startsWith(prefix);
    this.leases.release(mine);
    this.usage.release(mine);
  }

  /** Walks to an object's node, expanding what is needed (for reveal). */
  findObjectNode(context: string, type: ResourceType, namespace: string | undefined, name: string): Promise<BrowseNode | undefined> {
    return findObjectNode(this, context, type, namespace, name);
  }

  /** The first child of `parent` (looking inside ranges) that matches. */
  async findChild(parent: BrowseNode, pred: (n: BrowseNode) => boolean): Promise<BrowseNode | undefined> {
    return findIn(this, await this.children(parent), pred);
  }

  private computeChildren(node: BrowseNode): Promise<BrowseNode[]> {
    const m = this.parts;
    switch (node.type) {
      case 'context':
        return contextChildren(m, node);
      case 'namespace':
        return namespaceChildren(m, node);
      case 'group':
        return groupChildren(m, node);
      case 'kind':
        return kindChildren(m, node);
      case 'chunk':
        return node.parent!.type === 'context' ? namespaceRangeChildren(m, node) : objectRangeChildren(m, node);
      case 'object':
        return ownedChildren(m, node);
      default:
        return groupRowChildren(m, node);
    }
  }

  /** What a namespace group (Helm Releases, Events) reads through: this model's leases. */
  private groupDeps(): GroupDeps {
    return {
      acquire: (holder, type, namespace) => this.acquire(holder, holder.context, type, namespace ?? holder.namespace),
      objectNode: (id, parent, type, obj) => this.objectNode(id, parent, type, obj, this.now()),
      transport: (context) => this.clusters.session(context)?.transport,
      objects: (a, namespace) => (a && 'watch' in a ? this.listings.objects(a.watch, namespace, a.namespaced) : []),
      serving: (context, type, namespace) => {
        const s = this.leases.serving(context, type, namespace);
        return s ? this.listings.objects(s.watch, namespace, s.namespaced) : undefined;
      },
      pageSize: this.pageSize,
      now: () => this.now(),
    };
  }

  private objectNode(id: string, parent: BrowseNode, type: ResourceType, obj: KubeObject, now: number): BrowseNode {
    const existing = this.nodes.get(id);
    if (existing && existing.type === 'object') {
      existing.parent = parent;
      existing.accessMarkers = this.accessMarkers(type, existing);
      const oldUid = existing.object?.metadata.uid;
      this.render(existing, type, obj, now);
      this.nodes.reindex(existing, oldUid);
      return existing;
    }
    const n = makeObjectNode(
      id,
      parent,
      type,
      obj,
      now,
      this.accessMarkers(type, { context: parent.context, namespace: obj.metadata.namespace }),
      this.diagnosis.causeFor(parent.context, type, obj),
      this.diagnosis.recentEvents(parent.context, obj),
      this.usage.rowUsage(parent.context, type, obj),
    );
    this.nodes.addObject(n);
    return n;
  }

  private registry(context: string): KindRegistry | undefined {
    const s = this.clusters.session(context)?.state;
    return s?.phase === 'ready' ? s.registry : undefined;
  }

  /**
   * The registry of a context, connecting it first: after a reconnect or a kubeconfig change the
   * session is new and idle, and an expanded node must not come back empty because of that.
   */
  private async connectedRegistry(context: string): Promise<KindRegistry | undefined> {
    const st = await this.clusters.session(context)?.connect();
    return st?.phase === 'ready' ? st.registry : undefined;
  }

  private now(): number {
    return (this.opts.now ?? Date.now)();
  }

  /** Renders an object row with its root cause (if it has one). */
  private render(n: BrowseNode, type: ResourceType, obj: KubeObject, now: number): void {
    applyObject(n, type, obj, now, this.diagnosis.causeFor(n.context, type, obj), this.diagnosis.recentEvents(n.context, obj), this.usage.rowUsage(n.context, type, obj));
  }

  /**
   * New figures (or the metrics API came or went): re-render the rows they are about and announce
   * only those whose text changed, so a poll that brings the same figures refreshes nothing.
   * Pod rows list each container's figures in their tooltip, so an expanded pod's container rows
   * (re-read with it) change only when its own text does.
   */
  private onUsage(change: MetricsChange): void {
    const now = this.now();
    for (const n of this.nodes.all()) {
      if (!change.scope && n.type === 'kind' && n.context === change.context && (n.resource?.kind === 'Pod' || n.resource?.kind === 'Node')) {
        this.markKind(n.id);
        continue;
      }
      if (!this.usage.touches(n, change) || !n.resource || !n.object) continue;
      const before = `${n.description}\n${n.tooltip}`;
      this.render(n, n.resource, n.object, now);
      if (`${n.description}\n${n.tooltip}` !== before) this.markChanged(n);
    }
  }

  /**
   * Pod rows hold their namespace's events watch, so a cause is explained and re-explained when
   * an event arrives or changes (not only when the pod does). Forbidden events are fine: the
   * cause then comes from statuses alone.
   */
  private async acquireEvents(holder: BrowseNode, namespace: string | undefined): Promise<void> {
    const t = this.diagnosis.eventsType(holder.context);
    if (t) await this.acquire(holder, holder.context, t, namespace);
  }

  private acquire(holder: BrowseNode, context: string, type: ResourceType, namespace: string | undefined): Promise<Acquired> {
    return this.leases.acquire(holder.id, context, type, namespace);
  }

  private onChangeSet(view: LeasedWatch, cs: ChangeSet): void {
    routeChangeSet(this.parts, view, cs);
  }

  /**
   * Re-describes a kind node (its count) before announcing it: VS Code asks for the item itself
   * before it asks for its children, so the description must already be current.
   */
  private markKind(id: string): void {
    const n = this.nodes.get(id);
    if (!n?.resource) return;
    const serving = this.leases.serving(n.context, n.resource, n.namespace);
    if (serving) describeKind(this.parts, n, serving);
    this.markChanged(n);
  }

  private markId(id: string): void {
    const n = this.nodes.get(id);
    if (n) this.markChanged(n);
  }

  private markChanged(n: BrowseNode): void {
    this.queue.mark(n);
  }

  /** Fires the smallest set of nodes: a pending ancestor already covers its descendants. */
  flush(): void {
    this.queue.flush();
  }

  dispose(): void {
    this.leases.dispose();
    for (const d of this.disposables) d.dispose();
    this.queue.dispose();
  }
}
