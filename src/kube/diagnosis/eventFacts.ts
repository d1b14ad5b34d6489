// Events come as core/v1 (involvedObject, lastTimestamp, count, source.component) or
// events.k8s.io/v1 (regarding, series.lastObservedTime, deprecatedCount, reportingController,
// `note` for the message): one reader for both, so the rest of diagnosis sees one shape.
import type { KubeObject } from '../kinds/types';
import type { EventFact } from './types';

interface Ref {
  fieldPath?: string;
  kind?: string;
  name?: string;
  uid?: string;
}
interface RawEvent extends KubeObject {
  involvedObject?: Ref;
  regarding?: Ref;
  reason?: string;
  message?: string;
  note?: string;
  type?: string;
  count?: number;
  deprecatedCount?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  deprecatedLastTimestamp?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  source?: { component?: string };
  reportingComponent?: string;
  reportingController?: string;
}

export function eventFact(o: KubeObject): EventFact {
  const e = o as RawEvent;
  const ref = e.involvedObject ?? e.regarding ?? {};
  const at = e.series?.lastObservedTime ?? e.lastTimestamp ?? e.deprecatedLastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata.creationTimestamp;
  const fact: EventFact = {
    reason: e.reason ?? '',
    message: e.message ?? e.note ?? '',
    count: e.series?.count ?? e.count ?? e.deprecatedCount ?? 1,
  };
  if (e.metadata.uid) fact.uid = e.metadata.uid;
  if (e.type) fact.type = e.type;
  if (at) fact.at = at;
  const source = e.source?.component || e.reportingComponent || e.reportingController;
  if (source) fact.source = source;
  if (ref.uid) fact.involvedUid = ref.uid;
  if (ref.kind) fact.involvedKind = ref.kind;
  if (ref.name) fact.involvedName = ref.name;
  if (ref.fieldPath) fact.fieldPath = ref.fieldPath;
  return fact;
}

/** Newest first: the latest event is the best evidence of what is happening now. */
export function newestFirst(events: readonly EventFact[]): EventFact[] {
  return [...events].sort((a, b) => (b.at ?? '').localeCompare(a.at ?? ''));
}

/** The newest event with one of these reasons (and, if given, a message that matches). */
export function latest(events: readonly EventFact[], reasons: readonly string[], match?: RegExp): EventFact | undefined {
  return newestFirst(events).find((e) => reasons.includes(e.reason) && (!match || match.test(e.message)));
}

export function eventEvidence(e: EventFact): { source: 'event'; at?: string; text: string } {
  const by = e.source ? ` (${e.source})` : '';
  const times = e.count > 1 ? ` ×${e.count}` : '';
  const gone = e.expired ? ' (event since expired; kept while the pod still fails)' : '';
  const out: { source: 'event'; at?: string; text: string } = { source: 'event', text: `${e.type ?? 'Normal'} ${e.reason}${by}${times}: ${e.message}${gone}` };
  if (e.at) out.at = e.at;
  return out;
}

/** Events about this container, or about the pod as a whole (no fieldPath). */
export function forContainer(events: readonly EventFact[], name: string, init: boolean): EventFact[] {
  const path = `${init ? 'spec.initContainers' : 'spec.containers'}{${name}}`;
  return events.filter((e) => !e.fieldPath || e.fieldPath === path);
}
