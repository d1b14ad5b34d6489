// "What can I do here?" asks SelfSubjectRulesReview once per (context, namespace): concurrent and
// later callers share the answer until it expires, and a context reset (new credentials) drops
// it — the same invalidation as the access reviews — including an answer still in flight.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessForClusters } from '../../src/kube/access/accessReviewer';
import type { KubeRequest, KubeTransport } from '../../src/kube/transport/types';
import { Emitter } from '../../src/kube/util/emitter';
import { requestTransport } from './fakes/requestTransport';

/** Answers rules reviews with the verbs `verbs.v` grants on pods; counts them; a review can be held back. */
function fakeTransport(verbs: { v: string[] }): KubeTransport & { asked: string[]; hold?: Promise<void> } {
  const t: KubeTransport & { asked: string[]; hold?: Promise<void> } = Object.assign(
    requestTransport(async <T>(req: KubeRequest): Promise<T> => {
      assert.ok(req.path.endsWith('/selfsubjectrulesreviews'), req.path);
      const ns = (req.body as { spec: { namespace: string } }).spec.namespace;
      t.asked.push(ns);
      const granted = [...verbs.v];
      await t.hold;
      return { status: { resourceRules: [{ verbs: granted, apiGroups: [''], resources: ['pods'] }] } } as T;
    }),
    { asked: [] as string[] },
  );
  return t;
}

const verbsOf = (a: { status: { resourceRules?: { verbs?: string[] }[] } }) => a.status.resourceRules?.[0]?.verbs;

test('one SelfSubjectRulesReview per (context, namespace), shared and cached until it expires', async () => {
  let now = 1_000;
  const t = fakeTransport({ v: ['get'] });
  const r = accessForClusters({ session: () => ({ transport: t, context: { user: 'dev' } }), onDidResetContext: new Emitter<string>().event }, { ttlMs: 60_000, now: () => now });
  const [a, b] = await Promise.all([r.rules.get('ctx', 'team-a'), r.rules.get('ctx', 'team-a')]);
  assert.equal(a, b, 'concurrent callers share one review');
  assert.equal(a.at, 1_000);
  await r.rules.get('ctx', 'team-a');
  assert.deepEqual(t.asked, ['team-a'], 'the second command run is answered from the cache');
  await r.rules.get('ctx', 'team-b');
  await r.rules.get('other', 'team-a');
  assert.deepEqual(t.asked, ['team-a', 'team-b', 'team-a'], 'namespace and context are part of the key');
  now += 60_001;
  await r.rules.get('ctx', 'team-a');
  assert.equal(t.asked.length, 4, 'asked again once expired');
  await r.rules.get('ctx', 'team-a', { fresh: true });
  assert.equal(t.asked.length, 5, 'fresh asks whatever the cache holds');
  r.dispose();
});

test('a context reset (credentials changed) drops its rules, and an answer in flight for the old identity is not kept', async () => {
  const verbs = { v: ['get'] };
  const t = fakeTransport(verbs);
  const reset = new Emitter<string>();
  const r = accessForClusters({ session: () => ({ transport: t, context: { user: 'dev' } }), onDidResetContext: reset.event });
  assert.deepEqual(verbsOf(await r.rules.get('ctx', 'team-a')), ['get']);
  await r.rules.get('other', 'team-a');
  verbs.v = ['get', 'delete'];
  assert.deepEqual(verbsOf(await r.rules.get('ctx', 'team-a')), ['get'], 'cached');
  reset.fire('ctx');
  assert.deepEqual(verbsOf(await r.rules.get('ctx', 'team-a')), ['get', 'delete'], 'the new identity is asked');
  await r.rules.get('other', 'team-a');
  assert.equal(t.asked.length, 3, 'another context keeps its answer');

  // A review goes out with the old credentials, the context is reset before it answers.
  verbs.v = ['list'];
  let release = (): void => undefined;
  t.hold = new Promise((res) => {
    release = res;
  });
  const stale = r.rules.get('ctx', 'team-b', { fresh: true });
  verbs.v = ['watch'];
  reset.fire('ctx');
  release();
  assert.deepEqual(verbsOf(await stale), ['list'], 'the caller that asked still gets its answer');
  t.hold = undefined;
  assert.deepEqual(verbsOf(await r.rules.get('ctx', 'team-b')), ['watch'], 'but it was not cached for the new identity');
  r.dispose();
});

test('a failed review is not cached', async () => {
  let fail = true;
  const t = fakeTransport({ v: ['get'] });
  const request = t.request.bind(t);
  t.request = async <T>(req: KubeRequest): Promise<T> => {
    if (fail) throw new Error('connection refused');
    return request<T>(req);
  };
  const r = accessForClusters({ session: () => ({ transport: t, context: { user: 'dev' } }), onDidResetContext: new Emitter<string>().event });
  await assert.rejects(r.rules.get('ctx', 'team-a'), /connection refused/);
  fail = false;
  assert.deepEqual(verbsOf(await r.rules.get('ctx', 'team-a')), ['get']);
  r.dispose();
});
