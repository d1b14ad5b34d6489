// kubectl plugins as `kubectl plugin list` finds them: every `kubectl-*` file on PATH, in PATH
// order, that is a regular executable file. The first of a name wins; later ones are reported as
// shadowed, and names that kubectl's own commands take are reported as unusable. A plugin file
// `kubectl-foo-bar` is the command `kubectl foo bar`; `_` in a file name is `-` in the command
// (`kubectl-foo_bar` → `kubectl foo-bar`), as kubectl maps them.
import { constants } from 'node:fs';
import { access, readdir, stat } from 'node:fs/promises';
import { delimiter as pathDelimiter, join } from 'node:path';

export interface KubectlPlugin {
  /** The command words after `kubectl` (`['foo', 'bar']`). */
  words: string[];
  /** `foo bar`. */
  name: string;
  path: string;
  /** Later files of the same name on PATH, never run (kubectl runs this one). */
  shadows: string[];
  /** Why kubectl will not run it, when it will not (a built-in command takes the name). */
  warning?: string;
}

// kubectl's own top-level commands: a plugin can never take these names.
const BUILT_INS = new Set(
  'annotate api-resources api-versions apply attach auth autoscale certificate cluster-info completion config cordon cp create debug delete describe diff drain edit events exec explain expose get help kustomize label logs options patch plugin port-forward proxy replace rollout run scale set taint top uncordon version wait'.split(' '),
);

export function commandWords(fileName: string): string[] | undefined {
  const base = fileName.replace(/\.(exe|cmd|bat|com)$/i, '');
  if (!base.startsWith('kubectl-') || base.length === 'kubectl-'.length) return undefined;
  const words = base.slice('kubectl-'.length).split('-').map((w) => w.replace(/_/g, '-'));
  return words.every(Boolean) ? words : undefined;
}

async function isExecutableFile(path: string, windows: boolean): Promise<boolean> {
  try {
    if (!(await stat(path)).isFile()) return false;
    if (windows) return /\.(exe|cmd|bat|com)$/i.test(path);
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export async function discoverPlugins(pathEnv: string | undefined, opts: { delimiter?: string; windows?: boolean } = {}): Promise<KubectlPlugin[]> {
  const windows = opts.windows ?? process.platform === 'win32';
  const dirs = (pathEnv ?? '').split(opts.delimiter ?? pathDelimiter).filter(Boolean);
  const found = new Map<string, KubectlPlugin>();
  const seenDirs = new Set<string>();
  for (const dir of dirs) {
    if (seenDirs.has(dir)) continue;
    seenDirs.add(dir);
    let names: string[];
    try {
      names = (await readdir(dir)).sort();
    } catch {
      continue;
    }
    for (const file of names) {
      const words = commandWords(file);
      if (!words) continue;
      const path = join(dir, file);
      if (!(await isExecutableFile(path, windows))) continue;
      const name = words.join(' ');
      const first = found.get(name);
      if (first) {
        first.shadows.push(path);
        continue;
      }
      const plugin: KubectlPlugin = { words, name, path, shadows: [] };
      if (BUILT_INS.has(words[0]!)) plugin.warning = `kubectl's own "${words[0]}" command takes this name: kubectl never runs this plugin`;
      found.set(name, plugin);
    }
  }
  return [...found.values()];
}

/** The first executable named `name` on PATH (kubectl itself). */
export async function findOnPath(name: string, pathEnv: string | undefined, opts: { delimiter?: string; windows?: boolean } = {}): Promise<string | undefined> {
  const windows = opts.windows ?? process.platform === 'win32';
  for (const dir of (pathEnv ?? '').split(opts.delimiter ?? pathDelimiter).filter(Boolean)) {
    for (const file of windows ? [`${name}.exe`, `${name}.cmd`] : [name]) {
      const p = join(dir, file);
      if (await isExecutableFile(p, windows)) return p;
    }
  }
  return undefined;
}

/** What `kubectl <plugin>` gets: the plugin's words, the object's name, the pinned context and namespace. */
export function pluginArgs(plugin: Pick<KubectlPlugin, 'words'>, target: { context: string; namespace?: string; name?: string }): string[] {
  return [...plugin.words, ...(target.name ? [target.name] : []), '--context', target.context, ...(target.namespace ? ['--namespace', target.namespace] : [])];
}
