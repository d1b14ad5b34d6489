// Which nodes to refresh, coalesced: changes gather for a short window (leading-edge throttle) and
// fire as the smallest set of nodes, a pending ancestor covering its descendants.
import type { Disposable } from '../util/emitter';
import { Emitter } from '../util/emitter';
import { Throttle } from '../util/throttle';
import type { BrowseNode } from './nodes';

/**
 * How long the model gathers a node's changes before firing (leading-edge throttle): a burst on
 * one node becomes one refresh. Pacing for VS Code's 200 ms tree debounce, which restarts on every
 * event of the whole view, is the tree provider's job (`ui/tree/refreshGate.ts`): it sees every
 * node's events, this throttle only one node's.
 */
export const TREE_REFRESH_WINDOW_MS = 70;

export class RefreshQueue implements Disposable {
  private readonly pending = new Set<BrowseNode>();
  private fullRefresh = false;
  private readonly throttle: Throttle;
  private readonly changed = new Emitter<BrowseNode[] | undefined>();
  /** Fires the nodes to refresh, or undefined for everything. */
  readonly onDidChange = this.changed.event;

  /** `isShown`: a node still in the tree (a forgotten instance is not announced). */
  constructor(
    windowMs: number,
    private readonly isShown: (n: BrowseNode) => boolean,
  ) {
    this.throttle = new Throttle(() => this.flush(), windowMs);
  }

  /** Everything is re-read on the next flush. */
  all(): void {
    this.fullRefresh = true;
    this.throttle.schedule();
  }

  mark(n: BrowseNode): void {
    this.pending.add(n);
    this.throttle.schedule();
  }

  /** Fires the smallest set of nodes: a pending ancestor already covers its descendants. */
  flush(): void {
    this.throttle.cancel();
    if (this.fullRefresh) {
      this.fullRefresh = false;
      this.pending.clear();
      this.changed.fire(undefined);
      return;
    }
    if (!this.pending.size) return;
    const out: BrowseNode[] = [];
    for (const n of this.pending) {
      let p = n.parent;
      let covered = false;
      while (p) {
        if (this.pending.has(p)) {
          covered = true;
          break;
        }
        p = p.parent;
      }
      if (!covered && this.isShown(n)) out.push(n);
    }
    this.pending.clear();
    if (out.length) this.changed.fire(out);
  }

  dispose(): void {
    this.throttle.cancel();
    this.changed.dispose();
  }
}
