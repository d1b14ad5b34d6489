// Events expire (the apiserver's --event-ttl, 1 h by default) while a pod may fail for days: the
// FailedScheduling or "Failed to pull image" event that explained it would vanish and the cause
// with it. So the events that were in hand when a pod was last diagnosed as failing are kept,
// per pod uid, until the pod is healthy again or deleted. Bounded: at most `maxPods` pods and
// `perPod` events each (newest kept), oldest pods dropped first.
import type { EventFact } from './types';

export class EvidenceMemory {
  private readonly kept = new Map<string, EventFact[]>();

  constructor(
    private readonly maxPods = 5_000,
    private readonly perPod = 12,
  ) {}

  get size(): number {
    return this.kept.size;
  }

  /** The pod's current events plus the remembered ones that have since expired. */
  merge(podUid: string, current: readonly EventFact[]): EventFact[] {
    const old = this.kept.get(podUid);
    if (!old) return [...current];
    const present = new Set(current.map(identity));
    return [...current, ...old.filter((e) => !present.has(identity(e))).map((e) => ({ ...e, expired: true }))];
  }

  /** The pod is failing: remember what explains it (refreshes its place in the LRU order). */
  remember(podUid: string, events: readonly EventFact[]): void {
    if (!events.length) return;
    const newest = [...events].sort((a, b) => (b.at ?? '').localeCompare(a.at ?? '')).slice(0, this.perPod);
    this.kept.delete(podUid);
    this.kept.set(podUid, newest.map(({ expired: _e, ...rest }) => rest));
    if (this.kept.size > this.maxPods) {
      const first = this.kept.keys().next().value;
      if (first !== undefined) this.kept.delete(first);
    }
  }

  /** The pod is healthy again or gone. */
  forget(podUid: string): void {
    this.kept.delete(podUid);
  }
}

function identity(e: EventFact): string {
  return e.uid ?? `${e.reason}|${e.message}`;
}
