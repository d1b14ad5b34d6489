// Where an apply's outcome shows: problems in the Problems view at their lines (errors, and the
// apiserver's warnings at the document's line), every document's line in the Output channel, and
// a notification whose links reveal each object in the tree or open the failing line.
import * as vscode from 'vscode';
import type { ApplyReport, DocumentOutcome } from '../../kube/actions/applyRun';
import { objectLabel, resultWord, summarize } from '../../kube/actions/applySummary';
import type { ManifestSource } from '../../kube/actions/manifest';
import { resourceId } from '../../kube/kinds/resourceType';
import type { Logger } from '../../kube/util/logger';

export const DIAGNOSTIC_SOURCE = 'Kube Atlas';
export const LINK_COMMAND = 'kubeAtlas.revealApplied';

/** What a link in a result points at. */
export type ResultLink =
  | { kind: 'object'; context: string; resource: string; namespace?: string; name: string }
  | { kind: 'line'; uri: string; line: number };

export function linkOf(context: string, o: DocumentOutcome): ResultLink {
  if (o.ref && (o.result === 'created' || o.result === 'configured' || o.result === 'unchanged') && !o.pendingCrd) {
    return { kind: 'object', context, resource: resourceId(o.ref.resource), name: o.ref.name, ...(o.ref.namespace ? { namespace: o.ref.namespace } : {}) };
  }
  const line = o.failure?.problems[0]?.line ?? o.doc.line;
  return { kind: 'line', uri: o.doc.source.id, line };
}

function commandLink(label: string, link: ResultLink): string {
  return `[${label.replace(/[[\]]/g, '')}](command:${LINK_COMMAND}?${encodeURIComponent(JSON.stringify([link]))})`;
}

const LINKS_IN_MESSAGE = 6;

export class ApplyResults implements vscode.Disposable {
  readonly diagnostics = vscode.languages.createDiagnosticCollection('kube-atlas-apply');
  /** Per source, per document (index/item): its diagnostics, so a forced re-apply of some documents keeps the others'. */
  private readonly perDoc = new Map<string, Map<string, vscode.Diagnostic[]>>();

  constructor(private readonly log: Logger) {}

  /** A new apply of these sources: their old problems go. */
  reset(sources: readonly ManifestSource[]): void {
    for (const s of sources) {
      this.perDoc.delete(s.id);
      this.diagnostics.delete(vscode.Uri.parse(s.id));
    }
  }

  /** Problems of the report's documents replace what those documents showed before. */
  record(report: ApplyReport): void {
    const touched = new Set<string>();
    for (const o of report.outcomes) {
      const byDoc = this.perDoc.get(o.doc.source.id) ?? new Map<string, vscode.Diagnostic[]>();
      this.perDoc.set(o.doc.source.id, byDoc);
      byDoc.set(`${o.doc.index}/${o.doc.item ?? ''}`, diagnosticsOf(o, report.dryRun));
      touched.add(o.doc.source.id);
    }
    for (const id of touched) this.diagnostics.set(vscode.Uri.parse(id), [...(this.perDoc.get(id)?.values() ?? [])].flat());
  }

  /** Writes every document's outcome to the Output channel. */
  write(report: ApplyReport): void {
    const s = summarize(report);
    const say = s.complete ? this.log.info : this.log.warn;
    say.call(this.log, s.title);
    for (const line of s.lines) (line.includes('NOT applied') || line.includes(': error:') ? this.log.warn : this.log.info).call(this.log, `  ${line}`);
  }

  /** The notification text: counts, then a link per document (objects reveal in the tree, failures open their line). */
  message(report: ApplyReport): string {
    const s = summarize(report);
    const links = report.outcomes.slice(0, LINKS_IN_MESSAGE).map((o) => `${commandLink(objectLabel(o), linkOf(report.context, o))} ${shortWord(o, report.dryRun)}`);
    const more = report.outcomes.length > LINKS_IN_MESSAGE ? ` · …and ${report.outcomes.length - LINKS_IN_MESSAGE} more (Show Results)` : '';
    const warnings = report.outcomes.reduce((n, o) => n + o.warnings.length, 0);
    return `${s.title}. ${links.join(' · ')}${more}${warnings ? ` · ${warnings} warning${warnings === 1 ? '' : 's'} from the server (Problems view, Output)` : ''}`;
  }

  dispose(): void {
    this.diagnostics.dispose();
  }
}

function shortWord(o: DocumentOutcome, dryRun: boolean): string {
  const w = resultWord(o, dryRun);
  return o.result === 'failed' ? (dryRun ? 'error' : 'NOT applied') : o.result === 'skipped' ? (dryRun ? 'not checked' : 'NOT applied') : w;
}

function diagnosticsOf(o: DocumentOutcome, dryRun: boolean): vscode.Diagnostic[] {
  const out: vscode.Diagnostic[] = [];
  const at = (line: number): vscode.Range => new vscode.Range(Math.max(0, line - 1), 0, Math.max(0, line - 1), Number.MAX_SAFE_INTEGER);
  const label = objectLabel(o);
  for (const p of o.failure?.problems ?? []) {
    const d = new vscode.Diagnostic(at(p.line), `${label}: ${p.message}${dryRun ? '' : ' (not applied)'}`, vscode.DiagnosticSeverity.Error);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = o.failure?.conflicts?.length ? 'apply-conflict' : 'apply';
    out.push(d);
  }
  for (const w of o.warnings) {
    const d = new vscode.Diagnostic(at(o.doc.line), `${label}: ${w}`, vscode.DiagnosticSeverity.Warning);
    d.source = DIAGNOSTIC_SOURCE;
    d.code = 'apiserver-warning';
    out.push(d);
  }
  return out;
}
