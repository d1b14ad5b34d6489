// Shared pieces of the rollout actions: the workload kinds, their pod templates, and the
// comparisons kubectl makes (apimachinery's semantic equality, ignoring pod-template-hash).
import type { KubeObject } from '../../kinds/types';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export function isWorkloadKind(kind: string): kind is WorkloadKind {
  return kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet';
}

/** appsv1.DefaultDeploymentUniqueLabelKey: the label a Deployment adds to its ReplicaSets' templates. */
export const POD_TEMPLATE_HASH = 'pod-template-hash';
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const CHANGE_CAUSE_ANNOTATION = 'kubernetes.io/change-cause';
export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; [k: string]: unknown };
  spec?: { containers?: { name?: string; image?: string }[]; initContainers?: { name?: string; image?: string }[]; [k: string]: unknown };
  [k: string]: unknown;
}

export function templateOf(o: KubeObject | undefined): PodTemplate | undefined {
  return (o?.spec as { template?: PodTemplate } | undefined)?.template;
}

/** A copy of a template without the pod-template-hash label (kubectl removes it before comparing or restoring). */
export function withoutHash(t: PodTemplate): PodTemplate {
  const copy = structuredClone(t);
  if (copy.metadata?.labels) delete copy.metadata.labels[POD_TEMPLATE_HASH];
  return copy;
}

/** deploymentutil's equalIgnoreHash. */
export function equalIgnoreHash(a: PodTemplate | undefined, b: PodTemplate | undefined): boolean {
  if (!a || !b) return a === b;
  return semanticEqual(withoutHash(a), withoutHash(b));
}

/**
 * JSON equality as Go's apimachinery Semantic.DeepEqual sees decoded objects: an absent field, a
 * null and an empty map or list are the same (Go decodes all of them to nil or empty).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object' && a !== null && b !== null) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
    for (const k of keys) if (!semanticEqual(ao[k], bo[k])) return false;
    return true;
  }
  return a === b;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.keys(v as object).length === 0;
}

/** deploymentutil.Revision: the revision annotation (0 when absent); undefined when it is not a number. */
export function deploymentRevision(o: KubeObject): number | undefined {
  const v = o.metadata.annotations?.[REVISION_ANNOTATION];
  if (v === undefined) return 0;
  return /^[+-]?\d+$/.test(v) ? Number(v) : undefined;
}

/** metav1.IsControlledBy: the controller ownerReference points at the owner's uid. */
export function isControlledBy(o: KubeObject, owner: KubeObject): boolean {
  return (o.metadata.ownerReferences ?? []).some((r) => r.controller === true && r.uid === owner.metadata.uid);
}

interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

/** metav1.LabelSelectorAsSelector(...).String(): the `labelSelector` query of a list. */
export function selectorQuery(sel: LabelSelector | undefined): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(sel?.matchLabels ?? {})) parts.push(`${k}=${v}`);
  for (const e of sel?.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.sort().join(',');
}

export function selectorOf(o: KubeObject): LabelSelector | undefined {
  return (o.spec as { selector?: LabelSelector } | undefined)?.selector;
}

/** `app=web:1.2` per container (init containers first), for history rows. */
export function templateImages(t: PodTemplate | undefined): string[] {
  const spec = t?.spec;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.image ?? '?');
}
