// Channels (exec, attach, port-forward) through a kubeconfig `proxy-url`. The HTTP transport gets
// there with undici's ProxyAgent; ws has no proxy support of its own, so the channel dial opens
// the tunnel first (HTTP CONNECT, as kubectl does for http:// and https:// proxies) and hands ws
// the tunnelled socket, over which ws runs TLS to the API server and the upgrade as usual.
//
// socks5:// is refused for channels: undici has SOCKS5 only inside its Socks5ProxyAgent
// dispatcher (the tunnel function is neither typed nor documented, and marked experimental), and
// ws has none; a SOCKS5 client of our own is left for later.
import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import { redactUrl } from '../../util/redact';

export interface ChannelProxy {
  secure: boolean;
  host: string;
  port: number;
  /** `Basic …` from the URL's user and password; never shown, never logged. */
  authorization?: string;
  /** The proxy URL with its password replaced, for messages. */
  display: string;
}

/** What a channel can do with a proxy-url: go through it, or the reason it cannot. */
export type ChannelProxyParse = { proxy: ChannelProxy } | { unsupported: string };

/** Pure: a kubeconfig `proxy-url` → where to send CONNECT, and the credentials to send with it. */
export function parseChannelProxy(raw: string): ChannelProxyParse {
  const display = redactUrl(raw);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { unsupported: `proxy-url ${display} is not a URL` };
  }
  if (url.protocol === 'socks5:' || url.protocol === 'socks:') {
    return { unsupported: `exec and port-forward cannot go through the SOCKS5 proxy ${display} (only http:// and https:// proxies carry them)` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { unsupported: `proxy-url ${display} uses ${url.protocol}, which is not supported` };
  }
  const secure = url.protocol === 'https:';
  const proxy: ChannelProxy = {
    secure,
    // [::1] → ::1 for the socket; the brackets belong to the URL only.
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(url.port) || (secure ? 443 : 80),
    display,
  };
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    proxy.authorization = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
  }
  return { proxy };
}

/** `host:port` as a CONNECT request names it (IPv6 in brackets). */
export function connectAuthority(url: URL): string {
  const port = Number(url.port) || (url.protocol === 'https:' || url.protocol === 'wss:' ? 443 : 80);
  return `${url.hostname}:${port}`;
}

/** The proxy would not open the tunnel (refused, closed, unreachable): the message names it, redacted. */
export class ProxyTunnelError extends Error {
  constructor(
    message: string,
    readonly status?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'ProxyTunnelError';
  }
}

/**
 * Asks the proxy for a tunnel to `authority` (CONNECT) and resolves with the open socket, bytes
 * flowing straight to the target. Rejects with a ProxyTunnelError on any answer but 2xx, on a
 * proxy that closes or cannot be reached; the signal (the channel's deadline) aborts it.
 */
export function openProxyTunnel(proxy: ChannelProxy, authority: string, signal?: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    const headers: Record<string, string> = { host: authority };
    if (proxy.authorization) headers['proxy-authorization'] = proxy.authorization;
    const options = {
      host: proxy.host,
      port: proxy.port,
      method: 'CONNECT',
      path: authority,
      headers,
      agent: false as const,
      // TLS to an https:// proxy is checked against the system's CAs (the kubeconfig's CA is the API server's).
      ...(proxy.secure && !isIP(proxy.host) ? { servername: proxy.host } : {}),
    };
    const req = (proxy.secure ? httpsRequest : httpRequest)(options);
    let settled = false;
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      return true;
    };
    const onAbort = (): void => {
      if (!settle()) return;
      req.destroy();
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    // Node hands every answer to CONNECT (2xx or not) to 'connect', its body unread.
    req.on('connect', (res: IncomingMessage, socket: Socket, head: Buffer) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        if (!settle()) {
          socket.destroy();
          return;
        }
        if (head.length) socket.unshift(head);
        resolve(socket);
        return;
      }
      socket.destroy();
      if (settle()) reject(new ProxyTunnelError(`the proxy ${proxy.display} refused the tunnel to ${authority} (${status}${res.statusMessage ? ` ${res.statusMessage}` : ''})`, status));
    });
    req.on('error', (e: NodeJS.ErrnoException) => {
      if (!settle()) return;
      const message =
        e.code === 'ECONNRESET' || /socket hang up/i.test(e.message)
          ? `the proxy ${proxy.display} closed the connection before opening a tunnel to ${authority}`
          : `cannot reach the proxy ${proxy.display} (${redactUrl(e.message)})`;
      reject(new ProxyTunnelError(message, undefined, { cause: e }));
    });
    req.end();
  });
}
