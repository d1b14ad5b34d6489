// The objects a release made, from its rendered manifest (what `helm get manifest` prints): kind,
// name and namespace of each document, in manifest order. Namespaced kinds without a namespace
// are in the release's namespace, as helm installs them.
import { loadAll } from 'js-yaml';

export interface ReleaseObject {
  apiVersion: string;
  kind: string;
  name: string;
  /** Set for documents that name one (cluster-scoped kinds usually do not). */
  namespace?: string;
  /** The `# Source: chart/templates/x.yaml` comment above the document, when helm wrote one. */
  source?: string;
}

export function releaseObjects(manifest: string | undefined): ReleaseObject[] {
  if (!manifest) return [];
  const out: ReleaseObject[] = [];
  // Split on document markers ourselves, so each document keeps its Source comment and one bad
  // document (helm never writes one, but a post-renderer might) does not hide the rest.
  for (const doc of manifest.split(/^---\s*$/m)) {
    const source = /^# Source: (.+)$/m.exec(doc)?.[1]?.trim();
    let parsed: unknown[];
    try {
      parsed = loadAll(doc);
    } catch {
      continue;
    }
    for (const o of parsed) {
      const obj = o as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown; namespace?: unknown } } | null;
      if (!obj || typeof obj.kind !== 'string' || typeof obj.metadata?.name !== 'string') continue;
      out.push({
        apiVersion: typeof obj.apiVersion === 'string' ? obj.apiVersion : '',
        kind: obj.kind,
        name: obj.metadata.name,
        ...(typeof obj.metadata.namespace === 'string' ? { namespace: obj.metadata.namespace } : {}),
        ...(source ? { source } : {}),
      });
    }
  }
  return out;
}
