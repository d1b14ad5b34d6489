// The user's own helm, for what changes a release (rollback, upgrade, uninstall): Helm's storage
// is Helm's to write. Arguments are arrays (never a shell string), and every command is pinned to
// the context and namespace the user picked, with the kubeconfig files the extension reads.
import { accessSync, constants } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isSecretName, REDACTED, redactArgs } from '../util/redact';

/** The helm executable: `configured` if it is a path, else the first `configured` on PATH. */
export function findExecutable(configured: string, pathEnv: string | undefined, delimiter: string): string | undefined {
  const runnable = (p: string): boolean => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (isAbsolute(configured)) return runnable(configured) ? configured : undefined;
  for (const dir of (pathEnv ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, configured);
    if (runnable(p)) return p;
  }
  return undefined;
}

export interface HelmTarget {
  context: string;
  namespace: string;
  release: string;
}

/** Pins every helm command to the picked context and namespace. */
function pinned(t: HelmTarget): string[] {
  return ['--kube-context', t.context, '--namespace', t.namespace];
}

export function rollbackArgs(t: HelmTarget, revision: number): string[] {
  return ['rollback', t.release, String(revision), ...pinned(t), '--wait'];
}

export function uninstallArgs(t: HelmTarget): string[] {
  return ['uninstall', t.release, ...pinned(t), '--wait'];
}

/** Upgrade with the same chart (reused from the release: `--reuse-values` is not what we want) and the edited values file. */
export function upgradeArgs(t: HelmTarget, chartRef: string, valuesFile: string): string[] {
  return ['upgrade', t.release, chartRef, ...pinned(t), '--values', valuesFile, '--wait'];
}

/** KUBECONFIG for helm: the files the extension merged, in its precedence order. */
export function kubeconfigEnv(files: { path: string; exists: boolean }[], delimiter: string): string {
  return files
    .filter((f) => f.exists)
    .map((f) => f.path)
    .join(delimiter);
}

/** Flags whose value is `key=value[,key=value]` (values set on the command line). */
const SET_FLAGS = new Set(['--set', '--set-string', '--set-json', '--set-literal']);

/**
 * The command line shown above helm's output: secret-named flags' values and `--set` values whose
 * key names a secret (`--set db.password=x` → `db.password=***`) are redacted; the rest stays so
 * the user can read what ran and run it again.
 */
export function helmCommandLine(args: readonly string[]): string {
  const out = redactArgs(args);
  for (let i = 0; i + 1 < args.length; i++) {
    if (!SET_FLAGS.has(args[i]!)) continue;
    out[i + 1] = args[i + 1]!
      .split(',')
      .map((pair) => {
        const eq = pair.indexOf('=');
        const key = eq > 0 ? pair.slice(0, eq) : '';
        return key && isSecretName(key.split('.').pop() ?? key) ? `${key}=${REDACTED}` : pair;
      })
      .join(',');
  }
  return ['helm', ...out].join(' ');
}
