// A dry-run report as the two texts of one diff: left the live objects, right what the server
// says they will be after the apply, one block per document with the same header on both sides.
import type { ApplyReport } from './applyRun';
import { objectLabel, resultWord } from './applySummary';
import { describeDocument } from './manifest';
import { type DiffBlock, forDiff, renderDiff, toYaml } from './objectDiff';

export function previewBlocks(report: ApplyReport): DiffBlock[] {
  return report.outcomes.map((o) => {
    const header = `${objectLabel(o)} — ${resultWord(o, true).split('\n')[0]} (${describeDocument(o.doc)})`;
    if (o.result === 'failed' || o.result === 'skipped') return { header, left: '', right: '' };
    return { header, left: o.live ? toYaml(forDiff(o.live)) : '', right: o.applied ? toYaml(forDiff(o.applied)) : '' };
  });
}

export function previewTexts(report: ApplyReport): { left: string; right: string } {
  return renderDiff(previewBlocks(report));
}
