// Headless Chromium from Debian, driven by playwright-core (which downloads no browser of its own).
import { existsSync } from 'node:fs';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM_PATH = process.env.KUBE_ATLAS_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  // Loopback only: any host name other than the server's resolves to nothing.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost',
];

export async function launchBrowser(options: { headless?: boolean } = {}): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: run 'apt-get update && apt-get install -y chromium' (or node scripts/toolchain.mjs apt)`);
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: options.headless ?? process.env.KUBE_ATLAS_HEADED !== '1',
    args: CHROMIUM_ARGS,
  });
}

/** A fresh context and page sized like a laptop screen. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  // The workbench loads a few MB of script: on a busy 2-core machine that outlasts playwright's
  // default 30 s for page.goto. Waits on conditions keep their own deadlines.
  context.setDefaultNavigationTimeout(120_000);
  const page = await context.newPage();
  return { context, page };
}
