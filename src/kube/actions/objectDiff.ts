// The two sides of a preview: what the cluster has, and what it will have after the apply (the
// server's own dry-run answer, defaults and admission included). Fields that change on every
// write or belong to the server's bookkeeping are left out of both, so the diff shows only the
// user's change.
import { dump } from 'js-yaml';
import type { KubeObject } from '../kinds/types';

const SERVER_BOOKKEEPING = ['managedFields', 'resourceVersion', 'generation', 'uid', 'creationTimestamp'] as const;

/** A copy without managedFields, resourceVersion, generation, uid and creationTimestamp. */
export function forDiff(o: KubeObject): KubeObject {
  const metadata: Record<string, unknown> = { ...o.metadata };
  for (const k of SERVER_BOOKKEEPING) delete metadata[k];
  return { ...o, metadata: metadata as KubeObject['metadata'] };
}

export function toYaml(o: unknown): string {
  return dump(o, { noRefs: true, lineWidth: 120, sortKeys: false });
}

/** The same object after normalisation (an apply that changes nothing). */
export function sameForDiff(a: KubeObject | undefined, b: KubeObject | undefined): boolean {
  if (!a || !b) return a === b;
  return toYaml(forDiff(a)) === toYaml(forDiff(b));
}

export interface DiffBlock {
  /** One comment line naming the document, identical on both sides so the diff aligns. */
  header: string;
  /** YAML of the live object ('' when it does not exist). */
  left: string;
  /** YAML of the result ('' when there is nothing to show, e.g. a failed document). */
  right: string;
}

/** Both sides of a multi-document diff, one block per document, in apply order. */
export function renderDiff(blocks: readonly DiffBlock[]): { left: string; right: string } {
  const side = (pick: (b: DiffBlock) => string): string =>
    blocks.map((b) => `# ${b.header}\n${pick(b)}`.replace(/\n*$/, '\n')).join('---\n');
  return { left: side((b) => b.left), right: side((b) => b.right) };
}
