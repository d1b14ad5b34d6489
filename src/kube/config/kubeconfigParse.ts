// One kubeconfig file's text → typed entries, with relative paths made absolute against the
// file's folder (kubectl's rule) so nothing downstream depends on the process's cwd.

import * as path from 'node:path';
import { loadAll, YAMLException } from 'js-yaml';
import { findEntryLines, type KubeconfigSection } from './kubeconfigEntryLines';
import { dropUndefined } from './dropUndefined';
import type { ClusterEntry, ContextEntry, ExecConfig, KubeconfigProblem, UserEntry } from './types';

export interface ParsedKubeconfigFile {
  currentContext: string | undefined;
  clusters: ClusterEntry[];
  users: UserEntry[];
  contexts: ContextEntry[];
  problems: KubeconfigProblem[];
}

type RawMap = Record<string, unknown>;

export function parseKubeconfigFile(file: string, text: string): ParsedKubeconfigFile {
  const result: ParsedKubeconfigFile = { currentContext: undefined, clusters: [], users: [], contexts: [], problems: [] };
  let doc: unknown;
  try {
    // loadAll: js-yaml 5's load() rejects an empty or comment-only file, which kubectl accepts.
    doc = loadAll(text)[0];
  } catch (e) {
    result.problems.push(yamlProblem(file, e));
    return result;
  }
  if (doc === null || doc === undefined) return result; // an empty file is an empty config, as in kubectl
  if (!isMap(doc)) {
    result.problems.push({
      file,
      line: 1,
      message: `${file} is not a kubeconfig: expected a YAML mapping with clusters, users and contexts`,
      hint: 'Fix the file, or remove it from KUBECONFIG / the setting kubeAtlas.kubeconfigFiles.',
    });
    return result;
  }

  const dir = path.dirname(file);
  const abs = (p: string | undefined): string | undefined => (p === undefined ? undefined : path.resolve(dir, p));
  const lines = {
    clusters: findEntryLines(text, 'clusters'),
    users: findEntryLines(text, 'users'),
    contexts: findEntryLines(text, 'contexts'),
  };
  // The n-th entry with a given name takes the n-th line found for that name.
  const seen = { clusters: new Map<string, number>(), users: new Map<string, number>(), contexts: new Map<string, number>() };
  const lineOf = (section: KubeconfigSection, name: string): number | undefined => {
    const n = seen[section].get(name) ?? 0;
    seen[section].set(name, n + 1);
    return lines[section].get(name)?.[n];
  };

  result.currentContext = str(doc['current-context']) || undefined;

  forEachNamed(doc, 'clusters', 'cluster', file, result.problems, (name, c) => {
    result.clusters.push(
      dropUndefined({
        name,
        server: str(c.server) ?? '',
        certificateAuthority: abs(nonEmpty(c['certificate-authority'])),
        certificateAuthorityData: nonEmpty(c['certificate-authority-data']),
        insecureSkipTlsVerify: bool(c['insecure-skip-tls-verify']),
        tlsServerName: nonEmpty(c['tls-server-name']),
        proxyUrl: nonEmpty(c['proxy-url']),
        file,
        line: lineOf('clusters', name),
      }),
    );
  });

  forEachNamed(doc, 'users', 'user', file, result.problems, (name, u) => {
    const provider = isMap(u['auth-provider']) ? u['auth-provider'] : undefined;
    result.users.push(
      dropUndefined({
        name,
        clientCertificate: abs(nonEmpty(u['client-certificate'])),
        clientCertificateData: nonEmpty(u['client-certificate-data']),
        clientKey: abs(nonEmpty(u['client-key'])),
        clientKeyData: nonEmpty(u['client-key-data']),
        token: nonEmpty(u.token),
        tokenFile: abs(nonEmpty(u.tokenFile ?? u['token-file'])),
        username: nonEmpty(u.username),
        password: str(u.password),
        exec: isMap(u.exec) ? parseExec(u.exec, dir) : undefined,
        authProvider: provider ? { name: str(provider.name) ?? '', config: stringMap(provider.config) } : undefined,
        impersonate: nonEmpty(u.as),
        impersonateGroups: stringList(u['as-groups']),
        impersonateUid: nonEmpty(u['as-uid']),
        impersonateExtra: stringListMap(u['as-user-extra']),
        file,
        line: lineOf('users', name),
      }),
    );
  });

  forEachNamed(doc, 'contexts', 'context', file, result.problems, (name, c) => {
    result.contexts.push(
      dropUndefined({
        name,
        cluster: str(c.cluster) ?? '',
        user: str(c.user) ?? '',
        namespace: nonEmpty(c.namespace),
        file,
        line: lineOf('contexts', name),
      }),
    );
  });

  return result;
}

function parseExec(e: RawMap, dir: string): ExecConfig {
  const command = str(e.command) ?? '';
  // kubectl resolves the command against the file's folder only when it is a path (contains a
  // separator); a bare name is looked up on PATH.
  const isRelativePath = !path.isAbsolute(command) && /[\\/]/.test(command);
  const env = Array.isArray(e.env)
    ? e.env.filter(isMap).map((v) => ({ name: str(v.name) ?? '', value: str(v.value) ?? '' }))
    : [];
  return dropUndefined({
    command: isRelativePath ? path.resolve(dir, command) : command,
    args: stringList(e.args) ?? [],
    env: env.filter((v) => v.name.length > 0),
    apiVersion: str(e.apiVersion) ?? '',
    installHint: nonEmpty(e.installHint),
    provideClusterInfo: bool(e.provideClusterInfo),
    interactiveMode: nonEmpty(e.interactiveMode),
  });
}

function forEachNamed(
  doc: RawMap,
  section: KubeconfigSection,
  inner: string,
  file: string,
  problems: KubeconfigProblem[],
  visit: (name: string, body: RawMap) => void,
): void {
  const list = doc[section];
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    problems.push({
      file,
      message: `"${section}" in ${file} is not a list`,
      hint: `Write ${section} as a YAML list of entries with "name" and "${inner}".`,
    });
    return;
  }
  list.forEach((item, i) => {
    const name = isMap(item) ? str(item.name) : undefined;
    if (!isMap(item) || !name) {
      problems.push({
        file,
        message: `${section}[${i}] in ${file} has no name and was skipped`,
        hint: `Give the entry a "name", or delete it.`,
      });
      return;
    }
    visit(name, isMap(item[inner]) ? item[inner] : {});
  });
}

function yamlProblem(file: string, e: unknown): KubeconfigProblem {
  if (e instanceof YAMLException) {
    // js-yaml's mark.line is 0-based; editors and our problems count from 1.
    const line = e.mark ? e.mark.line + 1 : undefined;
    return {
      file,
      line,
      message: `YAML error in ${file}${line ? ` line ${line}` : ''}: ${e.reason}`,
      hint: 'Fix the YAML in that file (other kubeconfig files are still used).',
    };
  }
  return {
    file,
    message: `Could not parse ${file}: ${e instanceof Error ? e.message : String(e)}`,
    hint: 'Fix the file (other kubeconfig files are still used).',
  };
}

function isMap(v: unknown): v is RawMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

// YAML turns `name: 1234` and `value: true` into numbers and booleans; kubeconfig fields are
// strings, so scalars are taken as text.
function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

function nonEmpty(v: unknown): string | undefined {
  const s = str(v);
  return s === undefined || s.length === 0 ? undefined : s;
}

function bool(v: unknown): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

function stringList(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  return v.map(str).filter((s): s is string => s !== undefined);
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(v)) return out;
  for (const [k, val] of Object.entries(v)) {
    const s = str(val);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

function stringListMap(v: unknown): Record<string, string[]> | undefined {
  if (!isMap(v)) return undefined;
  const out: Record<string, string[]> = {};
  for (const [k, val] of Object.entries(v)) out[k] = stringList(val) ?? [];
  return out;
}

// Entries are compared and logged; absent fields should be absent, not `undefined`.
