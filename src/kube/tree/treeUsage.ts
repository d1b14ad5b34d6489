// The tree's side of resource usage: which expanded nodes hold which metrics scope (a Pods kind or
// a workload's pods → its namespace's pods; the Nodes kind → nodes), the figures a pod or node
// row shows, and what a Pods/Nodes kind row says when the context has no metrics API. Kept apart
// from BrowseModel, which only asks "what does this row show" and "which rows does a poll touch".
import type { MetricsAvailability, MetricsChange, MetricsHub, MetricsScope, PodUsage } from '../metrics';
import type { ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import type { Disposable } from '../util/emitter';
import type { RowUsage } from './nodeFactory';
import type { BrowseNode } from './nodes';

export class TreeUsage {
  /** Expanded nodes that show usage, with their scope: kept while the view is hidden, to resume. */
  private readonly holders = new Map<string, { context: string; scope: MetricsScope }>();
  private visible = true;

  constructor(private readonly hub: MetricsHub | undefined) {}

  get enabled(): boolean {
    return this.hub !== undefined;
  }

  onDidChange(listener: (c: MetricsChange) => void): Disposable | undefined {
    return this.hub?.onDidChange(listener);
  }

  /** The scope whose figures an expanded node shows, if any. */
  scopeFor(node: BrowseNode): MetricsScope | undefined {
    const kind = node.resource?.kind;
    if (node.type === 'kind' && kind === 'Node') return { kind: 'nodes' };
    if (node.type === 'kind' && kind === 'Pod') return { kind: 'pods', namespace: node.namespace };
    // A workload's row expands to its pods (or a CronJob's to its Jobs, which have no usage).
    if (node.type === 'object' && kind !== 'Pod' && kind !== 'CronJob' && node.namespace) return { kind: 'pods', namespace: node.namespace };
    return undefined;
  }

  /** An expanded node shows usage: hold its scope for it (released with its watches). */
  hold(node: BrowseNode): void {
    const scope = this.scopeFor(node);
    if (!scope || !this.hub) return;
    this.holders.set(node.id, { context: node.context, scope });
    if (this.visible) this.hub.acquire(node.id, node.context, scope);
  }

  release(matches: (holder: string) => boolean): void {
    for (const id of [...this.holders.keys()]) if (matches(id)) this.holders.delete(id);
    this.hub?.release(matches);
  }

  /**
   * The tree view was hidden (another sidebar view) or shown again. Unlike watches, which keep a
   * hidden tree current for free, usage costs a list per interval: a hidden tree holds none, and
   * takes its expanded nodes' scopes again when shown (their figures come at once).
   */
  setVisible(visible: boolean): void {
    if (visible === this.visible || !this.hub) return;
    this.visible = visible;
    if (!visible) {
      this.hub.release((h) => this.holders.has(h));
      return;
    }
    for (const [id, h] of this.holders) this.hub.acquire(id, h.context, h.scope);
  }

  podUsage(context: string, obj: KubeObject): PodUsage | undefined {
    return obj.metadata.name ? this.hub?.podUsage(context, obj.metadata.namespace, obj.metadata.name) : undefined;
  }

  rowUsage(context: string, type: ResourceType, obj: KubeObject): RowUsage | undefined {
    if (!this.hub || !obj.metadata.name) return undefined;
    if (type.kind === 'Pod') {
      const pod = this.podUsage(context, obj);
      return pod ? { pod } : undefined;
    }
    if (type.kind === 'Node') {
      const node = this.hub.nodeUsage(context, obj.metadata.name);
      return node ? { node } : undefined;
    }
    return undefined;
  }

  /**
   * What a Pods or Nodes kind row adds while its usage is held: nothing while figures come, else
   * a short "no metrics API" and the reason for its tooltip.
   */
  kindNote(node: BrowseNode): { short: string; line: string } | undefined {
    const kind = node.resource?.kind;
    if (!this.hub || node.type !== 'kind' || (kind !== 'Pod' && kind !== 'Node')) return undefined;
    if (!this.hub.held()[node.context]) return undefined;
    return noteFor(this.hub.availability(node.context), this.hub.interval);
  }

  /** Does a poll of `scope` change what this object row shows? */
  touches(node: BrowseNode, change: MetricsChange): boolean {
    if (node.type !== 'object' || node.context !== change.context || !node.resource) return false;
    const kind = node.resource.kind;
    const scope = change.scope;
    if (!scope) return kind === 'Pod' || kind === 'Node';
    if (scope.kind === 'nodes') return kind === 'Node';
    return kind === 'Pod' && (scope.namespace === undefined || scope.namespace === node.namespace);
  }
}

function noteFor(a: MetricsAvailability, intervalMs: number): { short: string; line: string } | undefined {
  switch (a.state) {
    case 'checking':
      return undefined;
    case 'available':
      return { short: '', line: `Usage: CPU and memory from metrics.k8s.io, every ${Math.round(intervalMs / 1000)} s while shown` };
    case 'forbidden':
      return { short: 'metrics forbidden', line: a.message };
    default:
      return { short: 'no metrics API', line: a.message };
  }
}
