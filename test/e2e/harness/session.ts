// One call for the usual set-up: a browser window on a workbench with the packaged extension, and a
// close() that ends all of it. The window opens on the code-server the tier shares
// (sharedServer.harness.ts; or one started for this file when it runs on its own) with its own
// folder, its settings written as that folder's .vscode/settings.json and its own extension host.
// Only what a shared server cannot give (Workspace Trust, the smoke-test driver, a development
// extension, an environment variable of its own) starts a server of its own, as before.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPage } from './browser';
import { type CodeServerHandle, type StartCodeServerOptions, startCodeServer } from './codeServer';
import { acquireSharedServer, type SharedServer } from './sharedServer.harness';
import { watchSession } from './test';
import { ensureVsix } from './vsix';
import { waitFor } from './wait';
import { Workbench } from './workbench';

export { ensureVsix } from './vsix';

export interface WorkbenchSession {
  /** The server as this window sees it: `folder` is the window's folder, `serverLogs` its extension host's logs. */
  server: CodeServerHandle;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  wb: Workbench;
  /** Milliseconds from page.goto to waitReady() resolving. */
  readyMs: number;
  /** Whether the window is on the shared server (false: a server of its own; see privateServerReason). */
  shared: boolean;
  close(): Promise<void>;
}

export interface OpenWorkbenchOptions extends StartCodeServerOptions {
  /** Skip installing the packaged extension (e.g. when it is loaded through a smoke-test payload). */
  noVsix?: boolean;
  /** Called with the page before it navigates: expose functions, listen to the console. */
  beforeNavigate?: (page: Page, server: CodeServerHandle) => Promise<void>;
  /** Smoke-test payload: `[["extensionDevelopmentPath", uri], ...]`, or made from the started server. */
  payload?: [string, string][] | ((server: CodeServerHandle) => [string, string][]);
  /** Wait for the workbench (default true). */
  waitReady?: boolean;
  /** Deadline for the page to load and the workbench to be ready (default: 30 s and 60 s). */
  navigationTimeoutMs?: number;
}

/**
 * Why these options need a server of their own, or undefined when the window can share one. On a
 * shared server `settings` become the folder's workspace settings, `env.KUBECONFIG` becomes
 * `kubeAtlas.kubeconfigFiles` there, and `pathPrepend` folders' files are linked into the
 * shared bin folder for as long as the window is open.
 */
export function privateServerReason(o: OpenWorkbenchOptions): string | undefined {
  if (o.workspaceTrust) return 'Workspace Trust is a server and user setting';
  if (o.smokeTestDriver) return 'the smoke-test driver is a server option (it turns off toasts and dialogs)';
  if (o.noVsix || o.payload) return 'a development extension instead of the packaged one';
  if (o.vsix) return 'a .vsix other than the packaged one';
  if (o.args?.length) return `server arguments ${o.args.join(' ')}`;
  if (o.keepTemp) return 'keepTemp';
  const env = Object.keys(o.env ?? {}).filter((k) => k !== 'KUBECONFIG');
  if (env.length) return `environment of its own (${env.join(', ')})`;
  return undefined;
}

export async function openWorkbench(options: OpenWorkbenchOptions = {}): Promise<WorkbenchSession> {
  const why = privateServerReason(options);
  if (why) {
    console.log(`# e2e: a code-server of its own: ${why}`);
    return openOnOwnServer(options);
  }
  return openOnSharedServer(options);
}

async function openOnOwnServer(options: OpenWorkbenchOptions): Promise<WorkbenchSession> {
  const vsix = options.noVsix ? undefined : (options.vsix ?? (await ensureVsix()));
  const server = await startCodeServer({ ...options, vsix });
  try {
    return await openWindow(server, options, async () => {
      await server.stop();
    }, false);
  } catch (err) {
    await server.stop();
    throw err;
  }
}

async function openOnSharedServer(options: OpenWorkbenchOptions): Promise<WorkbenchSession> {
  const { server: shared, release } = await acquireSharedServer();
  const undo: (() => void)[] = [];
  const cleanUp = async () => {
    for (const u of undo.reverse()) {
      try {
        u();
      } catch (e) {
        console.log(`# e2e: clean-up after a window: ${(e as Error).message}`);
      }
    }
    await release();
  };
  try {
    const folder = options.folder ?? mkdtempSync(join(tmpdir(), 'kube-atlas-e2e-folder-'));
    if (!options.folder) undo.push(() => rmSync(folder, { recursive: true, force: true }));
    else mkdirSync(folder, { recursive: true });
    const settings = { ...options.settings };
    const kubeconfig = options.env?.KUBECONFIG?.split(delimiter).filter(Boolean) ?? [];
    if (kubeconfig.length) settings['kubeAtlas.kubeconfigFiles'] = [...kubeconfig, ...((settings['kubeAtlas.kubeconfigFiles'] as string[] | undefined) ?? [])];
    if (Object.keys(settings).length) undo.push(writeWorkspaceSettings(folder, settings));
    for (const dir of options.pathPrepend ?? []) undo.push(linkInto(shared.binDir, dir));
    const server = windowView(shared, folder);
    return await openWindow(server, options, cleanUp, true);
  } catch (err) {
    await cleanUp();
    throw err;
  }
}

async function openWindow(server: CodeServerHandle & { claimLogs?: () => Promise<void> }, options: OpenWorkbenchOptions, end: () => Promise<void>, shared: boolean): Promise<WorkbenchSession> {
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const { context, page } = await newPage(browser);
    await options.beforeNavigate?.(page, server);
    const wb = new Workbench(page);
    const started = Date.now();
    const payload = typeof options.payload === 'function' ? options.payload(server) : options.payload;
    await page.goto(server.workbenchUrl(server.folder, payload), options.navigationTimeoutMs ? { timeout: options.navigationTimeoutMs } : undefined);
    if (options.waitReady ?? true) {
      await wb.waitReady(options.navigationTimeoutMs);
      await server.claimLogs?.();
    }
    const readyMs = Date.now() - started;
    const b = browser;
    const forget = watchSession({ wb, server });
    let closed: Promise<void> | undefined;
    return {
      server,
      browser: b,
      context,
      page,
      wb,
      readyMs,
      shared,
      close: () => {
        closed ??= (async () => {
          forget();
          await b.close().catch(() => undefined);
          await end();
        })();
        return closed;
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    throw err;
  }
}

/**
 * Writes `settings` over the folder's .vscode/settings.json (plain JSON: a file with comments is
 * not merged); the returned function puts back what was there.
 */
function writeWorkspaceSettings(folder: string, settings: Record<string, unknown>): () => void {
  const dir = join(folder, '.vscode');
  const file = join(dir, 'settings.json');
  const hadDir = existsSync(dir);
  const before = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  let merged: Record<string, unknown> = {};
  if (before !== undefined) {
    try {
      merged = JSON.parse(before) as Record<string, unknown>;
    } catch {
      throw new Error(`${file} is not plain JSON: pass its settings to openWorkbench instead`);
    }
  }
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, `${JSON.stringify({ ...merged, ...settings }, null, 2)}\n`);
  return () => {
    if (before !== undefined) writeFileSync(file, before);
    else if (existsSync(file)) {
      unlinkSync(file);
      if (!hadDir && readdirSync(dir).length === 0) rmdirSync(dir);
    }
  };
}

/** Links every file of `dir` into the shared bin folder; the returned function removes the links made. */
function linkInto(binDir: string, dir: string): () => void {
  const made: string[] = [];
  for (const name of readdirSync(dir)) {
    const target = join(dir, name);
    const link = join(binDir, name);
    let existing: string | undefined;
    try {
      existing = lstatSync(link).isSymbolicLink() ? readlinkSync(link) : link;
    } catch {
      existing = undefined;
    }
    if (existing === target) continue; // another window of this file linked it: that one removes it
    if (existing !== undefined) throw new Error(`${name} is on the shared PATH already (${existing}): a test left it there or two use the name`);
    symlinkSync(target, link);
    made.push(link);
  }
  return () => {
    for (const l of made) rmSync(l, { force: true });
  };
}

// Extension hosts a window of this process has claimed (by their log folder, exthostN).
const claimed = new Set<string>();

function exthostDirs(userData: string): string[] {
  const logs = join(userData, 'logs');
  if (!existsSync(logs)) return [];
  const out: string[] = [];
  for (const session of readdirSync(logs)) {
    const d = join(logs, session);
    try {
      for (const name of readdirSync(d)) if (/^exthost\d+$/.test(name)) out.push(join(d, name));
    } catch {
      // a file, not a log session folder
    }
  }
  return out;
}

function walkFiles(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (lstatSync(p).isDirectory()) walkFiles(p, out);
    else out.push(p);
  }
  return out;
}

/**
 * The shared server as one window sees it: its folder, and the logs of its own extension host only
 * (the extension-host log folders that appeared after the window was opened and that no other
 * window of this process claimed), so "one Kube Atlas.log" still means this window's.
 */
function windowView(shared: SharedServer, folder: string): CodeServerHandle & { claimLogs(): Promise<void> } {
  const before = new Set(exthostDirs(shared.dirs.userData));
  const mine = new Set<string>();
  const claim = () => {
    for (const d of exthostDirs(shared.dirs.userData)) {
      if (before.has(d) || claimed.has(d)) continue;
      claimed.add(d);
      mine.add(d);
    }
    return mine.size > 0;
  };
  return {
    url: shared.url,
    port: shared.port,
    pid: shared.pid,
    folder,
    dirs: shared.dirs,
    install: shared.install,
    startupMs: shared.startupMs,
    workbenchUrl(openFolder = folder, payload) {
      const params = new URLSearchParams({ folder: openFolder });
      if (payload) params.set('payload', JSON.stringify(payload));
      return `${shared.url}?${params.toString()}`;
    },
    remoteUri: (absPath) => `vscode-remote://127.0.0.1:${shared.port}${absPath}`,
    output: () => shared.output(),
    serverLogs(match) {
      claim();
      return [...mine]
        .flatMap((d) => walkFiles(d))
        .filter((p) => p.endsWith('.log') && (!match || p.includes(match)))
        .map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
    },
    // The shared server outlives the window: close() releases it.
    stop: async () => undefined,
    async claimLogs() {
      // The extension host starts with the window's connection: claim its log folder now, before
      // another window of this file opens and could take it.
      await waitFor(claim, { timeoutMs: 30_000, intervalMs: 100, what: 'the window’s extension host log folder' }).catch(() => undefined);
    },
  };
}
