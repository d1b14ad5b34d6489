// Plays VS Code's part for a BrowseModel in Node tests: remembers which nodes are expanded, and
// whenever the model fires a refresh, asks again for the children of every expanded node at or
// under the refreshed ones (VS Code re-resolves expanded descendants the same way). Without this,
// a test would call children() itself and prove nothing about what the model announces.
import type { BrowseModel } from '../../src/kube/tree/browseModel';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import type { Disposable } from '../../src/kube/util/emitter';

export class TreeDriver {
  private readonly expanded = new Map<string, BrowseNode>();
  private readonly shown = new Map<string, BrowseNode[]>();
  private readonly sub: Disposable;
  private pending: Promise<void> = Promise.resolve();
  /** Refresh events seen (each an array of node ids, or ['*'] for everything). */
  readonly events: string[][] = [];

  constructor(private readonly model: BrowseModel) {
    this.sub = model.onDidChange((nodes) => {
      this.events.push(nodes ? nodes.map((n) => n.id) : ['*']);
      const roots = nodes ?? undefined;
      this.pending = this.pending.then(() => this.reresolve(roots));
    });
  }

  /** Expands a node (as a click would) and returns its children. */
  async expand(node: BrowseNode): Promise<BrowseNode[]> {
    this.expanded.set(node.id, node);
    const kids = await this.model.children(node);
    this.shown.set(node.id, kids);
    return kids;
  }

  /** Collapses a node (as a click would): it and its expanded descendants are no longer re-read. */
  collapse(node: BrowseNode): void {
    for (const [id] of this.expanded) if (id === node.id || id.startsWith(`${node.id}/`)) this.expanded.delete(id);
    this.model.collapsed(node);
  }

  /** What the tree shows under an expanded node right now (no new request to the model). */
  showing(node: BrowseNode): BrowseNode[] {
    return this.shown.get(node.id) ?? [];
  }

  dispose(): void {
    this.sub.dispose();
  }

  private async reresolve(refreshed: BrowseNode[] | undefined): Promise<void> {
    const under = (n: BrowseNode): boolean => {
      if (!refreshed) return true;
      for (let p: BrowseNode | undefined = n; p; p = p.parent) if (refreshed.some((r) => r.id === p.id)) return true;
      return false;
    };
    // Parents before children, as VS Code renders them.
    const order = [...this.expanded.values()].filter(under).sort((a, b) => a.id.split('/').length - b.id.split('/').length);
    for (const n of order) {
      const current = this.model.getNode(n.id) ?? n;
      this.shown.set(n.id, await this.model.children(current));
    }
  }
}
