// What a cached Event keeps: what diagnosis reads (diagnosis/eventFacts.ts) — the object it is
// about (kind, name, uid, fieldPath: which container), reason, message, type, count and times,
// who reported it — for core/v1 and events.k8s.io/v1 alike. Dropped: managedFields, annotations,
// source host, reportingInstance, action, related. Reasons, components, kinds and the time
// strings of a burst repeat, so they are pooled; the message is kept as is.
import type { KubeObject } from '../types';
import { projectMeta } from './metaProjection';
import type { Pool } from './internPool';
import { pick, type Shape } from './pick';

const REF: Shape = { kind: 'str', name: 'keep', uid: 'keep', fieldPath: 'str' };
const TOP: Readonly<Record<string, Shape>> = {
  involvedObject: REF,
  regarding: REF,
  reason: 'str',
  message: 'keep',
  note: 'keep',
  type: 'str',
  count: 'keep',
  deprecatedCount: 'keep',
  firstTimestamp: 'str',
  lastTimestamp: 'str',
  deprecatedLastTimestamp: 'str',
  eventTime: 'str',
  series: { count: 'keep', lastObservedTime: 'str' },
  source: { component: 'str' },
  reportingComponent: 'str',
  reportingController: 'str',
};

export function projectEvent(o: KubeObject, pool: Pool): KubeObject {
  const out: KubeObject = { metadata: projectMeta(o.metadata, pool) };
  for (const [field, shape] of Object.entries(TOP)) {
    const v = pick(o[field], shape, pool);
    if (v !== undefined) out[field] = v;
  }
  return Object.freeze(out);
}
