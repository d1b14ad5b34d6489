// exec, logs and port-forward go through kube-apiserver to KWOK's kubelet-like server on
// loopback: kubectl, client-node's websocket Exec, a real PTY, and raw HTTPS all reach it.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import { INITIAL_POD_LOG, waitFor } from './cluster.harness';
import { uniqueName, useCluster } from './harness/use-cluster';
import { createNamespace, deleteNamespace, deployWebApp } from './harness/workloads';

const ns = uniqueName('t-streaming');
let pod = '';
const children: ChildProcess[] = [];
const cluster = useCluster({
  setup: async (c) => {
    await createNamespace(c.api, ns);
    const pods = await deployWebApp(c.api, ns, 'shell', 1);
    pod = pods[0]?.metadata.name ?? '';
  },
  teardown: async (c) => {
    for (const child of children) child.kill();
    await deleteNamespace(c.api, ns);
  },
});

/** Starts a long-running kubectl and collects its output, so tests can wait for lines. */
function kubectlStream(args: string[]): { child: ChildProcess; output: () => string } {
  const child = spawn(join(cluster().binDir, 'kubectl'), [`--kubeconfig=${cluster().kubeconfig}`, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  return { child, output: () => out };
}

test('kubectl exec runs the command in the scratch dir and returns its output and exit code', async () => {
  const { stdout } = await cluster().kubectl(['exec', '-n', ns, pod, '--', 'sh', '-c', 'pwd; echo "exec=$KUBE_ATLAS_EXEC"']);
  assert.deepEqual(stdout.trim().split('\n'), [cluster().execScratch, 'exec=1']);
  await assert.rejects(cluster().kubectl(['exec', '-n', ns, pod, '--', 'sh', '-c', 'exit 7']), (err: { code: number }) => err.code === 7);
});

test('client-node Exec speaks the websocket exec protocol: stdout, stderr, stdin and exit status', async () => {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster().kubeconfig);
  const run = async (command: string[], input?: string) => {
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const stdin = input === undefined ? null : new PassThrough();
    const status = await new Promise<V1Status>((resolve, reject) => {
      new Exec(kc).exec(ns, pod, 'web', command, stdout, stderr, stdin, false, resolve).then(() => {
        if (stdin) stdin.end(input);
      }, reject);
    });
    return { status, out, err };
  };

  const ok = await run(['sh', '-c', 'echo to-stdout; echo to-stderr >&2']);
  assert.equal(ok.status.status, 'Success');
  assert.equal(ok.out, 'to-stdout\n');
  assert.equal(ok.err, 'to-stderr\n');

  const echoed = await run(['cat'], 'through stdin\n');
  assert.equal(echoed.out, 'through stdin\n');

  const failed = await run(['sh', '-c', 'exit 3']);
  assert.equal(failed.status.status, 'Failure');
  assert.equal(failed.status.reason, 'NonZeroExitCode');
  assert.equal(failed.status.details?.causes?.find((c) => c.reason === 'ExitCode')?.message, '3');
});

// KWOK opens the PTY at 0x0 and applies the client's size when the resize message arrives, a
// moment after the command starts; so the script polls (bounded) for the size to land.
const TTY_SCRIPT = 'test -t 0 && echo "tty=yes"; i=0; while [ "$(stty size)" = "0 0" ] && [ $i -lt 100 ]; do i=$((i+1)); sleep 0.05; done; echo "size=$(stty size)"; exit 5';

test('kubectl exec -it gets a real TTY with the size of the client terminal (node-pty)', async () => {
  const pty = await import('node-pty');
  const term = pty.spawn(join(cluster().binDir, 'kubectl'), [`--kubeconfig=${cluster().kubeconfig}`, 'exec', '-it', '-n', ns, pod, '--', 'sh', '-c', TTY_SCRIPT], {
    name: 'xterm-256color',
    cols: 123,
    rows: 45,
    env: process.env as Record<string, string>,
  });
  let out = '';
  term.onData((d) => {
    out += d;
  });
  const exitCode = await new Promise<number>((resolve) => term.onExit(({ exitCode }) => resolve(exitCode)));
  assert.match(out, /tty=yes/);
  assert.match(out, /size=45 123/);
  assert.equal(exitCode, 5);
});

test('logs return the CRI log file, and follow streams a line appended later', async () => {
  const { stdout } = await cluster().kubectl(['logs', '-n', ns, pod]);
  assert.deepEqual(stdout.trim().split('\n').slice(0, INITIAL_POD_LOG.length), INITIAL_POD_LOG);

  const raw = await cluster().api.request('GET', `/api/v1/namespaces/${ns}/pods/${pod}/log?timestamps=true&tailLines=1`);
  assert.equal(raw.status, 200);
  assert.match(raw.text, /^\d{4}-\d\d-\d\dT[\d:.]+Z .+\n$/);

  const follow = kubectlStream(['logs', '-f', '-n', ns, pod]);
  await waitFor(() => follow.output().includes(INITIAL_POD_LOG[0] as string), { timeoutMs: 20_000, what: 'kubectl logs -f to print the existing lines' });
  const marker = `appended-${randomBytes(4).toString('hex')}`;
  cluster().appendPodLog(marker);
  await waitFor(() => follow.output().includes(marker), { timeoutMs: 20_000, what: `followed logs to show ${marker}` });
  assert.equal(follow.child.exitCode, null, 'kubectl logs -f keeps following');
  assert.ok(readFileSync(cluster().podLogFile, 'utf8').includes(` stdout F ${marker}\n`));
});

test('kubectl port-forward reaches the harness loopback server through the apiserver and KWOK', async () => {
  const pf = kubectlStream(['port-forward', '--address', '127.0.0.1', '-n', ns, `pod/${pod}`, ':8080']);
  const port = await waitFor(() => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(pf.output())?.[1], { timeoutMs: 20_000, what: 'kubectl port-forward to print its local port' });
  for (const path of ['/first', '/second']) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`);
    assert.equal(res.status, 200);
    assert.equal(await res.text(), `hello from kube-atlas port-forward ${path}\n`);
  }
  assert.notEqual(Number(port), cluster().portForwardTargetPort);
});
