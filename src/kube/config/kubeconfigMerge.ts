// kubectl's merge of several kubeconfig files, as a pure function: the first file that sets
// current-context wins; for a cluster, user or context name the first file that defines it wins
// and later duplicates are ignored silently; missing files are skipped. Unlike client-node's
// loader (last file wins, duplicates and missing files throw), this matches what a user's
// terminal sees with the same KUBECONFIG.

import { execSecrets, redact } from '../util/redact';
import { parseKubeconfigFile } from './kubeconfigParse';
import { validateKubeconfig } from './kubeconfigValidate';
import type { ClusterEntry, ContextEntry, KubeconfigProblem, MergedKubeconfig, UserEntry } from './types';

export interface KubeconfigFileText {
  path: string;
  /** File contents; undefined when the file does not exist. */
  text: string | undefined;
  /** Set when the file exists but could not be read (permissions, a folder…). */
  readError?: string;
}

export interface MergeOptions {
  /**
   * Checks that referenced certificate, key and token files exist. Without it those checks are
   * left to connect time (the transport reports the same message then).
   */
  fileExists?: (path: string) => boolean;
}

export const KUBECONFIG_FILES_SETTING = 'kubeAtlas.kubeconfigFiles';

export function mergeKubeconfigs(files: readonly KubeconfigFileText[], options: MergeOptions = {}): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    files: files.map((f) => ({ path: f.path, exists: f.text !== undefined || f.readError !== undefined })),
    currentContext: undefined,
    contexts: [],
    clusters: new Map<string, ClusterEntry>(),
    users: new Map<string, UserEntry>(),
    problems: [],
  };
  const contextsByName = new Map<string, ContextEntry>();

  for (const f of files) {
    if (f.readError !== undefined) {
      merged.problems.push({
        file: f.path,
        message: `Could not read ${f.path}: ${f.readError}`,
        hint: 'Check the file’s permissions, or remove it from KUBECONFIG / the setting kubeAtlas.kubeconfigFiles.',
      });
      continue;
    }
    if (f.text === undefined) continue;
    const parsed = parseKubeconfigFile(f.path, f.text);
    merged.problems.push(...parsed.problems);
    merged.currentContext ??= parsed.currentContext;
    addFirstWins(parsed.clusters, merged.clusters, f.path, 'cluster', merged.problems);
    addFirstWins(parsed.users, merged.users, f.path, 'user', merged.problems);
    addFirstWins(parsed.contexts, contextsByName, f.path, 'context', merged.problems);
  }
  merged.contexts = [...contextsByName.values()];

  if (!merged.files.some((f) => f.exists)) merged.problems.push(noKubeconfigProblem(files.map((f) => f.path)));
  merged.problems.push(...validateKubeconfig(merged, options.fileExists));
  merged.problems = redactProblems(merged.problems, merged);
  return merged;
}

/**
 * Problems are shown in the tree and logged; a YAML error may quote the line it is on. The
 * credentials the kubeconfig itself holds are replaced wherever they appear, besides anything
 * shaped like one.
 */
export function redactProblems(problems: readonly KubeconfigProblem[], merged: MergedKubeconfig): KubeconfigProblem[] {
  const known: string[] = [];
  for (const u of merged.users.values()) {
    for (const v of [u.token, u.password, u.clientKeyData]) if (v) known.push(v);
    if (u.exec) known.push(...execSecrets(u.exec));
    for (const v of Object.values(u.authProvider?.config ?? {})) if (v.length >= 16) known.push(v);
  }
  return problems.map((p) => ({ ...p, message: redact(p.message, known), hint: redact(p.hint, known) }));
}

function addFirstWins<T extends { name: string; file: string; line?: number }>(
  entries: readonly T[],
  into: Map<string, T>,
  file: string,
  what: string,
  problems: KubeconfigProblem[],
): void {
  const seenHere = new Set<string>();
  for (const e of entries) {
    if (seenHere.has(e.name)) {
      // kubectl refuses a file that names an entry twice; we keep the first and say so, so one
      // slip does not hide every other context in the file.
      problems.push({
        file,
        line: e.line,
        message: `${what} "${e.name}" is defined twice in ${file}; the first definition is used`,
        hint: `Rename or delete one of the two ${what} entries named "${e.name}".`,
      });
      continue;
    }
    seenHere.add(e.name);
    if (!into.has(e.name)) into.set(e.name, e);
  }
}

function noKubeconfigProblem(paths: readonly string[]): KubeconfigProblem {
  const where = paths.length === 0 ? 'any configured path' : paths.join(', ');
  return {
    message: `No kubeconfig found at ${where}`,
    hint:
      'Create ~/.kube/config (your cluster’s tooling usually writes it, e.g. `kind create cluster` or a cloud CLI), ' +
      `set KUBECONFIG before starting VS Code, or add a file in the setting ${KUBECONFIG_FILES_SETTING}.`,
  };
}
