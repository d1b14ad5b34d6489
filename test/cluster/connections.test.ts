// How many connections the extension holds to an apiserver: with HTTP/2 (kube-apiserver speaks
// it), every watch of a cluster rides a few shared connections instead of one socket each. The
// count is taken at a loopback proxy in front of the real apiserver, so nothing is inferred.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClusterManager } from '../../src/kube/clusters/clusterManager';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import { createTransport } from '../../src/kube/transport/createTransport';
import type { HttpTransport } from '../../src/kube/transport/httpTransport';
import { waitFor } from '../support/waitFor';
import { startSilentProxy } from './harness/silentProxy';
import { uniqueName, useCluster } from './harness/use-cluster';
import { createNamespace, deleteNamespace } from './harness/workloads';

const ns = uniqueName('t-conns');
const cluster = useCluster({
  setup: (c) => createNamespace(c.api, ns),
  teardown: (c) => deleteNamespace(c.api, ns),
});

test('30 watches of a cluster share at most two HTTP/2 connections, still deliver, and writes are not held back', async () => {
  const c = cluster();
  const proxy = await startSilentProxy(c.ports.apiserver);
  const merged = await loadKubeconfigs([c.kubeconfig]);
  const entry = [...merged.clusters.values()][0]!;
  merged.clusters.set(entry.name, { ...entry, server: `https://127.0.0.1:${proxy.port}` });
  const clusters = new ClusterManager((m, ctx) => createTransport(m, ctx), { lingerMs: 0, batchMs: 10 });
  try {
    await clusters.setKubeconfig(merged);
    const ctx = merged.contexts[0]!.name;
    const session = clusters.session(ctx)!;
    const st = await session.connect();
    assert.equal(st.phase, 'ready');
    const registry = st.phase === 'ready' ? st.registry : undefined;
    assert.equal((session.transport as HttpTransport).protocol, 'h2', 'kube-apiserver negotiated HTTP/2');
    const kinds = ['pods', 'configmaps', 'services', 'secrets', 'serviceaccounts', 'deployments.apps'].map((r) => registry!.get(r)!);
    const leases = kinds.flatMap((k) => Array.from({ length: 5 }, (_, i) => clusters.hub.acquire(ctx, k, i === 0 ? ns : `${ns}-${i}`)));
    await Promise.all(leases.map((l) => l.watch.whenSynced()));
    await waitFor(() => leases.every((l) => l.watch.status.phase === 'watching'), { what: '30 watches open' });
    // A write while every session has watches in flight (undici holds non-idempotent requests
    // back from a busy h2 session: writes must take their own HTTP/1.1 connection).
    const name = uniqueName('cm');
    const t = Date.now();
    await session.transport.request({ method: 'POST', path: `/api/v1/namespaces/${ns}/configmaps`, body: { metadata: { name } }, timeoutMs: 10_000 });
    await session.transport.request({ method: 'DELETE', path: `/api/v1/namespaces/${ns}/configmaps/${uniqueName('absent')}`, timeoutMs: 10_000 }).catch((e: unknown) => assert.equal((e as { status?: number }).status, 404));
    console.log(`# a POST and a DELETE beside 30 open watches: ${Date.now() - t} ms`);
    const cmWatch = leases[5]!.watch;
    await waitFor(() => cmWatch.store.get(`${ns}/${name}`), { what: 'an event delivered over the shared connection' });
    console.log(`# 30 watches (6 kinds × 5 namespaces): ${proxy.open} connections open to the apiserver, ${proxy.accepted} made in all`);
    // Two h2 sessions at most, plus the HTTP/1.1 socket the writes used (kept alive a minute).
    assert.ok(proxy.open <= 3, `at most 3 connections open (saw ${proxy.open})`);
    for (const l of leases) l.release();
  } finally {
    await clusters.dispose();
    await proxy.close();
  }
});
