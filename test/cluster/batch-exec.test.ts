// One command across 50 pods in 5 namespaces through the real API server (KWOK runs each on this
// host): bounded concurrency, results with exit codes, failures first (pods without the
// container), a per-pod timeout that stops a command, and cancellation.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { type BatchResult, failed, podsBySelector, renderBatchReport, runBatch } from '../../src/kube/exec/batchExec';
import type { ChannelOpener } from '../../src/kube/transport/channel/channelSocket';
import { channelsOf } from '../../src/kube/transport/channel/channelSocket';
import { type RealStack, realStack } from '../support/realStack';
import { uniqueName, useCluster } from './harness/use-cluster';

const run = uniqueName('batch');
const namespaces = [1, 2, 3, 4, 5].map((i) => `${run}-${i}`);
let stack: RealStack;

useCluster({
  setup: async (c) => {
    const items: object[] = [];
    for (const [n, ns] of namespaces.entries()) {
      items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
      for (let i = 0; i < 10; i++) {
        // The last pod of each namespace has no "main" container: exec into main fails there.
        const container = i === 9 ? 'other' : 'main';
        items.push({
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `p${i}`, namespace: ns, labels: { batch: run } },
          spec: { nodeName: `kwok-node-${(n + i) % 3}`, containers: [{ name: container, image: 'registry.invalid/x:1' }] },
        });
      }
    }
    const file = join(c.dir, `${run}.json`);
    writeFileSync(file, JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
    await c.kubectl(['apply', '-f', file]);
    for (const ns of namespaces) await c.kubectl(['-n', ns, 'wait', '--for=condition=Ready', 'pod', '--all', '--timeout=90s']);
    stack = await realStack(c.kubeconfig);
  },
  teardown: async (c) => {
    await stack?.close();
    for (const ns of namespaces) await c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  },
});

/** Counts channels in flight, to prove the concurrency bound. */
function counting(inner: ChannelOpener): { opener: ChannelOpener; peak: () => number } {
  let open = 0;
  let peak = 0;
  return {
    peak: () => peak,
    opener: {
      openChannel: async (req) => {
        open++;
        peak = Math.max(peak, open);
        try {
          const s = await inner.openChannel(req);
          s.onClose(() => open--);
          return s;
        } catch (e) {
          open--;
          throw e;
        }
      },
    },
  };
}

test('50 pods in 5 namespaces by label selector: exit codes, failures first, at most 8 at once', async () => {
  const targets = await podsBySelector(stack.transport, `batch=${run}`, undefined, 'main');
  assert.equal(targets.length, 50);
  assert.deepEqual([...new Set(targets.map((t) => t.namespace))].sort(), namespaces);
  const c = counting(channelsOf(stack.transport));
  const seen: number[] = [];
  const results = await runBatch(c.opener, targets, { command: ['sh', '-c', 'echo "in $KUBE_ATLAS_EXEC"; exit 0'], concurrency: 8, onResult: (_r, done) => seen.push(done) });
  assert.equal(results.length, 50);
  assert.deepEqual(seen, Array.from({ length: 50 }, (_, i) => i + 1));
  assert.ok(c.peak() <= 8 && c.peak() > 1, `peak concurrency ${c.peak()}`);
  const bad = results.filter(failed);
  assert.equal(bad.length, 5, 'the 5 pods without a "main" container');
  assert.deepEqual(
    results.slice(0, 5).map((r) => `${r.target.namespace}/${r.target.pod}:${r.status}`),
    namespaces.map((ns) => `${ns}/p9:refused`),
    'failures come first',
  );
  assert.match(bad[0]!.message ?? '', /container "main" is not in pod/);
  for (const r of results.slice(5)) {
    assert.equal(r.status, 'exit');
    assert.equal(r.exitCode, 0);
    assert.equal(r.output, 'in 1\n');
  }
  const report = renderBatchReport(['sh', '-c', 'echo'], results);
  assert.match(report, /50 pods: 5 failed, 45 succeeded\./);
  assert.ok(report.indexOf('✖') < report.indexOf('✔'));
});

test('a per-pod timeout stops a command that hangs; non-zero exits are failures with their code', async () => {
  const targets = namespaces.slice(0, 2).map((ns) => ({ namespace: ns, pod: 'p0', container: 'main' }));
  const slow = await runBatch(channelsOf(stack.transport), targets, { command: ['sleep', '30'], timeoutMs: 1_500 });
  assert.deepEqual(
    slow.map((r) => r.status),
    ['timeout', 'timeout'],
  );
  assert.ok(slow.every((r) => r.durationMs < 10_000));
  const codes = await runBatch(channelsOf(stack.transport), targets, { command: ['sh', '-c', 'exit 3'] });
  assert.deepEqual(
    codes.map((r) => [r.status, r.exitCode]),
    [
      ['exit', 3],
      ['exit', 3],
    ],
  );
  assert.ok(codes.every(failed));
});

test('cancellation: pods not started yet are reported cancelled, running ones are stopped', async () => {
  const targets = namespaces.flatMap((ns) => [0, 1].map((i) => ({ namespace: ns, pod: `p${i}`, container: 'main' })));
  const second = new AbortController();
  let started = 0;
  const opener = channelsOf(stack.transport);
  const pending = runBatch(
    {
      openChannel: async (req) => {
        const s = await opener.openChannel(req);
        // Cancel once both workers have a command running (sleep 30 never ends by itself).
        if (++started === 2) second.abort();
        return s;
      },
    },
    targets,
    { command: ['sleep', '30'], concurrency: 2, signal: second.signal },
  );
  const cancelled: BatchResult[] = await pending;
  assert.equal(cancelled.length, 10);
  assert.ok(cancelled.every((r) => r.status === 'cancelled'), cancelled.map((r) => r.status).join(','));
});
