// "What can I do here?": SelfSubjectRulesReview for a namespace, shown like
// `kubectl auth can-i --list` (k8s.io/kubectl pkg/cmd/auth/cani.go printStatus): every rule broken
// down to one (group, resource, resource name) or one non-resource URL; resource rows that differ
// only in verbs merged (rbac's CompactRules); non-resource rows are not merged (CompactRules
// leaves them, so kubectl lists /healthz once per role that grants it, and so do we); sorted, one
// row each: Resources, Non-Resource URLs, Resource Names, Verbs. Beside it, specific checks answered by SelfSubjectAccessReview from the
// access cache (the same answers the tree's menus use).
import type { KubeTransport } from '../transport/types';

interface ResourceRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}
interface NonResourceRule {
  verbs?: string[];
  nonResourceURLs?: string[];
}
export interface RulesStatus {
  resourceRules?: ResourceRule[];
  nonResourceRules?: NonResourceRule[];
  incomplete?: boolean;
  evaluationError?: string;
}

export interface RuleRow {
  /** `pods`, `deployments.apps`, `*.*` (kubectl's CombineResourceGroup). */
  resource: string;
  nonResourceURL: string;
  resourceName: string;
  verbs: string[];
}

const SSRR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews';

export async function fetchRules(transport: KubeTransport, namespace: string): Promise<RulesStatus> {
  const res = await transport.request<{ status?: RulesStatus }>({
    method: 'POST',
    path: SSRR_PATH,
    body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace } },
    timeoutMs: 15_000,
  });
  return res.status ?? {};
}

export function rulesTable(st: RulesStatus): RuleRow[] {
  const rows = new Map<string, RuleRow>();
  const add = (resource: string, url: string, name: string, verbs: readonly string[]): void => {
    const key = JSON.stringify([resource, url, name]);
    const row = rows.get(key) ?? { resource, nonResourceURL: url, resourceName: name, verbs: [] };
    for (const v of verbs) if (!row.verbs.includes(v)) row.verbs.push(v);
    rows.set(key, row);
  };
  for (const r of st.resourceRules ?? []) {
    for (const g of r.apiGroups?.length ? r.apiGroups : ['']) {
      for (const res of r.resources ?? []) {
        const combined = g ? `${res}.${g}` : res;
        if (r.resourceNames?.length) for (const n of r.resourceNames) add(combined, '', n, r.verbs ?? []);
        else add(combined, '', '', r.verbs ?? []);
      }
    }
  }
  let n = 0;
  for (const r of st.nonResourceRules ?? []) for (const u of r.nonResourceURLs ?? []) rows.set(`nr|${n++}`, { resource: '', nonResourceURL: u, resourceName: '', verbs: [...(r.verbs ?? [])] });
  return [...rows.values()].sort((a, b) => a.resource.localeCompare(b.resource) || a.nonResourceURL.localeCompare(b.nonResourceURL) || a.resourceName.localeCompare(b.resourceName));
}

export interface AccessCheck {
  what: string;
  allowed: boolean | undefined;
}

/** `answeredAt`: when the server answered (the answer is cached a few minutes; reconnecting the context asks again). */
export function renderRules(context: string, namespace: string, who: string, st: RulesStatus, checks: readonly AccessCheck[], answeredAt?: string): string {
  const out = [`# What can I do here?`, '', `Context \`${context}\`, namespace \`${namespace}\`, as ${who}.${answeredAt ? ` Server's answer of ${answeredAt}.` : ''}`, ''];
  if (st.incomplete) out.push(`> The server's answer is incomplete${st.evaluationError ? ` (${st.evaluationError})` : ''}: an authorizer besides RBAC (webhook) may allow more. Specific checks below ask it directly.`, '');
  out.push('| Resources | Non-Resource URLs | Resource Names | Verbs |', '| --- | --- | --- | --- |');
  for (const r of rulesTable(st)) out.push(`| ${cell(r.resource)} | ${cell(r.nonResourceURL ? `[${r.nonResourceURL}]` : '[]')} | ${cell(`[${r.resourceName}]`)} | ${cell(`[${r.verbs.join(' ')}]`)} |`);
  out.push('');
  if (checks.length) {
    out.push('## Checks (SelfSubjectAccessReview)', '', '| Action | Allowed |', '| --- | --- |');
    for (const c of checks) out.push(`| ${cell(c.what)} | ${c.allowed === true ? 'yes' : c.allowed === false ? 'no' : 'unknown'} |`);
    out.push('');
  }
  return out.join('\n');
}

function cell(s: string): string {
  return s.replace(/([\\`*_|<>[\]])/g, '\\$1');
}
