// Every question an apply or an edit asks the user, in one replaceable object: the defaults are
// VS Code's quick pick, diff decision, modal confirmation and notifications; the in-host tests
// answer them without clicks (the e2e test clicks the real ones).
import * as vscode from 'vscode';
import { type ConfirmRequest, confirmAction } from '../confirm';
import type { PreviewDecision, PreviewDocuments } from './previewDocuments';

export interface ContextChoice {
  context: string;
  /** Where documents without a namespace go. */
  namespace: string;
  current: boolean;
  production: boolean;
  detail: string;
}

export type StaleChoice = 'diff' | 'reload' | 'overwrite' | undefined;

export interface ApplyPrompts {
  /** Which context to apply to; the current one is listed first. */
  pickContext(choices: readonly ContextChoice[], title: string): Promise<ContextChoice | undefined>;
  /** Apply or cancel, asked while the preview diff `right` is open. */
  decidePreview(right: vscode.Uri, message: string, applyLabel: string): Promise<PreviewDecision>;
  /** A modal confirmation naming the context (asked twice on production contexts). */
  confirm(req: ConfirmRequest): Promise<boolean>;
  /** The result of an apply, with follow-up buttons (Force…, Show Results); resolves with the one clicked. */
  report(message: string, severity: 'info' | 'warning' | 'error', buttons: readonly string[]): Promise<string | undefined>;
  /** An edit was saved against an object that changed on the server meanwhile. */
  stale(message: string): Promise<StaleChoice>;
}

export function vscodePrompts(previews: PreviewDocuments): ApplyPrompts {
  return {
    async pickContext(choices, title) {
      type Item = vscode.QuickPickItem & { choice: ContextChoice };
      const items: Item[] = choices.map((c) => ({
        label: c.context,
        description: [c.current ? 'current' : '', c.production ? 'production' : ''].filter(Boolean).join(' · '),
        detail: c.detail,
        choice: c,
      }));
      const pick = await vscode.window.showQuickPick(items, { title, placeHolder: 'Context to apply to (the current one is first)', matchOnDetail: true, ignoreFocusOut: true });
      return pick?.choice;
    },
    decidePreview: (right, message, applyLabel) => previews.decision(right, message, applyLabel),
    confirm: confirmAction,
    async report(message, severity, buttons) {
      const show = severity === 'error' ? vscode.window.showErrorMessage : severity === 'warning' ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
      return show(message, ...buttons);
    },
    async stale(message) {
      const diff = 'Show Their Changes';
      const reload = 'Reload (Discard Mine)';
      const overwrite = 'Overwrite…';
      const pick = await vscode.window.showWarningMessage(
        message,
        { modal: true, detail: 'Your edit was not saved. Look at what changed, reload the object (your edit is discarded), or overwrite it with your version (their change is lost).' },
        diff,
        reload,
        overwrite,
      );
      return pick === diff ? 'diff' : pick === reload ? 'reload' : pick === overwrite ? 'overwrite' : undefined;
    },
  };
}
