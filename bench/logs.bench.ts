// Logs throughput: lines/s from a followed container log through our stream (the transport's
// line streaming → streamContainerLogs → the capped LogBuffer a log document shows) against
// `kubectl logs -f` on the same pod, same run. KWOK serves the harness's CRI log file for every
// container, so the run appends a big block of lines to it (restored afterwards), opens a follow
// from the start and times the arrival of the block's last line. Runs alternate their order;
// medians are reported. KUBE_ATLAS_BENCH_LOG_LINES sets the block size (default 200,000 lines).
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LogBuffer } from '../src/kube/logs/logBuffer';
import { containerLogSession } from '../src/kube/logs/logSession';
import { attachCluster, type Cluster } from '../test/cluster/cluster.harness';
import { criLogLine } from '../test/cluster/harness/kwok-config';
import { createNamespace, deleteNamespace, deployWebApp } from '../test/cluster/harness/workloads';
import { realStack } from '../test/support/realStack';
import { median, note, report, since, runBench } from './report';

const RUNS = 3;

interface Run {
  lines: number;
  ms: number;
}

/** Our stream from the first line of the file to `end`, into the buffer a log document shows. */
async function ours(c: Cluster, ns: string, pod: string, end: string): Promise<Run> {
  const stack = await realStack(c.kubeconfig);
  try {
    const buffer = new LogBuffer({ maxLines: 20_000 });
    let lines = 0;
    let resolveEnd: () => void = () => {};
    const ended = new Promise<void>((r) => {
      resolveEnd = r;
    });
    buffer.onDidChange(() => {
      lines++;
      if (buffer.snapshot().at(-1) === end) resolveEnd();
    });
    const t = process.hrtime.bigint();
    const session = containerLogSession(stack.transport, { namespace: ns, pod, container: 'web' }, { follow: true, timestamps: false, previous: false }, buffer);
    await ended;
    const ms = since(t);
    const seen = lines; // before stop() adds its "— stopped" line
    session.stop();
    await session.done;
    return { lines: seen, ms };
  } finally {
    await stack.close();
  }
}

/** `kubectl logs -f` from the first line to `end`, its stdout counted as it arrives. */
function kubectl(c: Cluster, ns: string, pod: string, end: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const p = spawn(join(c.binDir, 'kubectl'), [`--kubeconfig=${c.kubeconfig}`, 'logs', '-f', '-n', ns, pod], { stdio: ['ignore', 'pipe', 'ignore'] });
    let lines = 0;
    let tail = '';
    p.stdout.on('data', (d: Buffer) => {
      const s = tail + d.toString('utf8');
      const parts = s.split('\n');
      tail = parts.pop() ?? '';
      lines += parts.length;
      if (parts.includes(end)) {
        const ms = since(t);
        p.kill();
        resolve({ lines, ms });
      }
    });
    p.on('error', reject);
    p.on('close', (code) => reject(new Error(`kubectl logs -f ended (${code}) before the last line`)));
  });
}

async function main(): Promise<void> {
  const dir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  if (!dir) throw new Error('run through bench/run.mjs (it starts or attaches a cluster)');
  const c = attachCluster(dir);
  const count = Number(process.env.KUBE_ATLAS_BENCH_LOG_LINES ?? 200_000);
  const ns = `bench-logs-${Date.now().toString(36)}`;
  const original = readFileSync(c.podLogFile);
  await createNamespace(c.api, ns);
  try {
    const pod = (await deployWebApp(c.api, ns, 'web', 1))[0]?.metadata.name ?? '';
    const end = `bench-end-${Date.now().toString(36)}`;
    // ~100-byte lines, as an application log; one write so the block lands whole.
    const at = new Date();
    let block = '';
    for (let i = 0; i < count; i++) block += criLogLine(`${i} GET /api/v1/items?page=${i % 97} 200 ${(i * 7) % 1000}ms user=bench trace=${(i * 2654435761) >>> 0}`, 'stdout', at);
    block += criLogLine(end, 'stdout', at);
    appendFileSync(c.podLogFile, block);
    const total = original.toString('utf8').split('\n').filter(Boolean).length + count + 1;
    note(`${total} lines (${(Buffer.byteLength(block) / 1e6).toFixed(1)} MB appended) in the log KWOK serves for ${ns}/${pod}`);

    const oursRuns: Run[] = [];
    const kubectlRuns: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      // Alternate which goes first: the second may find the file in the page cache.
      if (i % 2 === 0) {
        oursRuns.push(await ours(c, ns, pod, end));
        kubectlRuns.push(await kubectl(c, ns, pod, end));
      } else {
        kubectlRuns.push(await kubectl(c, ns, pod, end));
        oursRuns.push(await ours(c, ns, pod, end));
      }
    }
    for (const r of [...oursRuns, ...kubectlRuns]) if (r.lines !== total) note(`a run counted ${r.lines} lines of ${total}`);
    const rate = (runs: Run[]) => median(runs.map((r) => (r.lines / r.ms) * 1000));
    note(`ours: ${oursRuns.map((r) => `${Math.round(r.ms)} ms`).join(', ')}; kubectl logs -f: ${kubectlRuns.map((r) => `${Math.round(r.ms)} ms`).join(', ')}`);
    report({
      name: 'logs throughput, follow from the start (our stream into the log buffer)',
      value: rate(oursRuns),
      unit: 'lines/s',
      reference: { name: 'kubectl logs -f', value: rate(kubectlRuns) },
    });
  } finally {
    writeFileSync(c.podLogFile, original);
    await deleteNamespace(c.api, ns).catch(() => undefined);
    c.closeClients();
  }
}

runBench(main);
