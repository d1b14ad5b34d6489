// The read-only documents of a release, as text: the same content `helm get values [--all]`,
// `helm get manifest`, `helm get notes` and `helm history` print, so a user can compare.
import { dump } from 'js-yaml';
import { computedValues, type HelmRelease } from './releaseDecode';
import type { HistoryRow } from './releaseReader';

export type ReleaseView = 'values' | 'computed' | 'manifest' | 'notes' | 'history';

export const VIEW_TITLES: Record<ReleaseView, string> = {
  values: 'User-Supplied Values',
  computed: 'Computed Values',
  manifest: 'Manifest',
  notes: 'Notes',
  history: 'History',
};

function header(rel: HelmRelease, what: string): string {
  const chart = `${rel.chart.metadata.name}-${rel.chart.metadata.version}`;
  return `# ${what} of release ${rel.namespace}/${rel.name}, revision ${rel.version} (${chart}${rel.chart.metadata.appVersion ? `, app ${rel.chart.metadata.appVersion}` : ''}, ${rel.info.status})\n`;
}

function yaml(v: unknown): string {
  return dump(v, { noRefs: true, lineWidth: 120, sortKeys: true });
}

export function releaseText(rel: HelmRelease, view: Exclude<ReleaseView, 'history'>): string {
  switch (view) {
    case 'values': {
      const config = rel.config ?? {};
      return `${header(rel, VIEW_TITLES.values)}${Object.keys(config).length ? yaml(config) : '# (none: the chart defaults apply)\n'}`;
    }
    case 'computed':
      return `${header(rel, VIEW_TITLES.computed)}${yaml(computedValues(rel))}`;
    case 'manifest':
      return `${header(rel, VIEW_TITLES.manifest)}${rel.manifest ?? ''}`;
    case 'notes':
      return `${header(rel, VIEW_TITLES.notes)}${rel.info.notes ? rel.info.notes : '# (this chart has no NOTES.txt)\n'}`;
  }
}

/** `helm history` as a Markdown table (cells from the cluster escaped for Markdown). */
export function historyText(namespace: string, name: string, rows: HistoryRow[]): string {
  const cell = (s: string | undefined) => (s ?? '').replace(/[\\|`*_[\]<>]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
  const lines = [`# History of release ${cell(namespace)}/${cell(name)}`, '', '| Revision | Updated | Status | Chart | App version | Description |', '|---:|---|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.revision} | ${cell(r.updated)} | ${cell(r.status)} | ${cell(r.chart)} | ${cell(r.appVersion)} | ${cell(r.description)} |`);
  return `${lines.join('\n')}\n`;
}
