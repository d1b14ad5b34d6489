// Helm 3 keeps each revision of a release in its namespace as a Secret (type helm.sh/release.v1,
// the default driver) or a ConfigMap (HELM_DRIVER=configmap), named sh.helm.release.v1.NAME.vREV.
// Its `release` key holds base64(gzip(JSON)) — in a Secret's `data`, base64 once more, as every
// Secret value. We read this format; we never write it (changes go through the user's helm).
import { gunzip } from 'node:zlib';
import { promisify } from 'node:util';

const gunzipAsync = promisify(gunzip);
const GZIP_MAGIC = [0x1f, 0x8b, 0x08];

/** The fields of Helm's release.Release we show (JSON names as Helm writes them). */
export interface HelmRelease {
  name: string;
  namespace: string;
  version: number;
  info: {
    status: string;
    description?: string;
    first_deployed?: string;
    last_deployed?: string;
    deleted?: string;
    notes?: string;
  };
  chart: {
    metadata: { name: string; version: string; appVersion?: string; description?: string };
    values?: Record<string, unknown> | null;
  };
  /** The user-supplied values (`helm get values`). */
  config?: Record<string, unknown> | null;
  manifest?: string;
}

/** Where a release record was read from: the storage object, as the API returned it. */
export interface ReleaseStorageObject {
  kind: 'Secret' | 'ConfigMap';
  metadata: { name?: string; namespace?: string };
  data?: Record<string, string>;
}

export class HelmDecodeError extends Error {}

/** Decodes one stored revision (the whole Secret or ConfigMap object from a GET). */
export async function decodeRelease(o: ReleaseStorageObject): Promise<HelmRelease> {
  const where = `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
  const raw = o.data?.release;
  if (typeof raw !== 'string') throw new HelmDecodeError(`${where} has no "release" key: not a Helm 3 release record`);
  // A Secret's data is base64 of what Helm stored; a ConfigMap's data is what Helm stored.
  const stored = o.kind === 'Secret' ? Buffer.from(raw, 'base64').toString('latin1') : raw;
  let bytes = Buffer.from(stored, 'base64');
  if (GZIP_MAGIC.every((b, i) => bytes[i] === b)) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (e) {
      throw new HelmDecodeError(`${where}: the release record is not valid gzip (${(e as Error).message})`);
    }
  }
  let rel: HelmRelease;
  try {
    rel = JSON.parse(bytes.toString('utf8')) as HelmRelease;
  } catch (e) {
    throw new HelmDecodeError(`${where}: the release record is not JSON (${(e as Error).message})`);
  }
  if (!rel || typeof rel.name !== 'string' || !rel.chart?.metadata || !rel.info) throw new HelmDecodeError(`${where}: the release record lacks name, chart or info`);
  return rel;
}

function isMap(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The computed values, as `helm get values --all` prints them: the chart's defaults with the
 * user's values over them (maps merged key by key, anything else replaced; a user `null` deletes
 * the default), as Helm's chartutil.CoalesceValues does for a release read from storage (whose
 * chart carries no subcharts: Helm does not store them).
 */
export function computedValues(rel: Pick<HelmRelease, 'chart' | 'config'>): Record<string, unknown> {
  return coalesce(rel.config ?? {}, rel.chart.values ?? {});
}

function coalesce(user: Record<string, unknown>, defaults: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(defaults)) out[k] = v;
  for (const [k, v] of Object.entries(user)) {
    if (v === null) delete out[k];
    else if (isMap(v) && isMap(out[k])) out[k] = coalesce(v, out[k] as Record<string, unknown>);
    else out[k] = v;
  }
  return out;
}
