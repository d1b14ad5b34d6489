// Does this API server speak HTTP/2? One TLS handshake offering h2 and http/1.1, read the ALPN
// answer, hang up. kube-apiserver answers h2: then every watch of the cluster can share one
// connection (undici multiplexes h2 streams), instead of one socket per watch over HTTP/1.1.
// Anything short of a clear "h2" (a proxy in between, a TLS-terminating load balancer that only
// speaks 1.1, an error, no answer) means HTTP/1.1, which always works.
import { connect } from 'node:tls';
import type { TlsMaterial } from './tlsMaterial';

export function probeHttp2(server: URL, tls: TlsMaterial, clientCert?: { cert: string; key: string }, timeoutMs = 10_000): Promise<boolean> {
  if (server.protocol !== 'https:') return Promise.resolve(false);
  return new Promise((resolve) => {
    let done = false;
    const finish = (h2: boolean): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(h2);
    };
    const socket = connect({
      host: server.hostname.replace(/^\[|\]$/g, ''),
      port: Number(server.port || 443),
      ALPNProtocols: ['h2', 'http/1.1'],
      ca: tls.ca,
      cert: clientCert?.cert ?? tls.cert,
      key: clientCert?.key ?? tls.key,
      rejectUnauthorized: tls.rejectUnauthorized,
      servername: tls.servername ?? (/^[\d.:[\]]+$/.test(server.hostname) ? undefined : server.hostname),
    });
    const timer = setTimeout(() => finish(false), timeoutMs);
    timer.unref?.();
    socket.once('secureConnect', () => finish(socket.alpnProtocol === 'h2'));
    socket.once('error', () => finish(false));
    socket.once('close', () => finish(false));
  });
}
