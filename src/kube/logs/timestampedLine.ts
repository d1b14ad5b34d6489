// A line of `GET …/log?timestamps=true`: the kubelet writes "<RFC3339Nano> <text>". The timestamp
// is kept as a sortable key (resumePoint.ts compares lines with it) and as the text shown.

export interface LogLine {
  /** RFC 3339 timestamp as the kubelet wrote it, if the line had one. */
  timestamp: string | undefined;
  text: string;
}

const TS = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2}) /;

export function splitTimestamp(raw: string): LogLine {
  const m = TS.exec(raw);
  if (!m) return { timestamp: undefined, text: raw };
  return { timestamp: raw.slice(0, m[0].length - 1), text: raw.slice(m[0].length) };
}

/**
 * A key that orders timestamps as time does, to the nanosecond: milliseconds since the epoch
 * (Date.parse handles offsets) padded to 15 digits, then the digits below the millisecond.
 * Numbers would lose the nanoseconds (1.7e18 > 2^53). Undefined when it does not parse.
 */
export function timestampKey(ts: string): string | undefined {
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(ts);
  if (!m) return undefined;
  const frac = (m[2] ?? '').padEnd(9, '0').slice(0, 9);
  const ms = Date.parse(`${m[1]}.${frac.slice(0, 3)}${m[3]}`);
  if (Number.isNaN(ms)) return undefined;
  return `${String(ms).padStart(15, '0')}${frac.slice(3)}`;
}
