// "Top Pods" (context row = all namespaces, namespace row, Pods kind row, palette) and "Top Nodes"
// (context row, Nodes kind row, palette), and the sort and per-container buttons in a top view's
// title bar.
import * as vscode from 'vscode';
import { ALL_NAMESPACES, pickNamespace } from '../commands/namespacePick';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { TopTarget } from '../../kube/metrics/topSession';
import type { TopSort } from '../../kube/metrics/topTable';
import type { BrowseNode } from '../../kube/tree/nodes';
import { TOP_SCHEME, type TopDocuments } from './topDocuments';

export interface MetricsCommandDeps {
  clusters: ClusterManager;
  documents: TopDocuments;
  currentContext: () => string | undefined;
  selectedNamespace: (context: string) => string | undefined;
}

export function registerMetricsCommands(deps: MetricsCommandDeps): vscode.Disposable[] {
  const sortCommand = (sort: TopSort) => (uri?: vscode.Uri) => {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (target?.scheme === TOP_SCHEME) deps.documents.setSort(target, sort);
  };
  return [
    vscode.commands.registerCommand('kubeAtlas.topPods', async (node?: BrowseNode) => {
      const target = node ? podsTargetOf(node) : await pickPods(deps);
      if (target) return deps.documents.show(target);
      return undefined;
    }),
    vscode.commands.registerCommand('kubeAtlas.topNodes', async (node?: BrowseNode) => {
      const context = node?.context ?? deps.currentContext();
      if (!context) {
        void vscode.window.showInformationMessage('No Kubernetes context: add one to your kubeconfig first.');
        return undefined;
      }
      return deps.documents.show({ context, what: 'nodes' });
    }),
    vscode.commands.registerCommand('kubeAtlas.topSortCpu', sortCommand('cpu')),
    vscode.commands.registerCommand('kubeAtlas.topSortMemory', sortCommand('memory')),
    vscode.commands.registerCommand('kubeAtlas.topSortName', sortCommand('name')),
    vscode.commands.registerCommand('kubeAtlas.topToggleContainers', (uri?: vscode.Uri) => {
      const target = uri ?? vscode.window.activeTextEditor?.document.uri;
      if (target?.scheme === TOP_SCHEME) deps.documents.toggleContainers(target);
    }),
  ];
}

function podsTargetOf(n: BrowseNode): TopTarget | undefined {
  if (n.type === 'context') return { context: n.context, what: 'pods' };
  if (n.namespace) return { context: n.context, what: 'pods', namespace: n.namespace };
  return undefined;
}

async function pickPods(deps: MetricsCommandDeps): Promise<TopTarget | undefined> {
  const context = deps.currentContext();
  if (!context) {
    void vscode.window.showInformationMessage('No Kubernetes context: add one to your kubeconfig first.');
    return undefined;
  }
  const selected = deps.selectedNamespace(context);
  const pick = await pickNamespace(deps.clusters, context, { title: `Top Pods of ${context}`, preferred: selected ? [selected] : [], all: 'last' });
  if (!pick) return undefined;
  return pick === ALL_NAMESPACES ? { context, what: 'pods' } : { context, what: 'pods', namespace: pick };
}
