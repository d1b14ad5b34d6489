// The packaged extension the e2e tier tests.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { manifest, repoRoot } from './paths';

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/**
 * The .vsix to test: KUBE_ATLAS_VSIX if set, else kube-atlas-<version>.vsix at the repo root, packed
 * again (scripts/package.mjs) when it is missing or older than src/, media/ or package.json.
 */
export async function ensureVsix(): Promise<string> {
  if (process.env.KUBE_ATLAS_VSIX) return process.env.KUBE_ATLAS_VSIX;
  const path = join(repoRoot, `kube-atlas-${manifest().version}.vsix`);
  const sources = Math.max(
    newestMtime(join(repoRoot, 'src')),
    newestMtime(join(repoRoot, 'media')),
    newestMtime(join(repoRoot, 'package.json')),
    newestMtime(join(repoRoot, '.vscodeignore')),
  );
  if (existsSync(path) && statSync(path).mtimeMs >= sources) return path;
  const { packageVsix } = (await import(pathToFileURL(join(repoRoot, 'scripts/package.mjs')).href)) as {
    packageVsix(o?: { out?: string }): Promise<{ path: string }>;
  };
  return (await packageVsix({ out: path })).path;
}
