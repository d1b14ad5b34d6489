// Results of "Run Command in Pods…" as read-only Markdown documents (scheme `kubeatlas-batch`):
// a summary line, then per pod the exit code, duration and output, failures first. Each document
// remembers its run (context, command, pods) so "Re-run Failed" on its title bar runs the command
// again in the pods that failed and updates the same document in place.
import * as vscode from 'vscode';
import type { BatchResult, BatchTarget } from '../../kube/exec/batchExec';
import { failuresFirst, renderBatchReport } from '../../kube/exec/batchExec';
import { formatCommandLine } from '../../kube/exec/commandLine';

export const BATCH_SCHEME = 'kubeatlas-batch';

export interface BatchRun {
  context: string;
  /** What the pods were chosen by, for the header ("Deployment shop/web", "app=web in all namespaces"). */
  scope: string;
  command: readonly string[];
  results: BatchResult[];
  /** Runs so far (1 = the first; each Re-run Failed adds one). */
  runs: number;
}

export class BatchResultDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly runs = new Map<string, BatchRun>();
  private seq = 0;

  uriFor(run: Pick<BatchRun, 'context' | 'command'>): vscode.Uri {
    const name = formatCommandLine(run.command).replace(/[/\\]/g, '∕').slice(0, 60);
    return vscode.Uri.from({ scheme: BATCH_SCHEME, path: `/${run.context.replace(/\//g, '∕')}/${++this.seq} ${name}.md` });
  }

  set(uri: vscode.Uri, run: BatchRun): void {
    this.runs.set(uri.toString(), run);
    this.emitter.fire(uri);
  }

  get(uri: vscode.Uri): BatchRun | undefined {
    return this.runs.get(uri.toString());
  }

  /** Replaces the results of the pods that ran again; the others keep theirs. */
  merge(uri: vscode.Uri, fresh: readonly BatchResult[]): void {
    const run = this.get(uri);
    if (!run) return;
    const key = (t: BatchTarget) => `${t.namespace}/${t.pod}/${t.container ?? ''}`;
    const byKey = new Map(fresh.map((r) => [key(r.target), r]));
    run.results = failuresFirst(run.results.map((r) => byKey.get(key(r.target)) ?? r));
    run.runs++;
    this.emitter.fire(uri);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    const run = this.get(uri);
    if (!run) return 'These results are gone (the window was reloaded). Run the command again from the Kube Atlas tree.';
    const header = [`Context "${run.context}" · ${run.scope}${run.runs > 1 ? ` · failed pods re-run ${run.runs - 1}×` : ''}`, ''];
    return `${header.join('\n')}${renderBatchReport(run.command, run.results)}`;
  }

  dispose(): void {
    this.emitter.dispose();
    this.runs.clear();
  }
}
