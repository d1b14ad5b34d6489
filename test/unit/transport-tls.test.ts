import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { createTransport } from '../../src/kube/transport/createTransport';
import { KubeApiError } from '../../src/kube/transport/types';
import { b64, json, kubeconfig, makePki, type Pki, peerName, startServer, type TestServer } from './transport-support';

describe('transport TLS', { timeout: 60_000 }, () => {
  let pki: Pki;
  let server: TestServer;
  let named: TestServer;
  before(async () => {
    pki = await makePki();
    const handler = (req: Parameters<Parameters<typeof startServer>[1]>[0], res: Parameters<Parameters<typeof startServer>[1]>[1]) => {
      const who = peerName(req);
      if (req.url === '/whoami' && !who) return json(res, 401, { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
      json(res, 200, { gitVersion: 'v1.34.0', user: who ?? null });
    };
    server = await startServer(pki, handler);
    named = await startServer(pki, handler, { named: true });
  });
  after(async () => {
    await server.close();
    await named.close();
    pki.cleanup();
  });

  it('verifies the server against certificate-authority-data', async () => {
    const t = createTransport(kubeconfig({ server: server.url, certificateAuthorityData: b64(pki.caCert) }), 'test');
    assert.deepEqual(await t.request({ path: '/version' }), { gitVersion: 'v1.34.0', user: null });
    await t.close();
  });

  it('verifies the server against a certificate-authority file', async () => {
    const t = createTransport(kubeconfig({ server: server.url, certificateAuthority: pki.file('ca.crt') }), 'test');
    assert.equal((await t.request<{ gitVersion: string }>({ path: '/version' })).gitVersion, 'v1.34.0');
    await t.close();
  });

  it('fails with a network error and a CA hint when the CA does not match', async () => {
    const t = createTransport(kubeconfig({ server: server.url, certificateAuthorityData: b64(pki.otherCaCert) }), 'test');
    const err = await t.request({ path: '/version' }).then(
      () => assert.fail('must not connect'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KubeApiError);
    assert.equal(err.kind, 'network');
    assert.match(err.message, /not trusted/);
    assert.match(err.hint ?? '', /not trusted by the kubeconfig's CA/);
    assert.match(err.hint ?? '', /cluster "c" in \/test\/kubeconfig/);
    await t.close();
  });

  it('rejects a certificate for another name, and accepts it with tls-server-name', async () => {
    const wrong = createTransport(kubeconfig({ server: named.url, certificateAuthorityData: b64(pki.caCert) }), 'test');
    const err = (await wrong.request({ path: '/version' }).catch((e: unknown) => e)) as KubeApiError;
    assert.equal(err.kind, 'network');
    assert.match(err.hint ?? '', /tls-server-name/);
    await wrong.close();

    const right = createTransport(
      kubeconfig({ server: named.url, certificateAuthorityData: b64(pki.caCert), tlsServerName: 'kube.test' }),
      'test',
    );
    assert.equal((await right.request<{ gitVersion: string }>({ path: '/version' })).gitVersion, 'v1.34.0');
    await right.close();
  });

  it('skips verification with insecure-skip-tls-verify', async () => {
    const t = createTransport(kubeconfig({ server: server.url, insecureSkipTlsVerify: true, certificateAuthorityData: b64(pki.otherCaCert) }), 'test');
    assert.equal((await t.request<{ gitVersion: string }>({ path: '/version' })).gitVersion, 'v1.34.0');
    await t.close();
  });

  it('authenticates with a client certificate from data or from files', async () => {
    const fromData = createTransport(
      kubeconfig(
        { server: server.url, certificateAuthorityData: b64(pki.caCert) },
        { clientCertificateData: b64(pki.clientCert), clientKeyData: b64(pki.clientKey) },
      ),
      'test',
    );
    assert.equal((await fromData.request<{ user: string }>({ path: '/whoami' })).user, 'alice');
    await fromData.close();

    const fromFiles = createTransport(
      kubeconfig(
        { server: server.url, certificateAuthority: pki.file('ca.crt') },
        { clientCertificate: pki.file('client.crt'), clientKey: pki.file('client.key') },
      ),
      'test',
    );
    assert.equal((await fromFiles.request<{ user: string }>({ path: '/whoami' })).user, 'alice');
    await fromFiles.close();
  });

  it('says which certificate file is missing, for which context and file', async () => {
    const t = createTransport(
      kubeconfig(
        { server: server.url, certificateAuthority: pki.file('ca.crt') },
        { clientCertificate: pki.file('gone.crt'), clientKey: pki.file('client.key') },
      ),
      'test',
    );
    const err = (await t.request({ path: '/whoami' }).catch((e: unknown) => e)) as KubeApiError;
    assert.equal(err.kind, 'credentials');
    assert.equal(err.message, `client certificate file ${pki.file('gone.crt')} not found (from context test in file /test/kubeconfig)`);
    assert.match(err.hint ?? '', /line 9/);
    // Restoring the file fixes the transport without recreating it.
    writeFileSync(pki.file('gone.crt'), pki.clientCert);
    assert.equal((await t.request<{ user: string }>({ path: '/whoami' })).user, 'alice');
    await t.close();
  });

  it('reuses one TLS connection for sequential requests', async () => {
    const t = createTransport(kubeconfig({ server: server.url, certificateAuthorityData: b64(pki.caCert) }), 'test');
    const before = server.connections;
    for (let i = 0; i < 20; i++) await t.request({ path: '/version' });
    assert.equal(server.connections - before, 1);
    for (let i = 0; i < 30; i++) await t.request({ path: '/version' });
    assert.equal(server.connections - before, 1, '50 requests, one connection');
    await t.close();
    await server.socketsDropTo(0);
  });
});
