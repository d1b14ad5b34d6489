// Reads Helm releases through our transport: the list from the storage objects' metadata (a
// Secret list asked for as PartialObjectMetadata, so no Secret value is sent), one revision's
// record on demand (GET, decoded, handed to the caller and not kept: user values may hold
// passwords).
import type { KubeObject } from '../kinds/types';
import type { KubeTransport } from '../transport/types';
import { decodeRelease, type HelmRelease, type ReleaseStorageObject } from './releaseDecode';
import { HELM_OWNER_SELECTOR, type ReleaseRevisionRef, type ReleaseSummary, revisionRef, summarizeReleases } from './releaseIndex';

const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';

interface MetaList {
  items?: KubeObject[];
  metadata?: { continue?: string };
}

async function listMeta(transport: KubeTransport, path: string, signal?: AbortSignal): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  let cont: string | undefined;
  do {
    const page = await transport.request<MetaList>({ path, query: { labelSelector: HELM_OWNER_SELECTOR, limit: 500, continue: cont }, accept: METADATA_LIST, signal });
    out.push(...(page.items ?? []));
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return out;
}

/**
 * Every release in `namespace` (or in all namespaces), from Secrets and ConfigMaps alike (Helm's
 * two storage drivers). A ConfigMap list the user may not read is skipped: the Secret driver is
 * the default, and a 403 there is the answer the caller shows.
 */
export async function listReleases(transport: KubeTransport, namespace: string | undefined, signal?: AbortSignal): Promise<ReleaseSummary[]> {
  const base = namespace ? `/api/v1/namespaces/${encodeURIComponent(namespace)}` : '/api/v1';
  const [secrets, configMaps] = await Promise.all([
    listMeta(transport, `${base}/secrets`, signal),
    listMeta(transport, `${base}/configmaps`, signal).catch((e: unknown) => {
      if ((e as { status?: number }).status === 403) return [] as KubeObject[];
      throw e;
    }),
  ]);
  const refs: ReleaseRevisionRef[] = [];
  for (const o of secrets) {
    const r = revisionRef(o, 'Secret');
    if (r) refs.push(r);
  }
  for (const o of configMaps) {
    const r = revisionRef(o, 'ConfigMap');
    if (r) refs.push(r);
  }
  return summarizeReleases(refs);
}

/** One revision's full record. */
export async function readRevision(transport: KubeTransport, ref: Pick<ReleaseRevisionRef, 'namespace' | 'storage'>, signal?: AbortSignal): Promise<HelmRelease> {
  const plural = ref.storage.kind === 'Secret' ? 'secrets' : 'configmaps';
  const o = await transport.request<ReleaseStorageObject>({ path: `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/${plural}/${encodeURIComponent(ref.storage.name)}`, signal });
  return decodeRelease({ ...o, kind: ref.storage.kind });
}

/** A row of `helm history`: each revision's record, decoded one after another (oldest first). */
export interface HistoryRow {
  revision: number;
  updated?: string;
  status: string;
  chart: string;
  appVersion?: string;
  description?: string;
}

export async function releaseHistory(transport: KubeTransport, release: ReleaseSummary, signal?: AbortSignal): Promise<HistoryRow[]> {
  const rows: HistoryRow[] = [];
  for (const ref of release.revisions) {
    const rel = await readRevision(transport, ref, signal);
    rows.push({
      revision: rel.version,
      updated: rel.info.last_deployed ?? ref.updated,
      status: rel.info.status,
      chart: `${rel.chart.metadata.name}-${rel.chart.metadata.version}`,
      ...(rel.chart.metadata.appVersion ? { appVersion: rel.chart.metadata.appVersion } : {}),
      ...(rel.info.description ? { description: rel.info.description } : {}),
    });
  }
  return rows;
}
