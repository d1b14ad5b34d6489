// Choosing the context and namespace Kube Atlas acts on, filtering namespaces, and retrying a
// context that failed. All of it is extension state: the kubeconfig file is never written.
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { BrowseModel } from '../../kube/tree/browseModel';
import type { BrowseNode } from '../../kube/tree/nodes';
import type { ExtensionState } from '../extensionState';
import type { ContextStatusBar } from '../statusBar';

export function registerContextCommands(
  clusters: ClusterManager,
  model: BrowseModel,
  state: ExtensionState,
  statusBar: ContextStatusBar,
): vscode.Disposable[] {
  const pickContext = async (): Promise<string | undefined> => {
    const current = statusBar.currentContext();
    const items = (clusters.kubeconfig?.contexts ?? []).map((c) => ({
      label: c.name,
      description: c.name === current ? 'current' : '',
      detail: `cluster ${c.cluster} · user ${c.user}${c.namespace ? ` · namespace ${c.namespace}` : ''} · ${c.file}`,
    }));
    if (!items.length) {
      void vscode.window.showWarningMessage('Kube Atlas found no contexts. Set KUBECONFIG or add files in the setting kubeAtlas.kubeconfigFiles.');
      return undefined;
    }
    return (await vscode.window.showQuickPick(items, { placeHolder: 'Context for Kube Atlas (your kubeconfig is not changed)' }))?.label;
  };

  return [
    vscode.commands.registerCommand('kubeAtlas.selectContext', async (node?: BrowseNode) => {
      const name = node?.type === 'context' ? node.context : await pickContext();
      if (!name) return;
      await state.setContext(name);
      statusBar.update();
      model.refreshAll();
    }),
    vscode.commands.registerCommand('kubeAtlas.selectNamespace', async (node?: BrowseNode) => {
      let ctx = node?.context ?? statusBar.currentContext();
      let ns = node?.type === 'namespace' ? node.namespace : undefined;
      if (!ctx) ctx = await pickContext();
      if (!ctx) return;
      if (!ns) {
        const session = clusters.session(ctx);
        const st = session ? await session.connect() : undefined;
        const nsType = st?.phase === 'ready' ? st.registry.get('namespaces') : undefined;
        const w = nsType ? clusters.hub.peek(ctx, nsType) : undefined;
        const names = w ? [...w.store.list()].map((o) => o.metadata.name ?? '').sort() : [];
        ns = names.length
          ? await vscode.window.showQuickPick(names, { placeHolder: `Namespace for ${ctx}` })
          : await vscode.window.showInputBox({ prompt: `Namespace for ${ctx}`, placeHolder: 'default' });
      }
      if (!ns) return;
      await state.setNamespace(ctx, ns);
      statusBar.update();
      model.refreshAll();
    }),
    vscode.commands.registerCommand('kubeAtlas.filterNamespaces', async (node?: BrowseNode) => {
      const ctx = node?.context ?? (await pickContext());
      if (!ctx) return;
      const value = await vscode.window.showInputBox({
        prompt: `Show only namespaces of ${ctx} whose name contains… (empty to show all)`,
        value: state.namespaceFilter(ctx) ?? '',
      });
      if (value === undefined) return;
      await state.setNamespaceFilter(ctx, value.trim());
      model.refreshAll();
    }),
    vscode.commands.registerCommand('kubeAtlas.retryContext', async (node?: BrowseNode) => {
      const ctx = node?.context ?? (await pickContext());
      if (!ctx) return;
      await clusters.resetContext(ctx);
      model.refreshAll();
    }),
  ];
}
