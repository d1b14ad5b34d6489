// Shows which context and namespace Kube Atlas acts on; clicking it switches context.
import * as vscode from 'vscode';
import type { ClusterManager } from '../kube/clusters/clusterManager';
import type { ExtensionState } from './extensionState';

export class ContextStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('kubeAtlas.context', vscode.StatusBarAlignment.Left, 50);

  constructor(
    private readonly clusters: ClusterManager,
    private readonly state: ExtensionState,
  ) {
    this.item.name = 'Kube Atlas Context';
    this.item.command = 'kubeAtlas.selectContext';
    this.update();
  }

  currentContext(): string | undefined {
    return this.clusters.currentContext(this.state.selectedContext());
  }

  update(): void {
    const ctx = this.currentContext();
    if (!ctx) {
      this.item.text = '$(cloud) Kube Atlas: no context';
      this.item.tooltip = 'No kubeconfig context found. Click to choose one, or set KUBECONFIG / kubeAtlas.kubeconfigFiles.';
    } else {
      const ns = this.state.selectedNamespace(ctx) ?? this.clusters.kubeconfig?.contexts.find((c) => c.name === ctx)?.namespace ?? 'default';
      this.item.text = `$(cloud) ${ctx} / ${ns}`;
      this.item.tooltip = `Kube Atlas acts on context "${ctx}", namespace "${ns}". Click to switch context (your kubeconfig is not changed).`;
    }
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
