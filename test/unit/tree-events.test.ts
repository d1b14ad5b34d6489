// The Events group's rows from cached events: both API shapes (core/v1 and events.k8s.io/v1),
// newest first, the object each is about as its click target, the cap at the page size with a
// note of what is left out, and the group row counting warnings.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KindRegistry } from '../../src/kube/kinds/kindRegistry';
import type { ResourceType } from '../../src/kube/kinds/resourceType';
import type { KubeObject } from '../../src/kube/kinds/types';
import { eventsGroup, eventsGroupNode } from '../../src/kube/tree/eventNodes';
import type { GroupDeps } from '../../src/kube/tree/namespaceGroups';
import type { BrowseNode } from '../../src/kube/tree/nodes';

const type = (kind: string, plural: string, group = '', namespaced = true): ResourceType => ({
  group,
  version: 'v1',
  kind,
  plural,
  singular: kind.toLowerCase(),
  namespaced,
  verbs: ['list', 'watch'],
  shortNames: [],
  treeGroup: 'Workloads',
  scalable: false,
  restartable: false,
  hasLogs: false,
  hasExec: false,
  metadataOnly: false,
});
const reg = new KindRegistry([type('Event', 'events'), type('Pod', 'pods'), type('Deployment', 'deployments', 'apps'), type('Node', 'nodes', '', false)]);
const ns: BrowseNode = { id: 'c/x/ns/shop', type: 'namespace', parent: undefined, context: 'x', namespace: 'shop', label: 'shop', description: '', tooltip: '', severity: undefined, icon: '', contextValue: '', collapsible: true };

function coreEvent(name: string, at: string, extra: Partial<Record<string, unknown>> = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'shop', uid: `uid-${name}` }, involvedObject: { kind: 'Pod', name: 'web-1', uid: 'p1' }, reason: 'Pulled', message: 'Successfully pulled image', type: 'Normal', count: 1, lastTimestamp: at, source: { component: 'kubelet' }, ...extra };
}

function deps(events: KubeObject[], pageSize = 200): GroupDeps {
  return {
    acquire: async () => ({ watch: {} as never, namespaced: true }),
    objects: () => events,
    serving: () => events,
    objectNode: () => {
      throw new Error('the Events group makes no object rows');
    },
    transport: () => undefined,
    pageSize,
    now: () => Date.parse('2026-12-01T10:00:00Z'),
  };
}

test('rows: newest first, both API shapes, the object as target, warnings marked, long messages cut to one line', async () => {
  const group = eventsGroupNode(ns);
  const events = [
    coreEvent('a', '2026-12-01T09:50:00Z'),
    coreEvent('b', '2026-12-01T09:59:00Z', { type: 'Warning', reason: 'BackOff', message: `Back-off restarting\nfailed container ${'x'.repeat(200)}`, count: 12 }),
    // events.k8s.io/v1: regarding, note, series, reportingController.
    { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'c', namespace: 'shop', uid: 'uid-c' }, regarding: { kind: 'Deployment', name: 'web', uid: 'd1' }, reason: 'ScalingReplicaSet', note: 'Scaled up replica set web-1 to 3', type: 'Normal', series: { count: 2, lastObservedTime: '2026-12-01T09:55:00Z' }, reportingController: 'deployment-controller' },
    coreEvent('d', '2026-12-01T09:40:00Z', { involvedObject: { kind: 'Widget', name: 'w' } }),
  ];
  const rows = await eventsGroup.children(group, reg, deps(events));
  assert.deepEqual(rows.map((r) => r.label), ['BackOff', 'ScalingReplicaSet', 'Pulled', 'Pulled']);
  const [backOff, scaled, pulled, unknownKind] = rows as [BrowseNode, BrowseNode, BrowseNode, BrowseNode];
  assert.equal(backOff.severity, 'warning');
  assert.equal(backOff.icon, 'warning');
  assert.match(backOff.description, /^Pod\/web-1 · Back-off restarting failed container x+… · ×12 · 60s$/);
  assert.ok(backOff.description.length < 200, 'the description is cut; the tooltip has the whole message');
  assert.match(backOff.tooltip, /Seen 12 times, last at 2026-12-01T09:59:00Z/);
  assert.deepEqual(backOff.target, { resource: 'pods', namespace: 'shop', name: 'web-1' });
  assert.equal(scaled.description, 'Deployment/web · Scaled up replica set web-1 to 3 · ×2 · 5m');
  assert.deepEqual(scaled.target, { resource: 'deployments.apps', namespace: 'shop', name: 'web' });
  assert.match(scaled.tooltip, /Reported by deployment-controller/);
  assert.equal(pulled.severity, undefined);
  assert.equal(unknownKind.target, undefined, 'a kind the context does not serve has no click target');
  assert.equal(new Set(rows.map((r) => r.id)).size, 4, 'ids are unique (by uid)');
  assert.equal(group.description, '1 warning');
  assert.equal(group.severity, 'warning');
});

test('at most a page of rows, newest kept, and a note of how many older ones are left out; no events says so', async () => {
  const group = eventsGroupNode(ns);
  const events = Array.from({ length: 25 }, (_, i) => coreEvent(`e${String(i).padStart(2, '0')}`, `2026-12-01T09:${String(10 + i).padStart(2, '0')}:00Z`));
  const rows = await eventsGroup.children(group, reg, deps(events, 10));
  assert.equal(rows.length, 11);
  assert.equal(rows[0]!.id.endsWith('uid-e24'), true, 'the newest first');
  assert.equal(rows[9]!.id.endsWith('uid-e15'), true);
  assert.equal(rows[10]!.type, 'message');
  assert.equal(rows[10]!.label, '15 older events not shown');
  assert.equal(group.description, '25');
  const empty = await eventsGroup.children(eventsGroupNode(ns), reg, deps([]));
  assert.deepEqual(empty.map((r) => r.label), ['No events']);
});

test('change sets: only Event changes re-render the group, in the namespaces they touch; describe() counts from the cache', () => {
  const ev = coreEvent('a', '2026-12-01T09:50:00Z');
  const pod: KubeObject = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'shop' } };
  assert.equal(eventsGroup.affected(type('Pod', 'pods'), { added: [pod], updated: [], deleted: [], relisted: false }), undefined);
  assert.deepEqual([...(eventsGroup.affected(type('Event', 'events'), { added: [ev], updated: [], deleted: [], relisted: false }) as Set<string>)], ['shop']);
  assert.equal(eventsGroup.affected(type('Event', 'events'), { added: [], updated: [], deleted: [], relisted: true }), 'all');
  const group = eventsGroupNode(ns);
  eventsGroup.describe!(group, reg, deps([ev, coreEvent('w', '2026-12-01T09:51:00Z', { type: 'Warning' }), coreEvent('w2', '2026-12-01T09:52:00Z', { type: 'Warning' })]));
  assert.equal(group.description, '2 warnings');
});
