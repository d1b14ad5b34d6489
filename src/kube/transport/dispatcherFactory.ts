// One undici dispatcher per (cluster, user): keep-alive connections are reused across requests,
// unlike client-node, which builds a new dispatcher (and TLS handshake) for every API call.

import { Agent, Dispatcher, ProxyAgent, Socks5ProxyAgent } from 'undici';
import { redactUrl } from '../util/redact';
import type { TlsMaterial } from './tlsMaterial';
import { KubeApiError } from './types';

export interface DispatcherSpec {
  tls: TlsMaterial;
  /** Overrides tls.cert/key (exec plugins can hand out client certificates). */
  clientCert?: { cert: string; key: string };
  proxyUrl?: string;
  clusterName: string;
  file: string;
  /** The server negotiated h2 (probeHttp2): multiplex every request on a few connections. */
  http2?: boolean;
}

/**
 * HTTP/2: undici multiplexes h2 streams on one connection only while `pipelining` allows more
 * than one request in flight (undici 7), so it is raised, and `connections` caps the sessions a
 * burst may open before the first one is up. 2 × 100 streams is far beyond what the tree opens.
 * Only used after the server answered h2 itself: over HTTP/1.1, pipelining a never-ending watch
 * would stall every request behind it.
 */
const HTTP2_POOL = { allowH2: true, pipelining: 100, connections: 2 };

/**
 * Reads (lists, watches, discovery) go over HTTP/2; writes over HTTP/1.1. undici treats a session
 * with requests in flight as busy for any non-idempotent request, and a session always has
 * watches in flight: a POST or PATCH would wait for a free session that never comes (seen here,
 * against kube-apiserver). Writes are few and short, so their own keep-alive socket costs little.
 */
class ReadsOverHttp2 extends Dispatcher {
  constructor(
    private readonly reads: Dispatcher,
    private readonly writes: Dispatcher,
  ) {
    super();
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    const read = options.method === 'GET' || options.method === 'HEAD';
    return (read ? this.reads : this.writes).dispatch(options, handler);
  }

  override async close(): Promise<void> {
    await Promise.all([this.reads.close(), this.writes.close()]);
  }

  override async destroy(): Promise<void> {
    await Promise.all([this.reads.destroy(), this.writes.destroy()]);
  }
}

// Idle connections stay open long enough to carry the next burst of calls; Go's client keeps
// them 90 s. Bounded by the server's own Keep-Alive hint when it sends one.
const KEEP_ALIVE_MS = 60_000;

export function createDispatcher(spec: DispatcherSpec): Dispatcher {
  const connect = {
    ca: spec.tls.ca,
    cert: spec.clientCert?.cert ?? spec.tls.cert,
    key: spec.clientCert?.key ?? spec.tls.key,
    rejectUnauthorized: spec.tls.rejectUnauthorized,
    servername: spec.tls.servername,
    keepAlive: true,
  };
  const pool = { keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: 10 * KEEP_ALIVE_MS };
  if (!spec.proxyUrl) {
    const http1 = new Agent({ ...pool, connect });
    return spec.http2 ? new ReadsOverHttp2(new Agent({ ...pool, ...HTTP2_POOL, connect }), http1) : http1;
  }

  let proxy: URL;
  try {
    proxy = new URL(spec.proxyUrl);
  } catch {
    throw badProxy(spec, `proxy-url ${redactUrl(spec.proxyUrl)} is not a URL`);
  }
  if (proxy.protocol === 'http:' || proxy.protocol === 'https:') {
    return new ProxyAgent({ ...pool, uri: proxy.href, requestTls: connect });
  }
  if (proxy.protocol === 'socks5:' || proxy.protocol === 'socks:') {
    // requestTls is read by undici's Socks5ProxyAgent but missing from its typings.
    const options = { ...pool, requestTls: connect } as ConstructorParameters<typeof Socks5ProxyAgent>[1];
    return new Socks5ProxyAgent(proxy.href, options);
  }
  throw badProxy(spec, `proxy-url ${redactUrl(spec.proxyUrl)} uses ${proxy.protocol}, which is not supported`);
}

function badProxy(spec: DispatcherSpec, message: string): KubeApiError {
  return new KubeApiError(`${message} (cluster "${spec.clusterName}" in ${spec.file})`, {
    kind: 'credentials',
    hint: 'Use an http://, https:// or socks5:// proxy URL, or remove proxy-url.',
  });
}
