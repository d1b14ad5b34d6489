// Reading what the workbench shows, for tests that drive it like a user: the active editor's text
// and a tree row's context-menu entry that appears once the row's access review is in.
import type { Workbench } from './workbench';
import { waitFor } from './wait';

/** The text of the active editor's rendered lines, top to bottom (as Workbench reads the Output panel). */
export async function editorText(wb: Workbench): Promise<string> {
  return wb.page
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

/**
 * Opens the row's context menu and clicks `action`. The entries gated by access markers appear
 * once the review for the row is in (a few ms after it renders): reopen the menu until it is there.
 */
export async function menuAction(wb: Workbench, label: string, level: number, action: string): Promise<void> {
  const page = wb.page;
  await waitFor(
    async () => {
      const r = page.locator('.part.sidebar .monaco-list-row', { has: page.locator('.label-name', { hasText: label }) }).and(page.locator(`[aria-level="${level}"]`)).first();
      await r.click({ button: 'right' });
      const item = page.locator('.context-view .monaco-menu .action-item', { has: page.locator(`.action-label[aria-label="${action}"]`) }).first();
      if (await item.isVisible({ timeout: 1_000 }).catch(() => false)) {
        await item.click();
        return true;
      }
      await page.keyboard.press('Escape');
      return false;
    },
    { what: `"${action}" in the context menu of ${label}`, timeoutMs: 30_000, intervalMs: 300 },
  );
}
