// The tree's side of diagnosis: a root cause for unhealthy pod rows (from the pod and its events
// in the namespace's events watch) and a roll-up for workload rows (from the pods they own),
// read from the watches the tree already holds. Kept apart from BrowseModel, which only asks
// "what cause does this row show" and "which rows does this event touch".
import { PodDiagnoser, type EventsAccess } from '../diagnosis/podDiagnoser';
import { eventFact, newestFirst } from '../diagnosis/eventFacts';
import type { Diagnosis, EventFact } from '../diagnosis/types';
import { rollUp } from '../diagnosis/workloadDiagnosis';
import type { KindRegistry } from '../kinds/kindRegistry';
import type { ResourceType } from '../kinds/resourceType';
import { summarize } from '../kinds/summary';
import type { KubeObject } from '../kinds/types';
import type { ViewLeases } from '../watch/viewLeases';
import type { WatchHub } from '../watch/watchHub';

/** Workload kinds whose rows roll up their pods' causes. */
const ROLLS_UP = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

export class TreeDiagnosis {
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

/** A codicon for the kind of cause, so a glance tells a pull problem from a crash. */
export function causeIcon(d: Diagnosis): string {
  const code = d.code.replace(/^ProgressDeadlineExceeded:/, '');
  if (code.startsWith('ImagePull')) return 'cloud-download';
  if (code === 'OOMKilled') return 'flame';
  if (code === 'Unschedulable' || code === 'SchedulingGated') return 'circle-slash';
  if (code === 'CreateContainerConfigError' || code === 'FailedMount') return 'symbol-key';
  if (code === 'ReadinessProbe' || code === 'LivenessProbe') return 'pulse';
  if (code === 'Evicted') return 'sign-out';
  if (code === 'StuckTerminating') return 'lock';
  if (code === 'CommandNotFound' || code === 'NotExecutable') return 'terminal';
  if (code === 'CrashLoopBackOff' || code === 'InitContainerFailed' || code === 'ContainerFailed') return 'debug-restart';
  return d.severity === 'error' ? 'error' : 'warning';
}
