// One code-server for the whole e2e tier. test/run.mjs starts it once, with the packaged extension
// installed once, and hands it to every test file in KUBE_ATLAS_CODE_SERVER; each file opens its own
// browser window on its own folder (openWorkbench), and VS Code's server gives every window its own
// extension host, so the files stay apart while the server start and the install are paid once. A
// file run on its own (no KUBE_ATLAS_CODE_SERVER) starts one for itself the same way, so a single
// file behaves as it does in the tier.
//
// What the windows share, and so what a test must not change or must put back: the server's
// environment (no KUBECONFIG: a window names its kubeconfig in its folder's settings), the user
// settings (the harness defaults), HOME, and one bin folder on PATH for test executables.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CodeServerHandle, startCodeServer } from './codeServer';
import { type CodeServerInstall, toolchain } from './toolchain';
import { ensureVsix } from './vsix';

/** The environment variable that carries a running shared server to the test files (JSON). */
export const SHARED_SERVER_ENV = 'KUBE_ATLAS_CODE_SERVER';

export interface SharedServerInfo {
  url: string;
  port: number;
  /** Process (group) id of the server. */
  pid: number;
  dirs: CodeServerHandle['dirs'];
  /** On the server's PATH (and its login shell's): test executables are linked here. */
  binDir: string;
  /** The .vsix installed in it. */
  vsix: string;
  startupMs: number;
}

export interface SharedServer extends SharedServerInfo {
  install: CodeServerInstall;
  /** What the server printed, when this process started it (empty when it was handed over). */
  output(): string;
}

export interface StartedSharedServer {
  info: SharedServerInfo;
  server: CodeServerHandle;
  stop(): Promise<void>;
}

/** Starts a server that windows can share: the packaged extension, no KUBECONFIG, a bin folder first on PATH. */
export async function startSharedServer(options: { vsix?: string } = {}): Promise<StartedSharedServer> {
  const vsix = options.vsix ?? (await ensureVsix());
  const binDir = mkdtempSync(join(tmpdir(), 'kube-atlas-e2e-bin-'));
  let server: CodeServerHandle;
  try {
    server = await startCodeServer({ vsix, pathPrepend: [binDir] });
  } catch (err) {
    rmSync(binDir, { recursive: true, force: true });
    throw err;
  }
  const info: SharedServerInfo = { url: server.url, port: server.port, pid: server.pid, dirs: server.dirs, binDir, vsix, startupMs: server.startupMs };
  return {
    info,
    server,
    stop: async () => {
      await server.stop();
      rmSync(binDir, { recursive: true, force: true });
    },
  };
}

/** The server handed over by test/run.mjs, if any. */
export function handedOverServer(): SharedServerInfo | undefined {
  const raw = process.env[SHARED_SERVER_ENV];
  return raw ? (JSON.parse(raw) as SharedServerInfo) : undefined;
}

let local: Promise<StartedSharedServer> | undefined;
let users = 0;

/**
 * The tier's server, or one started for this process and stopped when its last window is released
 * (and, failing that, when the process exits: codeServer.ts kills what is left).
 */
export async function acquireSharedServer(): Promise<{ server: SharedServer; release(): Promise<void> }> {
  const install = await (await toolchain()).ensureCodeServer();
  const given = handedOverServer();
  if (given) return { server: { ...given, install, output: () => '' }, release: async () => undefined };
  users++;
  let started: StartedSharedServer;
  try {
    local ??= startSharedServer();
    started = await local;
  } catch (err) {
    users--;
    local = undefined;
    throw err;
  }
  let released = false;
  return {
    server: { ...started.info, install, output: () => started.server.output() },
    release: async () => {
      if (released) return;
      released = true;
      if (--users > 0) return;
      local = undefined;
      await started.stop();
    },
  };
}
