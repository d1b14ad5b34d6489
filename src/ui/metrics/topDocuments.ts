// "Top Pods" / "Top Nodes" as read-only virtual documents (scheme `kubeatlas-top`), one per
// (context, pods of a namespace or all, or nodes). Each open document is a TopSession: it holds
// the metrics scope, so the hub polls while the tab is open and stops when it closes (the closed
// tab is the signal, as for log views). Its text is rendered again on each poll; VS Code is told
// only when it changed.
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { MetricsHub } from '../../kube/metrics/metricsHub';
import { TopSession, type TopTarget } from '../../kube/metrics/topSession';
import type { TopSort } from '../../kube/metrics/topTable';
import { Throttle } from '../../kube/util/throttle';

export const TOP_SCHEME = 'kubeatlas-top';

interface Entry {
  session: TopSession;
  text: string;
  throttle: Throttle;
}

const clean = (s: string): string => s.replace(/\//g, '∕');

export function topUri(t: TopTarget): vscode.Uri {
  const what = t.what === 'nodes' ? 'Top Nodes' : `Top Pods ${t.namespace ?? '(all namespaces)'}`;
  const query = new URLSearchParams({ context: t.context, what: t.what, ...(t.namespace ? { namespace: t.namespace } : {}) }).toString();
  return vscode.Uri.from({ scheme: TOP_SCHEME, path: `/${clean(t.context)}/${clean(what)}.txt`, query });
}

export function targetOfUri(uri: vscode.Uri): TopTarget | undefined {
  const q = new URLSearchParams(uri.query);
  const context = q.get('context');
  const what = q.get('what');
  if (!context || (what !== 'pods' && what !== 'nodes')) return undefined;
  return { context, what, namespace: q.get('namespace') ?? undefined };
}

export class TopDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly entries = new Map<string, Entry>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(
    private readonly clusters: ClusterManager,
    private readonly hub: MetricsHub,
  ) {
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((doc) => this.closed(doc.uri)),
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        for (const tab of e.closed) {
          const uri = tab.input instanceof vscode.TabInputText ? tab.input.uri : undefined;
          if (uri?.scheme === TOP_SCHEME && !this.isShown(uri)) this.closed(uri);
        }
      }),
    );
  }

  /** Opens (or brings forward) the view of `target`. */
  async show(target: TopTarget): Promise<vscode.Uri> {
    const uri = topUri(target);
    this.entry(uri, target);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
    return uri;
  }

  setSort(uri: vscode.Uri, sort: TopSort): void {
    this.entries.get(uri.toString())?.session.setSort(sort);
  }

  /** Per-container rows on or off in a Top Pods view. */
  toggleContainers(uri: vscode.Uri): void {
    const s = this.entries.get(uri.toString())?.session;
    s?.setContainers(!s.containers);
  }

  /** Open views (the in-host tests read their text). */
  texts(): Record<string, string> {
    return Object.fromEntries([...this.entries].map(([k, e]) => [k, e.session.text()]));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    // A view restored after a reload starts polling again when VS Code asks for its text.
    const target = targetOfUri(uri);
    const e = target ? this.entry(uri, target) : undefined;
    if (!e) return 'This view cannot be read: open it again from the Kube Atlas tree (Top Pods / Top Nodes).\n';
    e.text = e.session.text();
    return e.text;
  }

  dispose(): void {
    for (const e of this.entries.values()) {
      e.throttle.cancel();
      e.session.dispose();
    }
    this.entries.clear();
    for (const d of this.disposables) d.dispose();
  }

  private entry(uri: vscode.Uri, target: TopTarget): Entry {
    const key = uri.toString();
    const existing = this.entries.get(key);
    if (existing) return existing;
    const session = new TopSession(this.clusters, this.hub, target, `top:${key}`);
    const e: Entry = {
      session,
      text: '',
      // Several changes in a turn (figures, then objects) become one re-read by VS Code.
      throttle: new Throttle(() => {
        if (session.text() !== e.text) this.emitter.fire(uri);
      }, 100),
    };
    this.entries.set(key, e);
    session.onDidChange(() => e.throttle.schedule());
    void session.start();
    return e;
  }

  private isShown(uri: vscode.Uri): boolean {
    const key = uri.toString();
    return vscode.window.tabGroups.all.some((g) => g.tabs.some((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === key));
  }

  private closed(uri: vscode.Uri): void {
    if (uri.scheme !== TOP_SCHEME || this.isShown(uri)) return;
    const e = this.entries.get(uri.toString());
    if (!e) return;
    e.throttle.cancel();
    e.session.dispose();
    this.entries.delete(uri.toString());
  }
}
