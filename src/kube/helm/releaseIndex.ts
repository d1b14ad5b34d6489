// Which Helm releases a namespace holds, from the storage objects' metadata alone: Helm labels each
// revision's Secret or ConfigMap with owner=helm, name, version (the revision) and status, so the
// list (name, revision, status, when) needs no Secret content. Chart and app version live only in
// the encoded record: they are read on demand (releaseReader.ts), never for the whole list.
import type { KubeObject } from '../kinds/types';

export const HELM_STORAGE_PREFIX = 'sh.helm.release.v1.';
export const HELM_OWNER_SELECTOR = 'owner=helm';

export interface ReleaseRevisionRef {
  release: string;
  namespace: string;
  revision: number;
  status: string;
  /** The storage object to GET for the full record. */
  storage: { kind: 'Secret' | 'ConfigMap'; name: string };
  /** Helm's modifiedAt label (Unix seconds) when present, else the object's creation time. */
  updated?: string;
}

export interface ReleaseSummary {
  name: string;
  namespace: string;
  /** The newest revision, the one `helm list` shows. */
  latest: ReleaseRevisionRef;
  /** Every stored revision, oldest first (`helm history`). */
  revisions: ReleaseRevisionRef[];
}

/** The revision a storage object holds, or undefined when it is not a Helm 3 release record. */
export function revisionRef(o: KubeObject, kind: 'Secret' | 'ConfigMap'): ReleaseRevisionRef | undefined {
  const m = o.metadata;
  const labels = m.labels ?? {};
  if (labels.owner !== 'helm' || !m.name?.startsWith(HELM_STORAGE_PREFIX) || !m.namespace) return undefined;
  const revision = Number(labels.version);
  const release = labels.name;
  if (!release || !Number.isInteger(revision) || revision < 1) return undefined;
  const modified = Number(labels.modifiedAt);
  const updated = Number.isFinite(modified) && modified > 0 ? new Date(modified * 1000).toISOString() : m.creationTimestamp;
  return { release, namespace: m.namespace, revision, status: labels.status ?? 'unknown', storage: { kind, name: m.name }, ...(updated ? { updated } : {}) };
}

/**
 * Releases by name from every revision record seen (Secrets and ConfigMaps alike), sorted by
 * namespace and name. A release whose newest revision is "uninstalled" (kept with
 * --keep-history) stays listed, marked by its status, as `helm list --uninstalled` shows it.
 */
export function summarizeReleases(refs: Iterable<ReleaseRevisionRef>): ReleaseSummary[] {
  const byRelease = new Map<string, ReleaseRevisionRef[]>();
  for (const r of refs) {
    const key = `${r.namespace}/${r.release}`;
    const list = byRelease.get(key);
    if (list) list.push(r);
    else byRelease.set(key, [r]);
  }
  const out: ReleaseSummary[] = [];
  for (const list of byRelease.values()) {
    list.sort((a, b) => a.revision - b.revision);
    const latest = list[list.length - 1]!;
    out.push({ name: latest.release, namespace: latest.namespace, latest, revisions: list });
  }
  return out.sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));
}
