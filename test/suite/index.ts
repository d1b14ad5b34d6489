// Mocha (tdd UI) inside the real extension host. Both launchers load this module as
// extensionTestsPath: test/e2e/inhost.test.ts (code-server + the smoke-test driver) and
// test/electron/run.mjs (@vscode/test-electron, desktop VS Code). It runs every bundled
// out/test/suite/*.test.js and rejects when a test fails, which makes the extension host exit non-zero.
//
// Environment (set on the server, the extension host inherits it):
//   KUBE_ATLAS_SUITE_FILES   comma-separated files relative to out/test/suite/ to run instead
//   KUBE_ATLAS_SUITE_REPORT  path of a JSON summary to write ({ passes, failures, tests })
//   KUBE_ATLAS_SUITE_GREP    only tests whose full title matches this regular expression
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Mocha from 'mocha';

export interface SuiteReport {
  files: string[];
  passes: number;
  failures: number;
  pending: number;
  tests: { title: string; state: 'passed' | 'failed' | 'pending'; error?: string; ms?: number }[];
}

function suiteFiles(dir: string): string[] {
  const only = process.env.KUBE_ATLAS_SUITE_FILES;
  if (only) return only.split(',').map((f) => resolve(dir, f.trim()));
  return readdirSync(dir)
    .filter((n) => n.endsWith('.test.js'))
    .sort()
    .map((n) => join(dir, n));
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec' });
  if (process.env.KUBE_ATLAS_SUITE_GREP) mocha.grep(new RegExp(process.env.KUBE_ATLAS_SUITE_GREP));
  const files = suiteFiles(__dirname);
  for (const f of files) mocha.addFile(f);
  const report: SuiteReport = { files, passes: 0, failures: 0, pending: 0, tests: [] };
  return new Promise((resolvePromise, reject) => {
    try {
      const runner = mocha.run((failures) => {
        if (process.env.KUBE_ATLAS_SUITE_REPORT) {
          writeFileSync(process.env.KUBE_ATLAS_SUITE_REPORT, `${JSON.stringify(report, null, 2)}\n`);
        }
        // A skipped or pending test proves nothing: it fails the run like a failing one.
        const wrong = [
          failures > 0 ? `${failures} in-host test(s) failed` : '',
          report.pending > 0 ? `${report.pending} in-host test(s) skipped or pending (${report.tests.filter((t) => t.state === 'pending').map((t) => t.title).join('; ')})` : '',
        ].filter(Boolean);
        if (wrong.length) reject(new Error(wrong.join('; ')));
        else if (report.passes === 0) reject(new Error(`no in-host test ran (files: ${files.join(', ') || 'none'})`));
        else resolvePromise();
      });
      runner.on('pass', (t) => {
        report.passes++;
        report.tests.push({ title: t.fullTitle(), state: 'passed', ms: t.duration });
      });
      runner.on('fail', (t, err: unknown) => {
        report.failures++;
        report.tests.push({ title: t.fullTitle(), state: 'failed', error: err instanceof Error ? err.message : String(err) });
      });
      runner.on('pending', (t) => {
        report.pending++;
        report.tests.push({ title: t.fullTitle(), state: 'pending' });
      });
    } catch (err) {
      reject(err);
    }
  });
}
