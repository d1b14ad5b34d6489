// BrowseNode → vscode.TreeItem. Colours come from the theme so every theme stays readable.
import * as vscode from 'vscode';
import type { BrowseNode } from '../../kube/tree/nodes';

const SEVERITY_COLOR: Record<string, string | undefined> = {
  ok: 'testing.iconPassed',
  done: 'descriptionForeground',
  progress: 'charts.blue',
  warning: 'list.warningForeground',
  error: 'list.errorForeground',
};

export function toTreeItem(n: BrowseNode, expanded: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(
    n.label,
    n.collapsible ? (expanded ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed) : vscode.TreeItemCollapsibleState.None,
  );
  item.id = n.id;
  item.description = n.description;
  // Cluster strings go into a MarkdownString only as escaped text: a pod name must never render as a link.
  item.tooltip = n.tooltip;
  item.contextValue = n.contextValue;
  const color = n.severity ? SEVERITY_COLOR[n.severity] : undefined;
  item.iconPath = new vscode.ThemeIcon(n.icon || 'circle-outline', color ? new vscode.ThemeColor(color) : undefined);
  if (n.type === 'object' && n.resource) {
    item.command = { command: 'kubeAtlas.openYaml', title: 'Open YAML', arguments: [n] };
  }
  if (n.type === 'release') {
    item.command = { command: 'kubeAtlas.helm.openRelease', title: 'Open Helm Release', arguments: [n] };
  }
  if (n.type === 'event' && n.target) {
    // The same link an apply result uses: reveals the object the event is about.
    const link = { kind: 'object', context: n.context, ...n.target };
    item.command = { command: 'kubeAtlas.revealApplied', title: 'Reveal the Object', arguments: [link] };
  }
  if (n.type === 'message' && n.contextValue.endsWith(':retry')) {
    item.command = { command: 'kubeAtlas.retryContext', title: 'Retry', arguments: [n] };
  }
  return item;
}
