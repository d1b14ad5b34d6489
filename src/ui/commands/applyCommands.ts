// Apply and Edit: the commands, their virtual documents and their results. The commands take the
// arguments VS Code passes (a Uri, or the clicked Uri and the selected Uri[]; a tree node for Edit),
// so tests and other extensions can run them without clicks.
import * as vscode from 'vscode';
import type { AccessReviewer } from '../../kube/access/accessReviewer';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { BrowseModel } from '../../kube/tree/browseModel';
import type { BrowseNode } from '../../kube/tree/nodes';
import type { Logger } from '../../kube/util/logger';
import { ApplyFlow } from '../apply/applyFlow';
import { type ApplyPrompts, vscodePrompts } from '../apply/applyPrompts';
import { ApplyResults, type ResultLink } from '../apply/applyResults';
import { EDIT_SCHEME, editUri, LiveEditFileSystem } from '../apply/liveEditFileSystem';
import { PREVIEW_SCHEME, PreviewDocuments } from '../apply/previewDocuments';
import type { ExtensionState } from '../extensionState';

/** What the in-host tests reach through the extension's API. */
export interface ActionsApi {
  readonly flow: ApplyFlow;
  readonly previews: PreviewDocuments;
  readonly results: ApplyResults;
  /** Replace to answer the questions without clicks; `vscodePrompts` are the real ones. */
  prompts: ApplyPrompts;
}

export function registerApplyCommands(
  clusters: ClusterManager,
  model: BrowseModel,
  view: vscode.TreeView<BrowseNode>,
  state: ExtensionState,
  access: AccessReviewer,
  currentContext: () => string | undefined,
  log: Logger,
): { api: ActionsApi; disposables: vscode.Disposable[] } {
  const previews = new PreviewDocuments(log);
  const results = new ApplyResults(log);
  const asked = { prompts: vscodePrompts(previews) };
  const reveal = (link: ResultLink) => revealLink(clusters, model, view, link);
  const flow = new ApplyFlow({
    clusters,
    state,
    access,
    currentContext,
    log,
    results,
    previews,
    get prompts() {
      return asked.prompts;
    },
    reveal,
  });
  const api: ActionsApi = {
    flow,
    previews,
    results,
    get prompts() {
      return asked.prompts;
    },
    set prompts(p: ApplyPrompts) {
      asked.prompts = p;
    },
  };
  const editFs = new LiveEditFileSystem({ clusters, state, log, previews, prompts: () => asked.prompts, diagnostics: results.diagnostics, access });

  const disposables: vscode.Disposable[] = [
    previews,
    results,
    editFs,
    vscode.workspace.registerTextDocumentContentProvider(PREVIEW_SCHEME, previews),
    vscode.workspace.registerFileSystemProvider(EDIT_SCHEME, editFs, { isCaseSensitive: true }),
    vscode.workspace.onDidSaveTextDocument((doc) => {
      if (doc.uri.scheme === EDIT_SCHEME) editFs.didSave(doc);
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (doc.uri.scheme === EDIT_SCHEME) {
        editFs.forget(doc.uri);
        results.diagnostics.delete(doc.uri);
      }
    }),
    vscode.commands.registerCommand('kubeAtlas.apply', (arg?: unknown, arg2?: unknown) => flow.run(arg, arg2, true)),
    vscode.commands.registerCommand('kubeAtlas.applyWithoutPreview', (arg?: unknown, arg2?: unknown) => flow.run(arg, arg2, false)),
    vscode.commands.registerCommand('kubeAtlas.confirmPreview', () => previews.decide('apply')),
    vscode.commands.registerCommand('kubeAtlas.cancelPreview', () => previews.decide('cancel')),
    vscode.commands.registerCommand('kubeAtlas.showApplyResults', () => flow.showResults()),
    vscode.commands.registerCommand('kubeAtlas.revealApplied', (link?: ResultLink) => (link ? reveal(link) : undefined)),
    vscode.commands.registerCommand('kubeAtlas.editObject', async (node?: BrowseNode) => {
      const target = node ?? view.selection[0];
      if (!target?.object || !target.resource) {
        void vscode.window.showInformationMessage('Select a Kubernetes object in the Kube Atlas tree to edit it.');
        return undefined;
      }
      const uri = editUri(target.context, target.resource, target.object.metadata.namespace, target.object.metadata.name ?? '');
      // A closed edit reads the object afresh; an open one keeps the user's text.
      if (!vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString())) editFs.forget(uri);
      try {
        const doc = await vscode.workspace.openTextDocument(uri);
        if (doc.languageId !== 'yaml') await vscode.languages.setTextDocumentLanguage(doc, 'yaml');
        await vscode.window.showTextDocument(doc, { preview: false });
        return uri;
      } catch (e) {
        void vscode.window.showErrorMessage(e instanceof Error ? e.message : String(e));
        return undefined;
      }
    }),
  ];
  return { api, disposables };
}

/** A result link: an object is revealed in the tree (once the watch has it), a line is opened. */
async function revealLink(clusters: ClusterManager, model: BrowseModel, view: vscode.TreeView<BrowseNode>, link: ResultLink): Promise<void> {
  if (link.kind === 'line') {
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(link.uri));
    const pos = new vscode.Position(Math.max(0, link.line - 1), 0);
    await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos) });
    return;
  }
  const st = clusters.session(link.context)?.state;
  const type = st?.phase === 'ready' ? st.registry.get(link.resource) : undefined;
  if (!type) {
    void vscode.window.showWarningMessage(`Context "${link.context}" does not serve ${link.resource} now.`);
    return;
  }
  const find = () => model.findObjectNode(link.context, type, link.namespace, link.name);
  const node = await vscode.window.withProgress({ location: { viewId: 'kubeAtlas.clusters' } }, () => soon(find, model, 10_000));
  if (node) {
    // A link clicked while another view container shows: bring the tree up first.
    if (!view.visible) await vscode.commands.executeCommand('kubeAtlas.clusters.focus');
    await view.reveal(node, { select: true, focus: true, expand: false });
  }
  else void vscode.window.showWarningMessage(`${type.kind} ${link.name} is not in the tree of "${link.context}" (deleted, or filtered out?).`);
}

/** `find()` until it answers, re-trying when the tree changes (the watch delivers a new object a moment after the write). */
async function soon<T>(find: () => Promise<T | undefined>, model: BrowseModel, timeoutMs: number): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const hit = await find();
    if (hit) return hit;
    const left = deadline - Date.now();
    if (left <= 0) return undefined;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(left, 1000));
      const sub = model.onDidChange(done);
      function done(): void {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      }
    });
  }
}
