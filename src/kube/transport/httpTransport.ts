// KubeTransport over undici: one pooled dispatcher per (cluster, user), credentials applied per
// request, every failure turned into a KubeApiError with a hint.

import { createHash } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Dispatcher } from 'undici';
import type { ClusterEntry, UserEntry } from '../config/types';
import type { ChannelRequest, ChannelSocket } from './channel/channelSocket';
import { type ChannelProxy, connectAuthority, openProxyTunnel, parseChannelProxy, ProxyTunnelError } from './channel/proxyTunnel';
import { dialWebSocket } from './channel/webSocketDial';
import { deadline, raceAbort } from './deadline';
import { createDispatcher } from './dispatcherFactory';
import { probeHttp2 } from './http2Probe';
import { httpStatusError, networkError } from './httpErrors';
import { splitLines } from './lineSplitter';
import type { AuthState, RequestAuth } from './requestAuth';
import { describeRequest, describeForHumans, type RequestDescription } from './requestDescription';
import { loadTlsMaterial, type TlsMaterial } from './tlsMaterial';
import { KubeApiError, type KubeRequest, type KubeResponse, type KubeTransport } from './types';

export interface HttpTransportTarget {
  cluster: ClusterEntry;
  user: UserEntry;
  contextName: string;
}

export interface HttpTransportOptions {
  /** Deadline for request() calls that set no timeoutMs. Default 30 s; 0 = none. */
  requestTimeoutMs?: number;
  userAgent?: string;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

type Response = Dispatcher.ResponseData<null>;

export class HttpTransport implements KubeTransport {
  readonly server: string;
  private readonly origin: string;
  /** Path prefix of the server URL (Rancher and other proxies serve the API below one). */
  private readonly basePath: string;
  private tls: Promise<TlsMaterial> | undefined;
  private current: { certKey: string; dispatcher: Promise<Dispatcher> } | undefined;
  private closed = false;
  /** Whether the server speaks h2, once the probe (started with the first connection) answered. */
  private http2Probe: Promise<boolean> | undefined;
  private http2 = false;

  constructor(
    private readonly target: HttpTransportTarget,
    private readonly auth: RequestAuth,
    private readonly options: HttpTransportOptions = {},
  ) {
    this.server = target.cluster.server;
    const url = new URL(target.cluster.server);
    this.origin = url.origin;
    this.basePath = url.pathname.replace(/\/+$/, '');
  }

  async request<T = unknown>(req: KubeRequest): Promise<T> {
    return (await this.exchange<T>(req)).body;
  }

  async exchange<T = unknown>(req: KubeRequest): Promise<KubeResponse<T>> {
    const d = deadline(req.signal, req.timeoutMs ?? this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    const desc = describeRequest(req);
    try {
      const res = await this.send(req, desc, d.signal, false);
      const text = await res.body.text();
      await socketReleased();
      return { status: res.statusCode, body: parseBody<T>(text, res, desc), warnings: parseWarnings(res.headers.warning) };
    } catch (e) {
      throw this.failure(e, desc, d.signal, d.timedOut());
    } finally {
      d.dispose();
    }
  }

  async streamLines(req: KubeRequest): Promise<AsyncIterable<string>> {
    const desc = describeRequest(req);
    const signal = req.signal ?? new AbortController().signal;
    let res: Response;
    try {
      res = await this.send(req, desc, signal, true);
    } catch (e) {
      throw this.failure(e, desc, signal, false);
    }
    const body = res.body;
    // Errors reach the consumer through iteration; without a listener, an abort of a body nobody
    // iterates yet would surface as an uncaught 'error' event.
    body.on('error', () => {});
    const lines = async function* (this: HttpTransport): AsyncGenerator<string, void, undefined> {
      try {
        yield* splitLines(body);
        await socketReleased();
      } catch (e) {
        // An abort or close() is the caller's wish, not a failure: end the iteration quietly.
        if (signal.aborted || this.closed) return;
        throw this.failure(e, desc, signal, false);
      } finally {
        // Consumer stopped early (break/return): free the socket instead of leaving it half-read.
        if (!body.destroyed) body.destroy();
      }
    }.call(this);
    return lines;
  }

  /**
   * A WebSocket for exec/attach/port-forward, with this context's TLS material, credentials
   * (one retry after a 401 when fresh ones may help) and impersonation headers. Always HTTP/1.1
   * (the upgrade needs it) on its own socket, which lives as long as the channel.
   */
  async openChannel(req: ChannelRequest): Promise<ChannelSocket> {
    const desc = describeRequest({ method: 'POST', path: req.path });
    if (this.closed) throw new KubeApiError(`${describeForHumans(desc)} failed: the connection was closed`, { kind: 'aborted' });
    const proxy = this.channelProxy(desc);
    const url = new URL(this.target.cluster.server);
    url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
    const target = `${url.origin}${this.basePath}${req.path}${req.query ? `?${req.query}` : ''}`;
    const d = deadline(req.signal, req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
    try {
      for (let attempt = 0; ; attempt++) {
        const auth = await raceAbort(this.auth.current(), d.signal);
        const tls = await raceAbort(this.tlsMaterial(), d.signal);
        const headers = { 'user-agent': this.options.userAgent ?? 'kube-atlas', ...auth.headers };
        const tunnel = proxy ? await this.proxyTunnel(proxy, url, desc, d.signal) : undefined;
        const result = await dialWebSocket({ url: target, protocols: req.protocols, headers, tls, clientCert: auth.clientCert, signal: d.signal, timeoutMs: req.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, tunnel });
        if (!('refused' in result)) return result;
        if (result.status === 401 && attempt === 0 && (await this.auth.rejected(auth))) continue;
        throw httpStatusError({
          status: result.status,
          body: result.body,
          retryAfter: result.retryAfter,
          request: desc,
          server: this.server,
          auth: this.auth.kind,
          execCommand: this.auth.execCommand,
        });
      }
    } catch (e) {
      const timedOut = d.timedOut() || /handshake has timed out/i.test((e as Error)?.message ?? '');
      throw this.failure(e, desc, d.signal, timedOut);
    } finally {
      d.dispose();
    }
  }

  /** The cluster's proxy-url for channels, or a clear refusal when channels cannot use it. */
  private channelProxy(desc: RequestDescription): ChannelProxy | undefined {
    const { cluster } = this.target;
    if (!cluster.proxyUrl) return undefined;
    const parsed = parseChannelProxy(cluster.proxyUrl);
    if ('proxy' in parsed) return parsed.proxy;
    throw new KubeApiError(`${describeForHumans(desc)} failed: ${parsed.unsupported}`, {
      kind: 'network',
      hint: `Cluster "${cluster.name}" in ${cluster.file} sets proxy-url: use an http:// or https:// proxy there, or kubectl for this cluster.`,
    });
  }

  /** CONNECT through the proxy to the API server; its refusal becomes a message naming the proxy. */
  private async proxyTunnel(proxy: ChannelProxy, server: URL, desc: RequestDescription, signal: AbortSignal): Promise<Socket> {
    try {
      return await openProxyTunnel(proxy, connectAuthority(server), signal);
    } catch (e) {
      if (!(e instanceof ProxyTunnelError)) throw e;
      const { cluster } = this.target;
      const hint =
        e.status === 407
          ? `The proxy wants other credentials: check the user and password in proxy-url of cluster "${cluster.name}" in ${cluster.file}.`
          : `Check that the proxy runs and allows CONNECT to ${connectAuthority(server)} (proxy-url of cluster "${cluster.name}" in ${cluster.file}).`;
      // No status on the error: 403 or 404 from a proxy must not read as the API server's.
      throw new KubeApiError(`${describeForHumans(desc)} failed: ${e.message}`, { kind: 'network', hint, cause: e });
    }
  }

  /** 'h2' once the server negotiated HTTP/2 (requests then share a few connections), else 'http/1.1'. */
  get protocol(): 'h2' | 'http/1.1' {
    return this.http2 ? 'h2' : 'http/1.1';
  }

  /**
   * A watch went silent. Over HTTP/1.1 its own socket dies with it, but over HTTP/2 every stream
   * shares the session: if the session itself is dead, the restarted watch would land on it again.
   * A small request with a deadline tells; if it gets no answer, the connections are dropped so the
   * next requests dial afresh.
   */
  async checkConnection(timeoutMs = 5_000): Promise<void> {
    if (!this.http2 || this.closed) return;
    try {
      await this.request({ path: '/version', timeoutMs });
    } catch (e) {
      if (e instanceof KubeApiError && e.kind === 'http') return; // it answered: the connection lives
      const current = this.current;
      this.current = undefined;
      if (current) await current.dispatcher.then((d) => d.destroy()).catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const current = this.current;
    this.current = undefined;
    if (current) await current.dispatcher.then((d) => d.destroy()).catch(() => {});
  }

  /** Sends with credentials; retries once after a 401 when fresh credentials may help. */
  private async send(req: KubeRequest, desc: RequestDescription, signal: AbortSignal, stream: boolean): Promise<Response> {
    if (this.closed) throw new KubeApiError(`${describeForHumans(desc)} failed: the connection was closed`, { kind: 'aborted' });
    const body = req.body === undefined ? undefined : typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
    for (let attempt = 0; ; attempt++) {
      const auth = await raceAbort(this.auth.current(), signal);
      const dispatcher = await raceAbort(this.dispatcherFor(auth), signal);
      const headers: Record<string, string | string[]> = {
        accept: req.accept ?? 'application/json',
        'user-agent': this.options.userAgent ?? 'kube-atlas',
        ...auth.headers,
      };
      if (body !== undefined) headers['content-type'] = req.contentType ?? 'application/json';
      const res = await dispatcher.request({
        origin: this.origin,
        path: this.basePath + withQuery(req.path, req.query),
        method: req.method ?? 'GET',
        headers,
        body: body ?? null,
        signal,
        // Watches and followed logs may sit silent for minutes; the caller's signal ends them.
        bodyTimeout: stream ? 0 : null,
      });
      if (res.statusCode >= 200 && res.statusCode < 300) return res;
      const text = await res.body.text().catch(() => '');
      await socketReleased();
      if (res.statusCode === 401 && attempt === 0 && (await this.auth.rejected(auth))) continue;
      const retryAfter = res.headers['retry-after'];
      throw httpStatusError({
        status: res.statusCode,
        body: text,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        request: desc,
        server: this.server,
        auth: this.auth.kind,
        execCommand: this.auth.execCommand,
      });
    }
  }

  private dispatcherFor(auth: AuthState): Promise<Dispatcher> {
    const certKey = `${auth.clientCert ? createHash('sha256').update(auth.clientCert.cert).update(auth.clientCert.key).digest('hex') : ''}|${this.http2 ? 'h2' : 'h1'}`;
    if (this.current?.certKey === certKey) return this.current.dispatcher;
    // A new client certificate from an exec plugin, or the switch to HTTP/2, needs new
    // connections; requests still running on the old ones finish before it closes.
    const previous = this.current;
    const { cluster } = this.target;
    const http2 = this.http2;
    const dispatcher = this.tlsMaterial().then((tls) => {
      this.startHttp2Probe(tls, auth);
      return createDispatcher({ tls, clientCert: auth.clientCert, proxyUrl: cluster.proxyUrl, clusterName: cluster.name, file: cluster.file, http2 });
    });
    const entry = { certKey, dispatcher };
    this.current = entry;
    dispatcher.catch(() => {
      if (this.current === entry) this.current = undefined; // let the next request try again
    });
    if (previous) void previous.dispatcher.then((d) => d.close()).catch(() => {});
    return dispatcher;
  }

  /**
   * Asks the server once, beside the first requests (never in front of them), whether it speaks
   * h2; when it does, later requests (the watches, which start after discovery) share a few
   * connections. Through a proxy-url we stay on HTTP/1.1, which every proxy carries.
   */
  private startHttp2Probe(tls: TlsMaterial, auth: AuthState): void {
    if (this.http2Probe || this.target.cluster.proxyUrl) return;
    this.http2Probe = probeHttp2(new URL(this.target.cluster.server), tls, auth.clientCert).then((h2) => {
      if (h2 && !this.closed) this.http2 = true;
      return h2;
    });
  }

  private tlsMaterial(): Promise<TlsMaterial> {
    if (!this.tls) {
      const { cluster, user, contextName } = this.target;
      const p = loadTlsMaterial(cluster, user, contextName);
      this.tls = p;
      // A missing certificate may be restored; do not remember the failure.
      p.catch(() => {
        if (this.tls === p) this.tls = undefined;
      });
    }
    return this.tls;
  }

  private failure(e: unknown, desc: RequestDescription, signal: AbortSignal, timedOut: boolean): KubeApiError {
    if (e instanceof KubeApiError) return e;
    const what = describeForHumans(desc);
    if (timedOut) {
      return new KubeApiError(`${what} failed: no answer from ${this.server} within the deadline`, {
        kind: 'timeout',
        hint: 'The API server is slow, overloaded or unreachable: retry later.',
        cause: e,
      });
    }
    if (signal.aborted) return new KubeApiError(`${what} was cancelled`, { kind: 'aborted', cause: e });
    const { cluster } = this.target;
    return networkError(e, { server: this.server, request: desc, clusterName: cluster.name, file: cluster.file });
  }
}

/**
 * undici frees a keep-alive socket one event-loop turn after the response ends (setImmediate, to
 * catch servers that close anyway). A caller's next request issued before that turn finds the
 * socket busy and opens a second connection; waiting one turn keeps sequential calls on one.
 */
function socketReleased(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * `Warning: 299 - "text"` headers (RFC 7234 form, as the apiserver sends them) → the texts. One
 * header may carry several, comma-separated; commas inside the quoted text are kept.
 */
export function parseWarnings(header: string | string[] | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const h of Array.isArray(header) ? header : [header]) {
    const re = /\d{3}\s+\S+\s+"((?:[^"\\]|\\.)*)"/g;
    let m: RegExpExecArray | null = re.exec(h);
    if (!m) {
      out.push(h.trim());
      continue;
    }
    while (m) {
      out.push((m[1] ?? '').replace(/\\(.)/g, '$1'));
      m = re.exec(h);
    }
  }
  return out;
}

function withQuery(path: string, query: KubeRequest['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.append(k, String(v));
  const qs = params.toString();
  if (!qs) return path;
  return `${path}${path.includes('?') ? '&' : '?'}${qs}`;
}

function parseBody<T>(text: string, res: Response, desc: RequestDescription): T {
  if (text.length === 0) return undefined as T;
  const type = String(res.headers['content-type'] ?? '');
  // Non-JSON answers (/healthz says "ok", logs are text) are returned as the text itself.
  if (!type.includes('json') && !/^\s*[[{]/.test(text)) return text as T;
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new KubeApiError(`${describeForHumans(desc)}: the server answered with invalid JSON`, {
      kind: 'http',
      status: res.statusCode,
      hint: 'A proxy in between may have rewritten the answer: check the server URL.',
      cause: e,
    });
  }
}
