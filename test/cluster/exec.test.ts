// Exec through the real API server into KWOK's simulated pods (KWOK runs the command on this host
// in exec-scratch/, with a real TTY): output and exit codes, stdin EOF over v5, an interactive TTY
// with a resize, the shell probe, the refusals users meet (forbidden, pod gone, no such container),
// the pod deleted under an open session, and no socket left behind.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { test } from 'node:test';
import { type ExecEnd, ExecSession } from '../../src/kube/exec/execSession';
import { watchPodLifetime, type PodEnd } from '../../src/kube/exec/podLifetime';
import { openShell } from '../../src/kube/exec/shellProbe';
import { channelsOf } from '../../src/kube/transport/channel/channelSocket';
import { createTransport } from '../../src/kube/transport/createTransport';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import { KubeApiError } from '../../src/kube/transport/types';
import { type RealStack, realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { RESTRICTED_NAMESPACE } from './harness/rbac';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('exec');
const restrictedPod = uniqueName('exec-denied');
let stack: RealStack;

const podYaml = (name: string, namespace: string) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'exec-test' } },
    spec: { nodeName: 'kwok-node-0', containers: [{ name: 'main', image: 'registry.invalid/x:1' }, { name: 'side', image: 'registry.invalid/x:1' }] },
  });

const cluster = useCluster({
  namespace: ns,
  setup: async (c) => {
    await c.kubectl(['create', 'namespace', RESTRICTED_NAMESPACE]).catch(() => undefined);
    for (const [name, n] of [
      ['p1', ns],
      ['doomed', ns],
      [restrictedPod, RESTRICTED_NAMESPACE],
    ] as const) {
      const file = join(c.dir, `${name}.json`);
      writeFileSync(file, podYaml(name, n));
      await c.kubectl(['apply', '-f', file]);
    }
    await c.kubectl(['-n', ns, 'wait', '--for=condition=Ready', 'pod/p1', 'pod/doomed', '--timeout=60s']);
    await c.kubectl(['-n', RESTRICTED_NAMESPACE, 'wait', '--for=condition=Ready', `pod/${restrictedPod}`, '--timeout=60s']);
    stack = await realStack(c.kubeconfig);
  },
  teardown: async (c) => {
    await stack?.close();
    await c.kubectl(['-n', RESTRICTED_NAMESPACE, 'delete', 'pod', restrictedPod, '--wait=false']).catch(() => undefined);
  },
});

/** HTTP/1.1 TLS sockets of this process to the API server: channels (and idle keep-alive sockets of writes). */
function apiSockets(port: number): number {
  const handles = (process as unknown as { _getActiveHandles(): unknown[] })._getActiveHandles();
  // Channels are HTTP/1.1 upgrades; the transport's shared HTTP/2 session (lists, watches) is not counted.
  return handles.filter((h) => (h as TLSSocket).remotePort === port && !(h as TLSSocket).destroyed && (h as TLSSocket).alpnProtocol !== 'h2').length;
}

function collect(): { text: () => string; listener: (s: 'stdout' | 'stderr', t: string) => void; streams: Record<string, string> } {
  const streams: Record<string, string> = { stdout: '', stderr: '' };
  return { streams, text: () => streams.stdout! + streams.stderr!, listener: (s, t) => (streams[s] += t) };
}

test('a command: stdout and stderr apart, a non-zero exit code from the error channel, over v5', async () => {
  const out = collect();
  const s = await ExecSession.open(channelsOf(stack.transport), { namespace: ns, pod: 'p1', container: 'main', command: ['sh', '-c', 'echo out; echo err >&2; printf "né€"; exit 3'], tty: false, stdin: false }, out.listener);
  assert.equal(s.protocol, 'v5.channel.k8s.io');
  const end = await s.ended;
  assert.deepEqual({ kind: end.kind, code: end.kind === 'exit' ? end.code : undefined }, { kind: 'exit', code: 3 });
  assert.equal(out.streams.stdout, 'out\nné€');
  assert.equal(out.streams.stderr, 'err\n');
  const ok = await ExecSession.open(channelsOf(stack.transport), { namespace: ns, pod: 'p1', container: 'main', command: ['true'], tty: false, stdin: false }, () => {});
  assert.deepEqual(await ok.ended, { kind: 'exit', code: 0 });
});

test('stdin EOF over v5 (the close signal): cat ends and the exit code still arrives', async () => {
  const out = collect();
  const s = await ExecSession.open(channelsOf(stack.transport), { namespace: ns, pod: 'p1', container: 'main', command: ['sh', '-c', 'cat; echo done; exit 5'], tty: false, stdin: true }, out.listener);
  s.write('abc\n');
  s.write(Buffer.from('déf\n'));
  assert.equal(s.endStdin(), true);
  const end = await s.ended;
  assert.equal(end.kind === 'exit' && end.code, 5);
  assert.equal(out.streams.stdout, 'abc\ndéf\ndone\n');
});

test('interactive TTY: the shell sees our size after a resize, exit code when it ends', async () => {
  const out = collect();
  const s = await ExecSession.open(channelsOf(stack.transport), { namespace: ns, pod: 'p1', container: 'main', command: ['sh'], tty: true, stdin: true, size: { columns: 100, rows: 30 } }, out.listener);
  // KWOK applies a resize asynchronously: ask until the shell reports it.
  await waitFor(
    () => {
      s.write('stty size\r');
      return /\b30 100\b/.test(out.text());
    },
    { what: 'stty size = 30 100', timeoutMs: 15_000, intervalMs: 500 },
  );
  s.resize(132, 43);
  await waitFor(
    () => {
      s.write('stty size\r');
      return /\b43 132\b/.test(out.text());
    },
    { what: 'stty size = 43 132 after the resize', timeoutMs: 15_000, intervalMs: 500 },
  );
  s.write('exit 4\r');
  const end = await s.ended;
  assert.equal(end.kind === 'exit' && end.code, 4, JSON.stringify(end));
});

test('shell probe: a missing shell gives way to the next candidate', async () => {
  const out = collect();
  const shell = await openShell(channelsOf(stack.transport), { namespace: ns, pod: 'p1', container: 'main', candidates: [['kube-atlas-no-such-shell'], ['sh']], size: { columns: 80, rows: 24 } }, out.listener);
  assert.deepEqual(shell.command, ['sh']);
  shell.session.write('echo probe-$((40+2))\r');
  await waitFor(() => out.text().includes('probe-42'), { what: 'output of the probed shell' });
  shell.session.write('exit\r');
  assert.equal((await shell.session.ended).kind, 'exit');
});

test('refusals say what happened: forbidden (restricted user), pod gone, no such container', async () => {
  const c = cluster();
  const restricted = await loadKubeconfigs([c.restrictedKubeconfig]);
  const rt = createTransport(restricted, restricted.currentContext!);
  try {
    await assert.rejects(ExecSession.open(channelsOf(rt), { namespace: RESTRICTED_NAMESPACE, pod: restrictedPod, command: ['sh'], tty: true, stdin: true }, () => {}), (e: unknown) => {
      assert.ok(e instanceof KubeApiError, String(e));
      assert.equal(e.status, 403);
      assert.match(e.message, new RegExp(`^Not allowed to exec into pod ${RESTRICTED_NAMESPACE}/${restrictedPod}: .*User "restricted" cannot \\w+ resource "pods/exec"`));
      assert.match(e.hint ?? '', /kubectl auth can-i create pods\/exec -n team-a/);
      return true;
    });
  } finally {
    await rt.close();
  }
  await assert.rejects(ExecSession.open(channelsOf(stack.transport), { namespace: ns, pod: 'no-such-pod', command: ['sh'], tty: false, stdin: false }, () => {}), (e: unknown) => {
    assert.ok(e instanceof KubeApiError);
    assert.equal(e.status, 404);
    assert.match(e.message, new RegExp(`^Cannot exec: pod ${ns}/no-such-pod is gone`));
    return true;
  });
  await assert.rejects(ExecSession.open(channelsOf(stack.transport), { namespace: ns, pod: 'p1', container: 'nope', command: ['sh'], tty: false, stdin: false }, () => {}), (e: unknown) => {
    assert.ok(e instanceof KubeApiError);
    assert.equal(e.status, 400);
    assert.match(e.message, new RegExp(`^Cannot exec: container "nope" is not in pod ${ns}/p1`));
    return true;
  });
});

test('the pod deleted under an open session: the watch reports it, the socket is closed, none leaks', async () => {
  const c = cluster();
  const port = new URL(c.server).port;
  const before = apiSockets(Number(port));
  const out = collect();
  const s = await ExecSession.open(channelsOf(stack.transport), { namespace: ns, pod: 'doomed', container: 'main', command: ['sh'], tty: true, stdin: true }, out.listener);
  s.write('echo alive\r');
  await waitFor(() => out.text().includes('alive'), { what: 'the shell answered' });
  const gone: PodEnd[] = [];
  const lifetime = watchPodLifetime(stack.clusters, { context: stack.context, namespace: ns, name: 'doomed' }, (why) => {
    gone.push(why);
    s.close();
  });
  await c.kubectl(['-n', ns, 'delete', 'pod', 'doomed', '--grace-period=0', '--force']);
  const end: ExecEnd = await s.ended;
  lifetime.dispose();
  assert.deepEqual(gone, ['deleted']);
  assert.equal(end.kind, 'closed');
  assert.equal(end.kind === 'closed' && end.byUs, true);
  // The session's socket is gone; only the stack's own pooled connections (if any) remain.
  await waitFor(() => apiSockets(Number(port)) <= before, { what: `API server sockets back to ${before} (now ${apiSockets(Number(port))})` });
});

test('context reset ends the lifetime of every session of that context', async () => {
  const ended: PodEnd[] = [];
  const lifetime = watchPodLifetime(stack.clusters, { context: stack.context, namespace: ns, name: 'p1' }, (why) => ended.push(why));
  await stack.clusters.resetContext(stack.context);
  lifetime.dispose();
  assert.deepEqual(ended, ['context-reset']);
});
