// Builds the production bundle and packs it with @vscode/vsce into kube-atlas-<version>.vsix at the
// repo root (or --out PATH). `--no-dependencies`: esbuild already bundled every runtime dependency
// into dist/extension.js, so node_modules stays out of the package. vsce needs Node >= 22, so it runs
// under the cached Node 24 from scripts/toolchain.mjs whatever Node runs this script.
//
//   node scripts/package.mjs [--out PATH] [--skip-build]
import { spawn } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DIST_BUNDLES } from '../esbuild.mjs';
import { ensureVsce } from './toolchain.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));

function run(cmd, args, opts) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
    child.on('error', reject);
    child.on('exit', (code, signal) =>
      code === 0 ? resolvePromise() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${signal ?? code}`)),
    );
  });
}

/** Names of the entries of a zip file (a .vsix), read from its central directory. */
export function zipEntries(file) {
  const buf = readFileSync(file);
  // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65_557); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** Returns `{ path, bytes }` of the .vsix it wrote. */
export async function packageVsix({ out, skipBuild = false } = {}) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const target = resolve(root, out ?? `${pkg.name}-${pkg.version}.vsix`);
  if (!skipBuild) {
    // A child process, not an import: esbuild.mjs reads --production from its own argv.
    await run(process.execPath, [join(root, 'esbuild.mjs'), '--production'], { cwd: root });
  }
  const vsce = await ensureVsce();
  await run(vsce.node, [vsce.cli, 'package', '--no-dependencies', '--out', target], {
    cwd: root,
    env: vsce.env,
  });
  // The extension requires its sibling bundles at run time: a .vscodeignore that drops one would
  // give a package that activates and then fails on the first connection.
  const entries = new Set(zipEntries(target));
  const missing = DIST_BUNDLES.filter((f) => !entries.has(`extension/dist/${f}`));
  if (missing.length) throw new Error(`${target} lacks ${missing.map((f) => `dist/${f}`).join(', ')}: keep them in .vscodeignore`);
  return { path: target, bytes: statSync(target).size };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  const args = process.argv.slice(2);
  const outIndex = args.indexOf('--out');
  try {
    const { path, bytes } = await packageVsix({
      out: outIndex >= 0 ? args[outIndex + 1] : undefined,
      skipBuild: args.includes('--skip-build'),
    });
    console.log(`package: ${path} (${(bytes / 1024).toFixed(1)} KiB)`);
  } catch (err) {
    console.error(`package: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  }
}
