// The words of an apply's result: one title with the counts, and one line per document that says
// exactly what happened to it, in apply order. Shared by the notification, the Output channel and
// the tests, so they can never disagree.
import { gvkOf } from './applyPlan';
import type { ApplyReport, DocumentOutcome, DocumentResult } from './applyRun';
import { describeDocument } from './manifest';

export interface ApplySummary {
  title: string;
  lines: string[];
  counts: Record<DocumentResult, number>;
  /** Everything was applied (or, for a preview, validated) without failure or cancellation. */
  complete: boolean;
}

/** `Deployment shop/web`, or the document's own kind and name when its kind did not resolve. */
export function objectLabel(o: DocumentOutcome): string {
  if (o.ref) return `${o.ref.resource.kind} ${o.ref.namespace ? `${o.ref.namespace}/` : ''}${o.ref.name}`;
  const obj = o.doc.object;
  if (!obj) return `document ${o.doc.index + 1}${o.doc.item !== undefined ? ` item ${o.doc.item + 1}` : ''}`;
  return `${gvkOf(obj).kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name ?? ''}`;
}

export function resultWord(o: DocumentOutcome, dryRun: boolean): string {
  if (dryRun) {
    switch (o.result) {
      case 'created':
        return o.pendingCrd ? `new (checked once its CRD ${o.pendingCrd} exists)` : 'new';
      case 'configured':
        return 'changes';
      case 'unchanged':
        return 'unchanged';
      case 'failed':
        return `error: ${o.failure?.message ?? 'failed'}`;
      case 'skipped':
        return `not checked (${o.skipped ?? 'skipped'})`;
    }
  }
  switch (o.result) {
    case 'failed':
      return `NOT applied: ${o.failure?.message ?? 'failed'}`;
    case 'skipped':
      return `NOT applied (${o.skipped ?? 'skipped'})`;
    default:
      return o.result;
  }
}

export function summarize(report: ApplyReport): ApplySummary {
  const counts: Record<DocumentResult, number> = { created: 0, configured: 0, unchanged: 0, failed: 0, skipped: 0 };
  for (const o of report.outcomes) counts[o.result]++;
  const parts: string[] = [];
  const dry = report.dryRun;
  if (counts.created) parts.push(`${counts.created} ${dry ? 'new' : 'created'}`);
  if (counts.configured) parts.push(`${counts.configured} ${dry ? 'changed' : 'configured'}`);
  if (counts.unchanged) parts.push(`${counts.unchanged} unchanged`);
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts.skipped) parts.push(`${counts.skipped} not ${dry ? 'checked' : 'applied'}${report.cancelled ? ' (cancelled)' : ''}`);
  const total = report.outcomes.length;
  const ok = counts.created + counts.configured + counts.unchanged;
  const head = dry
    ? `Preview of ${total} document${total === 1 ? '' : 's'} for context "${report.context}"`
    : `Applied ${ok} of ${total} document${total === 1 ? '' : 's'} to context "${report.context}"${report.force ? ' (force)' : ''}`;
  const title = `${head}: ${parts.join(', ') || 'nothing to do'}`;
  const lines: string[] = [];
  for (const o of report.outcomes) {
    lines.push(`${describeDocument(o.doc)} ${objectLabel(o)}: ${resultWord(o, dry)}`);
    for (const w of o.warnings) lines.push(`    warning: ${w}`);
    if (o.result === 'failed') {
      for (const p of o.failure?.problems ?? []) if (p.message !== o.failure?.message) lines.push(`    ${o.doc.source.label}:${p.line}: ${p.message}`);
      if (o.failure?.hint) lines.push(`    hint: ${o.failure.hint}`);
    }
  }
  return { title, lines, counts, complete: counts.failed === 0 && counts.skipped === 0 };
}
