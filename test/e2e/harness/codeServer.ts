// A real VS Code (code-server, which bundles VS Code's server and web workbench) started for the
// whole e2e tier (sharedServer.harness.ts) or for one test file: throwaway user-data, extensions, XDG and temp folders; loopback only; stopped with SIGTERM and,
// if anything of it lingers, its whole process group is killed.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { type CodeServerInstall, toolchain } from './toolchain';
import { waitFor } from './wait';

export interface StartCodeServerOptions {
  /** A .vsix installed into the throwaway extensions folder before the server starts. */
  vsix?: string;
  /** Folder the workbench opens by default (`handle.workbenchUrl()`); defaults to an empty temp folder. */
  folder?: string;
  /** Extra environment for the server and its extension host, e.g. `{ KUBECONFIG }`. */
  env?: Record<string, string>;
  /**
   * Folders put first on PATH, e.g. test executables: in the server's environment and in the
   * private HOME's .profile, because VS Code gives the extension host the environment of a login
   * shell (whose /etc/profile resets PATH), as a user's krew or ~/bin would be set up.
   */
  pathPrepend?: string[];
  /** User settings merged over the harness defaults. */
  settings?: Record<string, unknown>;
  /** `--vscode-option enable-smoke-test-driver`: needed for in-host tests; turns off toasts and dialogs. */
  smokeTestDriver?: boolean;
  /**
   * Workspace Trust on (default off: `--disable-workspace-trust`). The folder then opens in
   * Restricted Mode without a prompt (`startupPrompt: never`); trust it from the workbench
   * ("Workspaces: Manage Workspace Trust").
   */
  workspaceTrust?: boolean;
  /** More code-server arguments. */
  args?: string[];
  /** Keep the temp folder after stop() (for debugging). Also kept when KUBE_ATLAS_KEEP_TMP=1. */
  keepTemp?: boolean;
  startTimeoutMs?: number;
}

export interface CodeServerHandle {
  /** `http://127.0.0.1:PORT/` */
  url: string;
  port: number;
  pid: number;
  folder: string;
  dirs: { root: string; userData: string; extensions: string; home: string };
  install: CodeServerInstall;
  /** Milliseconds from spawn to the first 200 from /healthz. */
  startupMs: number;
  /** URL that opens `folder` (default: the start folder), with an optional smoke-test payload. */
  workbenchUrl(folder?: string, payload?: [string, string][]): string;
  /** `vscode-remote://127.0.0.1:PORT<absPath>`: how the workbench names a file on this server. */
  remoteUri(absPath: string): string;
  /** Everything code-server printed so far. */
  output(): string;
  /** Text of the server-side log files whose path contains `match` (e.g. 'exthost', 'Kube Atlas'). */
  serverLogs(match?: string): { path: string; text: string }[];
  stop(): Promise<void>;
}

export const DEFAULT_SETTINGS: Record<string, unknown> = {
  'chat.disableAIFeatures': true,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'security.workspace.trust.enabled': false,
  'window.commandCenter': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  // The DOM renderer keeps terminal text readable from the page (no WebGL in headless Chromium).
  'terminal.integrated.gpuAcceleration': 'off',
  'terminal.integrated.enablePersistentSessions': false,
  'editor.minimap.enabled': false,
  'git.enabled': false,
  'npm.autoDetect': 'off',
};

const TRUST_SETTINGS: Record<string, unknown> = {
  'security.workspace.trust.enabled': true,
  // No modal on open: the folder starts in Restricted Mode, as after "Don't Trust".
  'security.workspace.trust.startupPrompt': 'never',
};

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? resolve(port) : reject(new Error('no port'))));
    });
  });
}

/**
 * The caller's environment without what would make code-server talk to another VS Code or test
 * runner, and without the caller's KUBECONFIG (a test names its kubeconfig itself).
 */
function cleanEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (/^(VSCODE_|ELECTRON_|NODE_TEST_CONTEXT$|NODE_OPTIONS$|NODE_CHANNEL_FD$|KUBECONFIG$)/.test(k)) continue;
    env[k] = v;
  }
  return env;
}

function runToEnd(cmd: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${args.slice(0, 3).join(' ')} exited with ${signal ?? code}:\n${out}`));
    });
  });
}

function walkFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walkFiles(p, out);
    else out.push(p);
  }
  return out;
}

function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

// Processes still running when the test process exits (a crash, an assertion before stop()) are
// killed here: the server runs in its own process group, so one id reaches all its children.
const live = new Set<number>();
process.on('exit', () => {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export async function startCodeServer(options: StartCodeServerOptions = {}): Promise<CodeServerHandle> {
  const install = await (await toolchain()).ensureCodeServer();
  const root = mkdtempSync(join(tmpdir(), 'kube-atlas-cs-'));
  const dirs = {
    root,
    userData: join(root, 'user-data'),
    extensions: join(root, 'extensions'),
    home: join(root, 'home'),
  };
  const xdg = {
    XDG_CONFIG_HOME: join(root, 'xdg-config'),
    XDG_DATA_HOME: join(root, 'xdg-data'),
    XDG_CACHE_HOME: join(root, 'xdg-cache'),
    XDG_STATE_HOME: join(root, 'xdg-state'),
    TMPDIR: join(root, 'tmp'),
  };
  for (const d of [...Object.values(dirs), ...Object.values(xdg), join(dirs.userData, 'User')]) {
    mkdirSync(d, { recursive: true });
  }
  const folder = options.folder ?? join(root, 'workspace');
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(dirs.userData, 'User/settings.json'),
    `${JSON.stringify({ ...DEFAULT_SETTINGS, ...(options.workspaceTrust ? TRUST_SETTINGS : {}), ...options.settings }, null, 2)}\n`,
  );
  const env: NodeJS.ProcessEnv = {
    ...cleanEnv(install.env),
    ...xdg,
    // A private HOME: the developer's ~/.kube/config, ~/.vscode and shell history stay out of the test.
    HOME: dirs.home,
    // The marketplace (open-vsx by default) is queried by the workbench even with auto-update off;
    // point it at a closed loopback port so nothing leaves the machine, not even a DNS lookup.
    EXTENSIONS_GALLERY: JSON.stringify({
      serviceUrl: 'http://127.0.0.1:9/gallery',
      itemUrl: 'http://127.0.0.1:9/item',
      resourceUrlTemplate: 'http://127.0.0.1:9/asset/{publisher}/{name}/{version}/{path}',
      controlUrl: '',
      recommendationsUrl: '',
    }),
    ...options.env,
  };
  if (options.pathPrepend?.length) {
    env.PATH = [...options.pathPrepend, env.PATH ?? ''].join(delimiter);
    const line = `export PATH=${options.pathPrepend.map((d) => `'${d}'`).join(':')}:"$PATH"\n`;
    for (const f of ['.profile', '.bashrc']) writeFileSync(join(dirs.home, f), line);
  }
  const common = ['--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions];

  if (options.vsix) {
    const out = await runToEnd(install.node, [install.entry, ...common, '--install-extension', options.vsix], env, 120_000);
    if (!/successfully installed/i.test(out)) throw new Error(`installing ${options.vsix} failed:\n${out}`);
  }

  const port = await freePort();
  const configFile = join(root, 'config.yaml');
  writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  const args = [
    install.entry,
    '--config',
    configFile,
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    ...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--disable-getting-started-override',
    '--reconnection-grace-time',
    '5',
    ...common,
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    ...(options.args ?? []),
  ];
  const started = Date.now();
  const child: ChildProcess = spawn(install.node, args, {
    env,
    cwd: folder,
    detached: true, // own process group: stop() and the exit hook reach every child by one id
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('code-server did not start');
  live.add(pid);
  let output = '';
  child.stdout?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    output += d.toString();
  });
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exitPromise = new Promise<void>((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
  });

  const url = `http://127.0.0.1:${port}/`;
  const keep = options.keepTemp || process.env.KUBE_ATLAS_KEEP_TMP === '1';
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      if (!exited) {
        child.kill('SIGTERM');
        const deadline = Date.now() + 15_000;
        while (!exited && Date.now() < deadline) await Promise.race([exitPromise, new Promise((r) => setTimeout(r, 200))]);
      }
      // Children that outlived the parent (or a parent that ignored SIGTERM): end the group.
      if (groupAlive(pid)) {
        try {
          process.kill(-pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
        await waitFor(() => !groupAlive(pid), { timeoutMs: 5_000, intervalMs: 50, what: `process group ${pid} to end` });
      }
      live.delete(pid);
      if (!keep) rmSync(root, { recursive: true, force: true });
    })();
    return stopped;
  };

  try {
    await waitFor(
      async () => {
        if (exited) throw new Error(`code-server exited (${exited.signal ?? exited.code}) before /healthz:\n${output}`);
        const res = await fetch(`${url}healthz`, { signal: AbortSignal.timeout(2_000) });
        return res.ok;
      },
      { timeoutMs: options.startTimeoutMs ?? 60_000, intervalMs: 100, what: `code-server /healthz on port ${port}` },
    );
  } catch (err) {
    await stop();
    if (exited) throw new Error(`code-server exited (${exited.signal ?? exited.code}) before /healthz:\n${output}`);
    throw err;
  }
  const startupMs = Date.now() - started;
  // One line per start: the tier's log then says how many servers it started.
  console.log(`# code-server started: pid ${pid}, port ${port}, /healthz after ${startupMs} ms`);

  const remoteUri = (absPath: string) => `vscode-remote://127.0.0.1:${port}${absPath}`;
  return {
    url,
    port,
    pid,
    folder,
    dirs,
    install,
    startupMs,
    workbenchUrl(openFolder = folder, payload) {
      const params = new URLSearchParams({ folder: openFolder });
      if (payload) params.set('payload', JSON.stringify(payload));
      return `${url}?${params.toString()}`;
    },
    remoteUri,
    output: () => output,
    serverLogs(match) {
      return walkFiles(join(dirs.userData, 'logs'))
        .filter((p) => p.endsWith('.log') && (!match || p.includes(match)))
        .map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
    },
    stop,
  };
}
