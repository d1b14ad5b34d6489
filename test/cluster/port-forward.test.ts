// Port-forward through the real API server to KWOK's simulated pods (KWOK forwards every pod port
// to the harness's loopback HTTP server, which answers with the path): 20 concurrent connections
// through one forward, a Service forward resolved through its EndpointSlices that re-attaches to
// another ready pod when its pod is deleted, and nothing left open after stop().
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { watchPodLifetime } from '../../src/kube/exec/podLifetime';
import { PortForward } from '../../src/kube/portforward/portForward';
import { resolveServicePod } from '../../src/kube/portforward/serviceTarget';
import { channelsOf } from '../../src/kube/transport/channel/channelSocket';
import { type RealStack, realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('pf');
let stack: RealStack;

const cluster = useCluster({
  namespace: ns,
  setup: async (c) => {
    const pod = (name: string, node: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, labels: { app: 'pf' } },
      spec: { nodeName: node, containers: [{ name: 'web', image: 'registry.invalid/x:1', ports: [{ name: 'http', containerPort: 8080 }] }] },
    });
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'pf-svc', namespace: ns }, spec: { selector: { app: 'pf' }, ports: [{ name: 'web', port: 80, targetPort: 'http' }] } };
    const file = join(c.dir, `${ns}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [pod('pf-1', 'kwok-node-0'), pod('pf-2', 'kwok-node-1'), svc] }));
    await c.kubectl(['apply', '-f', file]);
    await c.kubectl(['-n', ns, 'wait', '--for=condition=Ready', 'pod/pf-1', 'pod/pf-2', '--timeout=60s']);
    stack = await realStack(c.kubeconfig);
  },
  teardown: async () => {
    await stack?.close();
  },
});

function apiSockets(port: number): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  // Channels are HTTP/1.1 upgrades; the transport's shared HTTP/2 session (lists, watches) is not counted.
  return handles.filter((h) => (h as TLSSocket).remotePort === port && !(h as TLSSocket).destroyed && (h as TLSSocket).alpnProtocol !== 'h2').length;
}

/** One GET on a fresh connection (no agent: 20 requests = 20 connections through the forward). */
function fetchText(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent: false, timeout: 20_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve(body));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${path} timed out`)));
    req.on('error', reject);
  });
}

test('a pod forward carries 20 concurrent connections, and stop() leaves nothing open', async () => {
  const apiPort = Number(new URL(cluster().server).port);
  const before = apiSockets(apiPort);
  const fwd = new PortForward({ context: stack.context, target: { kind: 'pod', namespace: ns, pod: 'pf-1', port: 8080 }, opener: () => channelsOf(stack.transport) });
  await fwd.start();
  assert.ok(fwd.localPort > 0);
  let peak = 0;
  fwd.onDidChange(() => (peak = Math.max(peak, fwd.activeConnections)));
  const bodies = await Promise.all(Array.from({ length: 20 }, (_, i) => fetchText(fwd.localPort, `/conn-${i}`)));
  assert.deepEqual(
    bodies,
    bodies.map((_, i) => `hello from kube-atlas port-forward /conn-${i}\n`),
  );
  assert.equal(fwd.accepted, 20);
  assert.ok(peak > 1, `connections overlapped (peak ${peak})`);
  await waitFor(() => fwd.activeConnections === 0, { what: 'every connection closed after its response' });
  await fwd.stop();
  await assert.rejects(fetchText(fwd.localPort, '/after-stop'), /ECONNREFUSED/);
  await waitFor(() => apiSockets(apiPort) <= before, { what: `API server sockets back to ${before} (now ${apiSockets(apiPort)})` });
});

test('stop() while connections are open closes them and their channels', async () => {
  const apiPort = Number(new URL(cluster().server).port);
  const before = apiSockets(apiPort);
  const fwd = new PortForward({ context: stack.context, target: { kind: 'pod', namespace: ns, pod: 'pf-1', port: 8080 }, opener: () => channelsOf(stack.transport) });
  await fwd.start();
  // Raw connections that send nothing: they stay open until stop().
  const { connect } = await import('node:net');
  const socks = Array.from({ length: 5 }, () => connect(fwd.localPort, '127.0.0.1'));
  await waitFor(() => apiSockets(apiPort) >= before + 5, { what: '5 channels open' });
  const closed = socks.map((s) => new Promise((r) => s.on('close', r)));
  await fwd.stop();
  await Promise.all(closed);
  await waitFor(() => apiSockets(apiPort) <= before, { what: `API server sockets back to ${before} (now ${apiSockets(apiPort)})` });
});

test('a Service forward: targetPort through the EndpointSlices, re-attached to another ready pod when its pod is deleted', async () => {
  const c = cluster();
  await waitFor(
    async () => resolveServicePod(stack.transport, ns, 'pf-svc', 80).then(
      () => true,
      () => false,
    ),
    { what: 'EndpointSlice of pf-svc with ready pods', timeoutMs: 30_000, intervalMs: 300 },
  );
  const fwd = new PortForward({
    context: stack.context,
    target: { kind: 'service', namespace: ns, service: 'pf-svc', port: 80 },
    opener: () => channelsOf(stack.transport),
    resolve: (avoid) => resolveServicePod(stack.transport, ns, 'pf-svc', 80, avoid),
    watchPod: (pod, gone) => watchPodLifetime(stack.clusters, { context: stack.context, namespace: pod.namespace, name: pod.pod }, gone),
  });
  await fwd.start();
  try {
    const first = fwd.pod!;
    assert.equal(first.port, 8080, 'named targetPort "http" resolved to the pod port');
    assert.ok(['pf-1', 'pf-2'].includes(first.pod));
    assert.equal(await fetchText(fwd.localPort, '/svc-1'), 'hello from kube-atlas port-forward /svc-1\n');
    await c.kubectl(['-n', ns, 'delete', 'pod', first.pod, '--grace-period=0', '--force']);
    await waitFor(() => fwd.pod === undefined || fwd.pod.pod !== first.pod, { what: 'the forward let go of the deleted pod', timeoutMs: 30_000 });
    assert.equal(await fetchText(fwd.localPort, '/svc-2'), 'hello from kube-atlas port-forward /svc-2\n');
    const second = fwd.pod!;
    assert.notEqual(second.pod, first.pod);
    assert.match(fwd.describe(), new RegExp(`^127\\.0\\.0\\.1:${fwd.localPort} → service ${ns}/pf-svc:80 \\(pod ${second.pod}:8080\\)$`));
  } finally {
    await fwd.stop();
  }
});
