// Where each named entry sits in a kubeconfig file, so a problem can point at a line. A text scan
// instead of a position-tracking YAML parser: kubeconfigs are written by tools in one block style,
// and an approximate line is still far better than none. JSON kubeconfigs simply get no lines.

export type KubeconfigSection = 'clusters' | 'users' | 'contexts';

const TOP_LEVEL_KEY = /^["']?([A-Za-z][\w-]*)["']?\s*:/;
const NAME_KEY = /^["']?name["']?\s*:\s*(.*?)\s*(?:#.*)?$/;

/**
 * 1-based lines of each entry's `name: <x>` inside the top-level `section`, per name, in file
 * order (a name listed twice gets two lines, so a duplicate can be located too). Only names at the
 * entry's own level count: `exec.env[].name` and `auth-provider.name` sit deeper.
 */
export function findEntryLines(text: string, section: KubeconfigSection): Map<string, number[]> {
  const lines = text.split(/\r?\n/);
  const out = new Map<string, number[]>();
  let inside = false;
  let dashIndent: number | undefined;
  let keyIndent: number | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const top = TOP_LEVEL_KEY.exec(line);
    if (top) {
      inside = top[1] === section;
      dashIndent = undefined;
      keyIndent = undefined;
      continue;
    }
    if (!inside) continue;
    const indent = line.length - line.trimStart().length;
    const rest = line.slice(indent);
    let candidate: string | undefined;
    if (rest.startsWith('- ') || rest === '-') {
      dashIndent ??= indent;
      if (indent !== dashIndent) continue;
      const afterDash = rest.slice(1);
      const pad = afterDash.length - afterDash.trimStart().length;
      keyIndent = indent + 1 + pad;
      candidate = afterDash.trimStart();
    } else if (keyIndent !== undefined && indent === keyIndent) {
      candidate = rest;
    }
    if (candidate === undefined) continue;
    const m = NAME_KEY.exec(candidate);
    if (!m) continue;
    const name = unquote(m[1] ?? '');
    if (name.length === 0) continue;
    const list = out.get(name);
    if (list) list.push(i + 1);
    else out.set(name, [i + 1]);
  }
  return out;
}

function unquote(v: string): string {
  if (v.length >= 2 && ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'")))) {
    return v.slice(1, -1);
  }
  return v;
}
