import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { createTransport } from '../../src/kube/transport/createTransport';
import { KubeApiError, type KubeTransport } from '../../src/kube/transport/types';
import { b64, json, kubeconfig, makePki, noUnhandled, type Pki, startServer, status, type TestServer } from './transport-support';

describe('transport streamLines', { timeout: 60_000 }, () => {
  let pki: Pki;
  let server: TestServer;
  /** Open watch responses, so a test can write to them and see when the client hangs up. */
  const watches: { req: IncomingMessage; res: ServerResponse; closed: Promise<void> }[] = [];
  const watchArrived: (() => void)[] = [];

  before(async () => {
    pki = await makePki();
    server = await startServer(pki, (req, res) => {
      const url = req.url!;
      if (url.startsWith('/split')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        // One event cut mid-line, one CRLF cut between \r and \n, a multi-byte character cut in two.
        const euro = Buffer.from('{"type":"ADDED","name":"€"}\r\n');
        const parts: (string | Buffer)[] = ['{"type":"ADD', 'ED","n":1}\n{"type":"MODIFIED"}\r', '\n', euro.subarray(0, 25), euro.subarray(25), 'last-without-newline'];
        const writeNext = () => {
          const p = parts.shift();
          if (p === undefined) return void res.end();
          res.write(p, () => setImmediate(writeNext));
        };
        return writeNext();
      }
      if (url.startsWith('/gone')) return json(res, 410, status(410, 'Expired', 'too old resource version'));
      if (url.startsWith('/watch')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"type":"ADDED"}\n');
        const closed = new Promise<void>((r) => res.on('close', () => r()));
        watches.push({ req, res, closed });
        for (const w of watchArrived.splice(0)) w();
        return;
      }
      json(res, 200, { ok: true });
    });
  });
  after(async () => {
    await server.close();
    pki.cleanup();
  });

  const transport = (): KubeTransport => createTransport(kubeconfig({ server: server.url, certificateAuthorityData: b64(pki.caCert) }), 'test');
  const nextWatch = (): Promise<(typeof watches)[number]> => {
    const n = watches.length;
    return new Promise((resolve) => {
      const check = () => (watches.length > n ? resolve(watches[n]!) : watchArrived.push(check));
      check();
    });
  };

  it('yields whole lines from chunks cut anywhere', async () => {
    const t = transport();
    const lines: string[] = [];
    for await (const line of await t.streamLines({ path: '/split' })) lines.push(line);
    assert.deepEqual(lines, ['{"type":"ADDED","n":1}', '{"type":"MODIFIED"}', '{"type":"ADDED","name":"€"}', 'last-without-newline']);
    await t.close();
  });

  it('rejects before iteration when the server answers non-2xx', async () => {
    const t = transport();
    const e = await t.streamLines({ path: '/gone' }).then(
      () => assert.fail('should reject'),
      (x: unknown) => x,
    );
    assert.ok(e instanceof KubeApiError);
    assert.equal(e.status, 410);
    assert.equal(e.reason, 'Expired');
    await t.close();
  });

  it('ends iteration cleanly on abort, closes the socket, and leaves no unhandled rejection', async () => {
    const t = transport();
    const problems = await noUnhandled(async () => {
      const ac = new AbortController();
      const arrived = nextWatch();
      const lines = await t.streamLines({ path: '/watch', query: { watch: true }, signal: ac.signal });
      const watch = await arrived;
      const got: string[] = [];
      for await (const line of lines) {
        got.push(line);
        if (got.length === 1) watch.res.write('{"type":"MODIFIED"}\n');
        if (got.length === 2) ac.abort();
      }
      assert.deepEqual(got, ['{"type":"ADDED"}', '{"type":"MODIFIED"}']);
      await watch.closed;
    });
    assert.deepEqual(problems, []);
    // The transport still works after an aborted stream.
    assert.deepEqual(await t.request({ path: '/echo' }), { ok: true });
    await t.close();
  });

  it('survives an abort while nobody iterates', async () => {
    const t = transport();
    const problems = await noUnhandled(async () => {
      const ac = new AbortController();
      const arrived = nextWatch();
      const lines = await t.streamLines({ path: '/watch', signal: ac.signal });
      const watch = await arrived;
      ac.abort();
      await watch.closed;
      const got: string[] = [];
      for await (const line of lines) got.push(line);
      assert.ok(got.length <= 1, 'at most the line already received');
    });
    assert.deepEqual(problems, []);
    await t.close();
  });

  it('closes the socket when the consumer stops early', async () => {
    const t = transport();
    const arrived = nextWatch();
    const lines = await t.streamLines({ path: '/watch' });
    const watch = await arrived;
    for await (const line of lines) {
      assert.equal(line, '{"type":"ADDED"}');
      break;
    }
    await watch.closed;
    await t.close();
  });

  it('ends iteration cleanly when the transport is closed', async () => {
    const t = transport();
    const problems = await noUnhandled(async () => {
      const arrived = nextWatch();
      const lines = await t.streamLines({ path: '/watch' });
      const watch = await arrived;
      const got: string[] = [];
      for await (const line of lines) {
        got.push(line);
        await t.close();
      }
      assert.deepEqual(got, ['{"type":"ADDED"}']);
      await watch.closed;
    });
    assert.deepEqual(problems, []);
  });

  it('throws a network error from iteration when the server drops the stream', async () => {
    const t = transport();
    const arrived = nextWatch();
    const lines = await t.streamLines({ path: '/watch' });
    const watch = await arrived;
    const got: string[] = [];
    const e = await (async () => {
      for await (const line of lines) {
        got.push(line);
        watch.req.socket.destroy();
      }
    })().then(
      () => undefined,
      (x: unknown) => x,
    );
    assert.deepEqual(got, ['{"type":"ADDED"}']);
    assert.ok(e instanceof KubeApiError, `expected a KubeApiError, got ${String(e)}`);
    assert.equal(e.kind, 'network');
    await t.close();
  });

  it('keeps a watch open beyond the request deadline (streams have no body timeout)', async () => {
    const t = createTransport(kubeconfig({ server: server.url, certificateAuthorityData: b64(pki.caCert) }), 'test', { requestTimeoutMs: 50 });
    const arrived = nextWatch();
    const lines = (await t.streamLines({ path: '/watch' }))[Symbol.asyncIterator]();
    const watch = await arrived;
    assert.equal((await lines.next()).value, '{"type":"ADDED"}');
    // Time passing is the property under test: the stream must outlive the 50 ms request deadline.
    await new Promise<void>((resolve) => setTimeout(resolve, 200).unref());
    watch.res.write('{"type":"BOOKMARK"}\n');
    assert.equal((await lines.next()).value, '{"type":"BOOKMARK"}');
    watch.res.end();
    assert.equal((await lines.next()).done, true);
    await t.close();
  });
});
