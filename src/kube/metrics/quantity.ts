// Kubernetes resource quantities ("250m", "1.5Gi", "1234567n", "12e3") as exact integers of
// nano-units, and the ways kubectl prints them. Exact because the figures are compared with
// `kubectl top`, which rounds a sum of quantities once, at the end: CPU with MilliValue() (rounded
// up to the next millicore) and memory as Value() (bytes, rounded up) divided by 2^20 (rounded
// down). Doubles would turn "1.1" into 1100000000.0000002 nanocores and round the wrong way.
// apimachinery's Quantity keeps at most nano precision for these values, so nanos lose nothing.

/** A quantity in nano-units: nanocores for CPU, nanobytes for memory. */
export type Nanos = bigint;

const BINARY: Readonly<Record<string, bigint>> = { Ki: 1n << 10n, Mi: 1n << 20n, Gi: 1n << 30n, Ti: 1n << 40n, Pi: 1n << 50n, Ei: 1n << 60n };
const DECIMAL: Readonly<Record<string, number>> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/** Divides rounding towards +infinity (apimachinery rounds scaled values up). */
function ceilDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && a > 0n === b > 0n ? q + 1n : q;
}

/**
 * Parses a quantity into nano-units (rounded up past nano precision, as apimachinery does).
 * Returns undefined for anything that is not a quantity, so a bad value from the cluster shows
 * as "no figure" rather than as a wrong one.
 */
export function parseQuantity(text: string | number | undefined | null): Nanos | undefined {
  if (text === undefined || text === null) return undefined;
  const s = String(text).trim();
  const m = QUANTITY.exec(s);
  if (!m) return undefined;
  const [, sign, whole = '', frac = '', exp, suffix = ''] = m;
  // apimachinery reads a bare suffix ("Mi") as zero; nothing at all is not a quantity.
  if (!whole && !frac) return suffix ? 0n : undefined;
  // digits × 10^(−frac.length) × multiplier × 10^9 (nanos)
  let num = BigInt(`${whole}${frac}` || '0');
  let den = 10n ** BigInt(frac.length);
  let pow10 = 9;
  if (exp) pow10 += Number(exp.slice(1));
  else if (suffix in BINARY) num *= BINARY[suffix] as bigint;
  else pow10 += DECIMAL[suffix] ?? 0;
  if (pow10 >= 0) num *= 10n ** BigInt(pow10);
  else den *= 10n ** BigInt(-pow10);
  const nanos = ceilDiv(num, den);
  return sign === '-' ? -nanos : nanos;
}

/** `Quantity.MilliValue()`: thousandths, rounded up. */
export function milliValue(n: Nanos): bigint {
  return ceilDiv(n, 1_000_000n);
}

/** `Quantity.Value()`: whole units (bytes, cores), rounded up. */
export function wholeValue(n: Nanos): bigint {
  return ceilDiv(n, 1_000_000_000n);
}

/** CPU as `kubectl top` prints it: millicores, rounded up ("12m"). */
export function formatCpu(n: Nanos): string {
  return `${milliValue(n)}m`;
}

/** Memory as `kubectl top` prints it: whole MiB of the rounded-up byte count, rounded down ("34Mi"). */
export function formatMemoryMi(n: Nanos): string {
  return `${wholeValue(n) / (1n << 20n)}Mi`;
}

/**
 * Memory for a tree row, short: below 1 MiB in Ki, below 10 GiB in whole Mi (as kubectl top),
 * above in Gi with one decimal ("12.5Gi"), so large nodes stay readable.
 */
export function formatMemory(n: Nanos): string {
  const bytes = wholeValue(n);
  if (bytes < 1n << 20n) return `${bytes / 1024n}Ki`;
  if (bytes < 10n << 30n) return `${bytes / (1n << 20n)}Mi`;
  const tenths = (bytes * 10n) / (1n << 30n);
  return `${tenths / 10n}${tenths % 10n ? `.${tenths % 10n}` : ''}Gi`;
}

/**
 * kubectl top node's percentage: usage and the total in millis, the ratio truncated to a whole
 * percent (`int64(float64(used.MilliValue()) / float64(total.MilliValue()) * 100)`); 0 for a zero total.
 */
export function percentOf(used: Nanos, total: Nanos): number {
  const t = Number(milliValue(total));
  if (t === 0) return 0;
  return Math.trunc((Number(milliValue(used)) / t) * 100);
}

/** Sum of quantities (exact). */
export function sumNanos(values: Iterable<Nanos>): Nanos {
  let s = 0n;
  for (const v of values) s += v;
  return s;
}
