// One way to ask before doing something to a cluster. Every destructive or production-affecting
// action goes through here, so the wording (which object, which context) and the second question
// on production contexts are the same everywhere.
import * as vscode from 'vscode';

export interface ConfirmRequest {
  /** What will happen, e.g. `Delete Deployment shop/web`. */
  action: string;
  /** The context it happens in (always named: the wrong cluster is the classic accident). */
  context: string;
  /** Why it matters, what follows (shown under the question). */
  detail?: string;
  /** The button, e.g. `Delete`. */
  button: string;
  /** The context is production (kubeAtlas.productionContexts): ask twice. */
  production: boolean;
}

/**
 * A modal question naming the context; on a production context a second one, where the user types
 * the context's name. Resolves true only when both were answered yes.
 */
export async function confirmAction(req: ConfirmRequest): Promise<boolean> {
  const first = await vscode.window.showWarningMessage(
    `${req.action} in context "${req.context}"${req.production ? ' (production)' : ''}?`,
    { modal: true, detail: req.detail },
    req.button,
  );
  if (first !== req.button) return false;
  if (!req.production) return true;
  const typed = await vscode.window.showInputBox({
    title: `${req.action}: "${req.context}" is a production context`,
    prompt: `Type the context name to confirm: ${req.context}`,
    placeHolder: req.context,
    ignoreFocusOut: true,
    validateInput: (v) => (v === '' || v === req.context ? undefined : `Type exactly ${req.context}`),
  });
  return typed === req.context;
}
