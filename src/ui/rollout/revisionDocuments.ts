// Read-only YAML documents of pod templates of past revisions, for VS Code's diff editor
// ("revision 2 ↔ revision 3"). The text is computed once from the history just read and held
// while the document is open.
import { dump } from 'js-yaml';
import * as vscode from 'vscode';
import type { PodTemplate } from '../../kube/actions/rollout/workload';

export const REVISION_SCHEME = 'kubeatlas-revision';

export class RevisionDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor() {
    this.disposables.push(
      vscode.workspace.registerTextDocumentContentProvider(REVISION_SCHEME, this),
      vscode.workspace.onDidCloseTextDocument((d) => {
        if (d.uri.scheme === REVISION_SCHEME) this.texts.delete(d.uri.toString());
      }),
    );
  }

  /** A document showing one revision's pod template. */
  uriFor(context: string, title: string, revision: number | 'live', template: PodTemplate): vscode.Uri {
    const uri = vscode.Uri.from({
      scheme: REVISION_SCHEME,
      path: `/${encodeURIComponent(context)}/${title.replace(/[^\w.-]+/g, '-')}/${revision === 'live' ? 'live' : `revision-${revision}`}.yaml`,
    });
    this.texts.set(uri.toString(), dump({ template }, { noRefs: true, lineWidth: 120, sortKeys: true }));
    return uri;
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This revision is no longer held: open the history again.\n';
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
    this.texts.clear();
  }
}
