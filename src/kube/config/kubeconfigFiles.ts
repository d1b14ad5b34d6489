// Which kubeconfig files to read, in precedence order. Kept pure (env, home and delimiter are
// passed in) so the rules can be tested for every platform from one machine.

import * as path from 'node:path';

export interface KubeconfigPathInput {
  /** Value of $KUBECONFIG, undefined when unset. */
  env: string | undefined;
  /** The user's home folder. */
  home: string;
  /** Files from the setting `kubeAtlas.kubeconfigFiles`, appended after kubectl's own list. */
  extraFiles: readonly string[];
  /** path.delimiter of the platform the paths come from (':' on POSIX, ';' on Windows). */
  delimiter: string;
}

/**
 * kubectl's list ($KUBECONFIG split on the delimiter, empty entries and repeats dropped, else
 * ~/.kube/config) followed by the extra files that are not already in it.
 */
export function resolveKubeconfigPaths(input: KubeconfigPathInput): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const add = (p: string): void => {
    const key = normaliseForCompare(p);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  };

  const fromEnv = (input.env ?? '')
    .split(input.delimiter)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  if (fromEnv.length > 0) {
    for (const p of fromEnv) add(p);
  } else {
    add(path.join(input.home, '.kube', 'config'));
  }

  for (const raw of input.extraFiles) {
    const p = raw.trim();
    if (p.length === 0) continue;
    // A setting is typed by hand, so `~/` is worth honouring; kubectl never expands it in
    // $KUBECONFIG (the shell does), which is why only the extra files get this treatment.
    add(expandHome(p, input.home));
  }
  return out;
}

function expandHome(p: string, home: string): string {
  if (p === '~') return home;
  if (p.startsWith('~/') || p.startsWith('~\\')) return path.join(home, p.slice(2));
  return p;
}

// `a//b` and `a/b` name the same file; comparing the raw strings would read it twice and report
// every entry in it as a duplicate.
function normaliseForCompare(p: string): string {
  const n = p.replace(/[\\/]+/g, '/');
  return n.length > 1 ? n.replace(/\/$/, '') : n;
}
