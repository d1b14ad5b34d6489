// Diagnosis read from the watch cache: a root cause for an unhealthy pod (from the pod and its
// events in the namespace's events watch) and a roll-up for a workload (from the pods it owns),
// read from the watches a view already holds through its ViewLeases. The tree uses it for its rows
// (BrowseModel only asks "what cause does this row show" and "which rows does this event touch"),
// the Problems view for the workloads of open YAML files (manifestCauses.ts).
import type { KindRegistry } from '../kinds/kindRegistry';
import type { ResourceType } from '../kinds/resourceType';
import { summarize } from '../kinds/summary';
import type { KubeObject } from '../kinds/types';
import type { ViewLeases } from '../watch/viewLeases';
import type { WatchHub } from '../watch/watchHub';
import { eventFact, newestFirst } from './eventFacts';
import { type EventsAccess, PodDiagnoser } from './podDiagnoser';
import type { Diagnosis, EventFact } from './types';
import { rollUp } from './workloadDiagnosis';

/** Workload kinds whose rows roll up their pods' causes. */
const ROLLS_UP = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

export class CacheDiagnosis {
  readonly pods: PodDiagnoser;

  constructor(
    private readonly leases: ViewLeases,
    private readonly hub: WatchHub,
    private readonly registry: (context: string) => KindRegistry | undefined,
    now: () => number,
  ) {
    this.pods = new PodDiagnoser({ now });
  }

  /** The events type of a context (core/v1 events: every apiserver serves it). */
  eventsType(context: string): ResourceType | undefined {
    return this.registry(context)?.get('events');
  }

  /** The namespace's events, or forbidden, from the watch the tree holds (never starts one). */
  eventsAccess(context: string, namespace: string | undefined): EventsAccess {
    const t = this.eventsType(context);
    if (!t) return undefined;
    const serving = this.leases.serving(context, t, namespace);
    if (serving) return { store: serving.watch.store };
    const w = this.hub.peek(context, t, namespace);
    return w?.status.phase === 'forbidden' ? { forbidden: true } : undefined;
  }

  /**
   * The newest events about an object, for its row's tooltip, from the events watch its namespace's
   * pod rows hold (none when nothing holds one: a tooltip never starts a watch).
   */
  recentEvents(context: string, obj: KubeObject, n = RECENT_EVENTS): EventFact[] {
    const access = this.eventsAccess(context, obj.metadata.namespace);
    const uid = obj.metadata.uid;
    if (!access || !('store' in access) || !uid || !access.store.hasIndex('involvedUid')) return [];
    return newestFirst(access.store.byIndex('involvedUid', uid).map(eventFact)).slice(0, n);
  }

  /** The cause a row shows, or undefined for a healthy object (or a kind that has none). */
  causeFor(context: string, type: ResourceType, obj: KubeObject): Diagnosis | undefined {
    if (type.kind === 'Pod') {
      if (!unhealthy(type.kind, obj)) {
        this.pods.forget(obj.metadata.uid);
        return undefined;
      }
      return this.pods.diagnose(obj, this.eventsAccess(context, obj.metadata.namespace));
    }
    if (!ROLLS_UP.has(type.kind) || !unhealthy(type.kind, obj)) return undefined;
    return this.rollUpFor(context, type, obj);
  }

  /**
   * A workload's roll-up of its pods' causes whatever the workload's own state. Rows ask only for
   * unhealthy workloads (a rollout under way stays quiet); the Problems view asks for every
   * workload of an open file, as the Diagnose report does, so pods that cannot start are named
   * before the Deployment's progress deadline runs out.
   */
  rollUpFor(context: string, type: ResourceType, obj: KubeObject): Diagnosis | undefined {
    if (!ROLLS_UP.has(type.kind)) return undefined;
    const pods = this.ownedPods(context, type, obj);
    if (!pods) return undefined;
    return rollUp({ ...obj, kind: type.kind }, pods.map((p) => ({ pod: p, diagnosis: unhealthy('Pod', p) ? this.pods.diagnose(p, this.eventsAccess(context, p.metadata.namespace)) : undefined })));
  }

  /** A workload's pods from the cached pods (and, for a Deployment, ReplicaSets) of its namespace. */
  ownedPods(context: string, type: ResourceType, obj: KubeObject): KubeObject[] | undefined {
    const reg = this.registry(context);
    const podsType = reg?.get('pods');
    const ns = obj.metadata.namespace;
    const uid = obj.metadata.uid;
    if (!reg || !podsType || !uid) return undefined;
    const pods = this.leases.serving(context, podsType, ns)?.watch.store;
    if (!pods) return undefined;
    let owners = [uid];
    if (type.kind === 'Deployment') {
      const rsType = reg.get('replicasets.apps');
      const rs = rsType ? this.leases.serving(context, rsType, ns)?.watch.store : undefined;
      if (!rs) return undefined;
      owners = rs.byIndex('owner', uid).flatMap((r) => (r.metadata.uid ? [r.metadata.uid] : []));
    }
    return owners.flatMap((u) => pods.byIndex('owner', u)).sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
  }
}

/** Events a row's tooltip lists. */
const RECENT_EVENTS = 3;

function unhealthy(kind: string, obj: KubeObject): boolean {
  if (obj.metadata.deletionTimestamp) return true;
  const sev = summarize(kind, obj).severity;
  return sev === 'error' || sev === 'warning' || (kind === 'Pod' && sev === 'progress');
}
