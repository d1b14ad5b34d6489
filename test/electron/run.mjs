// Launcher (b) of the in-host suite: the same out/test/suite/index.js in desktop VS Code (Electron)
// through @vscode/test-electron. It downloads VS Code, so it needs the internet and is not part of
// `npm test` (test/e2e/inhost.test.ts runs the suite in code-server instead). On Linux without a
// display run it under xvfb-run.
//
//   node test/electron/run.mjs [--version stable|insiders|1.98.0] [--files extension.test.js]
//   VSCODE_EXECUTABLE=/path/to/code-electron-binary node test/electron/run.mjs   (no download)
//
// KUBE_ATLAS_CLUSTER_DIR (a running test cluster, e.g. .cluster after `npm run cluster:up`) is
// passed to the suite with its KUBECONFIG; without it only extension.test.js runs.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTests } from '@vscode/test-electron';

const root = fileURLToPath(new URL('../..', import.meta.url));
const argv = process.argv.slice(2);
const arg = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};

const { build } = await import(join(root, 'esbuild.mjs'));
await build();

const env = {};
const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
if (clusterDir) {
  env.KUBE_ATLAS_CLUSTER_DIR = clusterDir;
  env.KUBECONFIG = join(clusterDir, 'kubeconfig');
}
const files = arg('--files') ?? (clusterDir ? undefined : 'extension.test.js');
if (files) env.KUBE_ATLAS_SUITE_FILES = files;
if (!clusterDir) console.log('test-electron: KUBE_ATLAS_CLUSTER_DIR is not set: running only extension.test.js');

const tmp = mkdtempSync(join(tmpdir(), 'kube-atlas-electron-'));
mkdirSync(join(tmp, 'workspace'));
let code = 1;
try {
  code = await runTests({
    ...(process.env.VSCODE_EXECUTABLE
      ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE }
      : { version: arg('--version') ?? process.env.VSCODE_VERSION ?? 'stable' }),
    cachePath: join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'kube-atlas', 'vscode-test'),
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out/test/suite/index.js'),
    extensionTestsEnv: env,
    launchArgs: [
      join(tmp, 'workspace'),
      '--user-data-dir',
      join(tmp, 'user-data'),
      '--extensions-dir',
      join(tmp, 'extensions'),
      '--disable-extensions', // other extensions only: the one under development still loads
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--disable-gpu',
      '--no-sandbox',
    ],
  });
} catch (err) {
  console.error(`test-electron: ${err instanceof Error ? err.message : err}`);
  if (!process.env.DISPLAY && process.platform === 'linux') console.error('test-electron: no DISPLAY: run it under xvfb-run');
  code = typeof err?.code === 'number' ? err.code : 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(code);
