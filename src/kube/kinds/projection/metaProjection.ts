// The metadata every cached object keeps: identity, age, the labels and owners views group and
// select by, and deletion state. Annotations are dropped (no view reads them; they are often the
// biggest part of metadata, and kubectl's last-applied annotation of a Secret holds its data)
// except a short allow-list; managedFields always.
import type { ObjectMeta, OwnerReference } from '../types';
import type { Pool } from './internPool';

/** Annotations a view reads from the cache (the rest is seen in the YAML view, fetched on open). */
// kubernetes.io/description: the conventional free-text description, shown in the topology graph's
// hover details (one short string on the few objects that carry it).
const KEEP_ANNOTATIONS: readonly string[] = ['deployment.kubernetes.io/revision', 'kubernetes.io/description'];

export function projectMeta(m: ObjectMeta | undefined, pool: Pool): ObjectMeta {
  const src = m ?? {};
  // Fields are added in one fixed order so every projected object shares V8's hidden classes.
  const out: ObjectMeta = { name: src.name, namespace: pool.str(src.namespace) };
  if (src.uid !== undefined) out.uid = src.uid;
  if (src.resourceVersion !== undefined) out.resourceVersion = src.resourceVersion;
  if (src.generation !== undefined) out.generation = src.generation;
  // Objects made together share their timestamp (a rollout, a scale-up).
  if (src.creationTimestamp !== undefined) out.creationTimestamp = pool.str(src.creationTimestamp);
  if (src.deletionTimestamp !== undefined) out.deletionTimestamp = pool.str(src.deletionTimestamp);
  const labels = internRecord(src.labels, pool);
  if (labels) out.labels = labels;
  const annotations = keptAnnotations(src.annotations, pool);
  if (annotations) out.annotations = annotations;
  const owners = projectOwners(src.ownerReferences, pool);
  if (owners) out.ownerReferences = owners;
  if (Array.isArray(src.finalizers) && src.finalizers.length) out.finalizers = pool.share(src.finalizers.map((f) => pool.str(String(f))));
  return Object.freeze(out);
}

/** A string map with pooled keys and values, shared when an equal one exists (pods of one ReplicaSet). */
export function internRecord(r: Record<string, string> | undefined, pool: Pool): Record<string, string> | undefined {
  if (!r || typeof r !== 'object') return undefined;
  const out: Record<string, string> = {};
  let n = 0;
  for (const [k, v] of Object.entries(r)) {
    out[pool.str(k)] = pool.str(String(v));
    n++;
  }
  return n ? pool.share(out) : undefined;
}

function keptAnnotations(a: Record<string, string> | undefined, pool: Pool): Record<string, string> | undefined {
  if (!a || typeof a !== 'object') return undefined;
  let out: Record<string, string> | undefined;
  for (const k of KEEP_ANNOTATIONS) {
    const v = a[k];
    if (typeof v !== 'string') continue;
    out ??= {};
    out[k] = pool.str(v);
  }
  return out ? pool.share(out) : undefined;
}

function projectOwners(refs: OwnerReference[] | undefined, pool: Pool): OwnerReference[] | undefined {
  if (!Array.isArray(refs) || !refs.length) return undefined;
  return pool.share(
    refs.map((r) => {
      const o: OwnerReference = { apiVersion: pool.str(r.apiVersion), kind: pool.str(r.kind), name: pool.str(r.name), uid: pool.str(r.uid) };
      if (r.controller !== undefined) o.controller = r.controller;
      return o;
    }),
  );
}
