// Timestamps, inside the page, every change of a tree view's rendered rows: a row appearing, its
// description changing, a row going away, and every click. A MutationObserver runs right after
// the workbench changes the DOM (before paint), and stamps with performance.timeOrigin +
// performance.now(): the host's clock, like Date.now() in Node, so times from both sides compare.
// Only rows scrolled into view exist in the DOM: watch rows that are in view.
import type { Page } from 'playwright-core';

export interface RowEvent {
  /** Host clock, ms (fractional). */
  t: number;
  kind: 'shown' | 'changed' | 'gone' | 'click';
  label: string;
  description: string;
  level: number;
}

export interface RowClock {
  /** Takes the events recorded since the last call. */
  drain(): Promise<RowEvent[]>;
  /** The rows as the observer last saw them. */
  rows(): Promise<Omit<RowEvent, 't' | 'kind'>[]>;
  stop(): Promise<void>;
}

// Page code is plain JavaScript in strings: this repo's TypeScript has no DOM library.
const INSTALL = `(title) => {
  const now = () => performance.timeOrigin + performance.now();
  const pane = [...document.querySelectorAll('.part.sidebar .pane, .part.panel .pane, .part.auxiliarybar .pane')].find((p) => {
    const label = p.querySelector('.pane-header')?.getAttribute('aria-label') ?? '';
    return label === title + ' Section' || label.startsWith(title);
  });
  if (!pane) throw new Error('no pane titled ' + title);
  const old = window.__kubeAtlasRowClock;
  if (old) {
    old.observer.disconnect();
    window.removeEventListener('mousedown', old.onClick, true);
  }
  const events = [];
  // Keyed by level + label: the same name can sit at two levels (a Deployment and its container).
  const last = new Map();
  const read = () => {
    const out = new Map();
    for (const r of pane.querySelectorAll('.monaco-list-row')) {
      const label = (r.querySelector('.label-name')?.textContent ?? '').trim();
      const description = (r.querySelector('.label-description')?.textContent ?? '').trim();
      const level = Number(r.getAttribute('aria-level') ?? 0);
      out.set(level + '\\u0000' + label, { label, description, level });
    }
    return out;
  };
  const scan = () => {
    const t = now();
    const seen = read();
    for (const [key, r] of seen) {
      const before = last.get(key);
      if (before === undefined) events.push({ t, kind: 'shown', ...r });
      else if (before !== r.description) events.push({ t, kind: 'changed', ...r });
      last.set(key, r.description);
    }
    for (const key of [...last.keys()]) {
      if (seen.has(key)) continue;
      const [level, label] = key.split('\\u0000');
      events.push({ t, kind: 'gone', label, description: last.get(key) ?? '', level: Number(level) });
      last.delete(key);
    }
  };
  const observer = new MutationObserver(scan);
  observer.observe(pane, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-level', 'aria-expanded', 'style'] });
  // mousedown: the list acts on it (twistie and row clicks), and it is the user's first contact.
  const onClick = (e) => {
    const row = e.target?.closest?.('.monaco-list-row');
    if (!row || !pane.contains(row)) return;
    events.push({ t: now(), kind: 'click', label: (row.querySelector('.label-name')?.textContent ?? '').trim(), description: '', level: Number(row.getAttribute('aria-level') ?? 0) });
  };
  window.addEventListener('mousedown', onClick, true);
  window.__kubeAtlasRowClock = { events, last, observer, onClick };
  scan();
}`;

/** Starts the clock on the view titled `viewTitle` (its pane must exist: open the view first). */
export async function startRowClock(page: Page, viewTitle: string): Promise<RowClock> {
  await page.evaluate(`(${INSTALL})(${JSON.stringify(viewTitle)})`);
  return {
    drain: () => page.evaluate<RowEvent[]>('window.__kubeAtlasRowClock ? window.__kubeAtlasRowClock.events.splice(0) : []'),
    rows: () =>
      page.evaluate<Omit<RowEvent, 't' | 'kind'>[]>(`[...(window.__kubeAtlasRowClock?.last.entries() ?? [])].map(([key, description]) => {
        const [level, label] = key.split('\\u0000');
        return { label, description, level: Number(level) };
      })`),
    stop: () =>
      page.evaluate<void>(`(() => {
        const c = window.__kubeAtlasRowClock;
        if (!c) return;
        c.observer.disconnect();
        window.removeEventListener('mousedown', c.onClick, true);
        window.__kubeAtlasRowClock = undefined;
      })()`),
  };
}
