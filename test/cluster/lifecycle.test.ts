// Cluster lifecycle across processes: a second cluster runs beside the first on other ports,
// the CLI attaches to it through state.json, and `down` leaves no process behind.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { attachCluster, type Cluster, startCluster } from './cluster.harness';
import { repoRoot } from './harness/binaries';
import { isRunning } from './harness/procs';
import { useCluster } from './harness/use-cluster';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'kube-atlas-second-'));
let second: Cluster | undefined;
const first = useCluster({
  teardown: async () => {
    await second?.stop();
    rmSync(dir, { recursive: true, force: true });
  },
});

/** Pids of live processes whose command line mentions `needle`. */
function processesMentioning(needle: string): number[] {
  return readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d) && Number(d) !== process.pid)
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(needle);
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('a second cluster starts beside the first on its own ports, and both are ready', async () => {
  second = await startCluster({ dir, nodes: 2, name: 'kube-atlas-second' });
  const started = second;
  process.once('exit', () => started.killNow());
  const a = Object.values(first().ports);
  const b = Object.values(second.ports);
  assert.equal(new Set([...a, ...b]).size, a.length + b.length, `ports overlap: ${a} / ${b}`);
  for (const c of [first(), second]) {
    assert.equal((await c.api.request('GET', '/readyz')).status, 200);
  }
  const { stdout } = await second.kubectl(['get', 'nodes', '-o', 'name']);
  assert.deepEqual(stdout.trim().split('\n').sort(), ['node/kwok-node-0', 'node/kwok-node-1']);
  assert.equal((await second.kubectl(['config', 'current-context'])).stdout.trim(), 'kube-atlas-second');
  await assert.rejects(startCluster({ dir, nodes: 1 }), /already running/);
});

test('the CLI attaches through state.json: status reports it, down stops every process', async () => {
  assert.ok(second, 'the second cluster started');
  const cli = join(repoRoot(), 'test', 'cluster', 'cli.mjs');
  const status = JSON.parse((await run(process.execPath, [cli, 'status', '--dir', dir], { timeout: 120_000 })).stdout) as { readyz: string; running: Record<string, boolean>; memory: { rssMiB: number }[] };
  assert.equal(status.readyz, '200');
  assert.ok(Object.values(status.running).every(Boolean));
  assert.equal(status.memory.length, 6);

  const records = Object.values(second.state.processes);
  assert.equal(records.length, 6);
  assert.ok(processesMentioning(dir).length >= 5, 'the components run with the cluster dir in their args');
  await run(process.execPath, [cli, 'down', '--dir', dir], { timeout: 120_000 });
  assert.deepEqual(processesMentioning(dir), [], 'no process of the second cluster is left');
  for (const rec of records) assert.equal(isRunning(rec), false, `${rec.command} (pid ${rec.pid}) is gone`);
  const after = attachCluster(dir);
  assert.deepEqual(after.state.processes, {});
  assert.ok(Object.values(after.running()).every((up) => !up));
  // The first cluster is untouched.
  assert.equal((await first().api.request('GET', '/readyz')).status, 200);
  second = undefined;
});
