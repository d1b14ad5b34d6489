// Reads one setting from a VS Code settings file ourselves. In Restricted Mode VS Code withholds
// restricted settings from the workspace's configuration, so the extension cannot see that the
// folder tried to set one; to tell the user what was skipped we read the file. Pure (no vscode):
// settings files are JSON with comments and trailing commas.

/** The parsed file, or undefined when it is not JSON even after comments and trailing commas go. */
export function parseJsonc(text: string): unknown {
  try {
    return JSON.parse(stripJsonc(text));
  } catch {
    return undefined;
  }
}

/**
 * The value of `key` (`kubeAtlas.kubeconfigFiles`) in a settings object, written flat
 * (`"kubeAtlas.kubeconfigFiles": […]`) or nested (`"kubeAtlas": {"kubeconfigFiles": […]}`).
 */
export function settingValue(settings: unknown, key: string): unknown {
  if (!isObject(settings)) return undefined;
  if (key in settings) return settings[key];
  const dot = key.indexOf('.');
  return dot > 0 ? settingValue(settings[key.slice(0, dot)], key.slice(dot + 1)) : undefined;
}

/** A list-of-strings setting from a folder's settings.json text (`inSettings`: from a .code-workspace's "settings"). */
export function stringListSetting(text: string, key: string, inSettings = false): string[] | undefined {
  const parsed = parseJsonc(text);
  const value = settingValue(inSettings && isObject(parsed) ? parsed.settings : parsed, key);
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v.trim() !== '') : undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// Strings are copied as they are (a "//" inside one is not a comment); comments become spaces;
// a comma with only whitespace or comments before a closing bracket is dropped.
function stripJsonc(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      out += ' ';
    } else {
      if (c === '}' || c === ']') {
        let k = out.length - 1;
        while (k >= 0 && /\s/.test(out[k]!)) k--;
        if (out[k] === ',') out = out.slice(0, k) + out.slice(k + 1);
      }
      out += c;
      i++;
    }
  }
  return out;
}
