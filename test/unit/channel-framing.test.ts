// The channel protocol: frames as the API server reads them (stdin, resize, v5 close), the error
// channel's Status → exit code, UTF-8 split across frames, v4 vs v5 stdin EOF, and an end that
// is always reported. Then the dial itself against a local WebSocket server over TLS: v4 fallback,
// client certificate, impersonation headers, 401 retry, and a refusal turned into a clear message.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocketServer, type WebSocket } from 'ws';
import { ExecSession } from '../../src/kube/exec/execSession';
import {
  closeFrame,
  decodeFrame,
  encodeFrame,
  execQuery,
  readPortPrefix,
  resizeFrame,
  StreamText,
  statusOutcome,
} from '../../src/kube/transport/channel/channelProtocol';
import { type ChannelClosed, type ChannelSocket, channelsOf } from '../../src/kube/transport/channel/channelSocket';
import { createTransport } from '../../src/kube/transport/createTransport';
import { KubeApiError } from '../../src/kube/transport/types';
import { b64, kubeconfig, makePki, type Pki, peerName, startServer, type TestServer } from './transport-support';

/** A socket we drive by hand: what the session sends is recorded, what it receives we push. */
class FakeSocket implements ChannelSocket {
  sent: Buffer[] = [];
  isClosed = false;
  bufferedAmount = 0;
  private onMsg: ((d: Buffer) => void) | undefined;
  private onEnd: ((c: ChannelClosed) => void)[] = [];
  constructor(readonly protocol: string) {}
  send(data: Buffer): void {
    this.sent.push(Buffer.from(data));
  }
  close(): void {
    this.end({ code: 1000, reason: '', byUs: true });
  }
  onMessage(l: (d: Buffer) => void): void {
    this.onMsg = l;
  }
  onClose(l: (c: ChannelClosed) => void): void {
    this.onEnd.push(l);
  }
  push(channel: number, data: Buffer | string): void {
    this.onMsg?.(encodeFrame(channel, data));
  }
  end(c: ChannelClosed): void {
    if (this.isClosed) return;
    this.isClosed = true;
    for (const l of this.onEnd.splice(0)) l(c);
  }
}

const nonZero = (code: number) =>
  JSON.stringify({ metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: exit code ${code}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } });

describe('channel framing', () => {
  it('encodes stdin, resize and the v5 close signal as the server reads them', () => {
    assert.deepEqual([...encodeFrame(0, 'ls\r')], [0, 0x6c, 0x73, 0x0d]);
    const r = resizeFrame(120.7, 40);
    assert.equal(r[0], 4);
    assert.deepEqual(JSON.parse(r.subarray(1).toString()), { Width: 120, Height: 40 });
    assert.deepEqual(JSON.parse(resizeFrame(0, -3).subarray(1).toString()), { Width: 1, Height: 1 }, 'sizes are clamped to at least 1');
    assert.deepEqual([...closeFrame(0)], [255, 0]);
    assert.deepEqual(decodeFrame(Buffer.from([1, 0x68, 0x69])), { channel: 1, data: Buffer.from('hi') });
    assert.equal(decodeFrame(Buffer.alloc(0)), undefined);
  });

  it('builds the exec query kubectl sends (repeated command, no stderr with a TTY)', () => {
    assert.equal(execQuery({ command: ['sh', '-c', 'echo a b'], container: 'c1', stdin: true, stdout: true, stderr: true, tty: false }), 'command=sh&command=-c&command=echo+a+b&container=c1&stdin=true&stdout=true&stderr=true');
    assert.equal(execQuery({ command: ['bash'], stdin: true, stdout: true, stderr: true, tty: true }), 'command=bash&stdin=true&stdout=true&tty=true');
  });

  it('reads the exit code from the error channel Status', () => {
    assert.deepEqual(statusOutcome(JSON.stringify({ metadata: {}, status: 'Success' })), { kind: 'exit', code: 0 });
    assert.deepEqual(statusOutcome(nonZero(3)), { kind: 'exit', code: 3, message: 'command terminated with non-zero exit code: exit code 3' });
    assert.deepEqual(statusOutcome(JSON.stringify({ status: 'Failure', message: 'exec: "bash": executable file not found in $PATH', reason: 'InternalError' })), {
      kind: 'failure',
      message: 'exec: "bash": executable file not found in $PATH',
      reason: 'InternalError',
    });
    assert.deepEqual(statusOutcome('plain text error'), { kind: 'failure', message: 'plain text error' });
  });

  it('reassembles a UTF-8 character split across two frames', () => {
    const s = new StreamText();
    const bytes = Buffer.from('né€😀', 'utf8');
    // Cut inside the 2-byte é, the 3-byte € and the 4-byte emoji.
    const parts = [bytes.subarray(0, 2), bytes.subarray(2, 4), bytes.subarray(4, 8), bytes.subarray(8)];
    assert.equal(parts.map((p) => s.write(p)).join('') + s.end(), 'né€😀');
  });

  it('reads the port a port-forward channel announces', () => {
    assert.deepEqual(readPortPrefix(Buffer.from([0x90, 0x1f, 0x41])), { port: 8080, rest: Buffer.from('A') });
    assert.equal(readPortPrefix(Buffer.from([1])), undefined);
  });
});

describe('ExecSession over a socket', () => {
  it('v5: stdout/stderr as text (split UTF-8), stdin EOF without closing, exit code from the Status', async () => {
    const sock = new FakeSocket('v5.channel.k8s.io');
    const out: string[] = [];
    const s = new ExecSession(sock, (stream, text) => out.push(`${stream}:${text}`));
    s.write('cat\n');
    s.resize(80, 24);
    const euro = Buffer.from('€', 'utf8');
    sock.push(1, euro.subarray(0, 1));
    sock.push(1, Buffer.concat([euro.subarray(1), Buffer.from('!')]));
    sock.push(2, 'oops');
    sock.push(9, 'a future channel'); // ignored, not fatal
    assert.equal(s.endStdin(), true);
    assert.equal(sock.isClosed, false, 'v5 keeps the socket open after stdin EOF');
    sock.push(3, nonZero(7));
    sock.end({ code: 1000, reason: '', byUs: false });
    assert.deepEqual(await s.ended, { kind: 'exit', code: 7, message: 'command terminated with non-zero exit code: exit code 7' });
    assert.deepEqual(out, ['stdout:€!', 'stderr:oops']);
    assert.deepEqual(
      sock.sent.map((b) => [b[0], b.subarray(1).toString()]),
      [
        [0, 'cat\n'],
        [4, '{"Width":80,"Height":24}'],
        [255, '\u0000'],
      ],
    );
    s.write('late');
    assert.equal(sock.sent.length, 3, 'nothing is sent after the socket closed');
  });

  it('v4: ending stdin closes the socket (no close signal), and the end says so', async () => {
    const sock = new FakeSocket('v4.channel.k8s.io');
    const s = new ExecSession(sock, () => {});
    assert.equal(s.endStdin(), false);
    assert.deepEqual(await s.ended, { kind: 'closed', byUs: true, code: 1000, reason: '' });
    assert.equal(
      sock.sent.some((b) => b[0] === 255),
      false,
      'no v5 close frame on a v4 socket',
    );
  });

  it('a socket that drops without a Status ends as closed (pod gone, connection lost)', async () => {
    const sock = new FakeSocket('v5.channel.k8s.io');
    const s = new ExecSession(sock, () => {});
    sock.end({ code: 1006, reason: '', byUs: false, error: new Error('socket hang up') });
    const end = await s.ended;
    assert.equal(end.kind, 'closed');
    assert.equal(end.kind === 'closed' && end.error?.message, 'socket hang up');
  });
});

describe('channel dial (local WebSocket server over TLS)', { timeout: 60_000 }, () => {
  let pki: Pki;
  let server: TestServer;
  let wss: WebSocketServer;
  let dir: string;
  let mode: 'v4-only' | 'forbid' | 'reject-first-token' = 'v4-only';
  const upgrades: IncomingMessage[] = [];
  const sockets = new Set<WebSocket>();
  before(async () => {
    pki = await makePki();
    dir = mkdtempSync(path.join(tmpdir(), 'kube-atlas-ws-'));
    server = await startServer(pki, (_req, res) => {
      res.writeHead(404);
      res.end();
    });
    wss = new WebSocketServer({
      noServer: true,
      // Like an older API server: speaks v4 only, whatever the client offers first.
      handleProtocols: (offered) => (offered.has('v4.channel.k8s.io') ? 'v4.channel.k8s.io' : false),
    });
    server.server.on('upgrade', (req: IncomingMessage, socket, head) => {
      upgrades.push(req);
      const refuse = (code: number, body: object): void => {
        socket.end(`HTTP/1.1 ${code} X\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify(body)}`);
      };
      if (mode === 'forbid') {
        refuse(403, { kind: 'Status', status: 'Failure', reason: 'Forbidden', code: 403, message: 'pods "p" is forbidden: User "bob" cannot create resource "pods/exec" in API group "" in the namespace "a"' });
        return;
      }
      if (mode === 'reject-first-token' && req.headers.authorization !== 'Bearer rotated') {
        refuse(401, { kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401, message: 'Unauthorized' });
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => sockets.delete(ws));
        ws.send(Buffer.from([1, ...Buffer.from(`hello ${peerName(req) ?? 'anonymous'}`)]));
        ws.on('message', (m: Buffer) => {
          if (m[0] === 0) {
            ws.send(Buffer.from([3, ...Buffer.from(nonZero(Number(m.subarray(1).toString())))]));
            ws.close(1000);
          }
        });
      });
    });
  });
  after(async () => {
    wss.close();
    await server.close();
    pki.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  const cluster = () => ({ server: server.url, certificateAuthorityData: b64(pki.caCert) });

  it('falls back to v4 and carries the client certificate and impersonation headers', async () => {
    mode = 'v4-only';
    upgrades.length = 0;
    const t = createTransport(
      kubeconfig(cluster(), { clientCertificateData: b64(pki.clientCert), clientKeyData: b64(pki.clientKey), impersonate: 'jane', impersonateGroups: ['g1', 'g2'] }),
      'test',
    );
    const out: string[] = [];
    const s = await ExecSession.open(channelsOf(t), { namespace: 'a', pod: 'p', container: 'c', command: ['sh'], tty: false, stdin: true }, (_s, text) => out.push(text));
    assert.equal(s.protocol, 'v4.channel.k8s.io');
    s.write('5');
    assert.deepEqual(await s.ended, { kind: 'exit', code: 5, message: 'command terminated with non-zero exit code: exit code 5' });
    assert.deepEqual(out, ['hello alice']);
    const req = upgrades[0]!;
    assert.equal(req.url, '/api/v1/namespaces/a/pods/p/exec?command=sh&container=c&stdin=true&stdout=true&stderr=true');
    assert.equal(req.headers['sec-websocket-protocol'], 'v5.channel.k8s.io,v4.channel.k8s.io');
    assert.equal(req.headers['impersonate-user'], 'jane');
    assert.deepEqual(req.rawHeaders.filter((_, i, a) => i % 2 === 1 && a[i - 1]!.toLowerCase() === 'impersonate-group'), ['g1', 'g2']);
    await t.close();
  });

  it('retries once after a 401 when the token file was rotated', async () => {
    mode = 'reject-first-token';
    upgrades.length = 0;
    const tokenFile = path.join(dir, 'token');
    writeFileSync(tokenFile, 'old');
    const t = createTransport(kubeconfig(cluster(), { tokenFile }), 'test');
    // Rotate between the first (refused) attempt and the retry, as a kubelet-projected token does.
    server.server.prependOnceListener('upgrade', () => writeFileSync(tokenFile, 'rotated'));
    const s = await ExecSession.open(channelsOf(t), { namespace: 'a', pod: 'p', command: ['true'], tty: false, stdin: true }, () => {});
    s.write('0');
    const end = await s.ended;
    assert.equal(end.kind === 'exit' && end.code, 0);
    assert.deepEqual(
      upgrades.map((u) => u.headers.authorization),
      ['Bearer old', 'Bearer rotated'],
    );
    await t.close();
  });

  it('a refused upgrade becomes a message naming the missing permission', async () => {
    mode = 'forbid';
    const t = createTransport(kubeconfig(cluster(), { token: 'x' }), 'test');
    await assert.rejects(
      ExecSession.open(channelsOf(t), { namespace: 'a', pod: 'p', command: ['sh'], tty: true, stdin: true }, () => {}),
      (e: unknown) => {
        assert.ok(e instanceof KubeApiError);
        assert.equal(e.status, 403);
        assert.match(e.message, /^Not allowed to exec into pod a\/p: pods "p" is forbidden: User "bob" cannot create resource "pods\/exec"/);
        assert.match(e.hint ?? '', /"create" and "get" on pods\/exec in namespace a/);
        return true;
      },
    );
    await t.close();
  });

  it('leaves no socket open once sessions end', async () => {
    await server.socketsDropTo(0);
    assert.equal(sockets.size, 0);
  });
});
