// What a command on objects acts on, from the arguments VS Code passes: a tree node (context
// menu, inline), the node plus every selected node (multi-select), or nothing (use the selection).
// Also one way to show a failed action: its message and the hint that says what to do.
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { ResourceType } from '../../kube/kinds/resourceType';
import type { KubeObject } from '../../kube/kinds/types';
import { KubeApiError, type KubeTransport } from '../../kube/transport/types';
import type { BrowseNode } from '../../kube/tree/nodes';

export interface ActionTarget {
  context: string;
  type: ResourceType;
  namespace: string | undefined;
  name: string;
  /** The object as the cache last saw it. */
  object: KubeObject;
}

/** The object a node shows, if it shows one. */
export function targetOf(node: Partial<BrowseNode> | undefined): ActionTarget | undefined {
  if (!node?.object || !node.resource || !node.context || node.type === 'container') return undefined;
  const name = node.object.metadata.name;
  if (!name) return undefined;
  return { context: node.context, type: node.resource, namespace: node.object.metadata.namespace, name, object: node.object };
}

/**
 * Every target of a command: VS Code calls a tree command with (clicked node, selected nodes) when
 * several rows are selected, with (node) from a single row, and with nothing from a keybinding.
 */
export function targetsOf(node: BrowseNode | undefined, nodes: readonly BrowseNode[] | undefined, view: vscode.TreeView<BrowseNode>): ActionTarget[] {
  const picked = nodes?.length ? nodes : node ? [node] : view.selection;
  const out: ActionTarget[] = [];
  const seen = new Set<string>();
  for (const n of picked) {
    const t = targetOf(n);
    if (!t) continue;
    const key = `${t.context}|${t.type.plural}.${t.type.group}|${t.namespace ?? ''}|${t.name}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(t);
  }
  return out;
}

export function transportOf(clusters: ClusterManager, context: string): KubeTransport {
  const s = clusters.session(context);
  if (!s) throw new KubeApiError(`Context "${context}" is no longer in the kubeconfig`, { kind: 'credentials', hint: 'Pick another context.' });
  return s.transport;
}

export function describeTarget(t: Pick<ActionTarget, 'type' | 'namespace' | 'name'>): string {
  return `${t.type.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
}

/** Shows a failure: the message, then the hint (what to do), as one error notification. */
export function showFailure(what: string, e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  const hint = e instanceof KubeApiError ? e.hint : undefined;
  void vscode.window.showErrorMessage(`${what}: ${message}${hint ? ` ${hint}` : ''}`);
}
