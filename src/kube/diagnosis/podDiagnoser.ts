// Diagnosis over the watch cache: a pod's events come from the events watch's `involvedUid`
// index (watched, not polled: the tree re-diagnoses a pod when one of its events changes), merged
// with the evidence remembered from events that have since expired. When events are forbidden
// the caller says so and the cause comes from statuses alone.
import type { KubeObject } from '../kinds/types';
import type { IndexedStore } from '../watch/store';
import { eventFact } from './eventFacts';
import { EvidenceMemory } from './evidenceMemory';
import { diagnosePod } from './podDiagnosis';
import type { Diagnosis, EventFact } from './types';

/** Where a pod's events are read: a synced events store, or why there is none. */
export type EventsAccess = { store: IndexedStore } | { forbidden: true } | undefined;

export class PodDiagnoser {
  readonly memory: EvidenceMemory;

  constructor(private readonly opts: { now?: () => number; memory?: EvidenceMemory } = {}) {
    this.memory = opts.memory ?? new EvidenceMemory();
  }

  eventsOf(uid: string, events: EventsAccess): EventFact[] {
    if (!events || !('store' in events) || !uid) return [];
    return events.store.byIndex('involvedUid', uid).map(eventFact);
  }

  diagnose(pod: KubeObject, events: EventsAccess): Diagnosis | undefined {
    const uid = pod.metadata.uid ?? '';
    const facts = this.memory.merge(uid, this.eventsOf(uid, events));
    const forbidden = events !== undefined && 'forbidden' in events;
    const d = diagnosePod(pod, facts, { now: (this.opts.now ?? Date.now)(), eventsVisible: !forbidden });
    if (d && uid) this.memory.remember(uid, facts);
    else if (uid) this.memory.forget(uid);
    return d;
  }

  forget(uid: string | undefined): void {
    if (uid) this.memory.forget(uid);
  }
}
