// The refresh gate's timing (real timers): the first change goes out at once, later ones are merged
// and go out one window after the last delivery, so deliveries are never closer than VS Code's
// 200 ms tree debounce (which would otherwise hold them back as long as changes keep coming).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RefreshGate, VSCODE_TREE_DEBOUNCE_MS } from '../../src/ui/tree/refreshGate';

interface Delivery {
  at: number;
  items: string[] | undefined;
}

function gate(): { g: RefreshGate<string>; out: Delivery[]; t0: number } {
  const out: Delivery[] = [];
  const t0 = performance.now();
  const g = new RefreshGate<string>((items) => out.push({ at: performance.now() - t0, items: items && [...items].sort() }));
  return { g, out, t0 };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('RefreshGate', () => {
  it('delivers an isolated change at once', () => {
    const { g, out } = gate();
    g.push(['a']);
    assert.deepEqual(out.map((d) => d.items), [['a']]);
    g.dispose();
  });

  it('merges changes that come within the window and delivers them once, a window after the last delivery', async () => {
    const { g, out } = gate();
    g.push(['a']);
    await sleep(50);
    g.push(['b']);
    g.push(['c', 'b']);
    assert.equal(out.length, 1);
    await sleep(VSCODE_TREE_DEBOUNCE_MS + 60);
    assert.deepEqual(out.map((d) => d.items), [['a'], ['b', 'c']]);
    assert.ok(out[1]!.at - out[0]!.at > VSCODE_TREE_DEBOUNCE_MS, `second delivery ${out[1]!.at - out[0]!.at} ms after the first`);
    g.dispose();
  });

  it('a full refresh absorbs item refreshes of the same window', async () => {
    const { g, out } = gate();
    g.push(['a']);
    g.push(['b']);
    g.push(undefined);
    g.push(['c']);
    await sleep(VSCODE_TREE_DEBOUNCE_MS + 60);
    assert.deepEqual(out.map((d) => d.items), [['a'], undefined]);
    g.dispose();
  });

  it('under steady churn deliveries stay more than 200 ms apart and no change waits much longer than one window', async () => {
    const { g, out, t0 } = gate();
    const sent: { name: string; at: number }[] = [];
    for (let i = 0; i < 30; i++) {
      const name = `n${i}`;
      sent.push({ name, at: performance.now() - t0 });
      g.push([name]);
      await sleep(20 + (i % 5) * 15);
    }
    await sleep(VSCODE_TREE_DEBOUNCE_MS + 60);
    for (let i = 1; i < out.length; i++) {
      assert.ok(out[i]!.at - out[i - 1]!.at >= VSCODE_TREE_DEBOUNCE_MS, `deliveries ${i - 1} and ${i} are ${out[i]!.at - out[i - 1]!.at} ms apart`);
    }
    for (const s of sent) {
      const d = out.find((x) => x.items?.includes(s.name));
      assert.ok(d, `${s.name} delivered`);
      assert.ok(d.at - s.at < VSCODE_TREE_DEBOUNCE_MS + 60, `${s.name} waited ${d.at - s.at} ms`);
    }
    g.dispose();
  });

  it('after a quiet window the next change goes out at once again', async () => {
    const { g, out } = gate();
    g.push(['a']);
    await sleep(VSCODE_TREE_DEBOUNCE_MS + 30);
    g.push(['b']);
    assert.deepEqual(out.map((d) => d.items), [['a'], ['b']]);
    g.dispose();
  });
});
