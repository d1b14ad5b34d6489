// The "Overview" view: one row per kubeconfig context, side by side and live (ClusterOverview).
// It holds watches only while visible: the session starts when the view shows and goes when it
// hides (the hub keeps each watch a little longer for the other views). Contexts whose credentials
// run a program wait for a click on "Join".
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import { ClusterOverview, type OverviewEntry } from '../../kube/overview/clusterOverview';
import { type PodFigures, phaseText, type Refused, summaryLine } from '../../kube/overview/overviewFigures';
import { SECTION } from '../settings';

export const OVERVIEW_VIEW = 'kubeAtlas.overview';

type Row =
  | { type: 'context'; context: string }
  | { type: 'detail'; context: string; key: string; label: string; description: string; tooltip?: string; icon: string; color?: string; link?: { resource: string; namespace: string; name: string } };

const refusedText = (r: Refused): string => (/forbidden/i.test(r.refused) ? 'forbidden' : 'unavailable');

class OverviewProvider implements vscode.TreeDataProvider<Row> {
  private readonly changed = new vscode.EventEmitter<Row | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  overview: ClusterOverview | undefined;
  private readonly rows = new Map<string, Row>();

  fire(context?: string): void {
    this.changed.fire(context ? this.rows.get(context) : undefined);
  }

  getChildren(row?: Row): Row[] {
    const ov = this.overview;
    if (!ov) return [];
    if (!row) {
      return ov.entries().map((e) => {
        // The same row object every time: refreshing one context hands it back to VS Code.
        const r = this.rows.get(e.context) ?? { type: 'context', context: e.context };
        this.rows.set(e.context, r);
        return r;
      });
    }
    const e = row.type === 'context' ? ov.entry(row.context) : undefined;
    return e ? details(e) : [];
  }

  getTreeItem(row: Row): vscode.TreeItem {
    if (row.type === 'detail') {
      const item = new vscode.TreeItem(row.label, vscode.TreeItemCollapsibleState.None);
      item.id = `${row.context}/${row.key}`;
      item.description = row.description;
      item.tooltip = row.tooltip ?? `${row.label}: ${row.description}`;
      item.iconPath = new vscode.ThemeIcon(row.icon, row.color ? new vscode.ThemeColor(row.color) : undefined);
      if (row.link) item.command = { command: 'kubeAtlas.revealApplied', title: 'Reveal in Clusters', arguments: [{ kind: 'object', context: row.context, ...row.link }] };
      return item;
    }
    const e = this.overview?.entry(row.context);
    const item = new vscode.TreeItem(row.context, e?.phase === 'ready' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None);
    item.id = row.context;
    item.contextValue = `kubeAtlas.overview.${e?.phase ?? 'connecting'}`;
    if (!e || e.phase === 'connecting') {
      item.description = 'connecting…';
      item.iconPath = new vscode.ThemeIcon('loading~spin');
    } else if (e.phase === 'waiting') {
      item.description = 'not joined: its credentials run a program (Join)';
      item.tooltip = 'Connecting runs the credential plugin of this context (it may prompt or be slow): it joins when you click Join.';
      item.iconPath = new vscode.ThemeIcon('debug-disconnect');
    } else if (e.phase === 'error') {
      item.description = e.error ?? 'not connected';
      item.tooltip = e.error;
      item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('list.errorForeground'));
    } else {
      item.description = summaryLine(e.version, e.nodes, e.pods);
      const attention = e.pods && !('refused' in e.pods) ? e.pods.attention : 0;
      const nodesDown = e.nodes && !('refused' in e.nodes) && e.nodes.ready < e.nodes.total;
      item.iconPath = new vscode.ThemeIcon(attention || nodesDown ? 'warning' : 'vm-active', new vscode.ThemeColor(attention || nodesDown ? 'list.warningForeground' : 'testing.iconPassed'));
      item.tooltip = [row.context, item.description, e.podsNarrowed].filter(Boolean).join('\n');
    }
    return item;
  }
}

function details(e: OverviewEntry): Row[] {
  if (e.phase !== 'ready') return [];
  const ctx = e.context;
  const out: Row[] = [];
  if (e.nodes) {
    const d = 'refused' in e.nodes ? refusedText(e.nodes) : `${e.nodes.ready}/${e.nodes.total} ready${e.nodes.cordoned ? ` · ${e.nodes.cordoned} cordoned` : ''}`;
    out.push({ type: 'detail', context: ctx, key: 'nodes', label: 'Nodes', description: d, tooltip: 'refused' in e.nodes ? e.nodes.refused : undefined, icon: 'server' });
  }
  if (e.pods) {
    const p = e.pods;
    const d = 'refused' in p ? refusedText(p) : `${p.total}${p.total ? `: ${phaseText(p as PodFigures)}` : ''}`;
    out.push({ type: 'detail', context: ctx, key: 'pods', label: 'Pods', description: d, tooltip: 'refused' in p ? p.refused : e.podsNarrowed, icon: 'symbol-event' });
  }
  if (e.namespaces !== undefined) out.push({ type: 'detail', context: ctx, key: 'namespaces', label: 'Namespaces', description: typeof e.namespaces === 'number' ? String(e.namespaces) : refusedText(e.namespaces), icon: 'symbol-namespace' });
  for (const k of e.kinds) out.push({ type: 'detail', context: ctx, key: `kind:${k.kind}`, label: k.kind, description: typeof k.count === 'number' ? String(k.count) : refusedText(k.count), icon: 'symbol-class' });
  for (const a of e.attention) {
    out.push({ type: 'detail', context: ctx, key: `pod:${a.namespace}/${a.name}`, label: `${a.namespace}/${a.name}`, description: a.cause, tooltip: `Pod ${a.namespace}/${a.name}: ${a.cause}\nClick to reveal it in the Clusters view.`, icon: 'warning', color: 'list.warningForeground', link: { resource: 'pods', namespace: a.namespace, name: a.name } });
  }
  return out;
}

const kinds = (): readonly string[] => vscode.workspace.getConfiguration(SECTION).get<string[]>('overview.kinds', []);

export function registerOverviewView(clusters: ClusterManager): vscode.Disposable[] {
  const provider = new OverviewProvider();
  const view = vscode.window.createTreeView(OVERVIEW_VIEW, { treeDataProvider: provider });
  let sub: vscode.Disposable | undefined;
  const start = (): void => {
    if (provider.overview) return;
    const ov = new ClusterOverview(clusters, { kinds });
    provider.overview = ov;
    const s = ov.onDidChange((ctx) => provider.fire(ctx));
    sub = { dispose: () => s.dispose() };
    provider.fire();
    void ov.open().then(() => provider.fire());
  };
  const stop = (): void => {
    sub?.dispose();
    provider.overview?.dispose();
    provider.overview = undefined;
  };
  if (view.visible) start();
  return [
    view,
    view.onDidChangeVisibility((e) => (e.visible ? start() : stop())),
    clusters.onDidChangeContexts(() => {
      if (provider.overview) void provider.overview.open().then(() => provider.fire());
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration(`${SECTION}.overview.kinds`) || !provider.overview) return;
      // New kinds: every joined context takes its leases again.
      for (const entry of provider.overview.entries()) if (entry.phase === 'ready') void provider.overview.join(entry.context);
    }),
    vscode.commands.registerCommand('kubeAtlas.overview.join', (row?: { context?: string }) => {
      if (row?.context && provider.overview) void provider.overview.join(row.context);
    }),
    { dispose: stop },
  ];
}
