// Repeated values in a cache of 20,000 pods are the rule: node names, images, label keys and
// values, owner kinds, condition types, and whole sub-objects (the container list, the owner
// reference, the label set and the "running and ready" container statuses of every pod of one
// Deployment are equal). JSON.parse makes a fresh copy of each for every object; the pool hands
// back one frozen instance instead (hash-consing), so a cached pod keeps only what is its own.
//
// One pool per watch (it dies with the watch). It is bounded: past its caps it starts afresh, so
// values of objects long gone are not kept forever; objects already cached keep their (equal)
// instances, and nothing depends on identity.

export interface InternPoolOptions {
  /** Distinct strings kept before the pool starts afresh. */
  maxStrings?: number;
  /** Distinct shared sub-objects kept before the pool starts afresh. */
  maxShapes?: number;
}

export class InternPool {
  private strings = new Map<string, string>();
  private shapes = new Map<string, unknown>();
  private readonly maxStrings: number;
  private readonly maxShapes: number;

  constructor(opts: InternPoolOptions = {}) {
    this.maxStrings = opts.maxStrings ?? 50_000;
    this.maxShapes = opts.maxShapes ?? 20_000;
  }

  /** The pool's instance of `s` (for values that repeat: names of nodes, images, reasons). */
  str<T extends string | undefined>(s: T): T {
    if (s === undefined || typeof s !== 'string') return s;
    const hit = this.strings.get(s);
    if (hit !== undefined) return hit as T;
    if (this.strings.size >= this.maxStrings) this.strings = new Map();
    this.strings.set(s, s);
    return s;
  }

  /**
   * The pool's frozen instance of a plain JSON value equal to `v` (deep-frozen here, so it may be
   * shared by any number of cached objects). Only for values that are likely to repeat: a unique
   * value costs its key in the pool for nothing.
   */
  share<T>(v: T): T {
    if (v === null || typeof v !== 'object') return v;
    const key = JSON.stringify(v);
    const hit = this.shapes.get(key);
    if (hit !== undefined) return hit as T;
    if (this.shapes.size >= this.maxShapes) this.shapes = new Map();
    deepFreeze(v);
    this.shapes.set(key, v);
    return v;
  }

  get size(): { strings: number; shapes: number } {
    return { strings: this.strings.size, shapes: this.shapes.size };
  }
}

export function deepFreeze<T>(v: T): T {
  if (v === null || typeof v !== 'object' || Object.isFrozen(v)) return v;
  for (const x of Object.values(v as object)) deepFreeze(x);
  return Object.freeze(v);
}

/** A pool that shares nothing (the reference the bench compares the pool with). */
export const NO_POOL: Pick<InternPool, 'str' | 'share'> = {
  str: (s) => s,
  share: (v) => deepFreeze(v),
};

export type Pool = Pick<InternPool, 'str' | 'share'>;
