// Drives the real VS Code workbench in the page like a user: open our view, read and expand tree
// items, run palette commands, read notifications and the Output channel, type into a terminal,
// find a webview frame, take screenshots. Every wait is on a condition with a deadline.
import type { Frame, Page } from 'playwright-core';
import { join } from 'node:path';
import { artifactsDir } from './paths';
import { waitFor } from './wait';

export interface TreeRow {
  label: string;
  description: string;
  level: number;
  expanded: boolean | undefined;
}

export class Workbench {
  constructor(readonly page: Page) {}

  async waitReady(timeoutMs = 60_000): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: timeoutMs });
    await this.page.waitForSelector('.monaco-workbench .part.statusbar', { timeout: timeoutMs });
  }

  /** Clicks the activity-bar entry titled `title` and waits for its side bar to show. */
  async openView(title: string, timeoutMs = 30_000): Promise<void> {
    const item = this.page.locator(`.part.activitybar .action-item a[aria-label^="${title}"], .part.activitybar .action-item[aria-label^="${title}"]`).first();
    await item.waitFor({ timeout: timeoutMs });
    const active = await this.page.locator(`.part.sidebar .composite.title h2[title^="${title}"], .part.sidebar .title-label h2`).first().textContent().catch(() => '');
    if (!active?.toUpperCase().includes(title.toUpperCase())) await item.click();
    await waitFor(async () => ((await this.page.locator('.part.sidebar .title-label h2').first().textContent()) ?? '').toUpperCase().includes(title.toUpperCase()), {
      timeoutMs,
      what: `side bar "${title}"`,
    });
  }

  /** The rendered rows of the view pane titled `viewTitle` (only what is scrolled into view). */
  async treeItems(viewTitle: string): Promise<TreeRow[]> {
    const pane = this.viewPane(viewTitle);
    return pane.locator('.monaco-list-row').evaluateAll((rows) =>
      rows.map((r) => ({
        label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
        description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
        level: Number(r.getAttribute('aria-level') ?? 0),
        expanded: r.hasAttribute('aria-expanded') ? r.getAttribute('aria-expanded') === 'true' : undefined,
      })),
    );
  }

  /** Waits for a row whose label matches, optionally at a tree level. */
  async waitForItem(viewTitle: string, label: string | RegExp, opts: { level?: number; timeoutMs?: number } = {}): Promise<TreeRow> {
    const match = (r: TreeRow): boolean => (typeof label === 'string' ? r.label === label : label.test(r.label)) && (opts.level === undefined || r.level === opts.level);
    return waitFor(async () => (await this.treeItems(viewTitle)).find(match), { timeoutMs: opts.timeoutMs ?? 30_000, what: `tree item ${String(label)} in ${viewTitle}` });
  }

  /** Expands the row with this label (clicking its twistie) unless it is expanded already. */
  async expand(viewTitle: string, label: string, level?: number): Promise<void> {
    const row = await this.row(viewTitle, label, level);
    if ((await row.getAttribute('aria-expanded')) === 'true') return;
    await row.locator('.monaco-tl-twistie').click();
    await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', { what: `${label} expanded` });
  }

  async clickItem(viewTitle: string, label: string, level?: number): Promise<void> {
    await (await this.row(viewTitle, label, level)).click();
  }

  /** Runs a command from the palette by its title (e.g. "Kube Atlas: Show Log"). */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const option = this.page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    await option.waitFor({ timeout: 15_000 });
    await input.press('Enter');
    await this.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
  }

  /** Messages in the Notifications center (toasts are off under the smoke-test driver). */
  async notifications(): Promise<string[]> {
    await this.runCommand('Notifications: Show Notifications');
    const items = this.page.locator('.notifications-center .notification-list-item-message');
    const texts = await items.allTextContents();
    await this.page.keyboard.press('Escape');
    return texts.map((t) => t.trim());
  }

  /** Text of the visible Output channel after showing it with `showCommand`. */
  async outputText(showCommand: string, expect?: RegExp, timeoutMs = 20_000): Promise<string> {
    await this.runCommand(showCommand);
    return waitFor(
      async () => {
        const text = (await this.page.locator('.part.panel .monaco-editor .view-lines').first().innerText().catch(() => '')).replace(/\u00a0/g, ' ');
        return text && (!expect || expect.test(text)) ? text : undefined;
      },
      { timeoutMs, what: `output ${expect ?? ''}` },
    );
  }

  /** The frame of a webview whose title matches (webviews nest two iframes deep). */
  async webviewFrame(title: string, timeoutMs = 30_000): Promise<Frame> {
    return waitFor(
      async () => {
        for (const f of this.page.frames()) {
          if (!f.url().includes('webview')) continue;
          const t = await f.title().catch(() => '');
          if (t.includes(title) && (await f.locator('body').count()) > 0) return f;
        }
        return undefined;
      },
      { timeoutMs, what: `webview ${title}` },
    );
  }

  /** Types into the focused terminal and reads back its rows. */
  async terminalType(text: string): Promise<void> {
    await this.page.locator('.terminal-wrapper .xterm').first().click();
    await this.page.keyboard.type(text);
  }

  async terminalText(): Promise<string> {
    return this.page.locator('.terminal-wrapper .xterm-rows').first().innerText();
  }

  /** A PNG in .test-artifacts/screenshots/ (kept by the test run). */
  async screenshot(name: string): Promise<string> {
    const path = join(artifactsDir('screenshots'), `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  private viewPane(viewTitle: string) {
    return this.page.locator('.part.sidebar .pane', { has: this.page.locator(`.pane-header[aria-label^="${viewTitle}"], .pane-header .title[title^="${viewTitle}"]`) }).first();
  }

  private async row(viewTitle: string, label: string, level?: number) {
    await this.waitForItem(viewTitle, label, { level });
    const rows = this.viewPane(viewTitle).locator('.monaco-list-row');
    const n = await rows.count();
    for (let i = 0; i < n; i++) {
      const r = rows.nth(i);
      const l = ((await r.locator('.label-name').first().textContent()) ?? '').trim();
      if (l === label && (level === undefined || Number(await r.getAttribute('aria-level')) === level)) return r;
    }
    throw new Error(`row ${label} vanished`);
  }
}
