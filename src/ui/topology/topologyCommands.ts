// "Show Topology": from a context row (every namespace), a namespace row, a Service row, or the
// palette (the current context, then a namespace or all of them). Panels restore after a reload
// through the serializer (activation event onWebviewPanel:kubeAtlas.topology).
import * as vscode from 'vscode';
import { ALL_NAMESPACES, pickNamespace } from '../commands/namespacePick';
import { parsePanelScope, type PanelScope } from '../../kube/topology/protocol';
import type { BrowseNode } from '../../kube/tree/nodes';
import { TOPOLOGY_VIEW_TYPE, type TopologyDeps, TopologyPanel, TopologySerializer } from './topologyPanel';

export function registerTopologyCommands(deps: TopologyDeps, currentContext: () => string | undefined): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('kubeAtlas.showTopology', async (node?: BrowseNode) => {
      const scope = node ? scopeOfNode(node) : await pickScope(deps, currentContext());
      // A panel disposes itself (and its watches) when closed.
      if (scope) TopologyPanel.open(deps, scope);
    }),
    vscode.window.registerWebviewPanelSerializer(TOPOLOGY_VIEW_TYPE, new TopologySerializer(deps, parsePanelScope)),
  ];
}

function scopeOfNode(n: BrowseNode): PanelScope | undefined {
  if (n.type === 'context') return { context: n.context };
  if (n.type === 'namespace' && n.namespace) return { context: n.context, namespace: n.namespace };
  if (n.type === 'object' && n.resource?.kind === 'Service' && n.object?.metadata.namespace) {
    return { context: n.context, namespace: n.object.metadata.namespace, service: n.object.metadata.name };
  }
  return undefined;
}

async function pickScope(deps: TopologyDeps, context: string | undefined): Promise<PanelScope | undefined> {
  if (!context) {
    void vscode.window.showInformationMessage('No Kubernetes context: add one to your kubeconfig first.');
    return undefined;
  }
  const pick = await pickNamespace(deps.clusters, context, { title: `Topology of ${context}`, all: 'first' });
  if (!pick) return undefined;
  return pick === ALL_NAMESPACES ? { context } : { context, namespace: pick };
}
