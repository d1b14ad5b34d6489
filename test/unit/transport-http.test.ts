import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ExecCredentialCache } from '../../src/kube/config/execCredential';
import { createTransport } from '../../src/kube/transport/createTransport';
import { KubeApiError, type KubeTransport } from '../../src/kube/transport/types';
import { b64, json, kubeconfig, makePki, type Pki, peerName, startServer, status, type TestServer } from './transport-support';
import { waitFor } from '../support/waitFor';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe('transport requests', { timeout: 60_000 }, () => {
  let pki: Pki;
  let server: TestServer;
  let dir: string;
  const seen: Seen[] = [];
  const held: ServerResponse[] = [];
  before(async () => {
    pki = await makePki();
    dir = mkdtempSync(path.join(tmpdir(), 'kube-atlas-http-'));
    server = await startServer(pki, (req, res, body) => {
      seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      route(req, res);
    });
  });
  after(async () => {
    for (const r of held) r.destroy();
    await server.close();
    pki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url!;
    if (url === '/slow') {
      held.push(res);
      return;
    }
    if (url === '/html' || url === '/healthz') {
      res.writeHead(url === '/html' ? 502 : 200, { 'content-type': url === '/html' ? 'text/html' : 'text/plain' });
      res.end(url === '/html' ? '<html><body>Bad Gateway from the corporate proxy</body></html>' : 'ok');
      return;
    }
    const [code, body, headers] = answer(req);
    json(res, code, body, headers);
  }

  function answer(req: IncomingMessage): [number, unknown, Record<string, string>?] {
    const url = req.url!;
    if (url.startsWith('/echo')) return [200, { ok: true }];
    if (url === '/warn') return [201, { created: true }, { warning: '299 - "unknown field \\"spec.foo\\", ignored", 299 - "batch/v1beta1 CronJob is deprecated"' }];
    if (url.startsWith('/apis/apps/v1/namespaces/default/deployments/applied')) {
      return [
        409,
        {
          ...status(409, 'Conflict', 'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas'),
          details: { name: 'applied', group: 'apps', kind: 'deployments', causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }] },
        },
      ];
    }
    if (url.startsWith('/prefix/api')) return [200, { prefixed: true }];
    if (url === '/api/v1/namespaces/team-a/pods') {
      return [403, status(403, 'Forbidden', 'pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "team-a"')];
    }
    if (url === '/api/v1/namespaces/default/pods/web-0') return [404, status(404, 'NotFound', 'pods "web-0" not found')];
    if (url.startsWith('/apis/apps/v1/namespaces/default/deployments/web')) {
      return [409, status(409, 'Conflict', 'Operation cannot be fulfilled on deployments.apps "web": the object has been modified')];
    }
    if (url.startsWith('/api/v1/pods?watch')) return [410, status(410, 'Expired', 'too old resource version: 1 (42)')];
    if (url === '/api/v1/nodes') return [429, status(429, 'TooManyRequests', 'storage is (re)initializing'), { 'retry-after': '7' }];
    if (url === '/api/v1/services') return [503, status(503, 'ServiceUnavailable', 'etcd is unavailable')];
    if (url === '/secure') {
      const auth = req.headers.authorization;
      if (auth === 'Bearer good' || peerName(req) === 'alice') return [200, { auth: auth ?? `cert:${peerName(req)}` }];
      return [401, status(401, 'Unauthorized', 'Unauthorized')];
    }
    return [404, status(404, 'NotFound', 'the server could not find the requested resource')];
  }

  const transport = (user: Parameters<typeof kubeconfig>[1] = {}, extra: Parameters<typeof createTransport>[2] = {}): KubeTransport =>
    createTransport(kubeconfig({ server: server.url, certificateAuthorityData: b64(pki.caCert) }, user), 'test', extra);
  const failure = async (p: Promise<unknown>): Promise<KubeApiError> => {
    const e = await p.then(
      () => assert.fail('expected a failure'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof KubeApiError, String(e));
    return e;
  };

  it('sends the bearer token, impersonation headers, query and JSON body', async () => {
    const t = transport({ token: 'tok-123', impersonate: 'jane', impersonateGroups: ['devs', 'ops'], impersonateExtra: { scopes: ['view'] } });
    await t.request({
      method: 'POST',
      path: '/echo',
      query: { dryRun: 'All', fieldManager: 'kube-atlas', skip: undefined, force: true },
      body: { kind: 'ConfigMap', data: { a: 'ü' } },
    });
    const s = seen.at(-1)!;
    assert.equal(s.method, 'POST');
    assert.equal(s.url, '/echo?dryRun=All&fieldManager=kube-atlas&force=true');
    assert.equal(s.headers.authorization, 'Bearer tok-123');
    assert.equal(s.headers['impersonate-user'], 'jane');
    assert.equal(s.headers['impersonate-group'], 'devs, ops');
    assert.equal(s.headers['impersonate-extra-scopes'], 'view');
    assert.equal(s.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(s.body), { kind: 'ConfigMap', data: { a: 'ü' } });
    await t.request({ method: 'PATCH', path: '/echo', body: '{"spec":{}}', contentType: 'application/merge-patch+json' });
    assert.equal(seen.at(-1)!.headers['content-type'], 'application/merge-patch+json');
    assert.equal(seen.at(-1)!.body, '{"spec":{}}');
    await t.close();
  });

  it('sends basic auth', async () => {
    const t = transport({ username: 'admin', password: 'p:w' });
    await t.request({ path: '/echo' });
    assert.equal(seen.at(-1)!.headers.authorization, `Basic ${b64('admin:p:w')}`);
    await t.close();
  });

  it('re-reads a token file when it changes', async () => {
    const file = path.join(dir, 'token');
    writeFileSync(file, 'first\n');
    const t = transport({ tokenFile: file });
    await t.request({ path: '/echo' });
    assert.equal(seen.at(-1)!.headers.authorization, 'Bearer first');
    writeFileSync(file, 'second-rotated');
    await t.request({ path: '/echo' });
    assert.equal(seen.at(-1)!.headers.authorization, 'Bearer second-rotated');
    await t.close();
  });

  it('delegates legacy auth-provider users to client-node', async () => {
    const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
    const idToken = `${part({ alg: 'none' })}.${part({ sub: 'ann', exp: 4102444800 })}.sig`;
    const config = { 'id-token': idToken, 'client-id': 'kube', 'idp-issuer-url': 'https://idp.invalid' };
    const t = transport({ authProvider: { name: 'oidc', config } });
    await t.request({ path: '/echo' });
    assert.equal(seen.at(-1)!.headers.authorization, `Bearer ${idToken}`);
    assert.deepEqual(Object.keys(config), ['id-token', 'client-id', 'idp-issuer-url'], 'the merged entry is not modified');
    await t.close();
  });

  it('honours a path prefix in the server URL', async () => {
    const t = createTransport(kubeconfig({ server: `${server.url}/prefix/`, certificateAuthorityData: b64(pki.caCert) }), 'test');
    assert.deepEqual(await t.request({ path: '/api/v1/namespaces' }), { prefixed: true });
    await t.close();
  });

  it('returns text for non-JSON answers', async () => {
    const t = transport();
    assert.equal(await t.request({ path: '/healthz' }), 'ok');
    await t.close();
  });

  it('turns a 403 Status into reason Forbidden with an RBAC hint', async () => {
    const t = transport();
    const e = await failure(t.request({ path: '/api/v1/namespaces/team-a/pods' }));
    assert.equal(e.kind, 'http');
    assert.equal(e.status, 403);
    assert.equal(e.reason, 'Forbidden');
    assert.match(e.message, /cannot list resource "pods"/);
    assert.match(e.hint!, /^RBAC forbids list on pods in namespace team-a: ask a cluster admin for access/);
    assert.match(e.hint!, /kubectl auth can-i list pods -n team-a/);
    await t.close();
  });

  it('maps 404, 409, 410, 429 and 5xx with reasons and hints', async () => {
    const t = transport();
    const notFound = await failure(t.request({ path: '/api/v1/namespaces/default/pods/web-0' }));
    assert.equal(notFound.reason, 'NotFound');
    assert.match(notFound.hint!, /pods web-0 was not found in namespace default/);

    const conflict = await failure(t.request({ method: 'PUT', path: '/apis/apps/v1/namespaces/default/deployments/web', body: {} }));
    assert.equal(conflict.status, 409);
    assert.equal(conflict.reason, 'Conflict');
    assert.match(conflict.hint!, /reload it/);

    const gone = await failure(t.request({ path: '/api/v1/pods', query: { watch: true, resourceVersion: '1' } }));
    assert.equal(gone.status, 410);
    assert.equal(gone.reason, 'Expired');
    assert.match(gone.hint!, /list again/);

    const throttled = await failure(t.request({ path: '/api/v1/nodes' }));
    assert.equal(throttled.status, 429);
    assert.equal(throttled.retryAfterSeconds, 7);
    assert.match(throttled.hint!, /retry after 7 s/);

    const down = await failure(t.request({ path: '/api/v1/services' }));
    assert.equal(down.status, 503);
    assert.match(down.message, /etcd is unavailable/);
    assert.match(down.hint!, /retry later/);

    const proxy = await failure(t.request({ path: '/html' }));
    assert.equal(proxy.status, 502);
    assert.match(proxy.message, /Bad Gateway from the corporate proxy/);
    await t.close();
  });

  it('exchange() keeps the status code and the Warning headers', async () => {
    const res = await transport({ token: 'good' }).exchange<{ created: boolean }>({ method: 'POST', path: '/warn', body: {} });
    assert.equal(res.status, 201);
    assert.deepEqual(res.body, { created: true });
    assert.deepEqual(res.warnings, ['unknown field "spec.foo", ignored', 'batch/v1beta1 CronJob is deprecated']);
  });

  it('tells a server-side apply conflict (fields, manager, force) from a stale update', async () => {
    const t = transport({ token: 'good' });
    const err = (await t.request({ method: 'PATCH', path: '/apis/apps/v1/namespaces/default/deployments/applied', body: {} }).catch((e: unknown) => e)) as KubeApiError;
    assert.equal(err.status, 409);
    assert.deepEqual(err.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-client-side-apply" using apps/v1', field: '.spec.replicas' }]);
    assert.match(err.hint ?? '', /own \.spec\.replicas.*force/);
    const stale = (await t.request({ method: 'PUT', path: '/apis/apps/v1/namespaces/default/deployments/web', body: {} }).catch((e: unknown) => e)) as KubeApiError;
    assert.match(stale.hint ?? '', /changed since it was read/);
  });

  it('explains a 401 in terms of the context’s credentials', async () => {
    const t = transport({ token: 'stale' });
    const e = await failure(t.request({ path: '/secure' }));
    assert.equal(e.status, 401);
    assert.equal(e.reason, 'Unauthorized');
    assert.match(e.hint!, /credentials or they expired/);
    await t.close();
  });

  it('runs the exec plugin again after a 401 and retries once', async () => {
    const tokens = ['expired', 'good'];
    let runs = 0;
    const cache = new ExecCredentialCache({ run: async () => ({ token: tokens[runs++] ?? 'none' }) });
    const t = transport({ exec: { command: 'login', args: [], env: [], apiVersion: 'client.authentication.k8s.io/v1' } }, { execCredentials: cache });
    assert.deepEqual(await t.request({ path: '/secure' }), { auth: 'Bearer good' });
    assert.equal(runs, 2);
    await t.request({ path: '/secure' });
    assert.equal(runs, 2, 'the fresh credential is cached');
    await t.close();
  });

  it('runs the plugin once more, not once per request, when concurrent requests all get a 401', async () => {
    let runs = 0;
    const cache = new ExecCredentialCache({ run: async () => ({ token: runs++ === 0 ? 'expired' : 'good' }) });
    const t = transport({ exec: { command: 'login', args: [], env: [], apiVersion: 'v1' } }, { execCredentials: cache });
    const results = await Promise.all(Array.from({ length: 10 }, () => t.request({ path: '/secure' })));
    assert.deepEqual(new Set(results.map((r) => JSON.stringify(r))), new Set([JSON.stringify({ auth: 'Bearer good' })]));
    assert.equal(runs, 2);
    await t.close();
  });

  it('gives up after one retry when the fresh exec credential is rejected too', async () => {
    let runs = 0;
    const cache = new ExecCredentialCache({ run: async () => ({ token: `bad-${runs++}` }) });
    const t = transport({ exec: { command: 'login', args: ['--x'], env: [], apiVersion: 'v1' } }, { execCredentials: cache });
    const e = await failure(t.request({ path: '/secure' }));
    assert.equal(e.status, 401);
    assert.equal(runs, 2);
    assert.match(e.hint!, /run `login --x` in a terminal/);
    await t.close();
  });

  it('presents a client certificate handed out by an exec plugin', async () => {
    const cache = new ExecCredentialCache({ run: async () => ({ clientCertificateData: pki.clientCert, clientKeyData: pki.clientKey }) });
    const t = transport({ exec: { command: 'x', args: [], env: [], apiVersion: 'v1' } }, { execCredentials: cache });
    assert.deepEqual(await t.request({ path: '/secure' }), { auth: 'cert:alice' });
    await t.close();
  });

  it('reports exec plugin failures as credentials errors without sending a request', async () => {
    const before = seen.length;
    const cache = new ExecCredentialCache({
      run: async () => {
        throw new KubeApiError('exec plugin failed', { kind: 'credentials', hint: 'log in' });
      },
    });
    const t = transport({ exec: { command: 'x', args: [], env: [], apiVersion: 'v1' } }, { execCredentials: cache });
    const e = await failure(t.request({ path: '/echo' }));
    assert.equal(e.kind, 'credentials');
    assert.equal(seen.length, before);
    await t.close();
  });

  it('times out with kind timeout, and aborts with kind aborted', async () => {
    const t = transport();
    const started = Date.now();
    const timeout = await failure(t.request({ path: '/slow', timeoutMs: 300 }));
    assert.equal(timeout.kind, 'timeout');
    assert.ok(Date.now() - started < 3000);

    const ac = new AbortController();
    const pending = t.request({ path: '/slow', signal: ac.signal });
    await until(() => held.length >= 2, 5000);
    ac.abort();
    const aborted = await failure(pending);
    assert.equal(aborted.kind, 'aborted');

    const pre = new AbortController();
    pre.abort();
    assert.equal((await failure(t.request({ path: '/echo', signal: pre.signal }))).kind, 'aborted');
    await t.close();
  });

  it('uses the default request deadline from the options', async () => {
    const t = transport({}, { requestTimeoutMs: 200 });
    assert.equal((await failure(t.request({ path: '/slow' }))).kind, 'timeout');
    await t.close();
  });

  it('reports a refused connection as a network error naming the server', async () => {
    const port = await freePort();
    const t = createTransport(kubeconfig({ server: `https://127.0.0.1:${port}`, certificateAuthorityData: b64(pki.caCert) }), 'test');
    const e = await failure(t.request({ path: '/version' }));
    assert.equal(e.kind, 'network');
    assert.match(e.message, /connection refused/);
    assert.match(e.hint!, new RegExp(`Is the cluster running\\? Check the server URL https://127\\.0\\.0\\.1:${port}`));
    await t.close();
  });

  it('fails after close()', async () => {
    const t = transport();
    await t.request({ path: '/echo' });
    await t.close();
    assert.equal((await failure(t.request({ path: '/echo' }))).kind, 'aborted');
  });

  it('goes through an HTTP CONNECT proxy from proxy-url', async () => {
    const tunnels: string[] = [];
    const proxy = createHttpServer();
    const sockets = new Set<Socket>();
    proxy.on('connect', (req: IncomingMessage, client: Socket) => {
      tunnels.push(req.url!);
      const [host, port] = req.url!.split(':');
      const upstream = connect(Number(port), host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        upstream.pipe(client);
        client.pipe(upstream);
      });
      sockets.add(upstream).add(client);
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    const t = createTransport(kubeconfig({ server: server.url, certificateAuthorityData: b64(pki.caCert), proxyUrl }, { token: 'p' }), 'test');
    await t.request({ path: '/echo' });
    await t.request({ path: '/echo' });
    assert.deepEqual(tunnels, [`127.0.0.1:${server.port}`], 'one tunnel, reused');
    assert.equal(seen.at(-1)!.headers.authorization, 'Bearer p');
    await t.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => proxy.close(() => r()));
  });

  it('refuses to build a transport for an unknown context, cluster or user, with a hint', () => {
    const merged = kubeconfig({ server: server.url });
    const check = (name: string, re: RegExp) =>
      assert.throws(
        () => createTransport(merged, name),
        (e: unknown) => e instanceof KubeApiError && e.kind === 'credentials' && re.test(e.message) && (e.hint ?? '').length > 0,
      );
    check('nope', /context "nope" is not defined/);
    merged.contexts.push({ name: 'no-user', cluster: 'c', user: 'ghost', file: '/k', line: 20 });
    check('no-user', /user "ghost"/);
    merged.contexts.push({ name: 'no-cluster', cluster: 'ghost', user: 'u', file: '/k' });
    check('no-cluster', /cluster "ghost"/);
    merged.clusters.set('bad', { name: 'bad', server: 'ftp://x', file: '/k' });
    merged.contexts.push({ name: 'bad-url', cluster: 'bad', user: 'u', file: '/k' });
    check('bad-url', /unusable server URL/);
  });
});

async function freePort(): Promise<number> {
  const s = createHttpServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function until(cond: () => boolean, timeoutMs: number): Promise<void> {
  await waitFor(cond, { timeoutMs, what: 'condition', intervalMs: 10 });
}
