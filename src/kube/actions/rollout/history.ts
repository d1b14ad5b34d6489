// Rollout history as `kubectl rollout history` reads it (polymorphichelpers/history.go): a
// Deployment's revisions are its ReplicaSets (revision annotation, change-cause annotation), a
// StatefulSet's or DaemonSet's are the ControllerRevisions it controls (each holds a patch that
// replaces the whole pod template). Full objects are read from the API, never from the watch
// cache: the cache may hold ReplicaSets and ControllerRevisions as metadata only.
import type { KubeObject } from '../../kinds/types';
import type { KubeTransport } from '../../transport/types';
import {
  CHANGE_CAUSE_ANNOTATION,
  deploymentRevision,
  equalIgnoreHash,
  isControlledBy,
  type PodTemplate,
  selectorOf,
  selectorQuery,
  semanticEqual,
  templateImages,
  templateOf,
  withoutHash,
  type WorkloadKind,
} from './workload';

export interface Revision {
  revision: number;
  /** The `kubernetes.io/change-cause` annotation, if any. */
  changeCause: string | undefined;
  images: string[];
  /** The pod template of this revision (without pod-template-hash). */
  template: PodTemplate;
  /** The ReplicaSet or ControllerRevision that holds it. */
  source: KubeObject;
  /** The workload's template is this revision's. */
  current: boolean;
  created: string | undefined;
}

export interface WorkloadHistory {
  kind: WorkloadKind;
  owner: KubeObject;
  /** Every ReplicaSet (Deployment) or ControllerRevision (StatefulSet, DaemonSet) the owner controls, as listed. */
  sources: KubeObject[];
  /** By revision, oldest first. */
  revisions: Revision[];
}

const KIND_PATH: Record<WorkloadKind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };

export function workloadPath(kind: WorkloadKind, namespace: string, name: string): string {
  return `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${KIND_PATH[kind]}/${encodeURIComponent(name)}`;
}

/** GETs the workload and lists what holds its revisions (by its selector, then by controller reference). */
export async function fetchHistory(transport: KubeTransport, kind: WorkloadKind, namespace: string, name: string, signal?: AbortSignal): Promise<WorkloadHistory> {
  const owner = await transport.request<KubeObject>({ path: workloadPath(kind, namespace, name), signal });
  const resource = kind === 'Deployment' ? 'replicasets' : 'controllerrevisions';
  const list = await listAll(transport, `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/${resource}`, selectorQuery(selectorOf(owner)), signal);
  const sources = list.filter((o) => isControlledBy(o, owner));
  return { kind, owner, sources, revisions: revisionsOf(kind, owner, sources) };
}

/** Pure: the revisions of a workload from what holds them. */
export function revisionsOf(kind: WorkloadKind, owner: KubeObject, sources: readonly KubeObject[]): Revision[] {
  const out: Revision[] = [];
  const current = templateOf(owner);
  for (const src of sources) {
    let revision: number | undefined;
    let template: PodTemplate | undefined;
    if (kind === 'Deployment') {
      revision = deploymentRevision(src);
      const t = templateOf(src);
      template = t ? withoutHash(t) : undefined;
    } else {
      revision = typeof src.revision === 'number' ? src.revision : undefined;
      template = controllerRevisionTemplate(src);
    }
    if (revision === undefined || !template) continue;
    out.push({
      revision,
      changeCause: src.metadata.annotations?.[CHANGE_CAUSE_ANNOTATION] || undefined,
      images: templateImages(template),
      template,
      source: src,
      current: kind === 'Deployment' ? equalIgnoreHash(template, current) : semanticEqual(template, current),
      created: src.metadata.creationTimestamp,
    });
  }
  return out.sort((a, b) => a.revision - b.revision);
}

/** A ControllerRevision's data is `{"spec":{"template":{…,"$patch":"replace"}}}`: the template it restores. */
export function controllerRevisionTemplate(cr: KubeObject): PodTemplate | undefined {
  const t = (cr.data as { spec?: { template?: PodTemplate } } | undefined)?.spec?.template;
  if (!t) return undefined;
  const { $patch: _replace, ...template } = t;
  return template;
}

async function listAll(transport: KubeTransport, path: string, labelSelector: string, signal?: AbortSignal): Promise<KubeObject[]> {
  const out: KubeObject[] = [];
  let cont: string | undefined;
  do {
    const page = await transport.request<{ items?: KubeObject[]; metadata?: { continue?: string } }>({
      path,
      query: { labelSelector: labelSelector || undefined, limit: 500, continue: cont },
      signal,
    });
    out.push(...(page.items ?? []));
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return out;
}
