import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CoreV1Api } from '@kubernetes/client-node';
import { toClientNodeConfig } from '../../src/kube/config/toClientNodeConfig';
import { createTransport } from '../../src/kube/transport/createTransport';
import { b64, json, kubeconfig, makePki, type Pki, startServer, type TestServer } from './transport-support';

// The reason the transport exists: client-node opens connections per call, we keep one.
describe('connection reuse versus client-node', { timeout: 60_000 }, () => {
  let pki: Pki;
  let server: TestServer;
  before(async () => {
    pki = await makePki();
    server = await startServer(pki, (_req, res) => json(res, 200, { kind: 'NamespaceList', apiVersion: 'v1', metadata: {}, items: [] }));
  });
  after(async () => {
    await server.close();
    pki.cleanup();
  });

  it('50 sequential calls: one TLS connection for ours, reported for client-node', async (t) => {
    const merged = kubeconfig({ server: server.url, certificateAuthorityData: b64(pki.caCert) }, { token: 't' });

    const ours = createTransport(merged, 'test');
    const before = server.connections;
    for (let i = 0; i < 50; i++) await ours.request({ path: '/api/v1/namespaces' });
    const oursCount = server.connections - before;
    await ours.close();

    const api = toClientNodeConfig(merged, 'test').makeApiClient(CoreV1Api);
    const beforeCn = server.connections;
    for (let i = 0; i < 50; i++) await api.listNamespace();
    const clientNodeCount = server.connections - beforeCn;

    t.diagnostic(`TLS connections for 50 calls: kube-atlas transport ${oursCount}, client-node CoreV1Api ${clientNodeCount}`);
    assert.equal(oursCount, 1);
    assert.ok(clientNodeCount >= oursCount);
  });
});
