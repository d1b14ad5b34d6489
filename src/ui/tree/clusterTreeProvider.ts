// The TreeDataProvider: a thin adapter over BrowseModel. It passes the model's change events
// through (already coalesced to the smallest set of nodes) paced by a RefreshGate, so VS Code's
// 200 ms tree debounce never holds them back; remembers which nodes are expanded so refreshed
// items keep their state, and tells the model when a subtree closes so its watches can stop.
import * as vscode from 'vscode';
import type { BrowseModel } from '../../kube/tree/browseModel';
import type { BrowseNode } from '../../kube/tree/nodes';
import { RefreshGate } from './refreshGate';
import { toTreeItem } from './treeItems';

export class ClusterTreeProvider implements vscode.TreeDataProvider<BrowseNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<BrowseNode | BrowseNode[] | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private readonly expanded = new Set<string>();
  private readonly disposables: vscode.Disposable[] = [];
  /** Counts change events (tests and benchmarks read it through a command). */
  changeEvents = 0;
  private readonly gate = new RefreshGate<BrowseNode>((nodes) => {
    this.changeEvents++;
    this.emitter.fire(nodes);
  });

  constructor(private readonly model: BrowseModel) {
    this.disposables.push(
      this.emitter,
      model.onDidChange((nodes) => this.gate.push(nodes)),
      { dispose: () => this.gate.dispose() },
    );
  }

  attach(view: vscode.TreeView<BrowseNode>): void {
    this.disposables.push(
      view.onDidExpandElement((e) => this.expanded.add(e.element.id)),
      view.onDidCollapseElement((e) => {
        this.expanded.delete(e.element.id);
        this.model.collapsed(e.element);
      }),
    );
  }

  getTreeItem(n: BrowseNode): vscode.TreeItem {
    return toTreeItem(n, this.expanded.has(n.id));
  }

  async getChildren(n?: BrowseNode): Promise<BrowseNode[]> {
    if (!n) return this.model.roots();
    return this.model.children(n);
  }

  getParent(n: BrowseNode): BrowseNode | undefined {
    return n.parent?.id ? n.parent : undefined;
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
