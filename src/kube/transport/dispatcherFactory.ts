// One undici dispatcher per (cluster, user): keep-alive connections are reused across requests,
// unlike client-node, which builds a new dispatcher (and TLS handshake) for every API call.

import { Agent, type Dispatcher, ProxyAgent, Socks5ProxyAgent } from 'undici';
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
  if (!spec.proxyUrl) return new Agent({ ...pool, connect });

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
