// Declarative projections: a shape names the fields a kind's views read, and `pick` copies just
// those from an object the server sent (everything else is left for the garbage collector).
import { deepFreeze, type Pool } from './internPool';

/**
 * `'keep'`: the value as is (deep-frozen); `'str'`: a string from the pool (values that repeat);
 * `'share'`: a JSON value shared with equal ones; an object: pick its fields; `[shape]`: an array
 * whose items are picked with shape.
 */
export type Shape = 'keep' | 'str' | 'share' | { readonly [field: string]: Shape } | readonly [Shape];

export function pick(v: unknown, shape: Shape, pool: Pool): unknown {
  if (v === undefined || v === null) return undefined;
  // A sub-object kept from the parsed page does not keep the rest of the page alive: no copy.
  if (shape === 'keep') return deepFreeze(v);
  if (shape === 'str') return typeof v === 'string' ? pool.str(v) : deepFreeze(v);
  if (shape === 'share') return pool.share(v);
  if (Array.isArray(shape)) {
    if (!Array.isArray(v)) return undefined;
    return Object.freeze(v.map((x) => pick(x, shape[0] as Shape, pool)));
  }
  if (typeof v !== 'object' || Array.isArray(v)) return undefined;
  const src = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  let n = 0;
  for (const [field, sub] of Object.entries(shape as Record<string, Shape>)) {
    const x = pick(src[field], sub, pool);
    if (x === undefined) continue;
    out[field] = x;
    n++;
  }
  return n ? Object.freeze(out) : undefined;
}
