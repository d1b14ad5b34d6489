// Drives the real VS Code workbench in the page like a user: open our view, read and expand tree
// items, run palette commands, pick quick-pick items, read notifications and Output channels, type
// into a terminal and read it back, find a webview's frame, take screenshots. Every wait is on a
// condition with a deadline; selectors are the workbench's own classes and ARIA attributes as of
// VS Code 1.139 (code-server 4.139.1).
import { join } from 'node:path';
import type { ElementHandle, Frame, Locator, Page } from 'playwright-core';
import { artifactsDir } from './paths';
import { waitFor } from './wait';

export interface TreeRow {
  label: string;
  description: string;
  /** aria-level: 1 for roots. */
  level: number;
  /** undefined for leaves. */
  expanded: boolean | undefined;
  /** The row's full aria-label (label, description and tooltip-ish text the item exposes). */
  ariaLabel: string;
}

export type Severity = 'error' | 'warning' | 'info';

export interface NotificationItem {
  severity: Severity;
  message: string;
  /** e.g. "Kube Atlas" (the extension that raised it), when the workbench names one. */
  source: string;
}

const cssString = (s: string): string => JSON.stringify(s);

export class Workbench {
  constructor(
    readonly page: Page,
    readonly defaultTimeoutMs = 30_000,
  ) {}

  /** The workbench has rendered its parts and the remote extension host is connected. */
  async waitReady(timeoutMs = 60_000): Promise<void> {
    const started = Date.now();
    await this.page.locator('.monaco-workbench .part.activitybar').waitFor({ timeout: timeoutMs });
    await this.page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: timeoutMs });
    // The remote indicator in the status bar leaves its "opening" state once the server connection is up.
    await waitFor(
      async () => {
        const label = (await this.page.locator('#status\\.host').first().getAttribute('aria-label').catch(() => null)) ?? '';
        return !/opening|reconnecting|disconnected/i.test(label);
      },
      { timeoutMs: Math.max(1_000, timeoutMs - (Date.now() - started)), what: 'the remote connection' },
    );
  }

  /** Clicks the activity-bar entry titled `title` unless its container is showing already. */
  async openView(title: string, timeoutMs = this.defaultTimeoutMs): Promise<void> {
    const tab = this.activityItem(title);
    await tab.waitFor({ timeout: timeoutMs });
    const showing = async () =>
      (await tab.getAttribute('aria-selected')) === 'true' && (await this.page.locator('.part.sidebar').isVisible());
    // Clicking the selected entry would hide the side bar, so only click when it is not showing.
    if (!(await showing())) await tab.click();
    await waitFor(showing, { timeoutMs, what: `the "${title}" view container to show` });
  }

  /** The rendered rows of the view titled `viewTitle` (only rows scrolled into view exist). */
  async treeItems(viewTitle: string): Promise<TreeRow[]> {
    return this.viewPane(viewTitle)
      .locator('.monaco-list-row')
      .evaluateAll((rows) =>
        rows
          .map((r) => ({
            top: Number.parseFloat(/top:\s*([-\d.]+)px/.exec(r.getAttribute('style') ?? '')?.[1] ?? '0'),
            label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
            description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
            level: Number(r.getAttribute('aria-level') ?? 0),
            expanded: r.hasAttribute('aria-expanded') ? r.getAttribute('aria-expanded') === 'true' : undefined,
            ariaLabel: r.getAttribute('aria-label') ?? '',
          }))
          .sort((a, b) => a.top - b.top)
          .map(({ top: _top, ...row }) => row),
      );
  }

  /** Waits for a row whose label matches, optionally at a tree level. */
  async waitForItem(
    viewTitle: string,
    label: string | RegExp,
    opts: { level?: number; timeoutMs?: number } = {},
  ): Promise<TreeRow> {
    const match = (r: TreeRow): boolean =>
      (typeof label === 'string' ? r.label === label : label.test(r.label)) &&
      (opts.level === undefined || r.level === opts.level);
    return waitFor(async () => (await this.treeItems(viewTitle)).find(match), {
      timeoutMs: opts.timeoutMs ?? this.defaultTimeoutMs,
      what: `tree item ${String(label)} in ${viewTitle}`,
    });
  }

  /** Expands the row with this label (clicking its twistie) unless it is expanded already. */
  async expand(viewTitle: string, label: string, level?: number): Promise<void> {
    const row = await this.row(viewTitle, label, level);
    if ((await row.getAttribute('aria-expanded')) === 'true') return;
    await row.locator('.monaco-tl-twistie').click();
    await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'true', {
      timeoutMs: this.defaultTimeoutMs,
      what: `${label} expanded`,
    });
  }

  /** Clicks a button of the modal dialog (confirmations) and returns the dialog's text. */
  async answerDialog(button: string): Promise<string> {
    const dialog = this.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const text = ((await dialog.textContent()) ?? '').replace(/\s+/g, ' ');
    await dialog.locator('.dialog-buttons .monaco-button', { hasText: button }).first().click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
    return text;
  }

  /** Expands a view's section in its container (a view contributed collapsed), unless it is open. */
  async expandView(viewTitle: string): Promise<void> {
    const header = this.page.locator(`.part.sidebar .pane-header[aria-label^=${cssString(viewTitle)}]`).first();
    await header.waitFor({ timeout: this.defaultTimeoutMs });
    if ((await header.getAttribute('aria-expanded')) !== 'true') await header.click();
    await waitFor(async () => (await header.getAttribute('aria-expanded')) === 'true', { timeoutMs: this.defaultTimeoutMs, what: `the ${viewTitle} view expanded` });
  }

  /** Collapses the row with this label unless it is collapsed already. */
  async collapse(viewTitle: string, label: string, level?: number): Promise<void> {
    const row = await this.row(viewTitle, label, level);
    if ((await row.getAttribute('aria-expanded')) !== 'true') return;
    await row.locator('.monaco-tl-twistie').click();
    await waitFor(async () => (await row.getAttribute('aria-expanded')) === 'false', {
      timeoutMs: this.defaultTimeoutMs,
      what: `${label} collapsed`,
    });
  }

  /**
   * Expands the row labelled `label` one level below `parent` and after it on screen (so the right
   * "Workloads" among several namespaces' is picked), unless it is expanded already.
   */
  async expandUnder(viewTitle: string, parent: { label: string; level: number }, label: string): Promise<void> {
    const rows = this.viewPane(viewTitle).locator('.monaco-list-row');
    // The list is virtual: it reuses and reorders row elements as rows come and go, so the row is
    // looked up again by position under its parent every time, never kept as nth(i).
    const find = async (): Promise<{ i: number; expanded: boolean } | undefined> => {
      const info = await rows.evaluateAll((rs) =>
        rs.map((r, i) => ({
          i,
          top: Number.parseFloat(/top:\s*([-\d.]+)px/.exec(r.getAttribute('style') ?? '')?.[1] ?? '0'),
          label: (r.querySelector('.label-name')?.textContent ?? '').trim(),
          level: Number(r.getAttribute('aria-level') ?? 0),
          expanded: r.getAttribute('aria-expanded') === 'true',
        })),
      );
      info.sort((a, b) => a.top - b.top);
      const p = info.findIndex((r) => r.label === parent.label && r.level === parent.level);
      if (p < 0) return undefined;
      for (const r of info.slice(p + 1)) {
        if (r.level <= parent.level) return undefined;
        if (r.level === parent.level + 1 && r.label === label) return { i: r.i, expanded: r.expanded };
      }
      return undefined;
    };
    const first = await waitFor(find, { timeoutMs: this.defaultTimeoutMs, what: `${label} under ${parent.label}` });
    if (first.expanded) return;
    await rows.nth(first.i).locator('.monaco-tl-twistie').click();
    await waitFor(async () => (await find())?.expanded === true, {
      timeoutMs: this.defaultTimeoutMs,
      what: `${label} under ${parent.label} expanded`,
    });
  }

  /** The text of the active editor's rendered lines, top to bottom (as the Output panel is read). */
  async editorText(): Promise<string> {
    return this.page
      .locator('.part.editor .editor-group-container.active .editor-instance .monaco-editor .view-lines')
      .first()
      .locator('.view-line')
      .evaluateAll((ls) =>
        ls
          .map((l) => ({ top: Number.parseFloat(/top:\s*([-\d.]+)px/.exec(l.getAttribute('style') ?? '')?.[1] ?? '0'), text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
          .sort((a, b) => a.top - b.top)
          .map((l) => l.text)
          .join('\n'),
      )
      .catch(() => '');
  }

  async clickItem(viewTitle: string, label: string, level?: number): Promise<void> {
    await (await this.row(viewTitle, label, level)).click();
  }

  /** Opens the row's context menu and clicks the entry titled `action`. */
  async contextMenu(viewTitle: string, label: string, action: string, level?: number): Promise<void> {
    const menu = this.page.locator('.context-view .monaco-menu').first();
    await waitFor(
      async () => {
        if (await menu.isVisible()) {
          await this.page.keyboard.press('Escape');
          await menu.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
        }
        await (await this.row(viewTitle, label, level)).click({ button: 'right' });
        await menu.waitFor({ state: 'visible', timeout: 5_000 });
        const item = menu.locator('.action-item', { has: this.page.locator(`.action-label[aria-label=${cssString(action)}]`) }).first();
        await item.waitFor({ timeout: 5_000 });
        await item.click();
        // Under load a click can land while the menu is still settling: it is ignored and the menu
        // stays open (seen in CI: the action never ran). The menu closes before its action runs, so
        // an open menu means nothing ran and trying again is safe.
        await menu.waitFor({ state: 'hidden', timeout: 3_000 });
        return true;
      },
      { timeoutMs: this.defaultTimeoutMs, what: `"${action}" in the context menu of ${label}` },
    );
  }

  /**
   * Runs a command from the palette by its exact title as the palette shows it, category included
   * (e.g. "Kube Atlas: Show Log"). Resolves once the palette has accepted it: the widget closed, or
   * it turned into the command's own quick pick.
   */
  async runCommand(title: string, timeoutMs = this.defaultTimeoutMs): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const deadline = Date.now() + timeoutMs;
    let option: Locator | undefined;
    // The palette computes its rows when it opens: an extension whose contributions are registered
    // after the window loads (the remote extension host is slow to start under load) is missing from
    // a palette opened before that. So open, type and look as one step, retried until the deadline.
    while (!option) {
      const left = deadline - Date.now();
      await waitFor(
        async () => {
          // A quick pick that is still closing (Go to File just picked, say) would swallow the
          // text: close whatever is open, open the palette afresh, and type.
          if (await input.isVisible()) {
            await this.page.keyboard.press('Escape');
            await input.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
          }
          await this.page.keyboard.press('F1');
          await input.waitFor({ state: 'visible', timeout: 2_000 });
          await input.fill(`>${title}`, { timeout: 2_000 });
          return true;
        },
        { timeoutMs: Math.max(left, 1), what: 'the command palette' },
      );
      option = await this.findQuickPickRow(title, Math.max(Math.min(5_000, deadline - Date.now()), 1)).catch(async () => {
        if (Date.now() < deadline) return undefined;
        const shown = await this.quickPickLabels();
        throw new Error(`no command titled "${title}" in the palette (it shows: ${shown.join(' | ') || 'nothing'})`);
      });
    }
    await option.click();
    await waitFor(async () => !(await input.isVisible()) || (await input.inputValue()) !== `>${title}`, {
      timeoutMs,
      what: `the palette to accept "${title}"`,
    });
  }

  /** Labels of the rows the open quick pick shows. */
  async quickPickLabels(): Promise<string[]> {
    return this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('aria-label') ?? ''));
  }

  /** Picks the item labelled `label` in the open quick pick (typing it first narrows long lists). */
  async pickQuickItem(label: string | RegExp, opts: { type?: string; timeoutMs?: number } = {}): Promise<void> {
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    if (opts.type !== undefined) await input.fill(opts.type);
    const row = await this.findQuickPickRow(label, timeoutMs);
    await row.click();
  }

  /** Notifications in the Notifications center (toasts are off under the smoke-test driver). */
  async notificationItems(): Promise<NotificationItem[]> {
    await this.runCommand('Notifications: Show Notifications');
    const center = this.page.locator('.notifications-center');
    await center.waitFor({ state: 'visible', timeout: this.defaultTimeoutMs });
    const items = await center.locator('.monaco-list-row .notification-list-item').evaluateAll((els) =>
      els.map((el) => {
        const icon = el.querySelector('.notification-list-item-icon')?.className ?? '';
        return {
          severity: (/codicon-error/.test(icon) ? 'error' : /codicon-warning/.test(icon) ? 'warning' : 'info') as
            | 'error'
            | 'warning'
            | 'info',
          message: (el.querySelector('.notification-list-item-message')?.textContent ?? '').trim(),
          source: (el.querySelector('.notification-list-item-source')?.textContent ?? '').replace(/^Source:\s*/i, '').trim(),
        };
      }),
    );
    // The center may have closed meanwhile (focus moved): then the Hide command is not offered.
    if (await center.isVisible()) await this.runCommand('Notifications: Hide Notifications', 3_000).catch(() => this.page.keyboard.press('Escape'));
    return items;
  }

  /** Messages in the Notifications center, newest first. */
  async notifications(): Promise<string[]> {
    return (await this.notificationItems()).map((n) => n.message);
  }

  /** Waits until a notification's message matches. */
  async waitForNotification(message: RegExp, timeoutMs = this.defaultTimeoutMs): Promise<NotificationItem> {
    return waitFor(async () => (await this.notificationItems()).find((n) => message.test(n.message)), {
      timeoutMs,
      intervalMs: 500,
      what: `a notification matching ${message}`,
    });
  }

  /**
   * Shows the Output channel `name` (Output: Show Output Channels… → pick it) and returns the text
   * its editor renders, optionally waiting until it matches `expect`. Only the lines in view are in
   * the page (the view follows the end of the log); for a log channel's whole text read its file
   * with `CodeServerHandle.serverLogs(name)`.
   */
  async outputChannel(name: string, expect?: RegExp, timeoutMs = this.defaultTimeoutMs): Promise<string> {
    // The Output contribution registers this command once the workbench gets to it (seen missing
    // from the palette in CI shortly after start): reopen the palette until it is there.
    await waitFor(
      async () => {
        try {
          await this.runCommand('Output: Show Output Channels...', 3_000);
          return true;
        } catch {
          return false;
        }
      },
      { timeoutMs, what: '"Output: Show Output Channels..." in the palette' },
    );
    await this.pickQuickItem(name, { type: name });
    const select = this.page.locator('.part.panel select.monaco-select-box[aria-label="Switch Output"]').first();
    await waitFor(async () => (await select.inputValue()) === name, {
      timeoutMs,
      what: `the Output view to show "${name}"`,
    });
    return this.readOutput(expect, timeoutMs);
  }

  /** Runs `showCommand` (e.g. the extension's own "Show Log") and returns the Output view's text. */
  async outputText(showCommand: string, expect?: RegExp, timeoutMs = this.defaultTimeoutMs): Promise<string> {
    await this.runCommand(showCommand);
    return this.readOutput(expect, timeoutMs);
  }

  private async readOutput(expect: RegExp | undefined, timeoutMs: number): Promise<string> {
    const lines = this.page.locator('.part.panel .monaco-editor .view-lines').first();
    return waitFor(
      async () => {
        const text = await lines.locator('.view-line').evaluateAll((ls) =>
          ls
            .map((l) => ({
              top: Number.parseFloat(/top:\s*([-\d.]+)px/.exec(l.getAttribute('style') ?? '')?.[1] ?? '0'),
              text: (l.textContent ?? '').replace(/\u00a0/g, ' '),
            }))
            .sort((a, b) => a.top - b.top)
            .map((l) => l.text)
            .join('\n'),
        );
        return text.trim() && (!expect || expect.test(text)) ? text : undefined;
      },
      { timeoutMs, what: `Output text${expect ? ` matching ${expect}` : ''}` },
    );
  }

  /** Opens a new integrated terminal and waits until its prompt has printed something. */
  async openTerminal(timeoutMs = this.defaultTimeoutMs): Promise<void> {
    const before = await this.page.locator('.part.panel .terminal-wrapper').count();
    await this.runCommand('Terminal: Create New Terminal');
    await waitFor(
      async () =>
        (await this.page.locator('.part.panel .terminal-wrapper').count()) > before &&
        (await this.terminalText()).trim().length > 0,
      { timeoutMs, what: 'a new terminal with a prompt' },
    );
  }

  /** Types into the active terminal (focusing it first). "\n" presses Enter. */
  async terminalType(text: string): Promise<void> {
    const term = this.page.locator('.part.panel .terminal-wrapper.active .xterm').first();
    await term.waitFor({ timeout: this.defaultTimeoutMs });
    await term.click();
    await this.page.keyboard.type(text);
  }

  /** The active terminal's rendered lines (DOM renderer: the harness turns GPU acceleration off). */
  async terminalText(): Promise<string> {
    const rows = this.page.locator('.part.panel .terminal-wrapper.active .xterm-rows').first().locator(':scope > div');
    const lines = await rows.evaluateAll((rs) => rs.map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd()));
    return lines.join('\n').trimEnd();
  }

  /** Waits until the active terminal shows text matching `expect`. */
  async waitForTerminalText(expect: RegExp, timeoutMs = this.defaultTimeoutMs): Promise<string> {
    return waitFor(async () => {
      const text = await this.terminalText();
      return expect.test(text) ? text : undefined;
    }, { timeoutMs, what: `terminal text matching ${expect}` });
  }

  /**
   * The document frame of a webview. `titleOrId` is the webview's editor tab title (the tab is
   * activated first), a view title (for webview views), or the webview's frame id. Webviews nest two
   * iframes deep: the workbench's host frame and the extension's content frame inside it.
   */
  async webviewFrame(titleOrId: string, timeoutMs = this.defaultTimeoutMs): Promise<Frame> {
    return waitFor(
      async () => {
        let host = await this.page.$(`iframe.webview.ready[name=${cssString(titleOrId)}]`);
        if (!host) {
          const tab = this.page.locator(`.part.editor .tab[aria-label^=${cssString(titleOrId)}]`).first();
          let area: Locator | undefined;
          if (await tab.count()) {
            if ((await tab.getAttribute('aria-selected')) !== 'true') await tab.click();
            area = this.page.locator('.part.editor .editor-group-container.active .editor-container').first();
          } else if (await this.viewPane(titleOrId).count()) {
            area = this.viewPane(titleOrId).locator('.pane-body').first();
          }
          if (!area) return undefined;
          host = await this.visibleWebviewOver(area);
        }
        if (!host) return undefined;
        const outer = await host.contentFrame();
        const inner = outer?.childFrames().find((f) => !f.isDetached());
        if (!inner || !(await inner.locator('body *').count().catch(() => 0))) return undefined;
        return inner;
      },
      { timeoutMs, intervalMs: 200, what: `webview "${titleOrId}"` },
    );
  }

  /** The visible webview host iframe that covers most of `area`. */
  private async visibleWebviewOver(area: Locator): Promise<ElementHandle | null> {
    const box = await area.boundingBox();
    if (!box) return null;
    let best: { el: ElementHandle; overlap: number } | undefined;
    for (const el of await this.page.$$('iframe.webview.ready')) {
      if (!(await el.isVisible())) continue;
      const b = await el.boundingBox();
      if (!b) continue;
      const w = Math.min(b.x + b.width, box.x + box.width) - Math.max(b.x, box.x);
      const h = Math.min(b.y + b.height, box.y + box.height) - Math.max(b.y, box.y);
      const overlap = w > 0 && h > 0 ? w * h : 0;
      if (overlap > (best?.overlap ?? 0)) best = { el, overlap };
    }
    return best?.el ?? null;
  }

  /** Clicks the action titled `title` in the active editor's title bar (e.g. a diff editor's). */
  async clickEditorAction(title: string, timeoutMs = this.defaultTimeoutMs): Promise<void> {
    const action = this.page.locator(`.part.editor .editor-group-container.active .editor-actions .action-label[aria-label^=${cssString(title)}]`).first();
    await action.waitFor({ state: 'visible', timeout: timeoutMs });
    await action.click();
  }

  /** Titles of the editor tabs, in order. */
  async editorTabs(): Promise<string[]> {
    return this.page.locator('.part.editor .tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('aria-label') ?? ''));
  }

  /** The rows of the Problems view (focused from the palette), as their text reads: message, source, `[Ln N, Col M]`. */
  async problems(): Promise<string[]> {
    const panel = this.page.locator('.part.panel .markers-panel');
    if (!(await panel.isVisible())) await this.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    await panel.waitFor({ state: 'visible', timeout: this.defaultTimeoutMs });
    return panel.locator('.monaco-list-row').evaluateAll((rows) => rows.map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim()));
  }

  /** A PNG in .test-artifacts/screenshots/ (git-ignored; CI keeps the folder). Returns its path. */
  async screenshot(name: string): Promise<string> {
    const path = join(artifactsDir('screenshots'), `${name.replace(/[^\w.-]+/g, '-')}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  private activityItem(title: string): Locator {
    // The label sits on the entry's link; built-in entries append their keybinding: "Explorer (Ctrl+Shift+E)".
    return this.page
      .locator('.part.activitybar li.action-item[role="tab"]', {
        has: this.page.locator(`a.action-label[aria-label=${cssString(title)}], a.action-label[aria-label^=${cssString(`${title} (`)}]`),
      })
      .first();
  }

  private viewPane(viewTitle: string): Locator {
    // A container with one view hides the pane header ("merged-header") but keeps its aria-label.
    return this.page
      .locator('.part.sidebar .pane, .part.panel .pane, .part.auxiliarybar .pane', {
        has: this.page.locator(
          `.pane-header[aria-label=${cssString(`${viewTitle} Section`)}], .pane-header[aria-label^=${cssString(viewTitle)}]`,
        ),
      })
      .first();
  }

  private async row(viewTitle: string, label: string, level?: number): Promise<Locator> {
    await this.waitForItem(viewTitle, label, { level });
    const rows = this.viewPane(viewTitle).locator('.monaco-list-row');
    const n = await rows.count();
    for (let i = 0; i < n; i++) {
      const r = rows.nth(i);
      const l = ((await r.locator('.label-name').first().textContent()) ?? '').trim();
      if (l === label && (level === undefined || Number(await r.getAttribute('aria-level')) === level)) return r;
    }
    throw new Error(`row ${label} vanished from ${viewTitle}`);
  }

  /**
   * The open quick pick's row for `label`. A row's aria-label is its label, then ", <keybinding>",
   * ", <description>" or ", similar commands" when it has them.
   */
  private findQuickPickRow(label: string | RegExp, timeoutMs: number): Promise<Locator> {
    return waitFor(
      async () => {
        const rows = this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
        const labels = await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('aria-label') ?? ''));
        const found = labels.find((l) => (typeof label === 'string' ? l === label || l.startsWith(`${label}, `) : label.test(l)));
        // The row by its label, not its index: a list that re-renders between this read and the
        // click (the palette adding "similar commands", a pick filling in as it loads) moves rows,
        // and nth(i) then clicks a neighbour (seen in CI: a namespace pick took the "as typed" row).
        return found === undefined ? undefined : rows.and(this.page.locator(`[aria-label=${cssString(found)}]`)).first();
      },
      { timeoutMs, what: `quick pick item ${String(label)}` },
    );
  }
}
