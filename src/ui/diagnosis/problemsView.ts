// Problems-view diagnostics for workloads described by YAML files open in the editor: when such
// an object exists in the current context (its own namespace, else the context's) and diagnosis
// finds a root cause, a Warning at its `metadata.name` line says the cause and the next step.
// The causes follow the cluster live (kube/diagnosis/manifestCauses.ts over the watch cache);
// they are cleared when the object recovers, when the file's tab closes, and when the setting
// `kubeAtlas.diagnostics.problems` is turned off. A file counts as open while a tab shows it.
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import { ManifestCauses } from '../../kube/diagnosis/manifestCauses';
import { manifestTargets, problemMessage } from '../../kube/diagnosis/manifestTargets';
import { DIAGNOSTIC_SOURCE } from '../apply/applyResults';
import { SECTION } from '../settings';

export const PROBLEMS_SETTING = 'diagnostics.problems';
/** Typing pauses this long before a file is parsed again. */
const EDIT_DEBOUNCE_MS = 300;

export interface ProblemsViewDeps {
  clusters: ClusterManager;
  currentContext(): string | undefined;
  /** The namespace objects without one of their own are looked for in. */
  namespaceOf(context: string): string;
  /** Fires when the current context or its namespace changes. */
  onDidChangeScope: vscode.Event<unknown>;
}

export class ProblemsView implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('kube-atlas-diagnosis');
  private readonly causes: ManifestCauses;
  private readonly timers = new Map<string, ReturnType<typeof setTimeout>>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly d: ProblemsViewDeps) {
    this.causes = new ManifestCauses(d.clusters);
    this.subs.push(
      this.causes.onDidChange((id) => this.publish(id)),
      vscode.window.tabGroups.onDidChangeTabs(() => this.sync()),
      vscode.workspace.onDidOpenTextDocument(() => this.sync()),
      vscode.workspace.onDidCloseTextDocument((doc) => this.forget(doc.uri.toString())),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (this.causes.tracked().includes(e.document.uri.toString())) this.later(e.document);
      }),
      d.onDidChangeScope(() => this.sync(true)),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(`${SECTION}.${PROBLEMS_SETTING}`)) this.sync(true);
      }),
    );
    this.sync();
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const t of this.timers.values()) clearTimeout(t);
    this.causes.dispose();
    this.collection.dispose();
  }

  /** Tracks every open YAML file (again, when `all`), forgets the ones no longer open. */
  private sync(all = false): void {
    const open = this.enabled() ? openYamlDocuments() : new Map<string, vscode.TextDocument>();
    for (const id of this.causes.tracked()) if (!open.has(id)) this.forget(id);
    for (const [id, doc] of open) if (all || !this.causes.tracked().includes(id)) this.track(doc);
  }

  private later(doc: vscode.TextDocument): void {
    const id = doc.uri.toString();
    clearTimeout(this.timers.get(id));
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        this.track(doc);
      }, EDIT_DEBOUNCE_MS),
    );
  }

  private track(doc: vscode.TextDocument): void {
    const id = doc.uri.toString();
    const context = this.d.currentContext();
    const targets = context ? manifestTargets(doc.getText(), id) : [];
    if (!context || !targets.length) {
      // Not (or no longer) about workloads: nothing to watch.
      this.forget(id);
      if (context) void this.causes.track(id, context, this.d.namespaceOf(context), []);
      return;
    }
    void this.causes.track(id, context, this.d.namespaceOf(context), targets);
  }

  private forget(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    this.causes.untrack(id);
    this.collection.delete(vscode.Uri.parse(id));
  }

  private publish(id: string): void {
    const doc = vscode.workspace.textDocuments.find((t) => t.uri.toString() === id);
    if (!doc) return;
    this.collection.set(
      doc.uri,
      this.causes.causes(id).map((c) => {
        const line = doc.lineAt(Math.min(Math.max(c.target.line - 1, 0), doc.lineCount - 1));
        const range = new vscode.Range(line.lineNumber, line.firstNonWhitespaceCharacterIndex, line.lineNumber, line.text.length);
        const diag = new vscode.Diagnostic(range, `${c.target.kind} ${c.target.name}: ${problemMessage(c.diagnosis)}`, vscode.DiagnosticSeverity.Warning);
        diag.source = DIAGNOSTIC_SOURCE;
        diag.code = c.diagnosis.code;
        return diag;
      }),
    );
  }

  private enabled(): boolean {
    return vscode.workspace.getConfiguration(SECTION).get<boolean>(PROBLEMS_SETTING, true);
  }
}

/** YAML files (on disk or untitled) that a tab shows, by URI. */
function openYamlDocuments(): Map<string, vscode.TextDocument> {
  const shown = new Set<string>();
  for (const g of vscode.window.tabGroups.all) {
    for (const t of g.tabs) if (t.input instanceof vscode.TabInputText) shown.add(t.input.uri.toString());
  }
  const out = new Map<string, vscode.TextDocument>();
  for (const doc of vscode.workspace.textDocuments) {
    const id = doc.uri.toString();
    if (doc.languageId === 'yaml' && (doc.uri.scheme === 'file' || doc.uri.scheme === 'untitled') && shown.has(id)) out.set(id, doc);
  }
  return out;
}
