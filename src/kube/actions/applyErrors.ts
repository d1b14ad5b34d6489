// What the apiserver said about a document, pointed at the lines of the user's file:
//   422 Invalid               Status.details.causes, one per field (`spec.replicas`)
//   500/400 typed patch       server-side apply's schema check (unknown field, wrong type): the
//                             field path is only in the message (`.spec.replicasx: field not declared in schema`)
//   400 strict decoding       an update's Strict validation: `unknown field "spec.x"` in the message
//   409 FieldManagerConflict  which fields, owned by which manager (force takes them over)
//   403, 404, others          the whole document, with the transport's hint
import { KubeApiError } from '../transport/types';
import type { ManifestDocument, ManifestProblem } from './manifest';
import { lineOfField } from './manifest';

export interface FieldConflict {
  /** As the server prints it, e.g. `.spec.replicas`. */
  field: string;
  /** The field manager that owns it, e.g. `kubectl-client-side-apply`. */
  manager: string;
  line: number;
}

export interface DocumentFailure {
  /** One line for the summary. */
  message: string;
  /** What to do next. */
  hint?: string;
  status?: number;
  reason?: string;
  problems: ManifestProblem[];
  /** 409 apply conflicts: force would take these over. */
  conflicts?: FieldConflict[];
}

const TYPED_PATCH = /failed to create typed (?:patch )?object \([^)]*\):\s*([\s\S]*)$/;

export function describeFailure(e: unknown, doc: ManifestDocument): DocumentFailure {
  if (!(e instanceof KubeApiError)) {
    const message = e instanceof Error ? e.message : String(e);
    return { message, problems: [{ message, line: doc.line, severity: 'error' }] };
  }
  const base = { status: e.status, reason: e.reason };
  const serverText = serverMessage(e);

  const conflicts = (e.causes ?? []).filter((c) => c.reason === 'FieldManagerConflict');
  if (e.status === 409 && conflicts.length) {
    const list: FieldConflict[] = conflicts.map((c) => ({
      field: c.field ?? '',
      manager: /conflict with "([^"]+)"/.exec(c.message ?? '')?.[1] ?? (c.message ?? 'another manager'),
      line: lineOfField(doc, c.field ?? ''),
    }));
    const managers = [...new Set(list.map((c) => c.manager))].join(', ');
    return {
      ...base,
      message: `Conflict: ${list.length} field${list.length === 1 ? '' : 's'} owned by ${managers} (${list.map((c) => c.field).join(', ')})`,
      hint: 'Another field manager owns these fields: apply with force to take them over, or remove them from the file.',
      conflicts: list,
      problems: list.map((c) => ({ message: `${c.field} is owned by field manager "${c.manager}": apply with force to take it over, or remove it from this file.`, line: c.line, severity: 'error' })),
    };
  }

  const causes = (e.causes ?? []).filter((c) => c.field);
  if (causes.length && (e.status === 422 || e.status === 400)) {
    return {
      ...base,
      message: `Invalid: ${causes.map((c) => `${c.field}: ${c.message ?? c.reason ?? 'invalid'}`).join('; ')}`,
      hint: 'Fix the fields named above.',
      problems: causes.map((c) => ({ message: `${c.field}: ${c.message ?? c.reason ?? 'invalid'}`, line: lineOfField(doc, c.field ?? ''), severity: 'error' })),
    };
  }

  const typed = TYPED_PATCH.exec(serverText);
  if (typed) {
    // One `path: reason` per line (structured-merge-diff lists several as "errors:\n  .a: x\n  .b: y").
    const fieldErrors = [...(typed[1] ?? '').matchAll(/(\.[^\s:]+): ([^\n]+)/g)].map((m) => ({ field: m[1]!, why: m[2]!.trim() }));
    if (fieldErrors.length) {
      return {
        ...base,
        message: `Schema: ${fieldErrors.map((f) => `${f.field}: ${f.why}`).join('; ')}`,
        hint: 'The object does not match its kind\'s schema: fix or remove the field (check the spelling and the apiVersion).',
        problems: fieldErrors.map((f) => ({ message: `${f.field}: ${f.why}`, line: lineOfField(doc, f.field), severity: 'error' })),
      };
    }
  }

  // Strict validation of a create or update (not apply): `strict decoding error: unknown field "spec.x", unknown field "y"`.
  const unknown = /strict decoding error: /.test(serverText) ? [...serverText.matchAll(/(unknown|duplicate) field "([^"]+)"/g)] : [];
  if (unknown.length) {
    return {
      ...base,
      message: `Schema: ${unknown.map((m) => `${m[2]}: ${m[1]} field`).join('; ')}`,
      hint: 'Fix or remove the field (check the spelling and the apiVersion).',
      problems: unknown.map((m) => ({ message: `${m[2]}: ${m[1]} field`, line: lineOfField(doc, m[2]!), severity: 'error' })),
    };
  }

  const message = e.message;
  const hint = e.hint;
  return { ...base, message, ...(hint ? { hint } : {}), problems: [{ message: hint ? `${message} — ${hint}` : message, line: doc.line, severity: 'error' }] };
}

/** The apiserver's own text (the part after "… failed: HTTP 500 InternalError — "). */
function serverMessage(e: KubeApiError): string {
  const m = / — ([\s\S]*)$/.exec(e.message);
  return m?.[1] ?? e.message;
}
