// `npm test`: builds, checks, then runs every tier against real parts:
//   unit     plain Node, pure logic and our own seams
//   cluster  a real control plane (etcd, kube-apiserver, controller-manager, scheduler, KWOK)
//   e2e      the packaged extension in a real VS Code (code-server) driven by Chromium
// Usage: node test/run.mjs [check|unit|cluster|e2e|all]... (default: all). One cluster serves the
// cluster and e2e tiers and is always stopped at the end. Installs what it needs, once.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from '../scripts/bootstrap.mjs';

ensureDependencies();
const { build } = await import('../esbuild.mjs');

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const args = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const tiers = new Set(args.length && !args.includes('all') ? args : ['check', 'unit', 'cluster', 'e2e']);
const totals = { pass: 0, fail: 0, skipped: 0 };
const started = Date.now();

function log(msg) {
  console.log(`\n[test] ${msg} (+${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

function files(dir, suffix = '.test.js') {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p, suffix));
    else if (name.endsWith(suffix)) out.push(p);
  }
  return out;
}

/** Runs a command, streaming its output; resolves with the exit code and the output. */
function run(cmd, argv, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, argv, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      process.stdout.write(d);
    });
    child.stderr.on('data', (d) => {
      out += d;
      process.stderr.write(d);
    });
    child.on('close', (code) => resolve({ code: code ?? 1, out }));
  });
}

async function nodeTests(name, testFiles, env = {}) {
  if (!testFiles.length) throw new Error(`no ${name} tests found: the build did not produce them`);
  log(`${name}: ${testFiles.length} files`);
  const { code, out } = await run(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=1', '--test-timeout=600000', ...testFiles], env);
  const count = (what) => Number(new RegExp(`^# ${what} (\\d+)`, 'm').exec(out)?.[1] ?? 0);
  const pass = count('pass');
  const fail = count('fail') + count('cancelled');
  // A skipped or todo test proves nothing: each one fails the run.
  const skipped = count('skipped') + count('todo');
  totals.pass += pass;
  totals.skipped += skipped;
  totals.fail += fail + skipped + (code !== 0 && fail === 0 ? 1 : 0);
  log(`${name}: ${pass} passed, ${fail} failed, ${skipped} skipped/todo`);
}

async function check() {
  log('checks: tsc, biome, package.json commands');
  for (const [cmd, argv] of [
    [process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', '.']],
    // Webview code has its own tsconfig (DOM lib); checked once there is some.
    ...(files(join(root, 'media'), '.ts').length ? [[process.execPath, [require.resolve('typescript/bin/tsc'), '--noEmit', '-p', 'media']]] : []),
    [process.execPath, [join(root, 'node_modules/@biomejs/biome/bin/biome'), 'lint', 'src', 'media', 'test', 'bench']],
    [process.execPath, [join(root, 'scripts/check-commands.mjs')]],
  ]) {
    const { code } = await run(cmd, argv);
    if (code !== 0) {
      totals.fail++;
      log(`check failed: ${argv.slice(0, 3).join(' ')}`);
    } else totals.pass++;
  }
}

let cluster;
let clusterDir;
async function ensureCluster() {
  if (cluster) return cluster;
  log('building (or reusing) the control-plane binaries');
  const b = await run('bash', [join(root, 'test/cluster/build-binaries.sh')]);
  if (b.code !== 0) throw new Error('building the control-plane binaries failed');
  const { startCluster } = require(join(root, 'out/test/cluster/cluster.harness.js'));
  clusterDir = mkdtempSync(join(tmpdir(), 'kube-atlas-test-cluster-'));
  log(`starting a cluster in ${clusterDir}`);
  const t = Date.now();
  cluster = await startCluster({ dir: clusterDir, nodes: 3, name: 'kube-atlas-local' });
  log(`cluster ready in ${((Date.now() - t) / 1000).toFixed(1)} s`);
  return cluster;
}

/** Path of the cached helm binary (test/cluster/build-helm.sh), or undefined if its build failed (the Helm tests then say why). */
async function buildHelm() {
  const { code, out } = await run('bash', [join(root, 'test/cluster/build-helm.sh')]);
  const path = out.trim().split('\n').pop();
  if (code === 0 && path) return path;
  log(`building helm failed (exit ${code}); the Helm tests will try again and fail with its output`);
  return undefined;
}

/** Path of the cached metrics-server (test/cluster/build-metrics-server.sh), or undefined if its build failed (the metrics tests then say why). */
async function buildMetricsServer() {
  const { code, out } = await run('bash', [join(root, 'test/cluster/build-metrics-server.sh')]);
  const path = out.trim().split('\n').pop();
  if (code === 0 && path) return path;
  log(`building metrics-server failed (exit ${code}); the metrics tests will try again and fail with its output`);
  return undefined;
}

// The e2e tier's one code-server (test/e2e/harness/sharedServer.harness.ts): every e2e file opens
// its own window (its own folder, settings and extension host) on it.
let codeServer;
async function stopCodeServer() {
  if (!codeServer) return;
  log('stopping the shared code-server');
  await codeServer.stop().catch((e) => console.error(String(e)));
  codeServer = undefined;
}

async function stopCluster() {
  if (!cluster) return;
  log('stopping the cluster');
  await cluster.stop().catch((e) => console.error(String(e)));
  if (clusterDir) rmSync(clusterDir, { recursive: true, force: true });
  cluster = undefined;
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    void stopCodeServer()
      .then(() => stopCluster())
      .finally(() => process.exit(130));
  });
}

try {
  log('building with esbuild');
  await build();
  // helm (for the Helm tests) and metrics-server (for the resource-usage tests) build from their Go
  // modules once, beside the checks and unit tests: one after the other, so two Go builds never
  // share the two cores (each uses them all) and the unit tier keeps some room.
  const helmBuild = tiers.has('cluster') || tiers.has('e2e') ? buildHelm() : undefined;
  const metricsServerBuild = helmBuild?.then(() => buildMetricsServer());
  if (tiers.has('check')) await check();
  if (tiers.has('unit')) await nodeTests('unit', files(join(root, 'out/test/unit')));
  if (tiers.has('cluster') || tiers.has('e2e')) await ensureCluster();
  const [helm, metricsServer] = await Promise.all([helmBuild, metricsServerBuild]);
  const env = {
    ...(cluster ? { KUBE_ATLAS_CLUSTER_DIR: clusterDir } : {}),
    ...(helm ? { KUBE_ATLAS_HELM: helm } : {}),
    ...(metricsServer ? { KUBE_ATLAS_METRICS_SERVER: metricsServer } : {}),
  };
  if (tiers.has('cluster')) await nodeTests('cluster', files(join(root, 'out/test/cluster')), env);
  if (tiers.has('e2e')) {
    log('packaging the extension and preparing code-server');
    const pkg = await run(process.execPath, [join(root, 'scripts/package.mjs')]);
    if (pkg.code !== 0) throw new Error('packaging the .vsix failed');
    const { ensureCodeServer } = await import(join(root, 'scripts/toolchain.mjs'));
    await ensureCodeServer();
    const { startSharedServer, SHARED_SERVER_ENV } = require(join(root, 'out/test/e2e/harness/sharedServer.harness.js'));
    log('starting the shared code-server');
    codeServer = await startSharedServer();
    try {
      await nodeTests('e2e', files(join(root, 'out/test/e2e')), { ...env, [SHARED_SERVER_ENV]: JSON.stringify(codeServer.info) });
    } finally {
      await stopCodeServer();
    }
  }
} catch (e) {
  totals.fail++;
  console.error(`\n[test] ${e instanceof Error ? e.stack : String(e)}`);
} finally {
  await stopCodeServer();
  await stopCluster();
}
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
console.log(`${totals.pass} passed, ${totals.fail} failed, ${totals.skipped} skipped`);
process.exit(totals.fail ? 1 : 0);
