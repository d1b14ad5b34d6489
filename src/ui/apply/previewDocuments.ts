// The two sides of a preview as read-only virtual documents, opened in VS Code's diff editor, and
// the pending decision about them: the diff's title bar offers Apply and Cancel (and so does a
// notification, which may slide into the notification center); closing the diff cancels.
import * as vscode from 'vscode';
import type { Logger } from '../../kube/util/logger';

export const PREVIEW_SCHEME = 'kubeatlas-preview';
const PENDING_KEY = 'kubeAtlas.previewPending';

export type PreviewDecision = 'apply' | 'cancel';

export class PreviewDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  private seq = 0;
  private pending: { right: string; resolve(d: PreviewDecision): void } | undefined;
  private readonly disposables: vscode.Disposable[] = [this.changed];

  constructor(private readonly log?: Logger) {
    this.disposables.push(
      vscode.window.tabGroups.onDidChangeTabs((e) => {
        const p = this.pending;
        if (!p) return;
        for (const tab of e.closed) {
          if (tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === p.right) this.decide('cancel');
        }
      }),
    );
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '# This preview is no longer available.\n';
  }

  /** Opens a diff of `left` (the cluster now) against `right` (after the change). */
  async show(title: string, left: string, right: string): Promise<{ left: vscode.Uri; right: vscode.Uri }> {
    const n = ++this.seq;
    const l = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${n}/live.yaml` });
    const r = vscode.Uri.from({ scheme: PREVIEW_SCHEME, path: `/${n}/after.yaml` });
    this.texts.set(l.toString(), left);
    this.texts.set(r.toString(), right);
    // Keep only the latest few previews' texts.
    for (const key of [...this.texts.keys()].slice(0, Math.max(0, this.texts.size - 8))) this.texts.delete(key);
    try {
      await vscode.commands.executeCommand('vscode.diff', l, r, title, { preview: false });
    } catch (e) {
      // Opening an editor can be cancelled by another editor opening at the same moment; the
      // decision does not depend on it (the notification asks too), so say so and go on.
      this.log?.warn(`Could not open the diff "${title}": ${e instanceof Error ? e.message : String(e)}`);
    }
    return { left: l, right: r };
  }

  /**
   * Waits for Apply or Cancel on the open diff (its title bar, a notification, or closing it). A
   * newer preview cancels an older pending one.
   */
  decision(right: vscode.Uri, message: string, applyLabel: string): Promise<PreviewDecision> {
    this.decide('cancel');
    const promise = new Promise<PreviewDecision>((resolve) => {
      this.pending = { right: right.toString(), resolve };
    });
    void vscode.commands.executeCommand('setContext', PENDING_KEY, true);
    void vscode.window.showInformationMessage(message, applyLabel, 'Cancel').then((pick) => {
      if (this.pending?.right === right.toString()) this.decide(pick === applyLabel ? 'apply' : 'cancel');
    });
    return promise;
  }

  /** The title-bar buttons and tests resolve the pending decision here. */
  decide(d: PreviewDecision): void {
    const p = this.pending;
    if (!p) return;
    this.pending = undefined;
    void vscode.commands.executeCommand('setContext', PENDING_KEY, false);
    p.resolve(d);
  }

  /** Closes the diff editors showing `right`. */
  async close(right: vscode.Uri): Promise<void> {
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.toString() === right.toString());
    if (tabs.length) await vscode.window.tabGroups.close(tabs);
  }

  dispose(): void {
    this.decide('cancel');
    for (const d of this.disposables) d.dispose();
  }
}
