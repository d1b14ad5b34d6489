// One build for everything: the extension bundle, webview scripts, and every test/bench entry.
// Tests are bundled too because @kubernetes/client-node is ESM-only and the extension host loads
// CommonJS: bundling gives tests exactly the module graph the shipped extension has.
//
// The extension ships as three files so activation parses and runs only what it needs:
//   dist/extension.js   our code (~100 KB): what activate() runs
//   dist/undici.js      the HTTP client, required when the first transport is made (after activation)
//   dist/clientNode.js  @kubernetes/client-node, required only for legacy auth-provider (OIDC) users
//   dist/ws.js          the WebSocket client, required when the first exec/port-forward channel opens
// Requiring the single 1.3 MB bundle took ~80 ms in Node 24, most of it parsing and undici's
// top-level code (bench/activation: `npm run bench -- activation`).
import { build as esbuild, context } from 'esbuild';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
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

/**
 * Resolves `pkg` to the sibling file `./file` next to the output, left unbundled: the package then
 * lives in its own bundle and is read from disk only when code that needs it first runs.
 */
function sibling(map) {
  return {
    name: 'lazy-sibling-bundles',
    setup(b) {
      for (const [pkg, file] of Object.entries(map)) {
        const filter = new RegExp(`^${pkg.replace(/[/\\^$.*+?()[\]{}|-]/g, '\\$&')}$`);
        b.onResolve({ filter }, () => ({ path: `./${file}`, external: true }));
      }
    },
  };
}

/**
 * The values src/ imports from `pkg` (type-only names left out): the sibling bundle exports just
 * those, so tree shaking keeps it small (`export *` of client-node is 16 MB of generated APIs).
 */
function importedNames(pkg) {
  const names = new Set();
  // `import type { … }` does not match: it has `type` between `import` and the brace.
  const re = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*['"]${pkg}['"]`, 'g');
  for (const file of walk(join(root, 'src'), (p) => p.endsWith('.ts'))) {
    for (const m of readFileSync(file, 'utf8').matchAll(re)) {
      for (const spec of m[1].split(',').map((x) => x.trim()).filter(Boolean)) {
        if (!spec.startsWith('type ')) names.add(spec.split(/\s+as\s+/)[0]);
      }
    }
  }
  return [...names].sort();
}

/** Files of dist/ that the .vsix must carry (scripts/package.mjs checks .vscodeignore keeps them). */
export const DIST_BUNDLES = ['extension.js', 'undici.js', 'clientNode.js', 'ws.js'];

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
      plugins: [sibling({ undici: 'undici.js', '@kubernetes/client-node': 'clientNode.js', ws: 'ws.js' })],
      // src/extension.ts logs how long evaluating the bundle took (from here to its own code).
      banner: { js: '"use strict";\nvar __kubeAtlasBundleStart = performance.now();' },
    },
    {
      ...common,
      stdin: { contents: "module.exports = require('undici');", resolveDir: root, sourcefile: 'undici-bundle.js' },
      outfile: join(root, 'dist/undici.js'),
      minify: production,
      sourcemap: !production,
    },
    {
      ...common,
      // ws's optional native speed-ups are looked up in try/catch; without them it is pure JS.
      external: [...common.external, 'bufferutil', 'utf-8-validate'],
      stdin: { contents: "module.exports = require('ws');", resolveDir: root, sourcefile: 'ws-bundle.js' },
      outfile: join(root, 'dist/ws.js'),
      minify: production,
      sourcemap: !production,
    },
    {
      ...common,
      // client-node's own HTTP calls share the one undici of dist/undici.js.
      stdin: { contents: `export { ${importedNames('@kubernetes/client-node').join(', ')} } from '@kubernetes/client-node';`, resolveDir: root, sourcefile: 'client-node-bundle.js' },
      outfile: join(root, 'dist/clientNode.js'),
      minify: production,
      sourcemap: !production,
      plugins: [sibling({ undici: 'undici.js' })],
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
