// Test fixtures for the transport: a throwaway PKI made with openssl, a local HTTPS server that
// counts TLS connections, and kubeconfig entries pointing at it. Everything stays on 127.0.0.1.

import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { promisify } from 'node:util';
import type { ClusterEntry, ContextEntry, MergedKubeconfig, UserEntry } from '../../src/kube/config/types';

const run = promisify(execFile);

export interface Pki {
  dir: string;
  caCert: string;
  otherCaCert: string;
  serverCert: string;
  serverKey: string;
  /** Valid for DNS:kube.test only, to exercise tls-server-name. */
  namedServerCert: string;
  namedServerKey: string;
  clientCert: string;
  clientKey: string;
  file(name: string): string;
  cleanup(): void;
}

export async function makePki(): Promise<Pki> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kube-atlas-pki-'));
  const ssl = (...args: string[]) => run('openssl', args, { cwd: dir });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = async (name: string) => ssl('req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=${name}`);
  const leaf = async (name: string, subj: string, ext: string) => {
    writeFileSync(path.join(dir, `${name}.ext`), ext);
    await ssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
    await ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`);
  };
  await Promise.all([ca('ca'), ca('other-ca')]);
  // Sequential: -CAcreateserial writes one serial file.
  await leaf('server', '/CN=kube-apiserver', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  await leaf('named', '/CN=kube-apiserver', 'subjectAltName=DNS:kube.test\nextendedKeyUsage=serverAuth\n');
  await leaf('client', '/CN=alice/O=devs', 'extendedKeyUsage=clientAuth\n');
  const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
  return {
    dir,
    caCert: read('ca.crt'),
    otherCaCert: read('other-ca.crt'),
    serverCert: read('server.crt'),
    serverKey: read('server.key'),
    namedServerCert: read('named.crt'),
    namedServerKey: read('named.key'),
    clientCert: read('client.crt'),
    clientKey: read('client.key'),
    file: (name) => path.join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

export interface TestServer {
  url: string;
  port: number;
  /** TLS connections accepted so far. */
  readonly connections: number;
  /** Sockets currently open. */
  readonly openSockets: number;
  /** Resolves when the number of open sockets drops to n. */
  socketsDropTo(n: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
  server: Server;
}

export async function startServer(pki: Pki, handler: Handler, opts: { named?: boolean } = {}): Promise<TestServer> {
  const server = createServer({
    key: opts.named ? pki.namedServerKey : pki.serverKey,
    cert: opts.named ? pki.namedServerCert : pki.serverCert,
    ca: pki.caCert,
    requestCert: true,
    rejectUnauthorized: false, // handlers decide, so a missing client cert becomes a 401 like the apiserver's
  });
  let connections = 0;
  const open = new Set<TLSSocket>();
  const waiters: (() => void)[] = [];
  server.on('secureConnection', (s: TLSSocket) => {
    connections++;
    open.add(s);
    s.on('close', () => {
      open.delete(s);
      for (const w of waiters.splice(0)) w();
    });
  });
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks).toString('utf8')));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    server,
    get connections() {
      return connections;
    },
    get openSockets() {
      return open.size;
    },
    socketsDropTo(n: number, timeoutMs = 5000) {
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`still ${open.size} open sockets after ${timeoutMs} ms`)), timeoutMs);
        const check = () => {
          if (open.size <= n) {
            clearTimeout(timer);
            resolve();
          } else waiters.push(check);
        };
        check();
      });
    },
    close() {
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

export function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

export function status(code: number, reason: string, message: string, details?: object): object {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, ...(details ? { details } : {}) };
}

export function peerName(req: IncomingMessage): string | undefined {
  const s = req.socket as TLSSocket;
  return s.authorized ? (s.getPeerCertificate().subject?.CN as string | undefined) : undefined;
}

export const b64 = (s: string): string => Buffer.from(s).toString('base64');

/** A merged kubeconfig with one context "test" → cluster "c" and user "u". */
export function kubeconfig(cluster: Partial<ClusterEntry> & { server: string }, user: Partial<UserEntry> = {}, file = '/test/kubeconfig'): MergedKubeconfig {
  const c: ClusterEntry = { name: 'c', file, line: 3, ...cluster };
  const u: UserEntry = { name: 'u', file, line: 9, ...user };
  const ctx: ContextEntry = { name: 'test', cluster: 'c', user: 'u', file, line: 14 };
  return {
    files: [{ path: file, exists: true }],
    currentContext: 'test',
    contexts: [ctx],
    clusters: new Map([[c.name, c]]),
    users: new Map([[u.name, u]]),
    problems: [],
  };
}

/** Runs fn while recording unhandled rejections and uncaught exceptions. */
export async function noUnhandled(fn: () => Promise<void>): Promise<unknown[]> {
  const seen: unknown[] = [];
  const onRejection = (e: unknown) => seen.push(e);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onRejection);
  try {
    await fn();
    // Unhandled rejections are reported after the microtask queue drains; let a macrotask pass.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('unhandledRejection', onRejection);
    process.off('uncaughtException', onRejection);
  }
  return seen;
}
