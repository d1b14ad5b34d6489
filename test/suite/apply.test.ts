// Apply and Edit in the real extension host against the test cluster, driven through the commands
// with the arguments VS Code passes (a Uri, the explorer's Uri + Uri[], a folder, an untitled
// document, a tree node). Questions are answered through the extension's prompts seam; the
// code-server e2e test clicks the real ones.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { KubeAtlasApi } from '../../src/extension';
import type { ApplyReport } from '../../src/kube/actions/applyRun';
import type { ApplyPrompts, ContextChoice, StaleChoice } from '../../src/ui/apply/applyPrompts';
import type { ConfirmRequest } from '../../src/ui/confirm';
import { waitFor } from '../support/waitFor';

const run = promisify(execFile);

function until<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  return waitFor(fn, { what, timeoutMs, intervalMs: 50 });
}

/** Scripted answers, and a record of every question asked. */
class Answers implements ApplyPrompts {
  contexts: string[][] = [];
  previews: string[] = [];
  reports: string[] = [];
  confirms: ConfirmRequest[] = [];
  stales: string[] = [];
  decision: 'apply' | 'cancel' = 'apply';
  reportAnswers: (string | undefined)[] = [];
  staleAnswers: StaleChoice[] = [];
  async pickContext(choices: readonly ContextChoice[]) {
    this.contexts.push(choices.map((c) => `${c.context}${c.current ? ' (current)' : ''}`));
    return choices[0];
  }
  async decidePreview(right: vscode.Uri, message: string) {
    this.previews.push(`${message}\n${(await vscode.workspace.openTextDocument(right)).getText()}`);
    return this.decision;
  }
  async confirm(req: ConfirmRequest) {
    this.confirms.push(req);
    return true;
  }
  async report(message: string) {
    this.reports.push(message);
    return this.reportAnswers.shift();
  }
  async stale(message: string) {
    this.stales.push(message);
    return this.staleAnswers.shift();
  }
}

suite('Apply and Edit in the extension host', () => {
  const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR ?? '';
  const kubectl = (args: string[]) => run(join(clusterDir, 'bin', 'kubectl'), [`--kubeconfig=${process.env.KUBECONFIG}`, ...args]);
  const ns = `inhost-apply-${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'kube-atlas-apply-'));
  let api: KubeAtlasApi;
  let answers: Answers;

  suiteSetup(async function () {
    this.timeout(60_000);
    api = await vscode.extensions.getExtension<KubeAtlasApi>('kube-atlas.kube-atlas')!.activate();
    await api.ready;
    await kubectl(['create', 'namespace', ns]);
  });
  setup(() => {
    answers = new Answers();
    api.actions.prompts = answers;
  });
  suiteTeardown(async () => {
    rmSync(dir, { recursive: true, force: true });
    await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  });

  const file = (name: string, text: string): vscode.Uri => {
    const p = join(dir, name);
    mkdirSync(join(p, '..'), { recursive: true });
    writeFileSync(p, text);
    return vscode.Uri.file(p);
  };

  test('explorer selection (Uri + Uri[]): preview diff, apply, per-document results, problems at their lines, links that reveal the object', async function () {
    this.timeout(120_000);
    const a = file('sel/a.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: sel-a\n  namespace: ${ns}\ndata: {k: v}\n`);
    const b = file(
      'sel/b.yaml',
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: sel-bad',
        `  namespace: ${ns}`,
        'spec:',
        '  replicas: -1',
        '  selector: {matchLabels: {app: x}}',
        '  template:',
        '    metadata: {labels: {app: x}}',
        '    spec:',
        '      containers: [{name: x, image: registry.invalid/x:1}]',
        '---',
        'apiVersion: v1',
        'kind: ConfigMap',
        'metadata:',
        '  name: [oops',
        '',
      ].join('\n'),
    );
    const report = (await vscode.commands.executeCommand('kubeAtlas.apply', b, [b, a])) as ApplyReport;
    assert.equal(answers.contexts.length, 1, 'the context was asked for');
    assert.match(answers.contexts[0]![0]!, /\(current\)$/, 'the current context is listed first');
    assert.equal(answers.previews.length, 1, 'a preview was shown before applying');
    assert.match(answers.previews[0]!, /# ConfigMap .*sel-a — new/);
    assert.match(answers.previews[0]!, /k: v/);
    assert.deepEqual(report.outcomes.map((o) => [o.doc.source.label.replace(/^.*\//, ''), o.result]), [
      ['a.yaml', 'created'],
      ['b.yaml', 'failed'],
      ['b.yaml', 'failed'],
    ], 'files in path order (a before b), whatever the selection order');
    const diags = vscode.languages.getDiagnostics(b).map((d) => [d.range.start.line + 1, d.severity, d.source]);
    assert.deepEqual(diags, [
      [7, vscode.DiagnosticSeverity.Error, 'Kube Atlas'],
      [17, vscode.DiagnosticSeverity.Error, 'Kube Atlas'],
    ], 'spec.replicas on line 7, the YAML error on line 17');
    assert.equal(vscode.languages.getDiagnostics(a).length, 0);
    const message = answers.reports.at(-1)!;
    assert.match(message, /^Applied 1 of 3 documents to context "[^"]+": 1 created, 2 failed\./);
    const link = /\[ConfigMap [^\]]*sel-a\]\(command:kubeAtlas\.revealApplied\?([^)]+)\)/.exec(message);
    assert.ok(link, `a link to the created object in: ${message}`);
    const args = JSON.parse(decodeURIComponent(link[1]!)) as unknown[];
    await vscode.commands.executeCommand('kubeAtlas.revealApplied', ...args);
    await until(() => (api.view.selection[0]?.label === 'sel-a' ? true : undefined), 'the applied ConfigMap selected in the tree');
  });

  test('a folder, an unsaved editor and an untitled document apply what the editor shows; a pinned file is not asked for its context', async function () {
    this.timeout(120_000);
    const folder = vscode.Uri.file(join(dir, 'folder'));
    file('folder/2-b.yml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: folder-b\n`);
    file('folder/1-a.yaml', `# kube-atlas: context=${api.clusters.contextNames()[0]} namespace=${ns}\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: folder-a\n`);
    file('folder/notes.txt', 'not a manifest');
    const report = (await vscode.commands.executeCommand('kubeAtlas.applyWithoutPreview', folder)) as ApplyReport;
    assert.equal(answers.contexts.length, 0, 'the pin chose the context');
    const ctxName = api.clusters.contextNames()[0]!;
    const defaultNs = api.clusters.kubeconfig?.contexts.find((c) => c.name === ctxName)?.namespace ?? 'default';
    assert.deepEqual(report.outcomes.map((o) => [o.ref?.name, o.ref?.namespace, o.result]), [
      ['folder-a', ns, 'created'],
      ['folder-b', defaultNs, 'created'],
    ], 'both files in path order; the pinned namespace applies to its own file, the other gets the default');
    await kubectl(['-n', defaultNs, 'delete', 'configmap', 'folder-b']);

    const onDisk = file('dirty.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: dirty\n  namespace: ${ns}\ndata: {v: on-disk}\n`);
    const doc = await vscode.workspace.openTextDocument(onDisk);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.replace(new vscode.Range(5, 0, 5, 100), 'data: {v: in-editor}'));
    assert.ok(doc.isDirty);
    await vscode.commands.executeCommand('kubeAtlas.applyWithoutPreview', onDisk);
    const untitled = await vscode.workspace.openTextDocument({ language: 'yaml', content: `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: untitled\n  namespace: ${ns}\n` });
    await vscode.window.showTextDocument(untitled);
    await vscode.commands.executeCommand('kubeAtlas.applyWithoutPreview'); // the palette: the active editor
    const { stdout } = await kubectl(['-n', ns, 'get', 'configmap', 'dirty', 'untitled', '-o', 'jsonpath={.items[*].metadata.name} {.items[0].data.v}']);
    assert.equal(stdout, 'dirty untitled in-editor');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor'); // the untitled one
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a conflict offers Force…, which applies only the conflicting document after a confirmation', async function () {
    this.timeout(60_000);
    await kubectl(['-n', ns, 'create', 'configmap', 'contested', '--from-literal=a=kubectl']);
    const f = file('contested.yaml', `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: contested\n  namespace: ${ns}\ndata:\n  a: atlas\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fine\n  namespace: ${ns}\n`);
    answers.reportAnswers = ['Force…', undefined];
    const first = (await vscode.commands.executeCommand('kubeAtlas.applyWithoutPreview', f)) as ApplyReport;
    const forced = api.actions.flow.lastReport!;
    assert.notEqual(forced, first, 'a second (forced) report followed');
    assert.equal(answers.confirms.length, 1, 'force asked for a confirmation');
    assert.match(answers.confirms[0]!.detail ?? '', /\.data\.a \(owned by "kubectl-create"\)/);
    assert.deepEqual(forced.outcomes.map((o) => [o.ref?.name, o.result]), [['contested', 'configured']]);
    assert.equal(forced.force, true);
    assert.deepEqual(vscode.languages.getDiagnostics(f), [], 'the conflict’s problem is gone after the forced apply');
    const { stdout } = await kubectl(['-n', ns, 'get', 'configmap', 'contested', '-o', 'jsonpath={.data.a}']);
    assert.equal(stdout, 'atlas');
  });

  test('Edit from the tree: save shows the diff and updates; a change made meanwhile is caught, reload shows it; errors stay in the editor', async function () {
    this.timeout(120_000);
    await kubectl(['-n', ns, 'create', 'configmap', 'editme', '--from-literal=color=blue']);
    const ctx = api.model.roots().find((n) => n.type === 'context' && /current/.test(n.description))!;
    const st = api.clusters.session(ctx.context)!.state;
    const cmType = st.phase === 'ready' ? st.registry.get('configmaps')! : undefined;
    assert.ok(cmType);
    const node = await until(() => api.model.findObjectNode(ctx.context, cmType, ns, 'editme'), 'editme in the tree');
    const uri = (await vscode.commands.executeCommand('kubeAtlas.editObject', node)) as vscode.Uri;
    const doc = await until(() => vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()), 'the edit document');
    assert.equal(doc.languageId, 'yaml');
    assert.match(doc.getText(), /color: blue/);
    assert.doesNotMatch(doc.getText(), /managedFields/);
    const replace = async (from: string, to: string) => {
      const at = doc.getText().indexOf(from);
      assert.ok(at >= 0, `${from} in the document`);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(uri, new vscode.Range(doc.positionAt(at), doc.positionAt(at + from.length)), to);
      assert.ok(await vscode.workspace.applyEdit(edit));
    };

    // Saved: preview, then the server has it, and the editor shows the server's version.
    await replace('color: blue', 'color: green');
    assert.equal(await doc.save(), true);
    assert.match(answers.previews.at(-1)!, /Save your edit of ConfigMap .*editme/);
    assert.match(answers.previews.at(-1)!, /color: green/);
    assert.equal((await kubectl(['-n', ns, 'get', 'configmap', 'editme', '-o', 'jsonpath={.data.color}'])).stdout, 'green');
    const rv = (await kubectl(['-n', ns, 'get', 'configmap', 'editme', '-o', 'jsonpath={.metadata.resourceVersion}'])).stdout;
    await until(() => (doc.getText().includes(`resourceVersion: '${rv}'`) || doc.getText().includes(`resourceVersion: "${rv}"`) ? true : undefined), 'the editor to show the new resourceVersion');

    // Someone else changes it; saving is refused until the user chooses; reload shows theirs.
    await replace('color: green', 'color: mine');
    await kubectl(['-n', ns, 'label', 'configmap', 'editme', 'by=someone-else']);
    answers.staleAnswers = [undefined, 'reload'];
    assert.equal(await doc.save(), false, 'cancelled: not saved, the edit stays');
    assert.ok(doc.isDirty);
    assert.match(answers.stales[0]!, /changed on the server since you opened it/);
    assert.equal((await kubectl(['-n', ns, 'get', 'configmap', 'editme', '-o', 'jsonpath={.data.color}'])).stdout, 'green', 'nothing was written');
    assert.equal(await doc.save(), true);
    await until(() => (doc.getText().includes('by: someone-else') && doc.getText().includes('color: green') ? true : undefined), 'reload: the editor shows their change');
    assert.equal(doc.isDirty, false);

    // An invalid edit: not saved, a problem at its line, the text kept.
    await replace('name: editme', 'name: renamed');
    assert.equal(await doc.save(), false);
    const line = doc.getText().split('\n').findIndex((l) => l.includes('name: renamed'));
    assert.deepEqual(vscode.languages.getDiagnostics(uri).map((d) => d.range.start.line), [line]);
    assert.ok(doc.isDirty && doc.getText().includes('name: renamed'));
    await vscode.commands.executeCommand('workbench.action.files.revert', uri);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
