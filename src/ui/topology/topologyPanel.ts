// The VS Code side of one topology graph: a webview panel over a TopologySession (core). It sets
// the webview's security (CSP default-src 'none' with a fresh nonce per load, scripts and styles
// from dist/media only, nothing remote), relays snapshot and diffs once the webview said "ready",
// and acts on the webview's (validated) requests by running the extension's own reveal and YAML
// paths. The panel's scope is the webview state, so a reload restores it (TopologySerializer).
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { ResourceType } from '../../kube/kinds/resourceType';
import { type HostMessage, type PanelScope, parseElementId, parseWebviewMessage } from '../../kube/topology/protocol';
import { TopologySession } from '../../kube/topology/topologySession';
import type { BrowseModel } from '../../kube/tree/browseModel';
import type { BrowseNode } from '../../kube/tree/nodes';
import { yamlUri } from '../yamlDocuments';

export const TOPOLOGY_VIEW_TYPE = 'kubeAtlas.topology';

export interface TopologyDeps {
  clusters: ClusterManager;
  model: BrowseModel;
  view: vscode.TreeView<BrowseNode>;
  extensionUri: vscode.Uri;
}

const RESOURCE: Record<string, string> = { Service: 'services', EndpointSlice: 'endpointslices.discovery.k8s.io', Pod: 'pods', Node: 'nodes' };

export function panelTitle(scope: PanelScope): string {
  const where = scope.service ? `${scope.namespace}/${scope.service}` : (scope.namespace ?? 'all namespaces');
  return `Topology: ${where} (${scope.context})`;
}

export function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewOptions {
  return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'media')] };
}

export class TopologyPanel implements vscode.Disposable {
  private readonly session: TopologySession;
  private readonly disposables: vscode.Disposable[] = [];
  /** The webview said "ready": it listens, so updates are posted (before that they would be lost). */
  private listening = false;
  private failure: string | undefined;

  static open(deps: TopologyDeps, scope: PanelScope): TopologyPanel {
    const panel = vscode.window.createWebviewPanel(TOPOLOGY_VIEW_TYPE, panelTitle(scope), vscode.ViewColumn.Active, webviewOptions(deps.extensionUri));
    return new TopologyPanel(deps, panel, scope);
  }

  constructor(
    private readonly deps: TopologyDeps,
    private readonly panel: vscode.WebviewPanel,
    private readonly scope: PanelScope,
  ) {
    panel.title = panelTitle(scope);
    panel.webview.options = webviewOptions(deps.extensionUri);
    this.session = new TopologySession(deps.clusters, scope.context, { namespace: scope.namespace, service: scope.service });
    this.disposables.push(
      this.session,
      this.session.onUpdate((u) => {
        if (this.listening) this.post(u.type === 'snapshot' ? { type: 'snapshot', scope, graph: u.graph } : { type: 'diff', diff: u.diff });
      }),
      panel.webview.onDidReceiveMessage((m: unknown) =>
        this.received(m).catch((e: unknown) => void vscode.window.showWarningMessage(`Topology: ${e instanceof Error ? e.message : String(e)}`)),
      ),
      panel.onDidDispose(() => this.dispose()),
    );
    panel.webview.html = this.html();
    // List and build while the webview loads (in a fresh window that takes seconds): when it says
    // "ready", the graph is there or on its way.
    this.session.start().catch((e: unknown) => {
      this.failure = e instanceof Error ? e.message : String(e);
      if (this.listening) this.post({ type: 'error', message: this.failure });
    });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private post(m: HostMessage): void {
    void this.panel.webview.postMessage(m);
  }

  private async received(raw: unknown): Promise<void> {
    const m = parseWebviewMessage(raw);
    if (!m) return;
    if (m.type === 'ready') {
      // The session started with the panel. Built already (its snapshot went unheard, or this is
      // a reloaded webview): a fresh snapshot now. Not yet: its first snapshot comes when built.
      this.listening = true;
      if (this.failure) this.post({ type: 'error', message: this.failure });
      else if (this.session.fullBuilds > 0) this.session.resend();
      return;
    }
    if (m.type === 'expand') return this.session.setExpanded(m.id, m.open);
    const id = parseElementId(m.id);
    const type = id && (await this.type(id.kind));
    if (!id || !type) return;
    if (m.type === 'openYaml') {
      const doc = await vscode.workspace.openTextDocument(yamlUri(this.scope.context, type, id.namespace, id.name));
      await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
      await vscode.window.showTextDocument(doc, { preview: true, viewColumn: vscode.ViewColumn.Beside });
      return;
    }
    const node = await this.deps.model.findObjectNode(this.scope.context, type, id.namespace, id.name);
    if (!node) {
      void vscode.window.showWarningMessage(`${id.kind} ${id.name} is not in the Kube Atlas tree (it may be gone).`);
      return;
    }
    // Rows that are being opened for the first time re-render as their counts arrive, and VS Code
    // drops a reveal whose ancestors re-rendered meanwhile (it resolves without selecting): try
    // again, a few times, until the row is selected.
    for (let i = 0; i < 4 && this.deps.view.selection[0]?.id !== node.id; i++) {
      await this.deps.view.reveal(node, { select: true, focus: true, expand: false });
    }
  }

  private async type(kind: string): Promise<ResourceType | undefined> {
    const rid = RESOURCE[kind];
    const st = rid ? await this.deps.clusters.session(this.scope.context)?.connect() : undefined;
    return st?.phase === 'ready' && rid ? st.registry.get(rid) : undefined;
  }

  private html(): string {
    const w = this.panel.webview;
    const nonce = randomBytes(18).toString('base64');
    const media = vscode.Uri.joinPath(this.deps.extensionUri, 'dist', 'media', 'graph');
    const script = w.asWebviewUri(vscode.Uri.joinPath(media, 'main.js'));
    const style = w.asWebviewUri(vscode.Uri.joinPath(media, 'main.css'));
    // No 'unsafe-inline' anywhere: the script sets geometry through attributes and the CSSOM only.
    const csp = [`default-src 'none'`, `script-src 'nonce-${nonce}'`, `style-src ${w.cspSource}`, `img-src ${w.cspSource}`, `font-src ${w.cspSource}`].join('; ');
    return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Topology</title>
</head>
<body>
<div id="app" data-nonce-checked="1"></div>
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
  }
}

/** Restores panels after a window reload from the scope the webview saved. */
export class TopologySerializer implements vscode.WebviewPanelSerializer {
  constructor(
    private readonly deps: TopologyDeps,
    private readonly parse: (s: unknown) => PanelScope | undefined,
  ) {}

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const scope = this.parse(state);
    if (!scope) {
      panel.dispose();
      return;
    }
    new TopologyPanel(this.deps, panel, scope);
  }
}
