// Typed access to scripts/toolchain.mjs. It is imported at run time rather than bundled so that the
// script the CI calls and the code the tests use are one and the same file.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths';

export interface CodeServerInstall {
  version: string;
  dir: string;
  /** code-server's out/node/entry.js: run it with `node`. */
  entry: string;
  /** Node 24 executable. */
  node: string;
  nodeVersion: string;
  /** Environment with Node 24 first on PATH. */
  env: NodeJS.ProcessEnv;
}

export interface VsceInstall {
  version: string;
  cli: string;
  node: string;
  env: NodeJS.ProcessEnv;
}

interface ToolchainModule {
  CHROMIUM: string;
  CODE_SERVER_VERSION: string;
  ensureCodeServer(): Promise<CodeServerInstall>;
  ensureVsce(): Promise<VsceInstall>;
  missingAptDeps(): string[];
}

let loaded: Promise<ToolchainModule> | undefined;

export function toolchain(): Promise<ToolchainModule> {
  const href = pathToFileURL(join(repoRoot, 'scripts/toolchain.mjs')).href;
  loaded ??= import(href) as Promise<ToolchainModule>;
  return loaded;
}
