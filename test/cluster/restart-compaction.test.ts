// Watch expiry on demand: restartApiserver() cuts open watches and its fresh watch cache answers
// a stale resourceVersion with 410 Gone; compactEtcd() does the same for etcd-served resources.
// These are the levers for testing a client's relist-after-410 path against a real apiserver.
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { test } from 'node:test';
import { waitFor } from './cluster.harness';
import { uniqueName, useCluster } from './harness/use-cluster';
import { createNamespace, deleteNamespace } from './harness/workloads';

const ns = uniqueName('t-expiry');
const cluster = useCluster({
  setup: (c) => createNamespace(c.api, ns),
  teardown: (c) => deleteNamespace(c.api, ns),
});

async function createConfigMap(name: string): Promise<string> {
  const cm = await cluster().api.ok<{ metadata: { resourceVersion: string } }>('POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name }, data: { k: name } });
  return cm.metadata.resourceVersion;
}

function podTemplate(name: string): object {
  return { metadata: { name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'registry.invalid/x:1' }] } } };
}

test('compactEtcd: a watch of an etcd-served resource from an older resourceVersion gets 410 Gone', async () => {
  const api = cluster().api;
  assert.ok(cluster().state.uncachedResources.includes('podtemplates'), 'podtemplates must be served without the watch cache');
  const created = await api.ok<{ metadata: { resourceVersion: string } }>('POST', `/api/v1/namespaces/${ns}/podtemplates`, podTemplate('before'));
  const oldRv = created.metadata.resourceVersion;
  await api.ok('POST', `/api/v1/namespaces/${ns}/podtemplates`, podTemplate('after'));

  // Before compaction the old version still replays history.
  const replay = await api.firstWatchEvent(`/api/v1/namespaces/${ns}/podtemplates?watch=1&resourceVersion=${oldRv}`);
  assert.equal(replay.event?.type, 'ADDED');

  const { revision } = await cluster().compactEtcd();
  assert.ok(revision > Number(oldRv));
  const expired = await api.firstWatchEvent(`/api/v1/namespaces/${ns}/podtemplates?watch=1&resourceVersion=${oldRv}`);
  assert.equal(expired.event?.type, 'ERROR', JSON.stringify(expired));
  assert.equal(expired.event?.object.code, 410);
  assert.equal(expired.event?.object.reason, 'Expired');

  // A fresh list gives a version that watches fine again: the relist path recovers.
  const list = await api.ok<{ metadata: { resourceVersion: string } }>('GET', `/api/v1/namespaces/${ns}/podtemplates`);
  await api.ok('POST', `/api/v1/namespaces/${ns}/podtemplates`, podTemplate('later'));
  const resumed = await api.firstWatchEvent(`/api/v1/namespaces/${ns}/podtemplates?watch=1&resourceVersion=${list.metadata.resourceVersion}`);
  assert.equal(resumed.event?.type, 'ADDED');
});

test('restartApiserver cuts open watches, comes back ready, and a stale resourceVersion then gets 410 Gone', async () => {
  const c = cluster();
  const oldRv = await createConfigMap('before-restart');
  const oldPid = c.state.processes['kube-apiserver']?.pid;

  // An open watch (its own connection) must end when the apiserver goes away.
  const watchEnded = new Promise<string>((resolve) => {
    const req = request(
      { host: '127.0.0.1', port: c.ports.apiserver, path: `/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${oldRv}`, agent: false, ...c.api.agent.options },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve('end'));
        res.on('error', () => resolve('error'));
        res.on('close', () => resolve('close'));
      },
    );
    req.on('error', () => resolve('error'));
    req.end();
  });

  await c.restartApiserver();
  assert.notEqual(c.state.processes['kube-apiserver']?.pid, oldPid);
  assert.ok(['end', 'error', 'close'].includes(await watchEnded));
  assert.equal((await c.api.request('GET', '/readyz')).status, 200);

  // The restarted apiserver's watch cache starts at the current revision: older ones are gone.
  const expired = await waitFor(
    async () => {
      const res = await c.api.firstWatchEvent(`/api/v1/namespaces/${ns}/configmaps?watch=1&resourceVersion=${oldRv}`);
      // 429 while the watch cache initialises; retried like a reflector would.
      return res.status === 200 ? res : undefined;
    },
    { timeoutMs: 30_000, what: 'a watch on the restarted apiserver to be accepted' },
  );
  assert.equal(expired.event?.type, 'ERROR', JSON.stringify(expired));
  assert.equal(expired.event?.object.code, 410);

  // The rest of the control plane reconnects: the new apiserver writes and controllers act.
  await createConfigMap('after-restart');
  const attached = (await import('./cluster.harness')).attachCluster(c.dir);
  assert.equal(attached.state.processes['kube-apiserver']?.pid, c.state.processes['kube-apiserver']?.pid, 'state.json records the new pid');
  await waitFor(
    async () => {
      const sa = await c.api.request('GET', `/api/v1/namespaces/${ns}/serviceaccounts/default`);
      return sa.status === 200;
    },
    { timeoutMs: 30_000, what: 'the controller-manager to still serve the namespace' },
  );
});

test('forceWatchExpiry: every kind, cached or not, answers a pre-call resourceVersion with 410', async () => {
  const c = cluster();
  const list = await c.api.ok<{ metadata: { resourceVersion: string } }>('GET', `/api/v1/namespaces/${ns}/configmaps`);
  const rv = list.metadata.resourceVersion;
  await c.forceWatchExpiry();
  for (const resource of ['configmaps', 'podtemplates', 'pods']) {
    const res = await waitFor(
      async () => {
        const r = await c.api.firstWatchEvent(`/api/v1/namespaces/${ns}/${resource}?watch=1&resourceVersion=${rv}`);
        return r.status === 200 ? r : undefined;
      },
      { timeoutMs: 30_000, what: `a ${resource} watch to be accepted` },
    );
    assert.equal(res.event?.object.code, 410, `${resource}: ${JSON.stringify(res)}`);
  }
});
