// How the reflector recovers from what real networks and servers do: a stop while others still
// read, a silent dead connection, watch ERROR events, repeated 410s, and a continue token that
// expires mid-list. Each test fails against the reflector as it was before these fixes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { objectKey } from '../../src/kube/kinds/types';
import { KubeApiError } from '../../src/kube/transport/types';
import type { WatchStatus } from '../../src/kube/watch/reflector';
import { SharedWatch } from '../../src/kube/watch/sharedWatch';
import { waitFor } from '../support/waitFor';
import { FakeApiServer } from './fakes/fakeApiServer';

const fastBackoff = { initialMs: 20, maxMs: 400, factor: 2, jitter: 0, resetAfterMs: 60_000 };

function names(w: SharedWatch): string[] {
  return [...w.store.list()].map((o) => objectKey(o)).sort();
}
function serverNames(s: FakeApiServer): string[] {
  return [...s.objects.keys()].sort();
}
function statuses(w: SharedWatch): WatchStatus[] {
  const out: WatchStatus[] = [];
  w.onStatus((s) => out.push(s));
  return out;
}
const gone = (): KubeApiError => new KubeApiError('too old resource version', { kind: 'http', status: 410, reason: 'Expired' });

test('a stopped watch reads stopped and unsynced at once, before its loop has unwound', async () => {
  const s = new FakeApiServer();
  s.create('a');
  const w = new SharedWatch(s.lw(), { backoff: fastBackoff });
  w.start();
  await w.whenSynced();
  const stopping = w.stop();
  assert.equal(w.status.phase, 'stopped', 'the status changes in the same turn as stop()');
  assert.equal(w.status.synced, false, 'a stopped store is frozen: it must never look healthy');
  await stopping;
  assert.equal(w.status.synced, false);
});

test('a watch silent past the idle deadline is restarted from its last resourceVersion, without a relist', async () => {
  const s = new FakeApiServer();
  s.create('a');
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff, idleTimeoutMs: 150, minHealthyWatchMs: 0 });
  const st = statuses(w);
  w.start();
  await w.whenSynced();
  await waitFor(() => s.open.size === 1, { what: 'watch open' });
  const rv = w.resourceVersion;
  s.silenceOpen();
  s.create('made-while-silent');
  await waitFor(() => w.store.get('default/made-while-silent'), { what: 'the object reaches the cache through a restarted watch', timeoutMs: 5_000 });
  assert.equal(s.listCalls, 1, 'no relist: the watch resumed');
  assert.equal(s.watchCalls[1]?.resourceVersion, rv, 'resumed from the last resourceVersion it had');
  assert.ok(st.some((x) => x.phase === 'backoff' && /silent/.test(String(x.error))), 'the silence is reported while recovering');
  await w.stop();
});

test('events and bookmarks keep a watch alive past the idle deadline', async () => {
  const s = new FakeApiServer();
  s.create('a');
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff, idleTimeoutMs: 200, minHealthyWatchMs: 0 });
  w.start();
  await w.whenSynced();
  await waitFor(() => s.open.size === 1, { what: 'watch open' });
  const t = Date.now();
  // Bookmarks every 50 ms for 600 ms: three idle deadlines pass, yet the one watch stays.
  await waitFor(
    () => {
      s.bookmark();
      return Date.now() - t > 600;
    },
    { what: 'bookmarks for 600 ms', intervalMs: 50 },
  );
  assert.equal(s.watchCalls.length, 1, 'a watch that hears bookmarks is never restarted');
  await w.stop();
});

test('watch ERROR events resume from the same version, honour retryAfterSeconds, and relist after three in a row', async () => {
  const s = new FakeApiServer();
  s.create('a');
  s.watchErrors.push(
    { metadata: {}, code: 429, reason: 'TooManyRequests', message: 'slow down', details: { retryAfterSeconds: 0.3 } },
    { metadata: {}, code: 500, reason: 'InternalError', message: 'etcd hiccup' },
    { metadata: {}, code: 500, reason: 'InternalError', message: 'etcd hiccup' },
  );
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff });
  const st = statuses(w);
  w.start();
  await w.whenSynced();
  await waitFor(() => s.listCalls === 2 && s.open.size === 1, { what: 'a relist after the third ERROR, then a watch', timeoutMs: 5_000 });
  const waits = st.filter((x) => x.phase === 'backoff');
  assert.ok((waits[0]?.retryInMs ?? 0) >= 300, `retryAfterSeconds 0.3 honoured (waited ${waits[0]?.retryInMs} ms)`);
  assert.match(String(waits[0]?.error), /slow down/);
  assert.equal(s.watchCalls[1]?.resourceVersion, s.watchCalls[0]?.resourceVersion, 'the first ERRORs resume from the same version');
  assert.deepEqual(s.listOpts[1], { limit: 500, continueToken: undefined, resourceVersion: s.watchCalls[0]?.resourceVersion, resourceVersionMatch: 'NotOlderThan' }, 'the relist asks for not-older-than, which the apiserver serves from its watch cache');
  s.create('later');
  await waitFor(() => names(w).join() === serverNames(s).join(), { what: 'live again' });
  await w.stop();
});

test('repeated 410s back off instead of relisting in a hot loop', async () => {
  const s = new FakeApiServer();
  s.create('a');
  // Every list is followed at once by a write and a compaction: each new watch gets 410 Gone.
  let n = 0;
  s.afterList = () => {
    if (n++ < 4) {
      s.create(`churn-${n}`);
      s.compact();
    }
  };
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff });
  const st = statuses(w);
  w.start();
  await waitFor(() => n > 4 && s.open.size === 1, { what: 'the churn ends and a watch holds', timeoutMs: 10_000 });
  const goneWaits = st.filter((x) => x.phase === 'backoff').map((x) => x.retryInMs);
  assert.deepEqual(goneWaits, [20, 40, 80], 'the first 410 relists at once, each further one in a row waits twice as long');
  assert.equal(s.listCalls, 5);
  await waitFor(() => names(w).join() === serverNames(s).join(), { what: 'the cache equals the server' });
  await w.stop();
});

test('a relist whose version is gone falls back to a consistent read straight away', async () => {
  const s = new FakeApiServer();
  s.create('a');
  const w = new SharedWatch(s.lw(), { batchMs: 5, backoff: fastBackoff, minHealthyWatchMs: 0 });
  w.start();
  await w.whenSynced();
  await waitFor(() => s.open.size === 1, { what: 'watch open' });
  s.failNotOlderThan.push(gone());
  s.watchErrors.push({ metadata: {}, code: 410, reason: 'Expired', message: 'too old' });
  s.closeAll();
  s.create('b');
  await waitFor(() => s.listCalls === 3 && w.store.get('default/b'), { what: 'relisted', timeoutMs: 5_000 });
  assert.equal(s.listOpts[1]?.resourceVersionMatch, 'NotOlderThan');
  assert.equal(s.listOpts[2]?.resourceVersion, '', 'after the server said the version is gone, the latest state is listed');
  assert.equal(s.listOpts[2]?.resourceVersionMatch, undefined);
  await w.stop();
});

test('a continue token that expires mid-list restarts the list cleanly, then lists in one piece', async () => {
  const s = new FakeApiServer();
  for (let i = 0; i < 9; i++) s.create(`p${i}`);
  s.failContinue.push(gone(), gone());
  const w = new SharedWatch(s.lw(), { batchMs: 5, pageSize: 4, backoff: fastBackoff });
  const st = statuses(w);
  w.start();
  await w.whenSynced();
  assert.deepEqual(names(w), serverNames(s), 'no duplicates and nothing missing after two restarts');
  assert.deepEqual(
    s.listOpts.map((o) => [o.limit, o.continueToken ?? '']),
    [
      [4, ''],
      [4, '4'],
      [4, ''],
      [4, '4'],
      [undefined, ''],
    ],
    'restarted paged, then unpaged',
  );
  assert.ok(!st.some((x) => x.phase === 'backoff'), 'an expired continue token is not a failure to back off from');
  await w.stop();
});
