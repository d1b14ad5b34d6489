// Runs `fn` at most once per window, on the leading edge: an isolated change is delivered on the
// next turn of the event loop (everything that arrived in the same turn rides along), while a
// burst is delivered at most once per window. Batching protects the UI under load without adding
// latency when the cluster is quiet.
export class Throttle {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastRun = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly fn: () => void,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastRun + this.windowMs - this.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.lastRun = this.now();
      this.fn();
    }, wait);
  }

  /** Forget a pending run (the caller ran `fn` itself, or is shutting down). */
  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
