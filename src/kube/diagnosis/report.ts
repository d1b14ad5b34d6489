// The Diagnose report as Markdown: cause, evidence with timestamps, next step, the objects
// involved with links to their YAML, owners up and dependents down, and for an object being
// deleted its finalizers with the controller expected to remove each and what blocks it.
// Cluster text is escaped: a pod name or event message must never become Markdown or a link.
import type { KubeObject } from '../kinds/types';
import type { DiagnoseResult } from './diagnoseObject';
import { eventEvidence } from './eventFacts';
import { finalizerController } from './finalizers';
import { blockingDependents, type DependentNode } from './owners';

/** A link target for an object's YAML (the UI's URI), or undefined when it cannot be opened. */
export type YamlLink = (kind: string, namespace: string | undefined, name: string) => string | undefined;

export function renderReport(r: DiagnoseResult, context: string, link: YamlLink, generatedAt: string): string {
  const o = r.object;
  const ns = o.metadata.namespace;
  const title = `${r.type.kind} ${ns ? `${ns}/` : ''}${o.metadata.name}`;
  const out: string[] = [`# Diagnosis: ${esc(title)}`, '', `Context \`${code(context)}\` · generated ${generatedAt} · ${ref(r.type.kind, ns, o.metadata.name ?? '', link)}`, ''];
  const d = r.diagnosis;
  if (!d) {
    out.push('## No problem found', '', `The ${r.type.kind} looks healthy: no failing container, scheduling problem or stuck deletion.`, '');
  } else {
    out.push(`## Cause: ${esc(d.summary)}`, '', esc(d.detail), '', `**Next step:** ${esc(d.nextStep)}`, '');
    if (d.container) out.push(`Container: \`${code(d.container)}\``, '');
    out.push('### Evidence', '', '| When | Source | What |', '| --- | --- | --- |');
    for (const e of d.evidence) out.push(`| ${e.at ?? '—'} | ${e.source} | ${cell(e.text)} |`);
    out.push('');
    if (d.related?.length) {
      out.push('### Objects involved', '');
      for (const x of d.related) out.push(`- ${ref(x.kind, x.namespace ?? ns, x.name, link)}`);
      out.push('');
    }
  }
  if (!r.eventsVisible) out.push('> Events are not readable with your permissions (`list events` in this namespace): the diagnosis rests on statuses alone.', '');
  if (r.pods.length) {
    out.push(`### Pods (${r.pods.length})`, '', '| Pod | Cause |', '| --- | --- |');
    for (const p of r.pods) out.push(`| ${ref('Pod', p.pod.metadata.namespace, p.pod.metadata.name ?? '', link)} | ${p.diagnosis ? cell(p.diagnosis.summary) : 'healthy'} |`);
    out.push('');
  }
  out.push(...ownersSection(r, link), ...deletionSection(o, r.dependents, link));
  if (r.events.length) {
    out.push('### Recent events of this object', '', '| When | Event |', '| --- | --- |');
    for (const e of r.events.slice(0, 15)) out.push(`| ${e.at ?? '—'} | ${cell(eventEvidence(e).text)} |`);
    out.push('');
  }
  return out.join('\n');
}

function ownersSection(r: DiagnoseResult, link: YamlLink): string[] {
  const out = ['### Owners and dependents', ''];
  if (!r.owners.length) out.push('No owner: nothing recreates this object if it is deleted.');
  else out.push(`Owned by: ${r.owners.map((l) => (l.found ? ref(l.kind, l.object?.metadata.namespace ?? r.object.metadata.namespace, l.name, link) : `${esc(l.kind)} ${esc(l.name)} (not found: deleted, the garbage collector will remove this object)`)).join(' → ')}`);
  out.push('');
  if (r.dependents.length) {
    out.push('Dependents:', '');
    const walk = (nodes: readonly DependentNode[], depth: number): void => {
      for (const n of nodes.slice(0, 50)) {
        out.push(`${'  '.repeat(depth)}- ${ref(n.object.kind ?? '?', n.object.metadata.namespace, n.object.metadata.name ?? '', link)}${n.blocksOwnerDeletion ? ' (blockOwnerDeletion)' : ''}`);
        walk(n.children, depth + 1);
      }
    };
    walk(r.dependents, 0);
    out.push('');
  }
  return out;
}

function deletionSection(o: KubeObject, deps: readonly DependentNode[], link: YamlLink): string[] {
  if (!o.metadata.deletionTimestamp) return [];
  const out = ['### Deletion', '', `Deletion requested; grace period ends ${o.metadata.deletionTimestamp}.`, ''];
  const fins = o.metadata.finalizers ?? [];
  if (!fins.length) out.push('No finalizers: the object goes once its grace period ends (a pod, once its kubelet confirms).', '');
  else {
    out.push('| Finalizer | Removed by |', '| --- | --- |');
    for (const f of fins) out.push(`| \`${code(f)}\` | ${cell(finalizerController(f))} |`);
    out.push('');
  }
  if (fins.includes('foregroundDeletion')) {
    const blockers = blockingDependents(deps);
    out.push(blockers.length ? `Foreground deletion waits for: ${blockers.map((b) => ref(b.kind ?? '?', b.metadata.namespace, b.metadata.name ?? '', link)).join(', ')}` : 'Foreground deletion: no blocking dependent left; the garbage collector should finish shortly.', '');
  }
  return out;
}

function ref(kind: string, ns: string | undefined, name: string, link: YamlLink): string {
  const label = `${esc(kind)} ${esc(ns ? `${ns}/${name}` : name)}`;
  const target = link(kind, ns, name);
  return target ? `[${label}](${target})` : label;
}

/**
 * Escapes what would turn cluster text into Markdown: emphasis, code, links (`[`, `]`; a `(` only
 * matters after a `]`), HTML and table cells. The report is read as source too, so no more.
 */
export function esc(s: string): string {
  return s.replace(/([\\`*_[\]|<>])/g, '\\$1');
}

function cell(s: string): string {
  return esc(s).replace(/\n/g, ' ');
}

function code(s: string): string {
  return s.replace(/`/g, "'");
}
