// "Run kubectl Plugin…" on object rows and in the palette: the kubectl plugins on PATH (found as
// `kubectl plugin list` finds them, shadowed and unusable ones marked), run as `kubectl <plugin>
// <name> --context C --namespace N` — an argument array, no shell — in a pty terminal
// (ui/exec/ptyTerminal.ts: VS Code's node-pty; the exit code stays on screen), with KUBECONFIG set
// to the files the tree reads, so the plugin sees the same contexts. Without kubectl on PATH it
// says so instead of failing.
import * as vscode from 'vscode';
import { discoverPlugins, findOnPath, pluginArgs } from '../../kube/plugins/pluginDiscovery';
import type { BrowseNode } from '../../kube/tree/nodes';
import { showFailure } from '../commands/actionTargets';
import { KubectlPtyTerminal } from '../exec/ptyTerminal';

export interface PluginDeps {
  view: vscode.TreeView<BrowseNode>;
  currentContext: () => string | undefined;
  kubeconfigPaths: () => string[];
}

export function registerPluginCommands(deps: PluginDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('kubeAtlas.runPlugin', async (node?: BrowseNode) => {
      try {
        const n = node ?? deps.view.selection[0];
        const obj = n?.type === 'object' ? n.object : undefined;
        const context = n?.context ?? deps.currentContext();
        if (!context) {
          void vscode.window.showInformationMessage('Select a context (or an object in the Kube Atlas tree) to run a kubectl plugin against.');
          return;
        }
        const kubectl = await findOnPath('kubectl', process.env.PATH);
        if (!kubectl) {
          void vscode.window.showErrorMessage('kubectl is not on PATH: kubectl plugins run through kubectl. Install kubectl (and put it on PATH for VS Code), then try again.');
          return;
        }
        const plugins = await discoverPlugins(process.env.PATH);
        if (!plugins.length) {
          void vscode.window.showInformationMessage('No kubectl plugins on PATH (executables named kubectl-<name>, as `kubectl plugin list` shows them).');
          return;
        }
        const name = obj?.metadata.name;
        const namespace = obj?.metadata.namespace ?? (n?.type === 'namespace' ? n.label : undefined);
        const picked = await vscode.window.showQuickPick(
          plugins.map((p) => ({
            label: p.name,
            description: p.path,
            detail: [p.warning, ...p.shadows.map((s) => `shadows ${s}`)].filter(Boolean).join(' · ') || undefined,
            plugin: p,
          })),
          { title: `Run a kubectl plugin on ${name ? `${namespace ? `${namespace}/` : ''}${name}` : namespace ? `namespace ${namespace}` : `context ${context}`}`, placeHolder: 'kubectl <plugin> <name> --context … --namespace …' },
        );
        if (!picked) return;
        const args = pluginArgs(picked.plugin, { context, namespace, name });
        const term = vscode.window.createTerminal({
          name: `kubectl ${picked.plugin.name}${name ? ` ${name}` : ''} (${context})`,
          pty: new KubectlPtyTerminal(args, `kubectl ${picked.plugin.name}`, deps.kubeconfigPaths),
          iconPath: new vscode.ThemeIcon('extensions'),
        });
        term.show();
      } catch (e) {
        showFailure('Run kubectl Plugin', e);
      }
    }),
  ];
}
