// Entries are compared in tests and serialised for client-node and plugins: an absent field must
// be absent, not present with the value undefined.
export function dropUndefined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}
