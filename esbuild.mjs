// One build for everything: the extension bundle, webview scripts, and every test/bench entry.
// Tests are bundled too because @kubernetes/client-node is ESM-only and the extension host loads
// CommonJS: bundling gives tests exactly the module graph the shipped extension has.
import { build as esbuild, context } from 'esbuild';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

function walk(dir, pick) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p, pick));
    else if (pick(p)) out.push(p);
  }
  return out;
}

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // The extension host provides `vscode`; native and browser-driving packages load from node_modules.
  external: ['vscode', 'node-pty', 'playwright-core', 'mocha', '@vscode/test-electron'],
};

export function buildConfigs({ production = false } = {}) {
  const testEntries = [
    ...walk(join(root, 'test'), (p) => /\.(test|harness|entry)\.ts$/.test(p) || /test[\\/]suite[\\/]index\.ts$/.test(p)),
    ...walk(join(root, 'bench'), (p) => /\.bench\.ts$/.test(p)),
    ...walk(join(root, 'scripts'), (p) => /\.entry\.ts$/.test(p)),
  ];
  const configs = [
    {
      ...common,
      entryPoints: { extension: join(root, 'src/extension.ts') },
      outdir: join(root, 'dist'),
      minify: production,
      sourcemap: !production,
    },
  ];
  const webviews = walk(join(root, 'media'), (p) => /[\\/]media[\\/][^\\/]+[\\/]main\.ts$/.test(p));
  if (webviews.length) {
    configs.push({
      ...common,
      platform: 'browser',
      format: 'iife',
      target: 'es2022',
      external: [],
      entryPoints: Object.fromEntries(webviews.map((p) => [relative(join(root, 'media'), p).replace(/\.ts$/, ''), p])),
      outdir: join(root, 'dist/media'),
      minify: production,
    });
  }
  if (!production && testEntries.length) {
    configs.push({
      ...common,
      entryPoints: Object.fromEntries(testEntries.map((p) => [relative(root, p).replace(/\.ts$/, ''), p])),
      outdir: join(root, 'out'),
    });
  }
  return configs;
}

export async function build(options = {}) {
  await Promise.all(buildConfigs(options).map((c) => esbuild(c)));
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const production = process.argv.includes('--production');
  if (process.argv.includes('--watch')) {
    for (const c of buildConfigs({ production })) (await context(c)).watch();
    console.log('esbuild: watching src/, media/, test/ and bench/');
  } else {
    await build({ production });
  }
}
