// Polls a condition with a deadline instead of sleeping: tests against a real control plane must
// wait for state, never for time, and a timeout must say what was awaited and what was last seen.

export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Human-readable description of the awaited state, used in the timeout message. */
  what: string;
  /** Delay between attempts; small because every check here is a cheap local call. */
  intervalMs?: number;
}

/**
 * Calls `check` until it returns a value other than `undefined`/`false` and returns that value.
 * A throw from `check` counts as "not yet" (the server may still be starting); the last error or
 * value is included in the timeout message so a failure explains itself.
 */
export async function waitFor<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  { timeoutMs, what, intervalMs = 100 }: WaitOptions,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt finished';
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
      last = `last check returned ${String(value)}`;
    } catch (err) {
      last = `last error: ${err instanceof Error ? err.message : String(err)}`;
    }
    if (Date.now() >= deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what} (${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
