// A small raw HTTPS client for the apiserver: one keep-alive agent with the client cert, so
// seeding thousands of objects reuses a handful of TLS connections instead of one per request.
import { readFileSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export interface ClientCert {
  caCert: string;
  cert: string;
  key: string;
}

export class ApiClient {
  readonly agent: Agent;
  private readonly host = '127.0.0.1';

  constructor(
    readonly port: number,
    tls: ClientCert,
    maxSockets = 32,
  ) {
    this.agent = new Agent({
      keepAlive: true,
      maxSockets,
      ca: readFileSync(tls.caCert),
      cert: readFileSync(tls.cert),
      key: readFileSync(tls.key),
    });
  }

  /** Any status is returned, not thrown: callers assert on 403/404/409 as often as on 200. */
  request<T = unknown>(method: string, path: string, body?: unknown, contentType = 'application/json', timeoutMs = 60_000): Promise<ApiResponse<T>> {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = httpsRequest(
        {
          host: this.host,
          port: this.port,
          method,
          path,
          agent: this.agent,
          timeout: timeoutMs,
          headers: {
            accept: 'application/json',
            ...(payload === undefined ? {} : { 'content-type': contentType, 'content-length': Buffer.byteLength(payload) }),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed: unknown = text;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              // not JSON (healthz answers "ok")
            }
            resolve({ status: res.statusCode ?? 0, body: parsed as T, text });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out after ${timeoutMs} ms`)));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }

  /** Like request() but throws with the server's message unless the status is 2xx. */
  async ok<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.request<T>(method, path, body, contentType);
    if (res.status < 200 || res.status >= 300) {
      throw new Error(`${method} ${path} answered ${res.status}: ${res.text.slice(0, 500)}`);
    }
    return res.body;
  }

  /** POST that treats 409 AlreadyExists as success, so seeding and setup are re-runnable. */
  async create(path: string, body: unknown): Promise<void> {
    // A loaded apiserver answers 504 (its request deadline: the object may exist anyway, then the
    // retry gets 409), 429 or 503: retry a few times, so a 20,000-pod seed survives a busy machine.
    for (let attempt = 1; ; attempt++) {
      const res = await this.request('POST', path, body);
      if (res.status === 409 || (res.status >= 200 && res.status < 300)) return;
      if (![429, 503, 504].includes(res.status) || attempt === 5) throw new Error(`POST ${path} answered ${res.status}: ${res.text.slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 500 * attempt));
    }
  }

  /**
   * Opens a watch and resolves with the first event line (or the HTTP status when the server
   * refuses the watch outright), then closes it. Used to observe 410 Gone for stale versions.
   */
  firstWatchEvent(path: string, timeoutMs = 30_000): Promise<{ status: number; event?: { type: string; object: { code?: number; reason?: string; message?: string; metadata?: { resourceVersion?: string } } } }> {
    return new Promise((resolve, reject) => {
      const req = httpsRequest({ host: this.host, port: this.port, method: 'GET', path, agent: false, ca: this.agent.options.ca, cert: this.agent.options.cert, key: this.agent.options.key, timeout: timeoutMs }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          resolve({ status: res.statusCode ?? 0 });
          return;
        }
        let buf = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          buf += chunk;
          const nl = buf.indexOf('\n');
          if (nl >= 0) {
            req.destroy();
            resolve({ status: 200, event: JSON.parse(buf.slice(0, nl)) });
          }
        });
        res.on('end', () => resolve({ status: 200 }));
      });
      req.on('timeout', () => req.destroy(new Error(`watch ${path} gave no event within ${timeoutMs} ms`)));
      req.on('error', (err) => {
        if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
      });
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** GET over HTTPS without verifying the serving cert: only for health probes of 127.0.0.1 ports
 * whose components (controller-manager, scheduler) make up their own self-signed certs. */
export function probe(port: number, path: string, tls?: { ca?: Buffer; cert?: Buffer; key?: Buffer }): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpsRequest(
      { host: '127.0.0.1', port, path, method: 'GET', agent: false, timeout: 5_000, rejectUnauthorized: tls?.ca !== undefined, ...tls },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('timeout', () => req.destroy(new Error(`GET :${port}${path} timed out`)));
    req.on('error', reject);
    req.end();
  });
}
