// Exec and port-forward channels through a kubeconfig proxy-url: a loopback HTTP CONNECT proxy
// written here (counting tunnels, recording each CONNECT target and Proxy-Authorization) stands
// between our channel client and the real apiserver. A copy of the harness kubeconfig points at
// it with credentials in the URL. The proxy checks them (407 otherwise) and can be told to close
// connections instead of answering: both refusals must read as the proxy's, named without its
// password.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { dump, load } from 'js-yaml';
import { ExecSession } from '../../src/kube/exec/execSession';
import { PortForward } from '../../src/kube/portforward/portForward';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import { channelsOf } from '../../src/kube/transport/channel/channelSocket';
import { createTransport } from '../../src/kube/transport/createTransport';
import { KubeApiError, type KubeTransport } from '../../src/kube/transport/types';
import { waitFor } from '../support/waitFor';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('chproxy');
const PROXY_USER = 'proxy-user';
const PROXY_PASSWORD = 'Tunn3l-Pa55word';

interface ConnectProxy {
  port: number;
  /** Tunnels opened (200 answered). */
  tunnels: number;
  /** Tunnels open now. */
  open: number;
  /** The CONNECT target of every request, in order. */
  targets: string[];
  /** The Proxy-Authorization header of every request ('' when absent). */
  authorizations: string[];
  mode: 'tunnel' | 'close';
  close(): Promise<void>;
}

/** A CONNECT proxy on loopback that only tunnels to `allowed` (the apiserver), with Basic auth. */
async function startConnectProxy(allowed: string): Promise<ConnectProxy> {
  const expected = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`;
  const live = new Set<Socket>();
  const server: Server = createServer((_req, res) => res.writeHead(405).end());
  const proxy: ConnectProxy = {
    port: 0,
    tunnels: 0,
    open: 0,
    targets: [],
    authorizations: [],
    mode: 'tunnel',
    close: async () => {
      for (const s of live) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
  server.on('connect', (req: IncomingMessage, client: Socket, head: Buffer) => {
    live.add(client);
    client.on('close', () => live.delete(client));
    client.on('error', () => undefined);
    proxy.targets.push(req.url ?? '');
    proxy.authorizations.push(req.headers['proxy-authorization'] ?? '');
    if (proxy.mode === 'close') {
      client.destroy();
      return;
    }
    if (req.headers['proxy-authorization'] !== expected) {
      client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    // Loopback only, and only the apiserver: never a tunnel anywhere else.
    if (req.url !== allowed) {
      client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const [host, port] = [allowed.slice(0, allowed.lastIndexOf(':')), Number(allowed.slice(allowed.lastIndexOf(':') + 1))];
    const upstream = connect(port, host, () => {
      proxy.tunnels++;
      proxy.open++;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    live.add(upstream);
    let counted = true;
    const end = (): void => {
      if (counted && upstream.readyState !== 'opening') {
        counted = false;
        proxy.open--;
      }
      client.destroy();
      upstream.destroy();
    };
    upstream.on('close', end);
    client.on('close', end);
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  proxy.port = address.port;
  return proxy;
}

let proxy: ConnectProxy;
let apiAuthority = '';

const cluster = useCluster({
  namespace: ns,
  setup: async (c) => {
    const file = join(c.dir, `${ns}.json`);
    writeFileSync(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p1', namespace: ns },
        spec: { nodeName: 'kwok-node-0', containers: [{ name: 'main', image: 'registry.invalid/x:1', ports: [{ containerPort: 8080 }] }] },
      }),
    );
    await c.kubectl(['apply', '-f', file]);
    await c.kubectl(['-n', ns, 'wait', '--for=condition=Ready', 'pod/p1', '--timeout=60s']);
    apiAuthority = new URL(c.server).host;
    proxy = await startConnectProxy(apiAuthority);
  },
  teardown: async () => {
    await proxy?.close();
  },
});

/** A transport for a copy of the harness kubeconfig whose cluster sets `proxy-url`. */
async function transportVia(proxyUrl: string): Promise<KubeTransport> {
  const c = cluster();
  const config = load(readFileSync(c.kubeconfig, 'utf8')) as { clusters: { cluster: Record<string, unknown> }[] };
  for (const entry of config.clusters) entry.cluster['proxy-url'] = proxyUrl;
  const file = join(c.dir, `${ns}-${proxy.targets.length}-proxied.kubeconfig`);
  writeFileSync(file, dump(config));
  const merged = await loadKubeconfigs([file]);
  return createTransport(merged, merged.currentContext!);
}

const proxyUrl = (password = PROXY_PASSWORD) => `http://${PROXY_USER}:${password}@127.0.0.1:${proxy.port}`;

function fetchText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false, timeout: 20_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
  });
}

test('exec goes through the proxy: output and exit code, one tunnel to the apiserver, the credentials as Proxy-Authorization', async () => {
  const transport = await transportVia(proxyUrl());
  try {
    const before = proxy.tunnels;
    let out = '';
    const s = await ExecSession.open(channelsOf(transport), { namespace: ns, pod: 'p1', command: ['sh', '-c', 'echo through-the-proxy; exit 4'], tty: false, stdin: false }, (_stream, t) => {
      out += t;
    });
    assert.equal(s.protocol, 'v5.channel.k8s.io');
    const end = await s.ended;
    assert.deepEqual({ kind: end.kind, code: end.kind === 'exit' ? end.code : undefined }, { kind: 'exit', code: 4 });
    assert.equal(out, 'through-the-proxy\n');
    assert.equal(proxy.tunnels, before + 1, 'the exec channel opened one tunnel');
    assert.equal(proxy.targets.at(-1), apiAuthority);
    assert.equal(proxy.authorizations.at(-1), `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString('base64')}`);
    await waitFor(() => proxy.open === 0, { what: 'the tunnel closed with the channel' });
  } finally {
    await transport.close();
  }
});

test('a port-forward goes through the proxy: bytes there and back, one tunnel per connection', async () => {
  const transport = await transportVia(proxyUrl());
  const fwd = new PortForward({ context: 'kube-atlas', target: { kind: 'pod', namespace: ns, pod: 'p1', port: 8080 }, opener: () => channelsOf(transport) });
  try {
    await fwd.start();
    const before = proxy.tunnels;
    const bodies = await Promise.all(['/via-proxy-1', '/via-proxy-2', '/via-proxy-3'].map((p) => fetchText(fwd.localPort, p)));
    assert.deepEqual(bodies, ['/via-proxy-1', '/via-proxy-2', '/via-proxy-3'].map((p) => `hello from kube-atlas port-forward ${p}\n`));
    assert.equal(proxy.tunnels, before + 3, 'each forwarded connection had its channel tunnelled');
    assert.deepEqual(new Set(proxy.targets.slice(-3)), new Set([apiAuthority]));
  } finally {
    await fwd.stop();
    await transport.close();
  }
  await waitFor(() => proxy.open === 0, { what: 'the tunnels closed with the forward' });
});

/** The refusal an exec meets, checked to name the proxy without its password. */
async function refusal(transport: KubeTransport): Promise<KubeApiError> {
  const err = await ExecSession.open(channelsOf(transport), { namespace: ns, pod: 'p1', command: ['true'], tty: false, stdin: false }, () => {}).then(
    () => assert.fail('exec went through a proxy that refused'),
    (e: unknown) => e,
  );
  assert.ok(err instanceof KubeApiError, String(err));
  const text = `${err.message}\n${err.hint ?? ''}`;
  assert.ok(text.includes(`http://${PROXY_USER}:***@127.0.0.1:${proxy.port}`), text);
  assert.ok(!text.includes(PROXY_PASSWORD) && !text.includes('wrong-Pa55word'), `no password in: ${text}`);
  return err;
}

test('a proxy that answers 407 (wrong password): a clear message naming the proxy, redacted', async () => {
  const transport = await transportVia(proxyUrl('wrong-Pa55word'));
  try {
    const before = proxy.tunnels;
    const err = await refusal(transport);
    assert.match(err.message, /^create pods\/exec p1 in namespace \S+ failed: the proxy http:\/\/proxy-user:\*\*\*@127\.0\.0\.1:\d+ refused the tunnel to 127\.0\.0\.1:\d+ \(407 Proxy Authentication Required\)$/);
    assert.match(err.hint ?? '', /check the user and password in proxy-url/);
    assert.equal(err.kind, 'network');
    assert.equal(proxy.tunnels, before);
  } finally {
    await transport.close();
  }
});

test('a proxy that closes the connection: a clear message naming the proxy, redacted', async () => {
  const transport = await transportVia(proxyUrl());
  proxy.mode = 'close';
  try {
    const err = await refusal(transport);
    assert.match(err.message, /the proxy http:\/\/proxy-user:\*\*\*@127\.0\.0\.1:\d+ closed the connection before opening a tunnel to 127\.0\.0\.1:\d+$/);
    assert.match(err.hint ?? '', /allows CONNECT to 127\.0\.0\.1:\d+/);
  } finally {
    proxy.mode = 'tunnel';
    await transport.close();
  }
});

test('a socks5:// proxy-url: channels refuse it with a message naming it, redacted', async () => {
  const transport = await transportVia(`socks5://${PROXY_USER}:${PROXY_PASSWORD}@127.0.0.1:1`);
  try {
    const err = await ExecSession.open(channelsOf(transport), { namespace: ns, pod: 'p1', command: ['true'], tty: false, stdin: false }, () => {}).then(
      () => assert.fail('exec through socks5'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof KubeApiError);
    assert.match(err.message, /cannot go through the SOCKS5 proxy socks5:\/\/proxy-user:\*\*\*@127\.0\.0\.1:1/);
    assert.ok(!err.message.includes(PROXY_PASSWORD));
  } finally {
    await transport.close();
  }
});
