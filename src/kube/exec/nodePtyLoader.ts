// node-pty without shipping it: VS Code (desktop and code-server) carries its own build for its
// terminals, under the application root. It is a native module built on N-API, so the editor's
// copy loads in the extension host of the same editor. We load it at run time from there (never
// bundled, never an npm dependency of the .vsix); when it cannot be found or loaded the caller is
// told where we looked and why, and says so to the user.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type * as NodePty from 'node-pty';

export type PtyModule = typeof NodePty;

export type PtyLoad = { pty: PtyModule; path: string } | { error: string };

let cached: PtyLoad | undefined;

/** Where VS Code keeps node-pty: unpacked from the asar archive (desktop) or plain node_modules (code-server, dev builds). */
export function nodePtyCandidates(appRoot: string): string[] {
  return [join(appRoot, 'node_modules.asar.unpacked', 'node-pty'), join(appRoot, 'node_modules', 'node-pty')];
}

export function loadNodePty(appRoot: string): PtyLoad {
  if (cached && 'pty' in cached) return cached;
  const requireHere = createRequire(__filename);
  const problems: string[] = [];
  for (const dir of nodePtyCandidates(appRoot)) {
    if (!existsSync(dir)) continue;
    try {
      const pty = requireHere(dir) as PtyModule;
      if (typeof pty.spawn !== 'function') throw new Error('it has no spawn()');
      cached = { pty, path: dir };
      return cached;
    } catch (e) {
      problems.push(`${dir}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  cached = { error: problems.length ? `node-pty did not load (${problems.join('; ')})` : `node-pty is not where this editor keeps it (looked in ${nodePtyCandidates(appRoot).join(', ')})` };
  return cached;
}
