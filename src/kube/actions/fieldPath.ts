// Field paths as the apiserver prints them, resolved to lines of the user's YAML. Two notations:
//   validation (apimachinery field.Path):   spec.template.spec.containers[0].image, metadata.labels[app]
//   server-side apply (structured-merge-diff): .spec.template.spec.containers[name="web"].image,
//                                              .metadata.finalizers[="x"], .spec.ports[port=80,protocol="TCP"]
import type { PosNode } from './yamlPositions';

export type PathSegment =
  | { type: 'field'; name: string }
  | { type: 'index'; index: number }
  | { type: 'key'; key: string }
  | { type: 'match'; pairs: Record<string, string> }
  | { type: 'value'; value: string };

export function parseFieldPath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  let i = 0;
  const s = path.trim();
  while (i < s.length) {
    const c = s[i];
    if (c === '.') {
      i++;
      continue;
    }
    if (c === '[') {
      const end = closingBracket(s, i);
      out.push(bracket(s.slice(i + 1, end)));
      i = end + 1;
      continue;
    }
    let j = i;
    while (j < s.length && s[j] !== '.' && s[j] !== '[') j++;
    out.push({ type: 'field', name: s.slice(i, j) });
    i = j;
  }
  return out;
}

function closingBracket(s: string, open: number): number {
  let quote = false;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quote) i++;
    else if (c === '"') quote = !quote;
    else if (c === ']' && !quote) return i;
  }
  return s.length;
}

function bracket(inner: string): PathSegment {
  if (/^\d+$/.test(inner)) return { type: 'index', index: Number(inner) };
  if (inner.startsWith('=')) return { type: 'value', value: scalarText(inner.slice(1)) };
  const pairs = splitTopLevel(inner, ',').map((p) => {
    const eq = p.indexOf('=');
    return eq < 0 ? undefined : ([p.slice(0, eq).trim(), scalarText(p.slice(eq + 1))] as const);
  });
  if (pairs.length && pairs.every((p) => p !== undefined)) return { type: 'match', pairs: Object.fromEntries(pairs as (readonly [string, string])[]) };
  return { type: 'key', key: inner };
}

function splitTopLevel(s: string, sep: string): string[] {
  const out: string[] = [];
  let quote = false;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '\\' && quote) i++;
    else if (c === '"') quote = !quote;
    else if (c === sep && !quote) {
      out.push(s.slice(start, i));
      start = i + 1;
    }
  }
  out.push(s.slice(start));
  return out;
}

/** `"web"` → web, `80` → 80 (as text: YAML scalars are compared as written). */
function scalarText(v: string): string {
  const t = v.trim();
  if (t.startsWith('"')) {
    try {
      return String(JSON.parse(t));
    } catch {
      return t.slice(1, -1);
    }
  }
  return t;
}

export interface ResolvedLine {
  /** 1-based line of the deepest part of the path found in the file. */
  line: number;
  /** The whole path exists in the file (false: `line` is its nearest ancestor that does). */
  exact: boolean;
}

/**
 * The line of `path` in `root`: the key's line for a mapping entry, the item's line for a list
 * item. A path that leaves the file (a required field that is missing) resolves to its nearest
 * ancestor, which is where the user has to add it.
 */
export function lineOfPath(root: PosNode, path: string | readonly PathSegment[]): ResolvedLine {
  const segs = typeof path === 'string' ? parseFieldPath(path) : path;
  let node: PosNode = root;
  let line = root.line;
  for (let k = 0; k < segs.length; k++) {
    const seg = segs[k]!;
    const step = stepInto(node, seg, segs, k);
    if (!step) return { line, exact: false };
    node = step.node;
    line = step.line;
    k += step.consumed - 1;
  }
  return { line, exact: true };
}

function stepInto(node: PosNode, seg: PathSegment, segs: readonly PathSegment[], k: number): { node: PosNode; line: number; consumed: number } | undefined {
  if (node.kind === 'map' && (seg.type === 'field' || seg.type === 'key')) {
    const name = seg.type === 'field' ? seg.name : seg.key;
    const hit = node.entries.get(name);
    if (hit) return { node: hit.value, line: hit.keyLine, consumed: 1 };
    // structured-merge-diff prints map keys with dots unescaped (`.metadata.labels.app.kubernetes.io/name`):
    // try the following field segments joined back together.
    let joined = name;
    for (let n = k + 1; n < segs.length; n++) {
      const next = segs[n]!;
      if (next.type !== 'field') break;
      joined += `.${next.name}`;
      const h = node.entries.get(joined);
      if (h) return { node: h.value, line: h.keyLine, consumed: n - k + 1 };
    }
    return undefined;
  }
  if (node.kind !== 'seq') return undefined;
  let item: PosNode | undefined;
  if (seg.type === 'index') item = node.items[seg.index];
  else if (seg.type === 'value') item = node.items.find((it) => it.kind === 'scalar' && it.value === seg.value);
  else if (seg.type === 'match') {
    item = node.items.find(
      (it) => it.kind === 'map' && Object.entries(seg.pairs).every(([key, v]) => {
        const e = it.entries.get(key);
        return e?.value.kind === 'scalar' && e.value.value === v;
      }),
    );
  }
  return item ? { node: item, line: item.line, consumed: 1 } : undefined;
}
