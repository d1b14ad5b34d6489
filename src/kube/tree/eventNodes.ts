// The "Events" group of a namespace: its events newest first, like `kubectl events -n NS`, live
// from the namespace's events watch (the one pod rows hold for their causes). A row names the
// object it is about and reveals it on click; the group row counts the warnings.
import { eventFact } from '../diagnosis/eventFacts';
import type { EventFact } from '../diagnosis/types';
import type { KindRegistry } from '../kinds/kindRegistry';
import { resourceId } from '../kinds/resourceType';
import { formatAge } from '../kinds/summary/age';
import type { KubeObject } from '../kinds/types';
import { makeMessageNode } from './nodeFactory';
import { type NamespaceGroup, namespacesOf } from './namespaceGroups';
import { type BrowseNode, ids } from './nodes';
import { groupNode } from './structureNodes';

export const EVENTS_GROUP = 'Events' as const;

/** How much of a message fits in a row's description (the tooltip has all of it). */
const MESSAGE_CHARS = 140;

export function eventsGroupNode(parent: BrowseNode): BrowseNode {
  return {
    ...groupNode(parent, EVENTS_GROUP),
    tooltip: `Events in namespace ${parent.namespace}, newest first (the API server keeps them about an hour)`,
    icon: 'bell',
    contextValue: 'kubeAtlas.group:events',
  };
}

interface Row {
  obj: KubeObject;
  fact: EventFact;
}

/** Newest first; a tie keeps the API's name order so rows do not swap on re-render. */
export function newestEvents(events: Iterable<KubeObject>): Row[] {
  const rows: Row[] = [];
  for (const obj of events) rows.push({ obj, fact: eventFact(obj) });
  return rows.sort((a, b) => (b.fact.at ?? '').localeCompare(a.fact.at ?? '') || (a.obj.metadata.name ?? '').localeCompare(b.obj.metadata.name ?? ''));
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MESSAGE_CHARS ? `${line.slice(0, MESSAGE_CHARS - 1)}…` : line;
}

export function eventNode(group: BrowseNode, { obj, fact }: Row, reg: KindRegistry | undefined, now: number): BrowseNode {
  const warning = fact.type === 'Warning';
  const about = fact.involvedKind ? `${fact.involvedKind}/${fact.involvedName ?? ''}` : '';
  const count = fact.count > 1 ? `×${fact.count}` : '';
  const age = formatAge(fact.at, now);
  const type = fact.involvedKind ? reg?.resolve(fact.involvedKind) : undefined;
  return {
    id: ids.child(group.id, 'event', obj.metadata.uid ?? obj.metadata.name ?? ''),
    type: 'event',
    parent: group,
    context: group.context,
    namespace: group.namespace,
    label: fact.reason || '(no reason)',
    description: [about, oneLine(fact.message), count, age].filter(Boolean).join(' · '),
    tooltip: [
      `${fact.type ?? 'Normal'} event ${fact.reason}`,
      about && `About: ${about}${fact.fieldPath ? ` (${fact.fieldPath})` : ''}`,
      fact.message,
      `Seen ${fact.count} time${fact.count === 1 ? '' : 's'}${fact.at ? `, last at ${fact.at} (${age} ago)` : ''}`,
      fact.source && `Reported by ${fact.source}`,
    ]
      .filter(Boolean)
      .join('\n'),
    severity: warning ? 'warning' : undefined,
    icon: warning ? 'warning' : 'info',
    contextValue: 'kubeAtlas.event',
    // Clicking reveals the object the event is about (when the context serves its kind).
    ...(type && fact.involvedName ? { target: { resource: resourceId(type), ...(type.namespaced && group.namespace ? { namespace: group.namespace } : {}), name: fact.involvedName } } : {}),
    collapsible: false,
  };
}

export const eventsGroup: NamespaceGroup = {
  name: EVENTS_GROUP,
  offered: (reg) => !!reg.get('events'),
  node: eventsGroupNode,
  async children(group, reg, deps) {
    const t = reg.get('events');
    if (!t) return [];
    const a = await deps.acquire(group, t);
    if (!('watch' in a)) {
      const forbidden = 'forbidden' in a;
      return [makeMessageNode(group, forbidden ? 'forbidden' : 'error', forbidden ? 'Forbidden: cannot list events' : 'Cannot list events', a.message)];
    }
    const rows = newestEvents(deps.objects(a, group.namespace));
    describeFrom(group, rows.map((r) => r.fact));
    if (!rows.length) return [makeMessageNode(group, 'info', 'No events', `No events in namespace ${group.namespace} now (the API server keeps events about an hour).`, 'none')];
    const now = deps.now();
    const out = rows.slice(0, deps.pageSize).map((r) => eventNode(group, r, reg, now));
    if (rows.length > deps.pageSize) out.push(makeMessageNode(group, 'info', `${rows.length - deps.pageSize} older events not shown`, `The newest ${deps.pageSize} of ${rows.length} events are shown (kubeAtlas.tree.pageSize).`, 'older'));
    return out;
  },
  affected(type, cs) {
    if (type.kind !== 'Event') return undefined;
    return cs.relisted ? 'all' : namespacesOf(cs);
  },
  describe(group, reg, deps) {
    const t = reg.get('events');
    const objects = t ? deps.serving(group.context, t, group.namespace) : undefined;
    if (objects) describeFrom(group, objects.map(eventFact));
  },
};

/** The group row: how many warnings (or events) the namespace has now. */
function describeFrom(group: BrowseNode, facts: readonly EventFact[]): void {
  const warnings = facts.filter((f) => f.type === 'Warning').length;
  group.description = warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : facts.length ? `${facts.length}` : '';
  group.severity = warnings ? 'warning' : undefined;
}
