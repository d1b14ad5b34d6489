// node:test's `test`, with two things the e2e tier needs from every test:
//  - before it runs, the workbench is brought back to rest: a modal dialog, a context menu or a quick
//    input left open by a test that failed would otherwise block every click of the tests after it
//    (one failure in CI used to cascade into three);
//  - when it fails, the workbench's state is printed (CI keeps only the log): open dialogs, menus,
//    quick inputs and toasts, the tail of the extension's log, and a screenshot's path.
import { test as nodeTest, type TestContext } from 'node:test';
import type { CodeServerHandle } from './codeServer';
import { waitFor } from './wait';
import type { Workbench } from './workbench';

interface Watched {
  wb: Workbench;
  server: CodeServerHandle;
}

const open = new Set<Watched>();

/** Called by openWorkbench; the returned function forgets the session (on close). */
export function watchSession(s: Watched): () => void {
  open.add(s);
  return () => open.delete(s);
}

/** What is open in the page that takes the keyboard or blocks the mouse. */
async function overlays(wb: Workbench): Promise<string[]> {
  const page = wb.page;
  const squash = (t: string) => t.replace(/\s+/g, ' ').trim().slice(0, 300);
  const out: string[] = [];
  for (const d of await page.locator('.monaco-dialog-box:visible').allTextContents()) out.push(`dialog: ${squash(d)}`);
  const menu = page.locator('.context-view .monaco-menu:visible');
  if (await menu.count()) {
    const items = await menu.first().locator('.action-label').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
    out.push(`context menu: ${items.filter(Boolean).join(' | ')}`);
  }
  const input = page.locator('.quick-input-widget .quick-input-box input');
  if (await input.isVisible()) {
    const rows = await wb.quickPickLabels();
    out.push(`quick input: "${(await input.getAttribute('placeholder')) ?? ''}" value "${await input.inputValue()}" rows: ${rows.slice(0, 8).join(' | ')}`);
  }
  return out;
}

/** Closes dialogs, menus and quick inputs a previous test left open; says what it closed. */
async function settle(w: Watched): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const left = await overlays(w.wb).catch(() => []);
    if (!left.length) return;
    console.log(`# e2e: closing what the previous test left open: ${left.join(' ; ')}`);
    await w.wb.page.keyboard.press('Escape').catch(() => undefined);
    // One Escape closes the topmost; wait for that before the next.
    await waitFor(async () => (await overlays(w.wb).catch(() => [])).length < left.length, { timeoutMs: 2_000, what: 'an overlay to close' }).catch(() => undefined);
  }
}

async function report(name: string, w: Watched, n: number): Promise<void> {
  const lines: string[] = [`# e2e failure state (${name}${open.size > 1 ? `, workbench ${n}` : ''}):`];
  try {
    for (const o of await overlays(w.wb)) lines.push(`#   ${o}`);
    const toasts = await w.wb.page.locator('.notification-toast .notification-list-item-message').allTextContents();
    for (const t of toasts) lines.push(`#   toast: ${t.trim().slice(0, 300)}`);
    lines.push(`#   screenshot: ${await w.wb.screenshot(`FAILED-${name}`.slice(0, 80))}`);
  } catch (e) {
    lines.push(`#   (the page could not be read: ${(e as Error).message.split('\n')[0]})`);
  }
  const log = w.server.serverLogs('Kube Atlas.log').map((l) => l.text).join('\n').trimEnd().split('\n');
  lines.push('#   last lines of the Kube Atlas log:', ...log.slice(-25).map((l) => `#     ${l}`));
  const host = w.server.serverLogs('exthost').flatMap((l) => l.text.split('\n')).filter((l) => /\[error\]|unresponsive/i.test(l));
  if (host.length) lines.push('#   extension host errors:', ...host.slice(-10).map((l) => `#     ${l.slice(0, 300)}`));
  console.log(lines.join('\n'));
}

type Fn = (t: TestContext) => unknown;

/** node:test's test(name, fn), with the workbench settled before and its state printed on failure. */
export function test(name: string, fn: Fn): Promise<void> {
  return nodeTest(name, async (t) => {
    for (const w of open) await settle(w);
    try {
      await fn(t);
    } catch (e) {
      let n = 0;
      for (const w of open) await report(name, w, ++n);
      throw e;
    }
  });
}
