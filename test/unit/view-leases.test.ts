// ViewLeases: the leasing every view shares. Proven here with WatchHub over the fake server: a
// stopped watch is dropped and its holders told, so they re-acquire a live one; the cluster-wide →
// namespaced fallback on 403 is remembered, and forgotten when the context reconnects.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResourceType } from '../../src/kube/kinds/resourceType';
import { KubeApiError } from '../../src/kube/transport/types';
import { acquireAcross } from '../../src/kube/watch/scopeFallback';
import { IndexedStore } from '../../src/kube/watch/store';
import { ViewLeases } from '../../src/kube/watch/viewLeases';
import { WatchHub } from '../../src/kube/watch/watchHub';
import { waitFor } from '../support/waitFor';
import { FakeApiServer } from './fakes/fakeApiServer';

const pods: ResourceType = {
  group: '', version: 'v1', kind: 'Pod', plural: 'pods', singular: 'pod', namespaced: true, verbs: ['list', 'watch'], shortNames: [],
  treeGroup: 'Workloads', scalable: false, restartable: false, hasLogs: true, hasExec: true, metadataOnly: false,
};
const fastBackoff = { initialMs: 5, maxMs: 40, factor: 2, jitter: 0, resetAfterMs: 60_000 };

function setup() {
  const cluster = new FakeApiServer();
  const namespaced = new FakeApiServer();
  const made: { ns: string | undefined }[] = [];
  const hub = new WatchHub((_ctx, _type, ns) => {
    made.push({ ns });
    return (ns ? namespaced : cluster).lw();
  }, { lingerMs: 0, batchMs: 5, backoff: fastBackoff });
  const told: string[][] = [];
  const leases = new ViewLeases(hub, { changed: () => undefined, statusChanged: (_w, st, holders) => st.phase === 'stopped' && told.push([...holders]) });
  return { cluster, namespaced, hub, leases, told, made };
}

test('holders of a stopped watch are told, and their next acquire gets a live watch', async () => {
  const { namespaced, hub, leases, told } = setup();
  namespaced.create('a');
  const first = await leases.acquire('node-1', 'ctx', pods, 'default');
  await leases.acquire('node-2', 'ctx', pods, 'default');
  assert.ok('watch' in first);
  await hub.stopContext('ctx');
  assert.deepEqual(told, [['node-1', 'node-2']], 'every holder hears that its watch stopped');
  assert.equal(first.watch.status.synced, false);
  assert.equal(leases.held().length, 0, 'the stopped watch is no longer held');
  const again = await leases.acquire('node-1', 'ctx', pods, 'default');
  assert.ok('watch' in again);
  assert.notEqual(again.watch, first.watch, 'a fresh watch, not the frozen one');
  namespaced.create('made-after-reconnect');
  await waitFor(() => again.watch.store.get('default/made-after-reconnect'), { what: 'the new watch is live' });
  assert.equal(first.watch.store.get('default/made-after-reconnect'), undefined);
  leases.dispose();
  await hub.dispose();
});

test('a namespace is served by its own watch, or by a cluster-wide one that already runs', async () => {
  const { cluster, namespaced, hub, leases, made } = setup();
  namespaced.create('mine');
  cluster.create('mine');
  cluster.create('theirs', 'other');
  const a = await leases.acquire('n1', 'ctx', pods, 'default');
  assert.ok('watch' in a && a.namespaced, 'a namespace view starts with the namespace: a small list, whatever the cluster holds');
  assert.deepEqual(made.map((m) => m.ns), ['default']);
  const all = await leases.acquire('overview', 'ctx', pods, undefined);
  assert.ok('watch' in all && !all.namespaced && all.watch.store.size === 2, 'an all-namespaces view watches cluster-wide');
  const b = await leases.acquire('n2', 'ctx', pods, 'other');
  assert.ok('watch' in b && !b.namespaced, 'the synced cluster-wide watch serves another namespace: no second copy');
  assert.deepEqual(made.map((m) => m.ns), ['default', undefined]);
  leases.dispose();
  await hub.dispose();
});

test('a namespace RBAC refuses reads as forbidden, and a namespaced grant works without cluster-wide rights', async () => {
  const { namespaced, hub, leases } = setup();
  namespaced.create('mine');
  const ok = await leases.acquire('n1', 'ctx', pods, 'default');
  assert.ok('watch' in ok && ok.watch.store.get('default/mine'), 'a user with rights in one namespace sees it');
  namespaced.failNext.push(new KubeApiError('pods is forbidden', { kind: 'http', status: 403 }));
  const refused = await leases.acquire('n2', 'ctx', pods, 'secret-ns');
  assert.ok('forbidden' in refused, 'forbidden, not an error or a spinner');
  leases.dispose();
  await hub.dispose();
});

test('releasing the last holder releases the watch', async () => {
  const { cluster, hub, leases } = setup();
  cluster.create('a');
  await leases.acquire('ctx/ns/x', 'ctx', pods, undefined);
  await leases.acquire('ctx/ns/x/y', 'ctx', pods, undefined);
  assert.equal(hub.size, 1);
  leases.release((h) => h.startsWith('ctx/ns/x'));
  await waitFor(() => hub.size === 0, { what: 'the hub stops the unused watch' });
  leases.dispose();
  await hub.dispose();
});

test('a view declares its own index on the watch it is served by, function and all', async () => {
  const { namespaced, hub, leases } = setup();
  namespaced.create('a');
  const byFirstLetter = (o: { metadata: { name?: string } }): string[] => [o.metadata.name?.[0] ?? ''];
  const got = await leases.acquire('graph', 'ctx', pods, 'default', { indexes: { 'test.first': byFirstLetter } });
  assert.ok('watch' in got);
  assert.deepEqual(got.watch.store.builtIndexes, ['test.first'], 'built at once, not on first query');
  namespaced.create('abc');
  await waitFor(() => got.watch.store.byIndex('test.first', 'a').length === 2, { what: 'the declared index follows the watch' });
  assert.throws(() => got.watch.store.declareIndex('test.first', () => []), /another function/, 'two views may not mean different things by one name');
  leases.dispose();
  await hub.dispose();
});

test('the indexes a view declared go with its last lease, while the watch stays for the others', async (t) => {
  const { namespaced, hub, leases } = setup();
  // Stop the watch even when an assertion fails, or the test process never exits.
  t.after(async () => {
    leases.dispose();
    await hub.dispose();
  });
  namespaced.create('a');
  const byFirstLetter = (o: { metadata: { name?: string } }): string[] => [o.metadata.name?.[0] ?? ''];
  const tree = await leases.acquire('tree/ns/default', 'ctx', pods, 'default');
  assert.ok('watch' in tree);
  tree.watch.store.byIndex('namespace', 'default');
  const store = tree.watch.store;
  // Two graph panels on the same namespace declare the same lookup; one of them asks twice (a re-acquire).
  await leases.acquire('topology:1', 'ctx', pods, 'default', { indexes: { 'test.first': byFirstLetter } });
  await leases.acquire('topology:1', 'ctx', pods, 'default', { indexes: { 'test.first': byFirstLetter } });
  await leases.acquire('topology:2', 'ctx', pods, 'default', { indexes: { 'test.first': byFirstLetter } });
  assert.deepEqual(store.builtIndexes.sort(), ['namespace', 'test.first']);
  leases.release((h) => h === 'topology:1');
  assert.ok(store.builtIndexes.includes('test.first'), 'still declared by the second panel');
  leases.releaseOne('topology:2', 'ctx', pods, 'default');
  assert.deepEqual(store.builtIndexes, ['namespace'], 'the graph’s own index is dropped; the registry’s one the tree built stays');
  assert.equal(hub.size, 1, 'the tree still holds the watch');
  assert.throws(() => store.byIndex('test.first', 'a'), /no index named/, 'nothing answers from a stale index');
  namespaced.create('b');
  await waitFor(() => store.get('default/b'), { what: 'the watch goes on without the index' });
  // A graph opened again declares it afresh, built from what the store holds now.
  await leases.acquire('topology:3', 'ctx', pods, 'default', { indexes: { 'test.first': byFirstLetter } });
  assert.equal(store.byIndex('test.first', 'b').length, 1);
  leases.dispose();
  assert.deepEqual(store.builtIndexes, ['namespace'], 'disposing the leases releases their declarations too');
});

test('a store drops a private index only when every declaration is released; registry indexes stay', () => {
  const s = new IndexedStore();
  s.upsert({ metadata: { name: 'a', namespace: 'n', labels: { app: 'x' } } });
  const fn = (): string[] => ['v'];
  const r1 = s.declareIndex('test.private', fn);
  const r2 = s.declareIndex('test.private', fn);
  const r3 = s.declareIndex('label');
  r1();
  r1();
  assert.ok(s.builtIndexes.includes('test.private'), 'one release per declaration: a second call of the same release counts nothing');
  r2();
  r3();
  assert.deepEqual(s.builtIndexes, ['label'], 'the private index is gone; the registry one is kept as if queried');
  assert.doesNotThrow(() => s.declareIndex('test.private', () => ['w']), 'the name is free again');
});

test('acquireAcross: cluster-wide when allowed, else one watch per visible namespace, else the layer is refused', async () => {
  const { cluster, namespaced, hub, leases, made } = setup();
  namespaced.create('mine');
  cluster.failNext.push(new KubeApiError('pods is forbidden: cannot list at the cluster scope', { kind: 'http', status: 403 }));
  const across = await acquireAcross(leases, 'graph', 'ctx', pods, async () => ['default']);
  assert.equal(across.refused, undefined);
  assert.equal(across.watches.length, 1);
  assert.ok(across.watches[0]!.store.get('default/mine'));
  assert.match(across.narrowed ?? '', /forbidden; showing the namespaces where it is allowed/);
  assert.deepEqual(made.map((m) => m.ns), [undefined, 'default']);
  assert.deepEqual(leases.held().map((w) => w.key), ['ctx|pods|default'], 'the refused cluster-wide watch is let go (it would retry for nothing)');
  leases.dispose();
  await hub.dispose();

  const again = setup();
  again.cluster.failNext.push(new KubeApiError('pods is forbidden', { kind: 'http', status: 403 }));
  again.namespaced.failNext.push(new KubeApiError('pods is forbidden in default', { kind: 'http', status: 403 }));
  const none = await acquireAcross(again.leases, 'graph', 'ctx', pods, async () => ['default']);
  assert.deepEqual(none.watches, []);
  assert.deepEqual(none.refused, { forbidden: true, message: 'pods is forbidden in default' });
  again.leases.dispose();
  await again.hub.dispose();
});
