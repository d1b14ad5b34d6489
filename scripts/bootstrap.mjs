// Makes a fresh clone runnable: installs npm dependencies once (native modules compiled against
// local Node headers, since node-gyp cannot download them here). Imported first by `npm test`,
// `npm run demo` and `npm run bench`, before anything that needs node_modules. No dependencies.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where node-gyp finds Node's headers without a download. */
export function localNodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  if (existsSync('/usr/include/node/node.h')) return '/usr';
  const prefix = join(process.execPath, '..', '..');
  if (existsSync(join(prefix, 'include/node/node.h'))) return prefix;
  return undefined;
}

export function ensureDependencies() {
  const marker = join(root, 'node_modules/.package-lock.json');
  const lock = join(root, 'package-lock.json');
  const fresh = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs) && existsSync(join(root, 'node_modules/esbuild'));
  if (fresh) return;
  const nodedir = localNodeDir();
  console.log(`[bootstrap] installing npm dependencies${nodedir ? ` (native modules built against ${nodedir})` : ''}`);
  // Not `npm ci`: the reachable registry lacks some optional platform packages, which the lockfile
  // therefore cannot list, and `npm ci` rejects such a lockfile.
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, ...(nodedir ? { npm_config_nodedir: nodedir } : {}) },
  });
  if (r.status !== 0) {
    console.error('[bootstrap] npm install failed. Check that the npm registry is reachable, then run it again.');
    process.exit(r.status ?? 1);
  }
}

export function packageVersion() {
  return JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) ensureDependencies();
