// Launcher (a) of the in-host suite: mocha runs inside code-server's real extension host, loaded
// through the smoke-test driver's payload (code-server rejects --extensionDevelopmentPath on its own
// command line). The extension comes from the repo folder (dist/ as built), not from the .vsix.
// The second test runs a suite that fails on purpose, proving that a failure reaches this launcher.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { format } from 'node:util';
import { repoRoot } from './harness/paths';
import { openWorkbench } from './harness/session';

interface SuiteReport {
  files: string[];
  passes: number;
  failures: number;
  pending: number;
  tests: { title: string; state: string; error?: string }[];
}

interface InHostRun {
  code: number;
  /** What the extension host printed (mocha's spec reporter among it), one entry per line. */
  output: string[];
  report: SuiteReport | undefined;
  ms: number;
}

async function runInHost(env: Record<string, string>, timeoutMs = 300_000): Promise<InHostRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'kube-atlas-inhost-'));
  const reportPath = join(tmp, 'report.json');
  const output: string[] = [];
  let exit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((r) => {
    exit = r;
  });
  const started = Date.now();
  const session = await openWorkbench({
    noVsix: true,
    smokeTestDriver: true,
    waitReady: false,
    env: { ...env, KUBE_ATLAS_SUITE_REPORT: reportPath },
    payload: (server) => [
      ['extensionDevelopmentPath', server.remoteUri(repoRoot)],
      ['extensionTestsPath', server.remoteUri(join(repoRoot, 'out/test/suite/index.js'))],
    ],
    beforeNavigate: async (page) => {
      // Both must exist before the workbench loads: it looks for them on window at start-up.
      await page.exposeFunction('codeAutomationLog', (_level: string, args: unknown[]) => {
        output.push(format(...(Array.isArray(args) ? args : [args])));
      });
      await page.exposeFunction('codeAutomationExit', (code: number) => exit(code));
      // The browser console repeats the same lines unformatted; keep it for debugging only.
      if (process.env.KUBE_ATLAS_DEBUG) page.on('console', (m) => console.log(`[browser] ${m.text()}`));
    },
  });
  try {
    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([
      exited,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`the in-host suite did not finish within ${timeoutMs} ms:\n${output.join('\n')}`)),
          timeoutMs,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    let report: SuiteReport | undefined;
    try {
      report = JSON.parse(readFileSync(reportPath, 'utf8')) as SuiteReport;
    } catch {
      report = undefined;
    }
    return { code, output, report, ms: Date.now() - started };
  } finally {
    await session.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

const mochaCount = (output: string[], word: 'passing' | 'failing'): number | undefined => {
  const m = new RegExp(`(\\d+) ${word}`).exec(output.join('\n'));
  return m ? Number(m[1]) : undefined;
};

test('the in-host suite passes in code-server’s extension host', async (t) => {
  const env: Record<string, string> = {};
  const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  if (clusterDir) {
    env.KUBE_ATLAS_CLUSTER_DIR = clusterDir;
    env.KUBECONFIG = join(clusterDir, 'kubeconfig');
  } else {
    // Suites that need the test cluster cannot run; say so rather than fail or pass them silently.
    env.KUBE_ATLAS_SUITE_FILES = 'extension.test.js';
    t.diagnostic('KUBE_ATLAS_CLUSTER_DIR is not set: running only extension.test.js (npm test provides a cluster)');
  }
  const run = await runInHost(env);
  t.diagnostic(`in-host run: ${run.ms} ms, ${run.report?.passes ?? '?'} passed, ${run.report?.failures ?? '?'} failed, ${run.report?.pending ?? '?'} pending`);
  const detail = `exit ${run.code}\n${run.output.join('\n')}`;
  assert.equal(run.code, 0, detail);
  assert.ok(run.report, `no report from the suite:\n${detail}`);
  assert.equal(run.report.failures, 0, detail);
  assert.equal(run.report.pending, 0, `skipped or pending in-host tests:\n${detail}`);
  assert.ok(run.report.passes >= 1, detail);
  assert.ok(
    run.report.tests.some((x) => /registers every command declared in package\.json/.test(x.title) && x.state === 'passed'),
    detail,
  );
  // mocha's own summary, as a person reading the log would see it.
  assert.ok((mochaCount(run.output, 'passing') ?? 0) >= 1, detail);
  assert.equal(mochaCount(run.output, 'failing'), undefined, detail);
});

test('a failing or pending in-host test fails the launcher (self-check with a deliberately failing suite)', async (t) => {
  const run = await runInHost({ KUBE_ATLAS_SUITE_FILES: 'fixtures/deliberately-failing.entry.js' });
  const detail = `exit ${run.code}\n${run.output.join('\n')}`;
  t.diagnostic(`deliberately failing suite: exit code ${run.code}, mocha says ${mochaCount(run.output, 'passing')} passing, ${mochaCount(run.output, 'failing')} failing`);
  if (process.env.KUBE_ATLAS_DEBUG) console.log(detail);
  assert.notEqual(run.code, 0, detail);
  assert.ok(run.report, detail);
  assert.equal(run.report.passes, 1, detail);
  assert.equal(run.report.failures, 1, detail);
  assert.equal(run.report.pending, 1, `the pending test is counted:\n${detail}`);
  assert.match(run.report.tests.find((x) => x.state === 'failed')?.error ?? '', /deliberate failure/);
  assert.equal(mochaCount(run.output, 'failing'), 1, detail);
});
