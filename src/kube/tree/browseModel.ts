// The live tree, independent of VS Code: computes children from the shared watch cache, holds
// watch leases only for what is expanded, and turns change sets into the smallest set of node
// refreshes (coalesced). Node objects are kept by id so the adapter can hand the same instances
// back to VS Code (refresh, getParent and reveal all depend on identity).
import type { AccessMarkerSource } from '../access/treeAccess';
import type { ClusterManager } from '../clusters/clusterManager';
import { TREE_GROUP_ORDER } from '../kinds/builtinKinds';
import type { KindRegistry } from '../kinds/kindRegistry';
import { resourceId, type ResourceType, type TreeGroup } from '../kinds/resourceType';
import { summarize } from '../kinds/summary';
import type { KubeObject } from '../kinds/types';
import { Emitter, type Disposable } from '../util/emitter';
import { Throttle } from '../util/throttle';
import type { ChangeSet } from '../watch/changeSet';
import type { SharedWatch } from '../watch/sharedWatch';
import { visibleNamespaces } from '../watch/scopeFallback';
import { type Acquired, type LeasedWatch, ViewLeases } from '../watch/viewLeases';
import { KindListings, compareNames, tracksAttention } from './kindListings';
import { applyObject, kindTooltip, makeContainerNodes, makeKindNode, makeMessageNode, makeObjectNode } from './nodeFactory';
import { type BrowseNode, ids } from './nodes';
import { namespaceNode, contextNode, groupNode, clusterFolderNode, chunk } from './structureNodes';
import { TreeDiagnosis } from './treeDiagnosis';
import { eventsGroup } from './eventNodes';
import { helmGroup } from './helmNodes';
import type { GroupDeps, NamespaceGroup } from './namespaceGroups';
import { TreeUsage } from './treeUsage';
import type { MetricsChange, MetricsHub } from '../metrics';

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
  private readonly nodes = new Map<string, BrowseNode>();
  private readonly childIds = new Map<string, string[]>();
  private readonly byUid = new Map<string, Set<BrowseNode>>();
  private readonly leases: ViewLeases;
  private readonly listings = new KindListings();
  private readonly pending = new Set<BrowseNode>();
  private fullRefresh = false;
  private readonly throttle: Throttle;
  private readonly changed = new Emitter<BrowseNode[] | undefined>();
  /** Fires the nodes to refresh, or undefined for everything. */
  readonly onDidChange = this.changed.event;
  private pageSize: number;
  private readonly disposables: Disposable[] = [];
  /** Root causes for unhealthy rows (pods from their events, workloads from their pods). */
  readonly diagnosis: TreeDiagnosis;
  /** Resource usage shown on pod and node rows while their scope is expanded. */
  readonly usage: TreeUsage;

  constructor(
    private readonly clusters: ClusterManager,
    private readonly state: BrowseState,
    private readonly opts: BrowseOptions = {},
  ) {
    this.pageSize = Math.max(10, opts.pageSize ?? 200);
    this.throttle = new Throttle(() => this.flush(), opts.refreshDelayMs ?? TREE_REFRESH_WINDOW_MS);
    this.leases = new ViewLeases(clusters.hub, {
      changed: (w, cs) => this.onChangeSet(w, cs),
      // Recovering, failing or stopped: the holders re-render (and re-acquire a live watch).
      statusChanged: (_w, _st, holders) => {
        for (const h of holders) this.markId(h);
      },
    });
    this.diagnosis = new TreeDiagnosis(this.leases, clusters.hub, (c) => this.registry(c), () => this.now());
    this.usage = new TreeUsage(opts.metrics);
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
    for (const n of this.nodes.values()) {
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
    this.fullRefresh = true;
    this.schedule();
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
      out.push(this.keep(contextNode(ctx, ctx.name === selected, this.clusters.session(ctx.name)?.state, problems, this.state.namespaceFilter(ctx.name), merged.clusters.get(ctx.cluster)?.server, production), undefined));
    }
    for (const p of merged.problems.filter((x) => !x.context)) {
      const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}` : '';
      const n = makeMessageNode(undefined, p.notice ? 'info' : 'error', p.message, [where, p.hint].filter(Boolean).join('\n'), `${where}|${p.message}`);
      n.description = where;
      out.push(this.keep(n, undefined));
    }
    this.track('', out);
    return out;
  }

  async children(node: BrowseNode): Promise<BrowseNode[]> {
    const kids = await this.computeChildren(node);
    this.track(node.id, kids);
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
  async findObjectNode(context: string, type: ResourceType, namespace: string | undefined, name: string): Promise<BrowseNode | undefined> {
    const ctxNode = this.roots().find((n) => n.type === 'context' && n.context === context);
    if (!ctxNode) return undefined;
    let level = await this.children(ctxNode);
    const path: ((n: BrowseNode) => boolean)[] = [];
    if (type.namespaced && namespace) {
      path.push((n) => n.type === 'namespace' && n.namespace === namespace);
      path.push((n) => n.type === 'group' && n.group === type.treeGroup);
    } else if (type.kind !== 'Node') {
      path.push((n) => n.type === 'group' && n.group === 'Cluster');
    }
    path.push((n) => n.type === 'kind' && n.resource !== undefined && resourceId(n.resource) === resourceId(type));
    path.push((n) => n.type === 'object' && n.label === name);
    for (const step of path) {
      const hit = await this.findIn(level, step);
      if (!hit) return undefined;
      if (hit.type === 'object') return hit;
      level = await this.children(hit);
    }
    return undefined;
  }

  /** The first child of `parent` (looking inside ranges) that matches. */
  async findChild(parent: BrowseNode, pred: (n: BrowseNode) => boolean): Promise<BrowseNode | undefined> {
    return this.findIn(await this.children(parent), pred);
  }

  private async findIn(level: BrowseNode[], pred: (n: BrowseNode) => boolean): Promise<BrowseNode | undefined> {
    const direct = level.find(pred);
    if (direct) return direct;
    for (const c of level.filter((n) => n.type === 'chunk')) {
      const hit = await this.findIn(await this.children(c), pred);
      if (hit) return hit;
    }
    return undefined;
  }

  // ---- children ---------------------------------------------------------------------------

  private async computeChildren(node: BrowseNode): Promise<BrowseNode[]> {
    switch (node.type) {
      case 'context':
        return this.contextChildren(node);
      case 'namespace':
        return this.namespaceChildren(node);
      case 'group':
        return this.groupChildren(node);
      case 'kind':
        return this.kindChildren(node);
      case 'chunk':
        return this.chunkChildren(node);
      case 'object':
        return this.objectChildren(node);
      default: {
        // Rows a namespace group made (a Helm release) may have children of their own.
        const g = NAMESPACE_GROUPS.find((x) => x.rowTypes?.includes(node.type));
        const reg = g?.rowChildren ? await this.connectedRegistry(node.context) : undefined;
        return reg && g?.rowChildren ? (await g.rowChildren(node, reg, this.groupDeps())).map((n) => this.keep(n, node)) : [];
      }
    }
  }

  private async contextChildren(node: BrowseNode): Promise<BrowseNode[]> {
    const merged = this.clusters.kubeconfig;
    const problems = merged?.problems.filter((p) => p.context === node.context) ?? [];
    if (problems.length) {
      return problems.map((p, i) => this.keep(makeMessageNode(node, 'error', p.message, [p.file ? `${p.file}${p.line ? `:${p.line}` : ''}` : '', p.hint].filter(Boolean).join('\n'), `problem-${i}`), node));
    }
    const session = this.clusters.session(node.context);
    if (!session) return [];
    const state = await session.connect();
    if (state.phase !== 'ready') {
      const err = state.phase === 'error' ? state.error : undefined;
      const msg = this.keep(makeMessageNode(node, 'error', err?.message ?? 'Not connected', err?.hint ?? 'Retry from the context menu.'), node);
      msg.contextValue = 'kubeAtlas.message.error:retry';
      msg.description = err?.hint ?? '';
      return [msg];
    }
    const reg = state.registry;
    const out: BrowseNode[] = [];
    const nodesType = reg.get('nodes');
    if (nodesType) out.push(this.keep(makeKindNode(node, nodesType, undefined), node));
    out.push(this.keep(clusterFolderNode(node), node));
    const nsType = reg.get('namespaces');
    if (!nsType) return out;
    const own = this.clusters.kubeconfig?.contexts.find((c) => c.name === node.context)?.namespace ?? 'default';
    const visible = await visibleNamespaces(this.leases, node.id, node.context, nsType, own);
    const filter = this.state.namespaceFilter(node.context)?.toLowerCase();
    const nsWatch = visible.watch;
    // Sorted the way the kind listings keep them (no sort per render).
    let names = nsWatch ? this.listings.objects(nsWatch, undefined, false).map((o) => o.metadata.name ?? '') : visible.names;
    let note: BrowseNode | undefined;
    if (visible.refused) {
      // Listing namespaces is forbidden for many users: the context's own namespace is shown.
      const { forbidden, message } = visible.refused;
      note = this.keep(makeMessageNode(node, forbidden ? 'forbidden' : 'error', forbidden ? 'Namespaces: listing is forbidden' : 'Namespaces could not be listed', `${message}\nShowing the context's namespace "${own}" only.`), node);
      note.description = `showing "${own}" only`;
    }
    if (filter) names = names.filter((n) => n.toLowerCase().includes(filter));
    const selectedNs = this.state.selectedNamespace(node.context);
    if (note) out.push(note);
    // Namespace nodes are made by whoever shows them (here, or a range node), so their parent is right.
    if (names.length <= this.pageSize) out.push(...names.map((n) => this.keep(namespaceNode(node, n, nsWatch?.store.get(n), n === selectedNs), node)));
    else out.push(...this.chunkNodes(node, names.length, (i) => names[i] ?? '', 'namespaces'));
    return out;
  }

  private async namespaceChildren(node: BrowseNode): Promise<BrowseNode[]> {
    const reg = await this.connectedRegistry(node.context);
    if (!reg) return [];
    const groups = TREE_GROUP_ORDER.filter((g) => reg.inGroup(g, true).length > 0).map((g) => this.keep(groupNode(node, g), node));
    for (const g of NAMESPACE_GROUPS) if (g.offered(reg)) groups.push(this.keep(g.node(node), node));
    return groups;
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

  private async groupChildren(node: BrowseNode): Promise<BrowseNode[]> {
    const reg = await this.connectedRegistry(node.context);
    if (!reg || !node.group) return [];
    const extra = NAMESPACE_GROUPS.find((g) => g.name === node.group);
    if (extra) return (await extra.children(node, reg, this.groupDeps())).map((n) => this.keep(n, node));
    const clusterLevel = node.group === 'Cluster';
    const types = clusterLevel
      ? CLUSTER_LEVEL_GROUPS.flatMap((g) => reg.inGroup(g, false)).filter((t) => t.kind !== 'Node' && t.kind !== 'Namespace')
      : reg.inGroup(node.group as TreeGroup, true); // the namespace groups returned above
    const kindNodes = types.map((t) => this.keep(makeKindNode(node, t, node.namespace), node));
    // Counts for built-in kinds come from watching them; custom resources are watched only once
    // their own node is opened (a cluster can have hundreds of CRDs).
    await Promise.all(
      kindNodes.map(async (k) => {
        if (k.resource!.treeGroup === 'Custom Resources' || clusterLevel) return;
        const acquired = await this.acquire(node, node.context, k.resource!, node.namespace);
        this.describeKind(k, acquired);
      }),
    );
    return kindNodes;
  }

  private async kindChildren(node: BrowseNode): Promise<BrowseNode[]> {
    const type = node.resource!;
    const acquired = await this.acquire(node, node.context, type, node.namespace);
    this.describeKind(node, acquired);
    if (!('watch' in acquired)) {
      const forbidden = 'forbidden' in acquired;
      const m = this.keep(
        makeMessageNode(node, forbidden ? 'forbidden' : 'error', forbidden ? `Forbidden: cannot list ${type.plural}` : `Cannot list ${type.plural}`, forbidden ? `${acquired.message}\nAsk a cluster admin for list/watch on ${type.plural}.` : `${acquired.message}\n${acquired.hint ?? 'Kube Atlas keeps retrying.'}`),
        node,
      );
      return [m];
    }
    const { watch, namespaced } = acquired;
    if (type.kind === 'Pod') await this.acquireEvents(node, node.namespace);
    this.usage.hold(node);
    const total = this.listings.count(watch, node.namespace, namespaced);
    if (total > this.pageSize) return this.chunkNodes(node, total, (i) => this.listings.nameAt(watch, node.namespace, namespaced, i));
    const now = this.now();
    return this.listings.objects(watch, node.namespace, namespaced).map((o) => this.objectNode(ids.object(node.id, o.metadata.name ?? ''), node, type, o, now));
  }

  private async chunkChildren(node: BrowseNode): Promise<BrowseNode[]> {
    const parent = node.parent!;
    const range = node.range!;
    if (parent.type === 'context') {
      const nsType = (await this.connectedRegistry(parent.context))?.get('namespaces');
      const w = nsType ? (await this.acquireFor(node, parent.context, nsType, undefined)) : undefined;
      const names = w ? this.listings.objects(w, undefined, false).map((o) => o.metadata.name ?? '') : [];
      const filter = this.state.namespaceFilter(parent.context)?.toLowerCase();
      const list = filter ? names.filter((n) => n.toLowerCase().includes(filter)) : names;
      const selectedNs = this.state.selectedNamespace(parent.context);
      return list.slice(range.start, range.end).map((n) => this.keep(namespaceNode(parent, n, w?.store.get(n), n === selectedNs), node));
    }
    const type = parent.resource!;
    const acquired = await this.acquire(node, parent.context, type, parent.namespace);
    if (!('watch' in acquired)) return [];
    const now = this.now();
    // Object ids hang off the kind node, not the chunk, so they survive re-chunking.
    return this.listings
      .slice(acquired.watch, parent.namespace, acquired.namespaced, range.start, range.end)
      .map((o) => this.objectNode(ids.object(parent.id, o.metadata.name ?? ''), node, type, o, now));
  }

  private async objectChildren(node: BrowseNode): Promise<BrowseNode[]> {
    const obj = node.object!;
    const kind = node.resource!.kind;
    if (kind === 'Pod') return makeContainerNodes(node, obj, this.usage.podUsage(node.context, obj)).map((c) => this.keep(c, node));
    const reg = await this.connectedRegistry(node.context);
    const pods = reg?.get('pods');
    if (!reg || !pods || !obj.metadata.uid) return [];
    const ns = obj.metadata.namespace;
    const now = this.now();
    if (kind === 'CronJob') {
      const jobs = reg.get('jobs.batch');
      if (!jobs) return [];
      const a = await this.acquire(node, node.context, jobs, ns);
      if (!('watch' in a)) return [];
      const owned = a.watch.store.byIndex('owner', obj.metadata.uid).sort(byName);
      return owned.map((j) => this.objectNode(ids.child(node.id, 'job', j.metadata.name ?? ''), node, jobs, j, now));
    }
    let ownerUids = [obj.metadata.uid];
    if (kind === 'Deployment') {
      const rsType = reg.get('replicasets.apps');
      if (!rsType) return [];
      const rs = await this.acquire(node, node.context, rsType, ns);
      if (!('watch' in rs)) return [];
      ownerUids = rs.watch.store.byIndex('owner', obj.metadata.uid).flatMap((r) => (r.metadata.uid ? [r.metadata.uid] : []));
    }
    const [a] = await Promise.all([this.acquire(node, node.context, pods, ns), this.acquireEvents(node, ns)]);
    if (!('watch' in a)) {
      return [this.keep(makeMessageNode(node, 'forbidden' in a ? 'forbidden' : 'error', `Pods: ${a.message}`, ''), node)];
    }
    const owned = ownerUids.flatMap((u) => a.watch.store.byIndex('owner', u)).sort(byName);
    this.usage.hold(node);
    const shown = owned.slice(0, this.pageSize).map((p) => this.objectNode(ids.child(node.id, 'pod', p.metadata.name ?? ''), node, pods, p, now));
    if (owned.length > this.pageSize) {
      const more = this.keep(makeMessageNode(node, 'info', `${owned.length - this.pageSize} more pods`, 'Open the Pods kind in this namespace to see them all.', 'more'), node);
      shown.push(more);
    }
    return shown;
  }

  // ---- helpers ----------------------------------------------------------------------------

  private chunkNodes(parent: BrowseNode, total: number, nameAt: (i: number) => string, what?: string): BrowseNode[] {
    const out: BrowseNode[] = [];
    for (let start = 0, i = 0; start < total; start += this.pageSize, i++) {
      const end = Math.min(total, start + this.pageSize);
      out.push(this.keep(chunk(parent, i, start, end, nameAt(start), nameAt(end - 1), total, what), parent));
    }
    return out;
  }

  private describeKind(node: BrowseNode, acquired: Acquired): void {
    if (!('watch' in acquired)) {
      node.description = 'forbidden' in acquired ? 'forbidden' : 'unavailable';
      node.severity = 'forbidden' in acquired ? 'warning' : 'error';
      node.icon = 'forbidden' in acquired ? 'lock' : 'error';
      return;
    }
    const { watch, namespaced } = acquired;
    const type = node.resource!;
    const count = this.listings.count(watch, node.namespace, namespaced);
    const bad = tracksAttention(type.kind, type.group) ? this.listings.attention(watch, node.namespace, namespaced, type.kind) : 0;
    const st = watch.status;
    const note = this.usage.kindNote(node);
    node.description = `${count}${bad ? ` · ${bad} need attention` : ''}${!st.synced ? ' · loading' : st.phase === 'backoff' ? ' · reconnecting' : ''}${note?.short ? ` · ${note.short}` : ''}`;
    node.tooltip = [kindTooltip(type), note?.line].filter(Boolean).join('\n');
    node.severity = bad ? 'warning' : undefined;
    node.icon = bad ? 'warning' : 'symbol-class';
  }

  private objectNode(id: string, parent: BrowseNode, type: ResourceType, obj: KubeObject, now: number): BrowseNode {
    const existing = this.nodes.get(id);
    if (existing && existing.type === 'object') {
      existing.parent = parent;
      existing.accessMarkers = this.accessMarkers(type, existing);
      const oldUid = existing.object?.metadata.uid;
      this.render(existing, type, obj, now);
      if (oldUid !== obj.metadata.uid) {
        this.unindexUid(existing, oldUid);
        this.indexUid(existing);
      }
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
    this.nodes.set(id, n);
    this.indexUid(n);
    return n;
  }

  /** Registers a node by id, reusing the existing instance (VS Code matches elements by identity). */
  private keep(fresh: BrowseNode, parent: BrowseNode | undefined): BrowseNode {
    const existing = this.nodes.get(fresh.id);
    if (existing && existing.type === fresh.type) {
      Object.assign(existing, fresh, { parent });
      return existing;
    }
    fresh.parent = parent;
    this.nodes.set(fresh.id, fresh);
    return fresh;
  }

  /** Remembers which children a parent has, and forgets nodes that disappeared (and their subtrees). */
  private track(parentId: string, kids: BrowseNode[]): void {
    const prev = this.childIds.get(parentId);
    const next = kids.map((k) => k.id);
    this.childIds.set(parentId, next);
    if (!prev) return;
    const keep = new Set(next);
    for (const id of prev) if (!keep.has(id)) this.forget(id);
  }

  private forget(id: string): void {
    const n = this.nodes.get(id);
    // An object node that moved between chunks is still alive under another parent.
    if (n?.parent && this.childIds.get(n.parent.id)?.includes(id)) return;
    for (const child of this.childIds.get(id) ?? []) this.forget(child);
    this.childIds.delete(id);
    if (n) {
      this.unindexUid(n, n.object?.metadata.uid);
      this.nodes.delete(id);
      this.collapsed(n);
    }
  }

  private indexUid(n: BrowseNode): void {
    const uid = n.type === 'object' ? n.object?.metadata.uid : undefined;
    if (!uid) return;
    let set = this.byUid.get(uid);
    if (!set) {
      set = new Set();
      this.byUid.set(uid, set);
    }
    set.add(n);
  }

  private unindexUid(n: BrowseNode, uid: string | undefined): void {
    if (!uid) return;
    const set = this.byUid.get(uid);
    set?.delete(n);
    if (set && set.size === 0) this.byUid.delete(uid);
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

  // ---- watches ----------------------------------------------------------------------------

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
    for (const n of this.nodes.values()) {
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

  /** An event changed: re-render the rows of the object it is about, and their owners. */
  private onEvents(cs: ChangeSet): void {
    const now = this.now();
    const seen = new Set<string>();
    for (const e of [...cs.added, ...cs.deleted, ...cs.updated.map((u) => u.new)]) {
      const uid = ((e.involvedObject ?? e.regarding) as { uid?: string } | undefined)?.uid;
      if (!uid || seen.has(uid)) continue;
      seen.add(uid);
      for (const n of this.byUid.get(uid) ?? []) {
        if (!n.resource || !n.object) continue;
        this.render(n, n.resource, n.object, now);
        this.markChanged(n);
        this.rerenderOwners(n.object);
      }
    }
  }

  /** Namespace groups (Helm Releases, Events) this change set re-renders, re-described first. */
  private markNamespaceGroups(ctx: string, type: ResourceType, cs: ChangeSet): void {
    for (const g of NAMESPACE_GROUPS) {
      const affected = g.affected(type, cs);
      if (!affected) continue;
      const suffix = `/g/${encodeURIComponent(g.name)}`;
      const prefix = `${ids.context(ctx)}/`;
      const groupIds = affected === 'all' ? [...this.nodes.keys()].filter((id) => id.endsWith(suffix) && id.startsWith(prefix)) : [...affected].map((ns) => ids.group(ctx, ns, g.name));
      const reg = this.registry(ctx);
      for (const id of groupIds) {
        const n = this.nodes.get(id);
        if (!n) continue;
        if (reg) g.describe?.(n, reg, this.groupDeps());
        this.markChanged(n);
      }
    }
  }

  /** Owner rows (ReplicaSet, and the Deployment above it) roll their pods' causes up. */
  private rerenderOwners(o: KubeObject): void {
    const now = this.now();
    const ctxNs = o.metadata.namespace;
    for (const ref of o.metadata.ownerReferences ?? []) {
      for (const owner of this.byUid.get(ref.uid ?? '') ?? []) {
        if (!owner.resource || !owner.object) continue;
        this.render(owner, owner.resource, owner.object, now);
        this.markChanged(owner);
        if (ctxNs && owner.object.metadata.ownerReferences?.length) this.rerenderOwners(owner.object);
      }
    }
  }

  private acquire(holder: BrowseNode, context: string, type: ResourceType, namespace: string | undefined): Promise<Acquired> {
    return this.leases.acquire(holder.id, context, type, namespace);
  }

  /** The namespace list a range node shows, from a watch the range itself holds. */
  private async acquireFor(holder: BrowseNode, context: string, type: ResourceType, namespace: string | undefined): Promise<SharedWatch | undefined> {
    const a = await this.acquire(holder, context, type, namespace);
    return 'watch' in a ? a.watch : undefined;
  }

  /** Maps a change set to the nodes whose rendering it changes. */
  private onChangeSet(view: LeasedWatch, cs: ChangeSet): void {
    const ctx = view.context;
    const type = view.type;
    this.listings.apply(view.watch, cs, type.kind);
    this.markNamespaceGroups(ctx, type, cs);
    if (type.kind === 'Event') {
      this.onEvents(cs);
      return;
    }
    if (type.kind === 'Pod') for (const o of cs.deleted) this.diagnosis.pods.forget(o.metadata.uid);
    const rid = resourceId(type);
    const touched = new Set<string | undefined>();
    for (const o of cs.added) touched.add(o.metadata.namespace);
    for (const o of cs.deleted) touched.add(o.metadata.namespace);
    if (rid === 'namespaces') {
      // Namespace rows are recomputed with their parent (a phase change shows too).
      if (cs.added.length || cs.deleted.length || cs.updated.length || cs.relisted) this.markId(ids.context(ctx));
    } else if (!type.namespaced) {
      const parent = type.kind === 'Node' ? ids.context(ctx) : ids.clusterFolder(ctx);
      if (touched.size || cs.relisted || cs.updated.length) this.markKind(ids.kind(parent, rid));
    } else {
      for (const ns of touched) if (ns) this.markKind(ids.kind(ids.group(ctx, ns, type.treeGroup), rid));
    }
    const now = this.now();
    // After a relist, objects we already show may arrive as "added": refresh their nodes too.
    for (const o of cs.added) {
      for (const n of this.byUid.get(o.metadata.uid ?? '') ?? []) {
        this.render(n, n.resource ?? type, o, now);
        this.markChanged(n);
      }
    }
    for (const u of cs.updated) {
      for (const n of this.byUid.get(u.new.metadata.uid ?? '') ?? []) {
        this.render(n, n.resource ?? type, u.new, now);
        this.markChanged(n);
      }
      // Status changes alter the "need attention" count of the kind node.
      if (type.namespaced && u.new.metadata.namespace && summarize(type.kind, u.old).severity !== summarize(type.kind, u.new).severity) {
        this.markKind(ids.kind(ids.group(ctx, u.new.metadata.namespace, type.treeGroup), rid));
      }
    }
    // Workloads show the pods (or their ReplicaSets' pods) they own: tell them when those change.
    // Only expanded workloads listen (they hold the ReplicaSets watch), so a 20,000-pod relist with
    // nothing expanded costs no lookups here.
    if (!this.byUid.size) return;
    const rsType = this.registry(ctx)?.get('replicasets.apps');
    const rsWatch = rsType ? this.leases.serving(ctx, rsType)?.watch : undefined;
    // Owners re-render too: their row rolls up their pods' causes.
    const notifyOwners = (refs: KubeObject['metadata']['ownerReferences']): void => {
      for (const ref of refs ?? []) {
        for (const owner of this.byUid.get(ref.uid ?? '') ?? []) {
          if (owner.resource && owner.object) this.render(owner, owner.resource, owner.object, now);
          this.markChanged(owner);
        }
      }
    };
    for (const o of [...cs.added, ...cs.deleted, ...cs.updated.map((u) => u.new)]) {
      const refs = o.metadata.ownerReferences;
      notifyOwners(refs);
      const ns = o.metadata.namespace;
      for (const ref of refs ?? []) {
        if (ref.kind !== 'ReplicaSet' || !ns || !rsType) continue;
        const rs = (rsWatch ?? this.leases.serving(ctx, rsType, ns)?.watch)?.store.get(`${ns}/${ref.name}`);
        notifyOwners(rs?.metadata.ownerReferences);
      }
    }
  }

  /**
   * Re-describes a kind node (its count) before announcing it: VS Code asks for the item itself
   * before it asks for its children, so the description must already be current.
   */
  private markKind(id: string): void {
    const n = this.nodes.get(id);
    if (!n?.resource) return;
    const serving = this.leases.serving(n.context, n.resource, n.namespace);
    if (serving) this.describeKind(n, serving);
    this.markChanged(n);
  }

  private markId(id: string): void {
    const n = this.nodes.get(id);
    if (n) this.markChanged(n);
  }

  private markChanged(n: BrowseNode): void {
    this.pending.add(n);
    this.schedule();
  }

  private schedule(): void {
    this.throttle.schedule();
  }

  /** Fires the smallest set of nodes: a pending ancestor already covers its descendants. */
  flush(): void {
    this.throttle.cancel();
    if (this.fullRefresh) {
      this.fullRefresh = false;
      this.pending.clear();
      this.changed.fire(undefined);
      return;
    }
    if (!this.pending.size) return;
    const out: BrowseNode[] = [];
    for (const n of this.pending) {
      let p = n.parent;
      let covered = false;
      while (p) {
        if (this.pending.has(p)) {
          covered = true;
          break;
        }
        p = p.parent;
      }
      if (!covered && this.nodes.get(n.id) === n) out.push(n);
    }
    this.pending.clear();
    if (out.length) this.changed.fire(out);
  }

  dispose(): void {
    this.throttle.cancel();
    this.leases.dispose();
    for (const d of this.disposables) d.dispose();
    this.changed.dispose();
  }
}

/**
 * How long the model gathers a node's changes before firing (leading-edge throttle): a burst on
 * one node becomes one refresh. Pacing for VS Code's 200 ms tree debounce, which restarts on every
 * event of the whole view, is the tree provider's job (`ui/tree/refreshGate.ts`): it sees every
 * node's events, this throttle only one node's.
 */
export const TREE_REFRESH_WINDOW_MS = 70;

/** Groups under every namespace after the kinds' groups, in this order. */
const NAMESPACE_GROUPS: readonly NamespaceGroup[] = [helmGroup, eventsGroup];

/** Tree groups whose cluster-scoped kinds go under "Cluster Resources" (Nodes and Namespaces have their own places). */
const CLUSTER_LEVEL_GROUPS: readonly TreeGroup[] = ['Cluster', 'Storage', 'Access', 'Custom Resources', 'Other'];

function byName(a: KubeObject, b: KubeObject): number {
  return compareNames(a.metadata.name ?? '', b.metadata.name ?? '');
}
