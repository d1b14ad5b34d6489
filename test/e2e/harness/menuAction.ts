// A tree row's context-menu entry that appears once the row's access review is in, for tests
// that drive the workbench like a user (the active editor's text: Workbench.editorText).
import type { Workbench } from './workbench';
import { waitFor } from './wait';

/**
 * Opens the row's context menu and clicks `action`. The entries gated by access markers appear
 * once the review for the row is in (a few ms after it renders): reopen the menu until it is there.
 */
export async function menuAction(wb: Workbench, label: string, level: number, action: string, screenshot?: string): Promise<void> {
  const page = wb.page;
  await waitFor(
    async () => {
      const r = page.locator('.part.sidebar .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).and(page.locator(`[aria-level="${level}"]`)).first();
      const menu = page.locator('.context-view .monaco-menu').first();
      // A click on an entry that landed while the menu was settling is ignored and leaves the menu
      // open (seen in CI); it covers the row, so close it before the next right-click.
      if (await menu.isVisible()) {
        await page.keyboard.press('Escape');
        await menu.waitFor({ state: 'hidden', timeout: 2_000 }).catch(() => undefined);
      }
      await r.click({ button: 'right', timeout: 5_000 });
      // Wait for the menu itself before looking in it: an Escape sent before it opens would leave it
      // open over the page for the next step.
      await menu.waitFor({ state: 'visible', timeout: 5_000 });
      const item = menu.locator('.action-item', { has: page.locator(`.action-label[aria-label="${action}"]`) }).first();
      if (await item.isVisible()) {
        if (screenshot) await wb.screenshot(screenshot);
        await item.click();
        await menu.waitFor({ state: 'hidden', timeout: 5_000 });
        return true;
      }
      await page.keyboard.press('Escape');
      await menu.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
      return false;
    },
    { what: `"${action}" in the context menu of ${label}`, timeoutMs: 30_000, intervalMs: 300 },
  );
}
