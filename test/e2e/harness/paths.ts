// Where things are, found from the running file so the bundled copy (out/test/e2e/...) and the
// source agree.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kube-atlas') return dir;
      } catch {
        // not ours: keep walking up
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no kube-atlas package.json above ${start}`);
    dir = parent;
  }
}

export const repoRoot: string = findRepoRoot(__dirname);

export interface ExtensionManifest {
  name: string;
  publisher: string;
  version: string;
  displayName?: string;
  contributes?: { commands?: { command: string; title: string; category?: string }[] };
}

export function manifest(): ExtensionManifest {
  return JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as ExtensionManifest;
}

export function artifactsDir(...parts: string[]): string {
  const dir = join(repoRoot, '.test-artifacts', ...parts);
  mkdirSync(dir, { recursive: true });
  return dir;
}
