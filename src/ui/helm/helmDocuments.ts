// Read-only documents of Helm releases (values, computed values, manifest, notes, history). The
// text is read from the cluster when the command opens it and held only while the document is
// open: user values may carry passwords, so nothing is kept after the tab closes.
import * as vscode from 'vscode';

export const HELM_SCHEME = 'kubeatlas-helm';

export class HelmDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor() {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(HELM_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === HELM_SCHEME) this.texts.delete(d.uri.toString());
      }),
    );
  }

  /** Shows `text` as a read-only document named after the release and view. */
  async show(context: string, namespace: string, release: string, file: string, text: string): Promise<vscode.TextEditor> {
    const uri = vscode.Uri.from({ scheme: HELM_SCHEME, path: `/${[context, namespace, release, file].map(encodeURIComponent).join('/')}` });
    this.texts.set(uri.toString(), text);
    this.emitter.fire(uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    return vscode.window.showTextDocument(doc, { preview: false });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This release view is no longer held: open it again from "Show Helm Releases…".\n';
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.texts.clear();
  }
}
