// One call for the usual set-up: code-server with the packaged extension, Chromium, a page on the
// workbench, and a close() that ends all of it (browser first, then the server's process group).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchBrowser, newPage } from './browser';
import { type CodeServerHandle, type StartCodeServerOptions, startCodeServer } from './codeServer';
import { manifest, repoRoot } from './paths';
import { watchSession } from './test';
import { Workbench } from './workbench';

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

export interface WorkbenchSession {
  server: CodeServerHandle;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  wb: Workbench;
  /** Milliseconds from page.goto to waitReady() resolving. */
  readyMs: number;
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

export async function openWorkbench(options: OpenWorkbenchOptions = {}): Promise<WorkbenchSession> {
  const vsix = options.noVsix ? undefined : (options.vsix ?? (await ensureVsix()));
  const server = await startCodeServer({ ...options, vsix });
  let browser: Browser | undefined;
  try {
    browser = await launchBrowser();
    const { context, page } = await newPage(browser);
    await options.beforeNavigate?.(page, server);
    const wb = new Workbench(page);
    const started = Date.now();
    const payload = typeof options.payload === 'function' ? options.payload(server) : options.payload;
    await page.goto(server.workbenchUrl(options.folder, payload), options.navigationTimeoutMs ? { timeout: options.navigationTimeoutMs } : undefined);
    if (options.waitReady ?? true) await wb.waitReady(options.navigationTimeoutMs);
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
      close: () => {
        closed ??= (async () => {
          forget();
          await b.close().catch(() => undefined);
          await server.stop();
        })();
        return closed;
      },
    };
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server.stop();
    throw err;
  }
}
