// KindListings keeps a kind's rows in order and its attention count current from change sets, so
// a render never sorts or summarises the whole store. Proven against a recount after every batch.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/kube/kinds/types';
import { compareNames, KindListings } from '../../src/kube/tree/kindListings';
import { SharedWatch } from '../../src/kube/watch/sharedWatch';
import { waitFor } from '../support/waitFor';
import { FakeApiServer } from './fakes/fakeApiServer';

const failing = (o: KubeObject): KubeObject => ({ ...o, status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } }] } });
const healthy = (o: KubeObject): KubeObject => ({ ...o, status: { phase: 'Running', containerStatuses: [{ name: 'c', ready: true, restartCount: 0, state: { running: {} } }] } });

test('rows stay sorted and the attention count stays right through adds, deletes, updates and a relist', async () => {
  const s = new FakeApiServer();
  const names = ['web-7', 'api-1', 'web-10', 'db-0', 'web-2'];
  for (const n of names) s.create(n, 'shop', healthy({ metadata: {} } as KubeObject));
  s.create('elsewhere', 'other');
  const w = new SharedWatch(s.lw(), { batchMs: 5 });
  const listings = new KindListings();
  w.onChange((cs) => listings.apply(w, cs, 'Pod'));
  w.start();
  await w.whenSynced();
  const rows = () => listings.objects(w, 'shop', false).map((o) => o.metadata.name);
  const expected = () => [...s.objects.values()].filter((o) => o.metadata.namespace === 'shop').map((o) => o.metadata.name ?? '').sort(compareNames);
  assert.deepEqual(rows(), expected());
  assert.equal(listings.attention(w, 'shop', false, 'Pod'), 0);
  assert.equal(listings.count(w, 'other', false), 1, 'another namespace of the same watch has its own listing');

  s.create('aaa-first', 'shop', healthy({ metadata: {} } as KubeObject));
  s.create('zzz-broken', 'shop', failing({ metadata: {} } as KubeObject));
  s.remove('db-0', 'shop');
  s.update('web-10', 'shop', failing);
  await waitFor(() => rows().join() === expected().join(), { what: 'rows follow the batch' });
  assert.deepEqual(rows(), expected());
  assert.equal(listings.attention(w, 'shop', false, 'Pod'), 2, 'one added failing, one turned failing');
  assert.deepEqual(listings.slice(w, 'shop', false, 1, 3).map((o) => o.metadata.name), expected().slice(1, 3));
  assert.equal(listings.nameAt(w, 'shop', false, 0), 'aaa-first');

  s.update('web-10', 'shop', healthy);
  await waitFor(() => listings.attention(w, 'shop', false, 'Pod') === 1, { what: 'a recovered pod leaves the count' });

  // A relist (410) replaces everything: the listing is rebuilt from the store.
  s.closeAll();
  s.compact();
  s.create('after-relist', 'shop');
  await waitFor(() => rows().includes('after-relist'), { what: 'relisted rows', timeoutMs: 5_000 });
  assert.deepEqual(rows(), expected());
  await w.stop();
});
