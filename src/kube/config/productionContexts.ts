// Which contexts are production: the user's `kubeAtlas.productionContexts` patterns. A pattern is
// a context name or a glob (`*` any run of characters, `?` one character), so exact names from the
// earlier setting keep working and `prod-*` or `*-production` cover a fleet. Matching is exact
// and case-sensitive, as context names are.

export function isProductionContext(context: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => globToRegExp(p).test(context));
}

function globToRegExp(glob: string): RegExp {
  let re = '^';
  for (const ch of glob) {
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`);
}
