// Commands on objects: open the live YAML, copy the name, and find an object by name.
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { BrowseModel } from '../../kube/tree/browseModel';
import type { BrowseNode } from '../../kube/tree/nodes';
import { yamlUri } from '../yamlDocuments';

export function registerObjectCommands(clusters: ClusterManager, model: BrowseModel, view: vscode.TreeView<BrowseNode>): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('kubeAtlas.openYaml', async (node?: BrowseNode) => {
      const target = node ?? view.selection[0];
      if (!target?.object || !target.resource) {
        void vscode.window.showInformationMessage('Select a Kubernetes object in the Kube Atlas tree to open its YAML.');
        return;
      }
      const uri = yamlUri(target.context, target.resource, target.object.metadata.namespace, target.object.metadata.name ?? '');
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
      await vscode.window.showTextDocument(doc, { preview: true });
    }),
    vscode.commands.registerCommand('kubeAtlas.copyName', async (node?: BrowseNode) => {
      const target = node ?? view.selection[0];
      const name = target?.object?.metadata.name ?? target?.containerName ?? target?.label;
      if (!name) return;
      await vscode.env.clipboard.writeText(name);
      vscode.window.setStatusBarMessage(`Copied "${name}"`, 3000);
    }),
    vscode.commands.registerCommand('kubeAtlas.revealObject', async () => {
      // Searches what is cached (every running watch): instant, and never a round trip per keystroke.
      type Item = vscode.QuickPickItem & { ctx: string; rid: string; ns?: string; name: string };
      const items: Item[] = [];
      for (const ctx of clusters.contextNames()) {
        const st = clusters.session(ctx)?.state;
        if (st?.phase !== 'ready') continue;
        for (const type of st.registry.all) {
          const w = clusters.hub.peek(ctx, type);
          if (!w) continue;
          for (const o of w.store.list()) {
            const name = o.metadata.name ?? '';
            items.push({ label: name, description: `${type.kind}${o.metadata.namespace ? ` · ${o.metadata.namespace}` : ''} · ${ctx}`, ctx, rid: type.plural + (type.group ? `.${type.group}` : ''), ns: o.metadata.namespace, name });
            if (items.length >= 50_000) break;
          }
        }
      }
      if (!items.length) {
        void vscode.window.showInformationMessage('Nothing is cached yet: expand a context in the Kube Atlas view first.');
        return;
      }
      const pick = await vscode.window.showQuickPick(items, { placeHolder: 'Reveal a Kubernetes object by name', matchOnDescription: true });
      if (!pick) return;
      const st = clusters.session(pick.ctx)?.state;
      const type = st?.phase === 'ready' ? st.registry.get(pick.rid) : undefined;
      if (!type) return;
      const node = await vscode.window.withProgress({ location: { viewId: 'kubeAtlas.clusters' } }, () => model.findObjectNode(pick.ctx, type, pick.ns, pick.name));
      if (node) await view.reveal(node, { select: true, focus: true, expand: false });
      else void vscode.window.showWarningMessage(`${type.kind} ${pick.name} is no longer in the cluster.`);
    }),
  ];
}
