// Paces tree refresh events to how the VS Code extension host consumes them. ExtHostTreeView runs
// a TreeDataProvider's onDidChangeTreeData through Event.debounce(…, 200, leading = true): an
// event is delivered at once only when none came in the previous 200 ms, and every event inside
// that window restarts the timer, so under steady churn (changes less than 200 ms apart) rows are
// not refreshed at all until the cluster pauses. The gate delivers the first change at once and
// holds later ones until 201 ms after its last delivery, when VS Code's own timer (started in the
// same turn, 200 ms) has just expired: every event then reaches VS Code on its leading edge, and no
// change waits more than ~201 ms (bench/workbench.bench.ts measures it in code-server).
// No `vscode` import: the rule is plain timing, unit-tested on its own.

export const VSCODE_TREE_DEBOUNCE_MS = 200;

export class RefreshGate<T> {
  private pending: Set<T> | undefined;
  private all = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `emit(undefined)` refreshes everything; `emit(items)` those items. */
  constructor(
    private readonly emit: (items: T[] | undefined) => void,
    private readonly windowMs = VSCODE_TREE_DEBOUNCE_MS + 1,
  ) {}

  /** Items to refresh, or undefined for everything. */
  push(items: T[] | undefined): void {
    if (this.timer === undefined) {
      this.deliver(items);
      return;
    }
    if (!items) this.all = true;
    else {
      this.pending ??= new Set();
      for (const i of items) this.pending.add(i);
    }
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
    this.all = false;
  }

  private deliver(items: T[] | undefined): void {
    this.emit(items);
    // Started right after emit(), in the same turn as the debounce timer emit() started inside
    // VS Code: Node runs timers of equal start time in order of delay, so ours (201) runs after it.
    this.timer = setTimeout(() => this.open(), this.windowMs);
  }

  private open(): void {
    this.timer = undefined;
    if (this.all) {
      this.all = false;
      this.pending = undefined;
      this.deliver(undefined);
    } else if (this.pending?.size) {
      const items = [...this.pending];
      this.pending = undefined;
      this.deliver(items);
    }
  }
}
