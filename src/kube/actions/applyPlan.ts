// What to send where: each document's own group/version/kind resolved through discovery, the
// order of an apply (Namespaces, then CRDs, then everything else, each group in file order), and
// the CRDs an apply itself defines (their custom resources cannot be resolved until they exist).
import type { KindRegistry } from '../kinds/kindRegistry';
import type { ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import type { ManifestDocument } from './manifest';

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

export function gvkOf(o: Pick<KubeObject, 'apiVersion' | 'kind'>): GroupVersionKind {
  const av = o.apiVersion ?? '';
  const slash = av.indexOf('/');
  return { group: slash < 0 ? '' : av.slice(0, slash), version: slash < 0 ? av : av.slice(slash + 1), kind: o.kind ?? '' };
}

export function isCrd(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return o.kind === 'CustomResourceDefinition' && gvkOf(o).group === 'apiextensions.k8s.io';
}

function isNamespace(o: Pick<KubeObject, 'apiVersion' | 'kind'>): boolean {
  return o.kind === 'Namespace' && gvkOf(o).group === '';
}

/**
 * Namespaces first (everything else may live in them), then CRDs (custom resources need them),
 * then the rest; within each, the order of the files and of the documents in them. Documents that
 * failed to parse keep their place among the rest, so the summary reads in file order.
 */
export function orderForApply(docs: readonly ManifestDocument[]): ManifestDocument[] {
  const rank = (d: ManifestDocument): number => (!d.object ? 2 : isNamespace(d.object) ? 0 : isCrd(d.object) ? 1 : 2);
  return docs
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d) - rank(b.d) || a.i - b.i)
    .map((x) => x.d);
}

/**
 * The resource type serving exactly this group and kind (case as the apiserver spells it), with the
 * document's own version: discovery keeps only the preferred version, but a file written for
 * `v1beta1` must be sent to `v1beta1` (the server converts, or says it does not serve it).
 */
export function findResource(registry: KindRegistry, gvk: GroupVersionKind): ResourceType | undefined {
  const r = registry.all.find((t) => t.group === gvk.group && t.kind === gvk.kind);
  return r ? { ...r, version: gvk.version } : undefined;
}

/** What a CRD document will make the cluster serve. */
export interface CrdDefinition {
  /** The CRD's own name, `plural.group`. */
  name: string;
  group: string;
  kind: string;
  plural: string;
  namespaced: boolean;
  versions: string[];
}

export function crdDefinition(o: KubeObject): CrdDefinition | undefined {
  if (!isCrd(o)) return undefined;
  const spec = (o.spec ?? {}) as { group?: unknown; scope?: unknown; names?: { kind?: unknown; plural?: unknown }; versions?: { name?: unknown }[] };
  const group = typeof spec.group === 'string' ? spec.group : '';
  const kind = typeof spec.names?.kind === 'string' ? spec.names.kind : '';
  const plural = typeof spec.names?.plural === 'string' ? spec.names.plural : '';
  if (!group || !kind || !plural) return undefined;
  return {
    name: o.metadata.name ?? `${plural}.${group}`,
    group,
    kind,
    plural,
    namespaced: spec.scope !== 'Cluster',
    versions: (spec.versions ?? []).map((v) => (typeof v.name === 'string' ? v.name : '')).filter(Boolean),
  };
}

/** A provisional resource type for a kind a CRD of the same apply defines (for the preview). */
export function resourceFromCrd(def: CrdDefinition, version: string): ResourceType {
  return {
    group: def.group,
    version,
    kind: def.kind,
    plural: def.plural,
    singular: def.kind.toLowerCase(),
    namespaced: def.namespaced,
    verbs: [],
    shortNames: [],
    treeGroup: 'Custom Resources',
    scalable: false,
    restartable: false,
    hasLogs: false,
    hasExec: false,
    metadataOnly: false,
  };
}

/**
 * The object as it will be sent: namespaced kinds without a namespace get the default one;
 * cluster-scoped kinds never carry one (the apiserver would refuse a mismatch). Returns a copy.
 */
export function withNamespace(o: KubeObject, namespaced: boolean, defaultNamespace: string): { object: KubeObject; namespace: string | undefined; droppedNamespace?: string } {
  const metadata = { ...o.metadata };
  if (namespaced) {
    metadata.namespace = metadata.namespace || defaultNamespace;
    return { object: { ...o, metadata }, namespace: metadata.namespace };
  }
  const dropped = metadata.namespace;
  delete metadata.namespace;
  return { object: { ...o, metadata }, namespace: undefined, ...(dropped ? { droppedNamespace: dropped } : {}) };
}
