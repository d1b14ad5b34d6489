// Problems that only show after merging: a context naming a cluster or user no file defines, a
// certificate path that points nowhere. Each is tied to the context it breaks, so the tree can
// show it on that context instead of failing the whole view.

import type { ClusterEntry, ContextEntry, KubeconfigProblem, MergedKubeconfig, UserEntry } from './types';

export function validateKubeconfig(
  merged: MergedKubeconfig,
  fileExists: ((path: string) => boolean) | undefined,
): KubeconfigProblem[] {
  const problems: KubeconfigProblem[] = [];
  if (merged.currentContext !== undefined && !merged.contexts.some((c) => c.name === merged.currentContext)) {
    problems.push({
      message: `current-context "${merged.currentContext}" does not match any context in the kubeconfig files`,
      hint: 'Pick a context from the list (Kube Atlas does not change your kubeconfig), or fix current-context with `kubectl config use-context`.',
    });
  }
  for (const ctx of merged.contexts) {
    const cluster = checkReference(ctx, 'cluster', merged.clusters, problems);
    const user = checkReference(ctx, 'user', merged.users, problems);
    if (cluster) checkCluster(ctx, cluster, problems);
    if (user) checkUser(ctx, user, problems);
  }
  if (fileExists) problems.push(...checkReferencedFiles(merged, fileExists));
  return problems;
}

/** A problem per context for each certificate, key or token file it needs that does not exist. */
export function checkReferencedFiles(merged: MergedKubeconfig, fileExists: (path: string) => boolean): KubeconfigProblem[] {
  const problems: KubeconfigProblem[] = [];
  for (const ctx of merged.contexts) {
    for (const ref of referencedFiles(merged.clusters.get(ctx.cluster), merged.users.get(ctx.user))) {
      if (!fileExists(ref.path)) problems.push(missingFileProblem(ref, ctx.name));
    }
  }
  return problems;
}

/** Every path any context refers to, so a caller can check them all in one pass. */
export function allReferencedPaths(merged: MergedKubeconfig): string[] {
  const out = new Set<string>();
  for (const ctx of merged.contexts) {
    for (const ref of referencedFiles(merged.clusters.get(ctx.cluster), merged.users.get(ctx.user))) out.add(ref.path);
  }
  return [...out];
}

/** Every file a context needs at connect time, with a label for messages. */
export function referencedFiles(cluster: ClusterEntry | undefined, user: UserEntry | undefined): ReferencedFile[] {
  const out: ReferencedFile[] = [];
  if (cluster?.certificateAuthority && !cluster.certificateAuthorityData && !cluster.insecureSkipTlsVerify) {
    out.push({ label: 'CA certificate file', path: cluster.certificateAuthority, entry: cluster });
  }
  if (user?.clientCertificate && !user.clientCertificateData) {
    out.push({ label: 'client certificate file', path: user.clientCertificate, entry: user });
  }
  if (user?.clientKey && !user.clientKeyData) out.push({ label: 'client key file', path: user.clientKey, entry: user });
  if (user?.tokenFile && !user.token) out.push({ label: 'token file', path: user.tokenFile, entry: user });
  return out;
}

export interface ReferencedFile {
  label: string;
  path: string;
  entry: ClusterEntry | UserEntry;
}

/** The message and hint for a referenced file that is not there; shared with the transport. */
export function missingFileProblem(ref: ReferencedFile, contextName: string): KubeconfigProblem {
  const at = ref.entry.line ? ` (line ${ref.entry.line})` : '';
  return {
    file: ref.entry.file,
    line: ref.entry.line,
    context: contextName,
    message: `${ref.label} ${ref.path} not found (from context ${contextName} in file ${ref.entry.file})`,
    hint:
      `Check the path in ${ref.entry.file}${at}: relative paths are resolved against that file’s folder. ` +
      'If the credentials were deleted or rotated, regenerate the kubeconfig with your cluster’s tooling.',
  };
}

function checkReference<T>(
  ctx: ContextEntry,
  what: 'cluster' | 'user',
  known: Map<string, T>,
  problems: KubeconfigProblem[],
): T | undefined {
  const name = ctx[what];
  const at = { file: ctx.file, line: ctx.line, context: ctx.name };
  if (name === '') {
    problems.push({
      ...at,
      message: `context "${ctx.name}" has no ${what}`,
      hint: `Set "${what}" in the context "${ctx.name}" in ${ctx.file}.`,
    });
    return undefined;
  }
  const entry = known.get(name);
  if (!entry) {
    problems.push({
      ...at,
      message: `context "${ctx.name}" refers to ${what} "${name}", which no kubeconfig file defines`,
      hint: `Add a ${what} named "${name}" to a kubeconfig file, or change the context's ${what} in ${ctx.file}.`,
    });
  }
  return entry;
}

function checkCluster(ctx: ContextEntry, cluster: ClusterEntry, problems: KubeconfigProblem[]): void {
  if (cluster.server === '') {
    problems.push({
      file: cluster.file,
      line: cluster.line,
      context: ctx.name,
      message: `cluster "${cluster.name}" (used by context ${ctx.name}) has no server URL`,
      hint: `Set "server" for the cluster "${cluster.name}" in ${cluster.file}.`,
    });
  }
}

function checkUser(ctx: ContextEntry, user: UserEntry, problems: KubeconfigProblem[]): void {
  const hasCert = Boolean(user.clientCertificate || user.clientCertificateData);
  const hasKey = Boolean(user.clientKey || user.clientKeyData);
  if (hasCert !== hasKey) {
    problems.push({
      file: user.file,
      line: user.line,
      context: ctx.name,
      message: `user "${user.name}" (used by context ${ctx.name}) has a client ${hasCert ? 'certificate but no key' : 'key but no certificate'}`,
      hint: `Add the missing client-${hasCert ? 'key' : 'certificate'} to the user "${user.name}" in ${user.file}.`,
    });
  }
}
