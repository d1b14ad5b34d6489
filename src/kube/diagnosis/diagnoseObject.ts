// "Diagnose" on one object: fresh reads instead of the tree's cache (the report should be exact
// at the moment it is asked for): the object, its namespace's pods and ReplicaSets (a workload's
// pods; dependents for foreground deletion), the events of the namespace when the user may read
// them, and the owner chain up (one GET per level). Then the same engine as the tree.
import type { KindRegistry } from '../kinds/kindRegistry';
import { collectionPath, objectPath, type ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import { KubeApiError, type KubeTransport } from '../transport/types';
import { eventFact } from './eventFacts';
import { dependentTree, type DependentNode, type OwnerLink } from './owners';
import { diagnosePod } from './podDiagnosis';
import type { Diagnosis, EventFact } from './types';
import { rollUp, type PodCause } from './workloadDiagnosis';

export interface DiagnoseRequest {
  transport: KubeTransport;
  registry: KindRegistry;
  type: ResourceType;
  namespace: string | undefined;
  name: string;
  /** The access cache's answer to "may list events here" (undefined: unknown, try). */
  eventsAllowed: boolean | undefined;
  now?: number;
}

export interface DiagnoseResult {
  object: KubeObject;
  type: ResourceType;
  diagnosis: Diagnosis | undefined;
  /** A workload's pods with their causes (empty for a pod). */
  pods: PodCause[];
  owners: OwnerLink[];
  dependents: DependentNode[];
  /** Events about the object itself, newest first. */
  events: EventFact[];
  eventsVisible: boolean;
}

interface List {
  items?: KubeObject[];
}

export async function diagnoseObject(req: DiagnoseRequest): Promise<DiagnoseResult> {
  const { transport, registry, type, namespace, name } = req;
  const object = await transport.request<KubeObject>({ path: objectPath(type, namespace, name), timeoutMs: 30_000 });
  object.kind ??= type.kind;
  const ns = object.metadata.namespace;
  const list = async (id: string): Promise<KubeObject[]> => {
    const t = registry.get(id);
    if (!t || !ns) return [];
    try {
      return ((await transport.request<List>({ path: collectionPath(t, ns), timeoutMs: 30_000 })).items ?? []).map((o) => ({ ...o, kind: o.kind ?? t.kind }));
    } catch (e) {
      if (e instanceof KubeApiError && (e.status === 403 || e.status === 404)) return [];
      throw e;
    }
  };
  let eventsVisible = req.eventsAllowed !== false;
  let events: EventFact[] = [];
  const readEvents = async (): Promise<void> => {
    const t = registry.get('events');
    if (!eventsVisible || !t || !ns) return;
    try {
      events = ((await transport.request<List>({ path: collectionPath(t, ns), timeoutMs: 30_000 })).items ?? []).map(eventFact);
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 403)) throw e;
      eventsVisible = false;
    }
  };
  const [pods, replicaSets, jobs] = await Promise.all([list('pods'), list('replicasets.apps'), list('jobs.batch'), readEvents()]);
  const byUid = (uid: string | undefined): EventFact[] => (uid ? events.filter((e) => e.involvedUid === uid) : []);
  const opts = { eventsVisible, ...(req.now !== undefined ? { now: req.now } : {}) };
  const everything = [...pods, ...replicaSets, ...jobs];
  const lookup = {
    owner: (): KubeObject | undefined => undefined,
    dependents: (uid: string) => everything.filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === uid)),
  };
  const dependents = dependentTree(object, lookup);
  let diagnosis: Diagnosis | undefined;
  let podCauses: PodCause[] = [];
  if (type.kind === 'Pod') {
    diagnosis = diagnosePod(object, byUid(object.metadata.uid), opts);
  } else {
    const owned = ownedPods(object, type.kind, pods, replicaSets);
    podCauses = owned.map((p) => ({ pod: p, diagnosis: diagnosePod(p, byUid(p.metadata.uid), opts) }));
    diagnosis = rollUp(object, podCauses);
  }
  return { object, type, diagnosis, pods: podCauses, owners: await ownerChainByGet(transport, registry, object), dependents, events: byUid(object.metadata.uid).sort((a, b) => (b.at ?? '').localeCompare(a.at ?? '')), eventsVisible };
}

function ownedPods(obj: KubeObject, kind: string, pods: KubeObject[], replicaSets: KubeObject[]): KubeObject[] {
  const uid = obj.metadata.uid;
  if (!uid) return [];
  const owners = new Set([uid]);
  if (kind === 'Deployment') for (const rs of replicaSets) if (rs.metadata.ownerReferences?.some((r) => r.uid === uid) && rs.metadata.uid) owners.add(rs.metadata.uid);
  return pods.filter((p) => p.metadata.ownerReferences?.some((r) => r.uid !== undefined && owners.has(r.uid)));
}

/** The owner chain, one GET per level (owners may be of kinds nobody watches: custom controllers). */
async function ownerChainByGet(transport: KubeTransport, registry: KindRegistry, obj: KubeObject): Promise<OwnerLink[]> {
  const out: OwnerLink[] = [];
  let cur: KubeObject | undefined = obj;
  const seen = new Set<string>();
  while (cur && out.length < 8) {
    const refs: NonNullable<KubeObject['metadata']['ownerReferences']> = cur.metadata.ownerReferences ?? [];
    const ref = refs.find((r) => r.controller) ?? refs[0];
    if (!ref?.name || (ref.uid && seen.has(ref.uid))) break;
    if (ref.uid) seen.add(ref.uid);
    const t = registry.resolve(ref.kind ?? '', ref.apiVersion);
    let owner: KubeObject | undefined;
    if (t) {
      try {
        owner = await transport.request<KubeObject>({ path: objectPath(t, cur.metadata.namespace, ref.name), timeoutMs: 30_000 });
        // A same-named object made later is not this owner (the real one is gone).
        if (ref.uid && owner.metadata.uid !== ref.uid) owner = undefined;
      } catch (e) {
        if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 403))) throw e;
      }
    }
    const link: OwnerLink = { kind: ref.kind ?? '?', name: ref.name, controller: ref.controller === true, found: owner !== undefined };
    if (ref.uid) link.uid = ref.uid;
    if (owner) link.object = { ...owner, kind: owner.kind ?? ref.kind };
    out.push(link);
    cur = owner;
  }
  return out;
}
