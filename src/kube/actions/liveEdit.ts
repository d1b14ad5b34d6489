// Editing a live object: its full YAML (read from the server, never from the watch cache, which
// holds slimmed projections) without managedFields and status; saving sends the edited object as an
// update (PUT) guarded by the resourceVersion the edit started from. A change on the server in the
// meantime is a 409 the user must decide about (reload, look at it, overwrite); nothing is lost or
// overwritten silently. Why an update and not server-side apply: docs/architecture.md.
import type { AccessReviewer } from '../access/accessReviewer';
import { explainForbidden } from '../access/guard';
import { actionQuery } from '../access/objectActions';
import type { ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import { KubeApiError, type KubeTransport } from '../transport/types';
import { describeFailure, type DocumentFailure } from './applyErrors';
import { FIELD_MANAGER, objectPath } from './objectPath';
import { lineOfField, type ManifestDocument, type ManifestProblem, parseManifests } from './manifest';
import { sameForDiff, toYaml } from './objectDiff';

export interface EditAddress {
  resource: ResourceType;
  namespace?: string;
  name: string;
}

/** The object as the user edits it: everything but managedFields and status. */
export function editableObject(o: KubeObject): KubeObject {
  const { status: _status, metadata, ...rest } = o;
  const { managedFields: _mf, ...meta } = metadata;
  return { apiVersion: o.apiVersion, kind: o.kind, metadata: meta, ...rest };
}

export function editableText(o: KubeObject): string {
  return toYaml(editableObject(o));
}

export type EditCheck =
  | { kind: 'invalid'; message: string; problems: ManifestProblem[] }
  | { kind: 'stale'; live: KubeObject | undefined; message: string }
  | { kind: 'rejected'; failure: DocumentFailure }
  | { kind: 'ready'; live: KubeObject; result: KubeObject; unchanged: boolean; warnings: string[] };

export type EditSave = Exclude<EditCheck, { kind: 'ready' }> | { kind: 'saved'; object: KubeObject; unchanged: boolean; warnings: string[] };

export class LiveEdit {
  private baseObject: KubeObject | undefined;

  constructor(
    private readonly transport: KubeTransport,
    readonly address: EditAddress,
    private readonly label: string,
    private readonly fieldManager = FIELD_MANAGER,
    /** The shared access cache: a 403 names the missing verb (update: an edit is a PUT), resource and user. */
    private readonly access?: { reviewer: AccessReviewer; context: string },
  ) {}

  /** The server's object this edit is based on (its resourceVersion guards the update). */
  get base(): KubeObject | undefined {
    return this.baseObject;
  }

  private get path(): string {
    return objectPath(this.address.resource, this.address.namespace, this.address.name);
  }

  /** Reads the live object afresh (the edit is now based on it) and returns its editable YAML. */
  async load(signal?: AbortSignal): Promise<string> {
    this.baseObject = await this.transport.request<KubeObject>({ path: this.path, ...(signal ? { signal } : {}) });
    return editableText(this.baseObject);
  }

  /** Base the edit on this version of the object (the user chose to overwrite a newer one). */
  rebase(live: KubeObject): void {
    this.baseObject = live;
  }

  /** Server-side dry run of the update: validation, admission and the resourceVersion guard, nothing written. */
  check(text: string): Promise<EditCheck> {
    return this.send(text, true) as Promise<EditCheck>;
  }

  save(text: string): Promise<EditSave> {
    return this.send(text, false) as Promise<EditSave>;
  }

  private async send(text: string, dryRun: boolean): Promise<EditCheck | EditSave> {
    const base = this.baseObject;
    if (!base) throw new Error('LiveEdit: load() first');
    const parsed = this.parse(text);
    if ('problems' in parsed) return { kind: 'invalid', message: parsed.message, problems: parsed.problems };
    const { doc, object } = parsed;
    // The guard is the version the edit is based on, whatever the text says: deleting the line
    // must not turn the update into an unconditional overwrite.
    const body: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: base.metadata.resourceVersion } };
    if (base.status !== undefined) body.status = base.status; // kinds without a status subresource would lose it
    try {
      const res = await this.transport.exchange<KubeObject>({
        method: 'PUT',
        path: this.path,
        query: { fieldManager: this.fieldManager, fieldValidation: 'Strict', ...(dryRun ? { dryRun: 'All' } : {}) },
        body,
      });
      const unchanged = sameForDiff(base, res.body);
      if (dryRun) return { kind: 'ready', live: base, result: res.body, unchanged, warnings: res.warnings };
      this.baseObject = res.body;
      return { kind: 'saved', object: res.body, unchanged, warnings: res.warnings };
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 409 && !(e.causes ?? []).some((c) => c.reason === 'FieldManagerConflict')) {
        let live: KubeObject | undefined;
        try {
          live = await this.transport.request<KubeObject>({ path: this.path });
        } catch {
          live = undefined; // deleted meanwhile: the caller says so
        }
        const message = live
          ? `${this.address.resource.kind} ${this.address.name} changed on the server since you opened it (resourceVersion ${base.metadata.resourceVersion} → ${live.metadata.resourceVersion}).`
          : `${this.address.resource.kind} ${this.address.name} was deleted on the server since you opened it.`;
        return { kind: 'stale', live, message };
      }
      const { access } = this;
      const explained = access ? await explainForbidden(access.reviewer, access.context, [{ ...actionQuery('patch', this.address.resource, this.address.namespace), verb: 'update' }], e) : e;
      return { kind: 'rejected', failure: describeFailure(explained, doc) };
    }
  }

  private parse(text: string): { doc: ManifestDocument; object: KubeObject } | { message: string; problems: ManifestProblem[] } {
    const docs = parseManifests({ id: this.label, label: this.label, text });
    const bad = docs.find((d) => d.error);
    if (bad?.error) return { message: bad.error.message, problems: [bad.error] };
    if (docs.length !== 1 || !docs[0]!.object) {
      const message = `The edit must stay one ${this.address.resource.kind} document (found ${docs.length}).`;
      return { message, problems: [{ message, line: docs[1]?.line ?? 1, severity: 'error' }] };
    }
    const doc = docs[0]!;
    const object = doc.object!;
    const base = this.baseObject!;
    const fixed: [string, unknown, unknown][] = [
      ['apiVersion', object.apiVersion, base.apiVersion],
      ['kind', object.kind, base.kind],
      ['metadata.name', object.metadata.name, base.metadata.name],
      ['metadata.namespace', object.metadata.namespace ?? base.metadata.namespace, base.metadata.namespace],
    ];
    const problems: ManifestProblem[] = fixed
      .filter(([, now, was]) => now !== was)
      .map(([field, now, was]) => ({
        message: `${field} cannot change in an edit (was ${String(was)}, now ${String(now)}): to make a new object, apply a file.`,
        line: lineOfField(doc, field),
        severity: 'error' as const,
      }));
    if (problems.length) return { message: problems.map((p) => p.message).join(' '), problems };
    return { doc, object };
  }
}
