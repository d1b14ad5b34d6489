// `npm run demo`: see scripts/demo.entry.ts. This wrapper installs dependencies, builds, packages
// the .vsix and prepares code-server first, so it works on a fresh clone.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './bootstrap.mjs';

ensureDependencies();
const root = fileURLToPath(new URL('..', import.meta.url));
const { build } = await import('../esbuild.mjs');
await build();
const b = spawnSync('bash', [join(root, 'test/cluster/build-binaries.sh')], { stdio: ['ignore', 'ignore', 'inherit'] });
if (b.status !== 0) process.exit(1);
const { packageVsix } = await import('./package.mjs');
const { ensureCodeServer } = await import('./toolchain.mjs');
await packageVsix();
await ensureCodeServer();
const { demo } = createRequire(import.meta.url)(join(root, 'out/scripts/demo.entry.js'));
await demo(process.argv.slice(2));
process.exit(0);
