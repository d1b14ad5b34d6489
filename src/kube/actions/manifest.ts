// YAML manifests → Kubernetes objects with where each came from (file, document, line), so every
// result and every error can point back at the user's text. Documents are split on `---` lines
// first, as kubectl's YAML reader does, so a syntax error in one document never hides the others.
import { constructFromEvents, CORE_SCHEMA, boolYaml11Tag, intYaml11Tag, mergeTag, parseEvents, YAMLException } from 'js-yaml';
import type { KubeObject } from '../kinds/types';
import { lineOfPath } from './fieldPath';
import { type PosNode, positionTrees } from './yamlPositions';

/**
 * kubectl reads YAML with go-yaml v2 (YAML 1.1): `mode: 0644` is octal 420, `yes`/`on`/`y` are
 * booleans, `<<` merges; timestamps stay strings. The same here, so a file means what it means to
 * kubectl (checked against `kubectl create --dry-run=client -o json`).
 */
export const MANIFEST_SCHEMA = CORE_SCHEMA.withTags(intYaml11Tag, boolYaml11Tag, mergeTag);

export interface ManifestSource {
  /** Identity for diagnostics (the editor's URI as a string). */
  id: string;
  /** What the user sees: a workspace-relative path, or the untitled document's name. */
  label: string;
  text: string;
}

export interface ManifestProblem {
  message: string;
  /** 1-based line in the source. */
  line: number;
  /** 1-based column when known. */
  column?: number;
  severity: 'error' | 'warning';
}

export interface ManifestDocument {
  source: ManifestSource;
  /** 0-based among the source's documents. */
  index: number;
  /** For items of a `List`: the item's 0-based index. */
  item?: number;
  /** 1-based line where the document (or List item) starts. */
  line: number;
  /** The object, when the document parsed into one. */
  object?: KubeObject;
  /** Field positions of `object`. */
  positions?: PosNode;
  /** Why the document cannot be applied (YAML syntax, not a Kubernetes object). */
  error?: ManifestProblem;
}

const SEPARATOR = /^---(?:[ \t\r]|$)/;

/** Every document of a source, empty ones left out, `List` kinds expanded into their items. */
export function parseManifests(source: ManifestSource): ManifestDocument[] {
  const lines = source.text.split('\n');
  const chunks: { start: number; text: string }[] = [];
  let start = 0;
  for (let i = 0; i <= lines.length; i++) {
    if (i === lines.length || (i > start && SEPARATOR.test(lines[i] ?? ''))) {
      chunks.push({ start, text: lines.slice(start, i).join('\n') });
      start = i;
    }
  }
  const out: ManifestDocument[] = [];
  for (const chunk of chunks) {
    for (const d of parseChunk(chunk.text, chunk.start)) out.push(...expand(source, out.length, d));
  }
  return out;
}

type ChunkDoc = { value: unknown; positions: PosNode | null; line: number } | { error: ManifestProblem };

function parseChunk(text: string, lineOffset: number): ChunkDoc[] {
  if (!/^[ \t]*[^\s#]/m.test(text.replace(/^---[ \t]*(#.*)?\r?$/gm, ''))) return []; // only separators and comments
  try {
    const events = parseEvents(text, {});
    const values = constructFromEvents(events, { source: text, schema: MANIFEST_SCHEMA });
    const trees = positionTrees(text, events, lineOffset);
    return values
      .map((value, k) => ({ value, positions: trees[k] ?? null, line: firstContentLine(text, lineOffset) }))
      .filter((d) => d.value !== null && d.value !== undefined);
  } catch (e) {
    return [{ error: yamlProblem(e, lineOffset, text) }];
  }
}

function yamlProblem(e: unknown, lineOffset: number, text: string): ManifestProblem {
  if (e instanceof YAMLException && e.mark) {
    // An unclosed bracket or quote is noticed where the text ends: point at the last line that has any.
    const lines = text.split('\n');
    let k = Math.min(e.mark.line, lines.length - 1);
    while (k > 0 && !(lines[k] ?? '').trim()) k--;
    const column = k === e.mark.line ? e.mark.column + 1 : undefined;
    return { message: `YAML syntax error: ${e.reason}`, line: lineOffset + k + 1, ...(column ? { column } : {}), severity: 'error' };
  }
  return { message: `YAML error: ${e instanceof Error ? e.message : String(e)}`, line: firstContentLine(text, lineOffset), severity: 'error' };
}

function firstContentLine(text: string, lineOffset: number): number {
  const lines = text.split('\n');
  const k = lines.findIndex((l) => /^[ \t]*[^\s#]/.test(l) && !SEPARATOR.test(l));
  return lineOffset + Math.max(k, 0) + 1;
}

function expand(source: ManifestSource, index: number, d: ChunkDoc): ManifestDocument[] {
  if ('error' in d) return [{ source, index, line: d.error.line, error: d.error }];
  const line = d.positions?.line ?? d.line;
  const value = d.value;
  if (!isRecord(value)) return [{ source, index, line, error: { message: 'Not a Kubernetes object: a document must be a mapping with apiVersion, kind and metadata.', line, severity: 'error' } }];
  if (isList(value)) {
    const items = value.items as unknown[];
    const posItems = d.positions?.kind === 'map' ? d.positions.entries.get('items')?.value : undefined;
    return items.map((item, k) => {
      const pos = posItems?.kind === 'seq' ? posItems.items[k] : undefined;
      return checkObject(source, index, pos?.line ?? line, item, pos, k);
    });
  }
  return [checkObject(source, index, line, value, d.positions ?? undefined)];
}

function checkObject(source: ManifestSource, index: number, line: number, value: unknown, positions: PosNode | undefined, item?: number): ManifestDocument {
  const doc: ManifestDocument = { source, index, line, ...(item === undefined ? {} : { item }) };
  const at = (path: string): number => (positions ? lineOfPath(positions, path).line : line);
  const fail = (message: string, l = line): ManifestDocument => ({ ...doc, error: { message, line: l, severity: 'error' } });
  if (!isRecord(value)) return fail('Not a Kubernetes object: a list item must be a mapping with apiVersion, kind and metadata.');
  if (typeof value.apiVersion !== 'string' || !value.apiVersion) return fail('apiVersion is missing (e.g. `apiVersion: apps/v1`).');
  if (typeof value.kind !== 'string' || !value.kind) return fail('kind is missing (e.g. `kind: Deployment`).', at('apiVersion'));
  const meta = value.metadata;
  if (!isRecord(meta)) return fail('metadata is missing: every object needs metadata.name.', at('kind'));
  if (meta.name !== undefined && meta.name !== null && typeof meta.name !== 'string') {
    return fail(`metadata.name must be a string, but YAML reads it as ${typeof meta.name} ${String(meta.name)}: quote it (kubectl reads YAML 1.1, where y, n, yes, no, on, off are booleans).`, at('metadata.name'));
  }
  if (typeof meta.name !== 'string' || !meta.name) {
    const msg = typeof meta.generateName === 'string' ? 'metadata.generateName cannot be applied (apply needs a fixed name): use metadata.name.' : 'metadata.name is missing.';
    return fail(msg, at('metadata'));
  }
  if (meta.namespace !== undefined && typeof meta.namespace !== 'string') return fail('metadata.namespace must be a string.', at('metadata.namespace'));
  return { ...doc, object: value as unknown as KubeObject, ...(positions ? { positions } : {}) };
}

/** `kind: List` (or any `…List` with items), which kubectl applies item by item. */
function isList(v: Record<string, unknown>): boolean {
  return typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The 1-based line of a field of a document (its nearest ancestor when absent; the document's line without positions). */
export function lineOfField(doc: ManifestDocument, path: string): number {
  return doc.positions ? lineOfPath(doc.positions, path).line : doc.line;
}

/** `deploy.yaml:14` (document 2), or `deploy.yaml:20` (item 3 of document 1): how the user finds it. */
export function describeDocument(doc: ManifestDocument): string {
  return `${doc.source.label}:${doc.line}`;
}
