// A manifest may say where it belongs with a comment line, so applying it never depends on which
// context happens to be selected:
//   # kube-atlas: context=prod-eu namespace=shop
// Any whole-line comment of the file counts (the first of each key wins); kubectl ignores it.
// `namespace` is the default for that file's namespaced documents that name none.

export interface ManifestPin {
  context?: string;
  namespace?: string;
  /** 1-based line of the comment, for messages. */
  line: number;
}

const PIN = /^[ \t]*#[ \t]*kube-atlas:[ \t]*(.*)$/;

export function readPin(text: string): ManifestPin | undefined {
  const lines = text.split('\n');
  let pin: ManifestPin | undefined;
  for (let i = 0; i < lines.length; i++) {
    const m = PIN.exec((lines[i] ?? '').replace(/\r$/, ''));
    if (!m) continue;
    for (const pair of (m[1] ?? '').trim().split(/[ \t]+/)) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const key = pair.slice(0, eq);
      const value = pair.slice(eq + 1).replace(/^["']|["']$/g, '');
      if (!value || (key !== 'context' && key !== 'namespace')) continue;
      pin ??= { line: i + 1 };
      if (pin[key] === undefined) pin[key] = value;
    }
  }
  return pin;
}

export interface PinnedTarget {
  context?: string;
  /** Files that pin something, and what. */
  pins: { label: string; pin: ManifestPin }[];
  /** Files pin different contexts: nothing may be applied until the user splits them. */
  conflict?: string;
}

/** What the files of one apply pin together; different contexts in one apply are refused. */
export function combinePins(sources: readonly { label: string; text: string }[]): PinnedTarget {
  const pins = sources.flatMap((s) => {
    const pin = readPin(s.text);
    return pin ? [{ label: s.label, pin }] : [];
  });
  const contexts = [...new Set(pins.map((p) => p.pin.context).filter((c): c is string => !!c))];
  const out: PinnedTarget = { pins };
  if (contexts.length > 1) {
    out.conflict = `The files pin different contexts (${pins
      .filter((p) => p.pin.context)
      .map((p) => `${p.label}: ${p.pin.context}`)
      .join(', ')}): apply them separately.`;
    return out;
  }
  if (contexts[0]) out.context = contexts[0];
  return out;
}
