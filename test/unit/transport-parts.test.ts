import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { httpStatusError, networkError, parseRetryAfter } from '../../src/kube/transport/httpErrors';
import { splitLines } from '../../src/kube/transport/lineSplitter';
import { describeRequest } from '../../src/kube/transport/requestDescription';

async function collect(chunks: (string | Uint8Array)[]): Promise<string[]> {
  async function* gen() {
    for (const c of chunks) yield c;
  }
  const out: string[] = [];
  for await (const l of splitLines(gen())) out.push(l);
  return out;
}

describe('splitLines', () => {
  it('joins lines cut across chunks and strips CRLF, even when \\r and \\n arrive apart', async () => {
    assert.deepEqual(await collect(['a', 'b\nc', 'd\r', '\ne\r\n', '\n', 'f']), ['ab', 'cd', 'e', '', 'f']);
  });

  it('reassembles a multi-byte character cut between chunks', async () => {
    const bytes = new TextEncoder().encode('naïve €\n');
    const chunks = [...bytes].map((b) => Uint8Array.of(b));
    assert.deepEqual(await collect(chunks), ['naïve €']);
  });

  it('does not invent an empty last line', async () => {
    assert.deepEqual(await collect(['x\n']), ['x']);
    assert.deepEqual(await collect([]), []);
  });
});

describe('describeRequest', () => {
  const d = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, query?: Record<string, string | boolean>) =>
    describeRequest({ method, path, query });
  it('names verbs and resources the way RBAC does', () => {
    assert.deepEqual(d('GET', '/api/v1/namespaces/x/pods'), { verb: 'list', resource: 'pods', namespace: 'x', isResource: true });
    assert.equal(d('GET', '/api/v1/pods', { watch: true }).verb, 'watch');
    assert.deepEqual(d('GET', '/apis/apps/v1/namespaces/x/deployments/web'), {
      verb: 'get',
      resource: 'deployments.apps',
      namespace: 'x',
      name: 'web',
      isResource: true,
    });
    assert.equal(d('GET', '/api/v1/namespaces/x/pods/p/log').resource, 'pods/log');
    assert.deepEqual(d('DELETE', '/api/v1/namespaces/x'), { verb: 'delete', resource: 'namespaces', name: 'x', isResource: true });
    assert.equal(d('DELETE', '/api/v1/namespaces/x/pods').verb, 'deletecollection');
    assert.equal(d('PATCH', '/apis/apps/v1/namespaces/x/deployments/web/scale').resource, 'deployments.apps/scale');
    assert.equal(d('POST', '/api/v1/namespaces/x/pods').verb, 'create');
    assert.equal(d('PUT', '/api/v1/nodes/n1').verb, 'update');
    assert.deepEqual(d('GET', '/version'), { verb: 'get', resource: '/version', isResource: false });
  });
});

describe('errors', () => {
  it('parses Retry-After as seconds or as an HTTP date', () => {
    assert.equal(parseRetryAfter('12'), 12);
    assert.equal(parseRetryAfter(undefined), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
    const now = Date.parse('2030-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('Tue, 01 Jan 2030 00:00:30 GMT', () => now), 30);
  });

  it('falls back to Status details.retryAfterSeconds and default reasons', () => {
    const e = httpStatusError({
      status: 429,
      body: JSON.stringify({ kind: 'Status', reason: 'TooManyRequests', message: 'slow down', details: { retryAfterSeconds: 3 } }),
      retryAfter: undefined,
      request: describeRequest({ path: '/api/v1/pods' }),
      server: 'https://k',
      auth: 'token',
    });
    assert.equal(e.retryAfterSeconds, 3);
    const bare = httpStatusError({ status: 404, body: '', retryAfter: undefined, request: describeRequest({ path: '/apis/x.io/v1/foos' }), server: 'https://k', auth: 'none' });
    assert.equal(bare.reason, 'NotFound');
    assert.match(bare.hint!, /CRD may not be installed/);
  });

  it('finds codes nested in causes and aggregate errors', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED ::1:6443'), { code: 'ECONNREFUSED' });
    const agg = new AggregateError([refused], '');
    const wrapped = new Error('fetch failed', { cause: agg });
    const e = networkError(wrapped, { server: 'https://localhost:6443', request: describeRequest({ path: '/version' }), clusterName: 'kind', file: '/k' });
    assert.equal(e.kind, 'network');
    assert.match(e.message, /connection refused by https:\/\/localhost:6443/);
    const dns = networkError(Object.assign(new Error('getaddrinfo ENOTFOUND api.gone'), { code: 'ENOTFOUND' }), {
      server: 'https://api.gone',
      request: describeRequest({ path: '/version' }),
      clusterName: 'c',
      file: '/k',
    });
    assert.match(dns.hint!, /VPN/);
  });
});
