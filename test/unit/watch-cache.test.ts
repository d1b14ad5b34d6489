import assert from 'node:assert/strict';
import { test } from 'node:test';
import { objectKey } from '../../src/kube/kinds/types';
import { KubeApiError } from '../../src/kube/transport/types';
import type { ChangeSet } from '../../src/kube/watch/changeSet';
import type { WatchStatus } from '../../src/kube/watch/reflector';
import { SharedWatch } from '../../src/kube/watch/sharedWatch';
import { waitFor } from '../support/waitFor';
import { FakeApiServer } from './fakes/fakeApiServer';

const fastBackoff = { initialMs: 5, maxMs: 40, factor: 2, jitter: 0, resetAfterMs: 60_000 };

function names(w: SharedWatch): string[] {
  return [...w.store.list()].map((o) => objectKey(o)).sort();
}
function serverNames(s: FakeApiServer): string[] {
  return [...s.objects.keys()].sort();
}

function collect(w: SharedWatch): { sets: ChangeSet[]; statuses: WatchStatus[] } {
  const sets: ChangeSet[] = [];
  const statuses: WatchStatus[] = [];
  w.onChange((cs) => sets.push(cs));
  w.onStatus((s) => statuses.push(s));
  return { sets, statuses };
}

test('lists in pages, then is synced with the full content', async () => {
  const s = new FakeApiServer();
  for (let i = 0; i < 7; i++) s.create(`p${i}`);
  const w = new SharedWatch(s.lw(), { pageSize: 3, backoff: fastBackoff });
  w.start();
  await w.whenSynced();
  assert.equal(s.listCalls, 3, '7 objects in pages of 3 take 3 list calls');
  assert.deepEqual(names(w), serverNames(s));
  assert.equal(w.resourceVersion, s.currentRv);
  await w.stop();
});

test('watch events land in the store and reach subscribers as one coalesced batch', async () => {
  const s = new FakeApiServer();
  s.create('a');
  const w = new SharedWatch(s.lw(), { batchMs: 30, backoff: fastBackoff });
  const { sets } = collect(w);
  w.start();
  await w.whenSynced();
  await waitFor(() => s.open.size === 1, { what: 'watch open' });
  sets.length = 0;
  s.create('b');
  s.update('b', 'default', (o) => ({ ...o, metadata: { ...o.metadata, labels: { v: '2' } } }));
  s.create('c');
  s.remove('c');
  s.update('a');
  await waitFor(() => sets.length > 0, { what: 'a change set' });
  assert.equal(sets.length, 1, 'five events in one burst arrive as one batch');
  const cs = sets[0]!;
  assert.deepEqual(cs.added.map((o) => o.metadata.name), ['b']);
  assert.equal(cs.added[0]!.metadata.labels?.v, '2', 'added then modified is delivered as added with the latest object');
  assert.deepEqual(cs.updated.map((u) => u.new.metadata.name), ['a']);
  assert.equal(cs.deleted.length, 0, 'created and deleted within one batch is never seen');
  assert.deepEqual(names(w), serverNames(s));
  await w.stop();
});

test('410 Gone relists and synthesises deletes for objects that vanished meanwhile', async () => {
  const s = new FakeApiServer();
  for (const n of ['a', 'b', 'c']) s.create(n);
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff });
  const { sets } = collect(w);
  w.start();
  await w.whenSynced();
  await waitFor(() => s.open.size === 1, { what: 'watch open' });
  await waitFor(() => sets.length > 0, { what: 'initial content delivered' });
  sets.length = 0;
  // While "disconnected": b goes away, d appears, history is compacted.
  s.closeAll();
  s.hangWatches = false;
  const listsBefore = s.listCalls;
  // Make the reconnect see a compacted history by compacting before it reconnects: block it with a failure first.
  s.failNext.push(new Error('connection refused'));
  s.remove('b');
  s.create('d');
  s.compact();
  await waitFor(() => s.listCalls > listsBefore && names(w).join() === serverNames(s).join(), { what: 'relist after 410' });
  await waitFor(() => sets.some((c) => c.relisted), { what: 'the relist delivered to subscribers' });
  const deleted = sets.flatMap((c) => c.deleted.map((o) => o.metadata.name));
  const added = sets.flatMap((c) => c.added.map((o) => o.metadata.name));
  assert.ok(deleted.includes('b'), 'b was deleted while away: a delete is synthesised');
  assert.ok(added.includes('d'));
  assert.ok(sets.some((c) => c.relisted), 'the batch says a relist happened');
  await w.stop();
});

test('a dropped connection resumes from the last resourceVersion without relisting', async () => {
  const s = new FakeApiServer();
  s.create('a');
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff, minHealthyWatchMs: 0 });
  w.start();
  await w.whenSynced();
  await waitFor(() => s.open.size === 1, { what: 'watch open' });
  s.create('b');
  await waitFor(() => w.store.get('default/b'), { what: 'b in cache' });
  const rvBefore = w.resourceVersion;
  s.dropAll();
  s.create('c'); // happens while disconnected
  await waitFor(() => w.store.get('default/c'), { what: 'c replayed from history after reconnect' });
  assert.equal(s.listCalls, 1, 'no relist for a plain disconnect');
  assert.equal(s.watchCalls.at(-1)!.resourceVersion, rvBefore, 'rewatch starts at the last seen resourceVersion');
  assert.ok(s.watchCalls.every((c) => c.allowWatchBookmarks), 'bookmarks requested');
  assert.ok(s.watchCalls.every((c) => c.timeoutSeconds >= 300 && c.timeoutSeconds < 600), 'timeout randomised within 5-10 minutes');
  await w.stop();
});

test('failures back off exponentially, honour Retry-After, and report status', async () => {
  const s = new FakeApiServer();
  s.create('a');
  s.failNext.push(new Error('ECONNREFUSED'), new Error('ECONNREFUSED'), new Error('ECONNREFUSED'));
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff });
  const { statuses } = collect(w);
  w.start();
  await w.whenSynced();
  const waits = statuses.filter((x) => x.phase === 'backoff').map((x) => x.retryInMs);
  assert.deepEqual(waits, [5, 10, 20], 'delays double from the initial value');
  assert.match(String(statuses.find((x) => x.phase === 'backoff')?.error), /ECONNREFUSED/);

  s.failNext.push(new KubeApiError('too many requests', { kind: 'http', status: 429, retryAfterSeconds: 0.2 }));
  s.closeAll();
  await waitFor(() => statuses.some((x) => x.phase === 'backoff' && (x.retryInMs ?? 0) >= 200), { what: 'Retry-After honoured' });
  await waitFor(() => w.status.phase === 'watching', { what: 'recovered' });
  await w.stop();
});

test('403 is reported as forbidden and retried, not fatal', async () => {
  const s = new FakeApiServer();
  s.failNext.push(new KubeApiError('pods is forbidden', { kind: 'http', status: 403, reason: 'Forbidden' }));
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff });
  const { statuses } = collect(w);
  w.start();
  await w.whenSynced();
  assert.ok(statuses.some((x) => x.phase === 'forbidden' && /forbidden/.test(String(x.error))));
  assert.equal(w.status.synced, true);
  await w.stop();
});

test('bookmarks advance the resourceVersion used on reconnect', async () => {
  const s = new FakeApiServer();
  s.create('a');
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff, minHealthyWatchMs: 0 });
  w.start();
  await w.whenSynced();
  await waitFor(() => s.open.size === 1, { what: 'watch open' });
  s.bookmark();
  await waitFor(() => w.resourceVersion === s.currentRv, { what: 'bookmark RV adopted' });
  s.closeAll();
  await waitFor(() => s.watchCalls.length === 2, { what: 'rewatch' });
  assert.equal(s.watchCalls[1]!.resourceVersion, s.currentRv);
  await w.stop();
});

test('stop during connect ends cleanly with no stray rejection', async () => {
  const s = new FakeApiServer();
  s.hangWatches = true;
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff });
  const { statuses } = collect(w);
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => {
    unhandled.push(e);
  };
  process.on('unhandledRejection', onUnhandled);
  w.start();
  await w.whenSynced();
  await waitFor(() => s.watchCalls.length === 1, { what: 'watch connecting' });
  await w.stop();
  await new Promise((r) => setImmediate(r));
  process.off('unhandledRejection', onUnhandled);
  assert.equal(statuses.at(-1)!.phase, 'stopped');
  assert.ok(!statuses.some((x) => x.phase === 'backoff'), 'the abort is not reported as a failure');
  assert.deepEqual(unhandled, []);
});

test('a watch that closes immediately and empty is treated as a failure (no hot loop)', async () => {
  const s = new FakeApiServer();
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff, minHealthyWatchMs: 60_000 });
  const { statuses } = collect(w);
  w.start();
  await w.whenSynced();
  await waitFor(() => s.open.size === 1, { what: 'watch open' });
  s.closeAll();
  await waitFor(() => statuses.some((x) => x.phase === 'backoff'), { what: 'backoff after an empty close' });
  await w.stop();
});
