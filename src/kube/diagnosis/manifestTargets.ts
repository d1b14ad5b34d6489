// Which objects of a YAML file the Problems view can diagnose: every document (or List item) of a
// workload kind with a name, and the line of its `metadata.name` key, where the warning goes.
// Parsed as apply parses it (kubectl's YAML 1.1 reading, `---` splits first), so a broken document
// never hides the others. Pure: the editor adapter passes text in and gets lines out.
import { lineOfPath } from '../actions/fieldPath';
import { parseManifests } from '../actions/manifest';
import type { Diagnosis } from './types';

/** Kinds with a root cause: pods themselves and what rolls their pods' causes up. */
export const DIAGNOSED_KINDS: ReadonlySet<string> = new Set(['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

export interface ManifestTarget {
  apiVersion: string;
  kind: string;
  name: string;
  /** As the file says; absent means the namespace apply would use (the context's). */
  namespace?: string;
  /** 1-based line of `metadata.name`. */
  line: number;
}

export function manifestTargets(text: string, id = 'manifest'): ManifestTarget[] {
  const out: ManifestTarget[] = [];
  for (const doc of parseManifests({ id, label: id, text })) {
    const o = doc.object;
    if (!o || !DIAGNOSED_KINDS.has(String(o.kind)) || typeof o.apiVersion !== 'string' || !o.metadata.name) continue;
    const line = doc.positions ? lineOfPath(doc.positions, 'metadata.name').line : doc.line;
    const t: ManifestTarget = { apiVersion: o.apiVersion, kind: String(o.kind), name: o.metadata.name, line };
    if (typeof o.metadata.namespace === 'string' && o.metadata.namespace) t.namespace = o.metadata.namespace;
    out.push(t);
  }
  return out;
}

/** The Problems view's text for a cause: what is wrong, then what to do. */
export function problemMessage(d: Diagnosis): string {
  return `${d.summary}. Next: ${d.nextStep}`;
}
