// Opens one WebSocket to the API server with the ws library. Chosen over undici's WebSocket (which
// would share our dispatcher) because a refused handshake must become a clear message: undici
// follows the WHATWG API, whose error event carries neither the HTTP status nor the body, so a 403
// "cannot create pods/exec" and a 404 "pod not found" would both read "network error". ws reports
// the response ('unexpected-response') and takes client certificates and headers directly.
import type { IncomingMessage } from 'node:http';
import { isIP, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import type WebSocketType from 'ws';
import type { Headers } from '../requestAuth';
import type { TlsMaterial } from '../tlsMaterial';
import type { ChannelClosed, ChannelSocket } from './channelSocket';

export interface DialSpec {
  url: string;
  protocols: readonly string[];
  headers: Headers;
  tls: TlsMaterial;
  clientCert?: { cert: string; key: string };
  signal?: AbortSignal;
  timeoutMs: number;
  /**
   * A socket already tunnelled to the server through a proxy (proxyTunnel.ts): ws speaks TLS and
   * the upgrade over it instead of dialling. It is destroyed with the channel.
   */
  tunnel?: Socket;
}

/** The server refused the upgrade: its status and (the start of) its body. */
export interface Refused {
  refused: true;
  status: number;
  body: string;
  retryAfter?: string;
}

const MAX_ERROR_BODY = 64 * 1024;

/**
 * Resolves with the open socket, or with what the server answered instead of 101; rejects with
 * the raw error when the connection itself failed (the transport turns it into a KubeApiError).
 */
export function dialWebSocket(spec: DialSpec): Promise<ChannelSocket | Refused> {
  // ws is its own bundle (dist/ws.js): loaded when the first channel opens, not at activation.
  const WebSocket = require('ws') as typeof WebSocketType;
  const { tunnel } = spec;
  return new Promise<ChannelSocket | Refused>((resolve, reject) => {
    if (spec.signal?.aborted) {
      reject(spec.signal.reason ?? new Error('aborted'));
      return;
    }
    // Node's http sends an array value as repeated header lines (Impersonate-Group: a, then b),
    // which ws passes through although its typings only name strings.
    const headers = { ...spec.headers } as Record<string, string>;
    // servername (tls-server-name) reaches tls.connect through ws's tlsConnect; its typings omit it.
    const options: WebSocketType.ClientOptions & { servername?: string } = {
      headers,
      ca: spec.tls.ca,
      cert: spec.clientCert?.cert ?? spec.tls.cert,
      key: spec.clientCert?.key ?? spec.tls.key,
      rejectUnauthorized: spec.tls.rejectUnauthorized,
      servername: spec.tls.servername,
      handshakeTimeout: spec.timeoutMs,
      perMessageDeflate: false,
      // Redirects would resend credentials elsewhere; the API server never redirects exec.
      followRedirects: false,
      maxPayload: 64 * 1024 * 1024,
    };
    if (tunnel) options.createConnection = (opts) => overTunnel(tunnel, opts as ConnectionOptions & { host?: string }, spec.url);
    const ws = new WebSocket(spec.url, [...spec.protocols], options);
    ws.binaryType = 'nodebuffer';
    let settled = false;
    const onAbort = (): void => {
      if (settled) return;
      settled = true;
      ws.terminate();
      reject(spec.signal?.reason ?? new Error('aborted'));
    };
    spec.signal?.addEventListener('abort', onAbort, { once: true });
    const done = (): boolean => {
      if (settled) return false;
      settled = true;
      spec.signal?.removeEventListener('abort', onAbort);
      return true;
    };
    ws.on('unexpected-response', (req, res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        if (size < MAX_ERROR_BODY) chunks.push(c);
        size += c.length;
      });
      const finish = (): void => {
        req.destroy();
        if (!done()) return;
        const retryAfter = res.headers['retry-after'];
        resolve({ refused: true, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8').slice(0, MAX_ERROR_BODY), retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter });
      };
      res.on('end', finish);
      res.on('error', finish);
    });
    ws.on('error', (e) => {
      if (done()) reject(e);
    });
    ws.on('open', () => {
      if (done()) resolve(new WsChannelSocket(ws, tunnel));
      else ws.terminate();
    });
  }).catch((e: unknown) => {
    tunnel?.destroy();
    throw e;
  }).then((r) => {
    if ('refused' in r) tunnel?.destroy();
    return r;
  });
}

/** What ws's own tlsConnect does (SNI from the host unless it is an IP), over the tunnel. */
function overTunnel(tunnel: Socket, opts: ConnectionOptions & { host?: string; path?: string }, url: string): Socket {
  if (!url.startsWith('wss:')) return tunnel;
  const servername = opts.servername || opts.servername === '' ? opts.servername : isIP(opts.host ?? '') ? '' : opts.host;
  return tlsConnect({ ...opts, path: undefined, socket: tunnel, servername } as ConnectionOptions);
}

class WsChannelSocket implements ChannelSocket {
  readonly protocol: string;
  private messageListener: ((data: Buffer) => void) | undefined;
  private readonly early: Buffer[] = [];
  private closeListeners: ((c: ChannelClosed) => void)[] = [];
  private closedInfo: ChannelClosed | undefined;
  private error: Error | undefined;
  private byUs = false;

  constructor(
    private readonly ws: WebSocketType,
    private readonly tunnel?: Socket,
  ) {
    this.protocol = ws.protocol;
    ws.on('message', (data: Buffer) => {
      if (this.messageListener) this.messageListener(data);
      else this.early.push(data);
    });
    ws.on('error', (e) => {
      this.error = e;
    });
    ws.on('close', (code, reason) => {
      const info: ChannelClosed = { code, reason: reason.toString('utf8'), byUs: this.byUs };
      if (this.error) info.error = this.error;
      this.closedInfo = info;
      this.tunnel?.destroy();
      for (const l of this.closeListeners.splice(0)) l(info);
    });
  }

  get isClosed(): boolean {
    return this.closedInfo !== undefined || this.ws.readyState >= 2;
  }

  get bufferedAmount(): number {
    return this.ws.bufferedAmount;
  }

  send(data: Buffer): void {
    if (this.ws.readyState === 1) this.ws.send(data, { binary: true });
  }

  close(): void {
    this.byUs = true;
    if (this.ws.readyState === 0 || this.ws.readyState === 1) {
      this.ws.close(1000);
      // A peer that never answers the close frame must not keep the socket: ws waits 30 s.
      const t = setTimeout(() => this.ws.terminate(), 2000);
      t.unref();
    }
  }

  onMessage(listener: (data: Buffer) => void): void {
    this.messageListener = listener;
    for (const m of this.early.splice(0)) listener(m);
  }

  onClose(listener: (closed: ChannelClosed) => void): void {
    if (this.closedInfo) listener(this.closedInfo);
    else this.closeListeners.push(listener);
  }
}
