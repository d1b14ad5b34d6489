import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/kube/kinds/types';
import { resourceId, type ResourceType } from '../../src/kube/kinds/resourceType';
import { ChangeAccumulator } from '../../src/kube/watch/changeSet';
import { matchesSelector, selectFromStore } from '../../src/kube/watch/labelSelector';
import { slimObject } from '../../src/kube/watch/slim';
import { IndexedStore } from '../../src/kube/watch/store';
import { WatchHub } from '../../src/kube/watch/watchHub';
import { FakeApiServer } from './fakes/fakeApiServer';

function pod(name: string, ns: string, extra: { labels?: Record<string, string>; owner?: string; node?: string; rv?: string } = {}): KubeObject {
  return {
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      resourceVersion: extra.rv ?? '1',
      labels: extra.labels,
      ownerReferences: extra.owner ? [{ uid: extra.owner, kind: 'ReplicaSet', name: 'rs' }] : undefined,
    },
    spec: { nodeName: extra.node },
  };
}

test('indexes find objects by namespace, owner, node and label, and follow updates', () => {
  const s = new IndexedStore();
  s.upsert(pod('a', 'ns1', { labels: { app: 'web' }, owner: 'rs1', node: 'n1' }));
  s.upsert(pod('b', 'ns1', { labels: { app: 'db' }, owner: 'rs2', node: 'n1' }));
  s.upsert(pod('c', 'ns2', { labels: { app: 'web' }, owner: 'rs1', node: 'n2' }));
  assert.deepEqual(s.byIndex('namespace', 'ns1').map((o) => o.metadata.name).sort(), ['a', 'b']);
  assert.deepEqual(s.byIndex('owner', 'rs1').map((o) => o.metadata.name).sort(), ['a', 'c']);
  assert.equal(s.countByIndex('node', 'n1'), 2);
  assert.deepEqual(selectFromStore(s, { matchLabels: { app: 'web' } }, 'ns1').map((o) => o.metadata.name), ['a']);
  s.upsert(pod('a', 'ns1', { labels: { app: 'db' }, owner: 'rs1', node: 'n2', rv: '2' }));
  assert.equal(s.countByIndex('label', 'app=web'), 1, 'the old label entry is gone after an update');
  assert.equal(s.countByIndex('node', 'n1'), 1);
  s.delete('ns1/b');
  assert.equal(s.countByIndex('namespace', 'ns1'), 1);
  assert.equal(s.byIndex('owner', 'rs2').length, 0);
});

test('replace reports adds, updates and synthesised deletes', () => {
  const s = new IndexedStore();
  s.upsert(pod('a', 'ns', { rv: '1' }));
  s.upsert(pod('b', 'ns', { rv: '1' }));
  const diff = s.replace([pod('a', 'ns', { rv: '2' }), pod('c', 'ns')]);
  assert.deepEqual(diff.added.map((o) => o.metadata.name), ['c']);
  assert.deepEqual(diff.updated.map((u) => u.new.metadata.name), ['a']);
  assert.deepEqual(diff.deleted.map((o) => o.metadata.name), ['b']);
  assert.equal(s.size, 2);
});

test('label selectors: matchLabels and every matchExpressions operator', () => {
  const l = { app: 'web', tier: 'front' };
  assert.ok(matchesSelector(l, { matchLabels: { app: 'web' } }));
  assert.ok(!matchesSelector(l, { matchLabels: { app: 'db' } }));
  assert.ok(matchesSelector(l, { matchExpressions: [{ key: 'tier', operator: 'In', values: ['front', 'x'] }] }));
  assert.ok(!matchesSelector(l, { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] }));
  assert.ok(matchesSelector(l, { matchExpressions: [{ key: 'app', operator: 'Exists' }] }));
  assert.ok(!matchesSelector(l, { matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }));
  assert.ok(!matchesSelector(l, {}), 'an empty selector selects nothing here');
  assert.ok(!matchesSelector(l, undefined));
});

test('slimming drops managedFields and last-applied, and freezes the object', () => {
  const o = slimObject({
    metadata: { name: 'x', managedFields: [{ big: true }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', keep: 'y' } },
  });
  assert.equal(o.metadata.managedFields, undefined);
  assert.deepEqual(o.metadata.annotations, { keep: 'y' });
  assert.ok(Object.isFrozen(o) && Object.isFrozen(o.metadata));
});

test('change accumulator coalesces per object', () => {
  const acc = new ChangeAccumulator();
  const a1 = pod('a', 'n', { rv: '1' });
  const a2 = pod('a', 'n', { rv: '2' });
  acc.deleted('n/a', a1);
  acc.added('n/a', a2);
  acc.added('n/b', pod('b', 'n'));
  acc.deleted('n/b', pod('b', 'n'));
  acc.updated('n/c', pod('c', 'n', { rv: '1' }), pod('c', 'n', { rv: '2' }));
  acc.deleted('n/c', pod('c', 'n', { rv: '2' }));
  const cs = acc.take();
  assert.deepEqual(cs.updated.map((u) => [u.old.metadata.resourceVersion, u.new.metadata.resourceVersion]), [['1', '2']], 'delete + re-add = update');
  assert.equal(cs.added.length, 0);
  assert.deepEqual(cs.deleted.map((o) => [o.metadata.name, o.metadata.resourceVersion]), [['c', '1']], 'update + delete = delete of the original');
  assert.ok(acc.isEmpty);
});

const podsType: ResourceType = {
  group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, verbs: ['list', 'watch'], shortNames: ['po'],
  treeGroup: 'Workloads', scalable: false, restartable: false, hasLogs: true, hasExec: true, metadataOnly: false,
};

test('the hub shares one watch per key, reference counted, and stops it when unused', async () => {
  const s = new FakeApiServer();
  s.create('a');
  let made = 0;
  const hub = new WatchHub(() => {
    made++;
    return s.lw();
  }, { lingerMs: 0, batchMs: 5 });
  const l1 = hub.acquire('ctx', podsType);
  const l2 = hub.acquire('ctx', podsType);
  const l3 = hub.acquire('ctx', podsType, 'other');
  assert.equal(l1.watch, l2.watch, 'same key, same watch');
  assert.notEqual(l1.watch, l3.watch, 'another namespace scope is another watch');
  assert.equal(made, 2);
  assert.equal(resourceId(podsType), 'pods');
  await l1.watch.whenSynced();
  l1.release();
  l1.release(); // double release is harmless
  assert.equal(hub.size, 2, 'still referenced by l2');
  l2.release();
  assert.equal(hub.size, 1);
  await hub.dispose();
  assert.equal(hub.size, 0);
  l3.release();
});

test('a released watch lingers and is reused if acquired again in time', async () => {
  const s = new FakeApiServer();
  const hub = new WatchHub(() => s.lw(), { lingerMs: 60_000, batchMs: 5 });
  const l1 = hub.acquire('ctx', podsType);
  l1.release();
  const l2 = hub.acquire('ctx', podsType);
  assert.equal(l1.watch, l2.watch);
  l2.release();
  await hub.dispose();
});
