// Reads the kubeconfig files and merges them. Read-only by design: Kube Atlas never writes a
// kubeconfig (switching context in an editor must not move every terminal to another cluster).

import { promises as fs } from 'node:fs';
import { type KubeconfigFileText, mergeKubeconfigs, redactProblems } from './kubeconfigMerge';
import { allReferencedPaths, checkReferencedFiles } from './kubeconfigValidate';
import type { MergedKubeconfig } from './types';

export interface KubeconfigFs {
  readFile(path: string): Promise<string>;
  /** Whether a certificate/key/token file exists; defaults to a stat. */
  exists?(path: string): Promise<boolean>;
}

const nodeFs: KubeconfigFs = {
  readFile: (p) => fs.readFile(p, 'utf8'),
  exists: (p) =>
    fs.stat(p).then(
      (s) => s.isFile(),
      () => false,
    ),
};

export async function loadKubeconfigs(paths: readonly string[], io: KubeconfigFs = nodeFs): Promise<MergedKubeconfig> {
  const files = await Promise.all(paths.map((p) => readOne(p, io)));
  const merged = mergeKubeconfigs(files);
  const exists = io.exists ?? nodeFs.exists!;
  const refs = allReferencedPaths(merged);
  const present = new Set<string>();
  await Promise.all(
    refs.map(async (p) => {
      if (await exists(p)) present.add(p);
    }),
  );
  merged.problems.push(...redactProblems(checkReferencedFiles(merged, (p) => present.has(p)), merged));
  return merged;
}

async function readOne(path: string, io: KubeconfigFs): Promise<KubeconfigFileText> {
  try {
    return { path, text: await io.readFile(path) };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // ENOTDIR: a KUBECONFIG entry below a file; kubectl treats that as missing too.
    if (code === 'ENOENT' || code === 'ENOTDIR') return { path, text: undefined };
    return { path, text: undefined, readError: e instanceof Error ? e.message : String(e) };
  }
}
