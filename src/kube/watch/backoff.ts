// Exponential backoff with jitter, as client-go's reflector does (800 ms doubling to 30 s, jitter
// 1.0) so that many watches failing together do not reconnect in lockstep.

export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  factor: number;
  jitter: number; // 0..1: delay is in [d, d * (1 + jitter)]
  /** A run of this long without failure resets the delay. */
  resetAfterMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 800, maxMs: 30_000, factor: 2, jitter: 1, resetAfterMs: 120_000 };

export class Backoff {
  private current: number;
  private lastFailure = 0;

  constructor(
    private readonly opts: BackoffOptions = DEFAULT_BACKOFF,
    private readonly now: () => number = Date.now,
  ) {
    this.current = opts.initialMs;
  }

  /** Delay before the next attempt after a failure. */
  next(): number {
    const t = this.now();
    if (this.lastFailure && t - this.lastFailure > this.opts.resetAfterMs) this.current = this.opts.initialMs;
    this.lastFailure = t;
    const base = this.current;
    this.current = Math.min(this.opts.maxMs, this.current * this.opts.factor);
    const rnd = (this.opts.random ?? Math.random)();
    return Math.min(this.opts.maxMs * (1 + this.opts.jitter), Math.round(base * (1 + this.opts.jitter * rnd)));
  }

  reset(): void {
    this.current = this.opts.initialMs;
    this.lastFailure = 0;
  }
}

/** Resolves after ms, or early (without throwing) when the signal aborts. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done(): void {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
