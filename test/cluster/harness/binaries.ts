// Where the control-plane binaries come from: build-binaries.sh builds them once per version into
// a cache outside the repo and prints the bin dir; every later call returns at once.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl', 'kwok'] as const;

/** The repo root, found from this file whether it runs from test/ or bundled into out/. */
export function repoRoot(): string {
  let dir = __dirname;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kube-atlas') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`package.json of kube-atlas not found above ${__dirname}`);
    dir = parent;
  }
}

/**
 * Returns the bin dir holding every binary (and `../stages` with KWOK's stage files).
 * KUBE_ATLAS_BIN_DIR overrides; otherwise build-binaries.sh runs (a no-op once cached;
 * tens of minutes on a cold cache, its progress goes to our stderr).
 */
export async function ensureBinaries(): Promise<string> {
  const override = process.env.KUBE_ATLAS_BIN_DIR;
  const binDir = override ? resolve(override) : await runBuildScript();
  const missing = BINARIES.filter((b) => !existsSync(join(binDir, b)));
  if (missing.length) throw new Error(`Missing ${missing.join(', ')} in ${binDir}: run test/cluster/build-binaries.sh`);
  return binDir;
}

/** Runs build-binaries.sh with its progress on our stderr (a cold build is long and silent
 * otherwise); its last stdout line is the bin dir. */
function runBuildScript(): Promise<string> {
  const script = join(repoRoot(), 'test', 'cluster', 'build-binaries.sh');
  return new Promise((resolvePath, reject) => {
    const child = spawn('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').pop();
      if (code === 0 && last) resolvePath(last);
      else reject(new Error(`${script} failed (exit ${code}); its log is above`));
    });
  });
}
