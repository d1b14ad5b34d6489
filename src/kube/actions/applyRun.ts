// Server-side apply of a set of manifest documents, one by one in apply order, each with its own
// outcome: created / configured / unchanged, or why it failed or was not attempted. One bad
// document never stops the others; cancelling stops before the next document (a request in
// flight completes, so its outcome is known). The same run with dryRun=All is the preview.
import type { AccessReviewer } from '../access/accessReviewer';
import type { AccessQuery } from '../access/accessTypes';
import { explainForbidden } from '../access/guard';
import { actionQuery } from '../access/objectActions';
import type { KindRegistry } from '../kinds/kindRegistry';
import type { ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import { KubeApiError, type KubeTransport } from '../transport/types';
import { describeFailure, type DocumentFailure } from './applyErrors';
import { type CrdDefinition, crdDefinition, findResource, gvkOf, isCrd, orderForApply, resourceFromCrd, withNamespace } from './applyPlan';
import { waitForCrdServed } from './crdReadiness';
import { lineOfField, type ManifestDocument } from './manifest';
import { FIELD_MANAGER, objectPath } from './objectPath';
import { sameForDiff } from './objectDiff';
import { readPin } from './pins';

export { FIELD_MANAGER };
export const APPLY_PATCH_TYPE = 'application/apply-patch+yaml';

export interface ApplyTarget {
  context: string;
  transport: KubeTransport;
  /** Discovery as it is now. */
  registry(): KindRegistry;
  /** Re-reads discovery (a CRD was just created, or the registry predates one). */
  rediscover(): Promise<void>;
  /** For namespaced documents that name no namespace (a file's `# kube-atlas: namespace=` wins). */
  defaultNamespace: string;
  /** The shared SelfSubjectAccessReview cache: a 403 is explained as the verb, resource and user that are missing. */
  access?: AccessReviewer;
}

export type DocumentResult = 'created' | 'configured' | 'unchanged' | 'failed' | 'skipped';

export interface ObjectRef {
  resource: ResourceType;
  namespace?: string;
  name: string;
}

export interface DocumentOutcome {
  doc: ManifestDocument;
  /** What the document addresses, once its kind resolved. */
  ref?: ObjectRef;
  result: DocumentResult;
  /** Preview only: the kind comes from a CRD this apply creates, so the server cannot check it yet. */
  pendingCrd?: string;
  /** `Warning` headers of the apiserver, plus our own notes (a namespace dropped from a cluster-scoped kind). */
  warnings: string[];
  /** The object before (preview: the left side of the diff). */
  live?: KubeObject;
  /** The server's answer (preview: the dry-run result, the right side of the diff). */
  applied?: KubeObject;
  failure?: DocumentFailure;
  /** Why a document was not attempted. */
  skipped?: string;
}

export interface ApplyReport {
  context: string;
  dryRun: boolean;
  force: boolean;
  outcomes: DocumentOutcome[];
  cancelled: boolean;
}

export interface ApplyOptions {
  /** Server-side dry run (`dryRun=All`): the preview. */
  dryRun?: boolean;
  /** Take over fields other managers own (`force=true`): only after the user confirmed it. */
  force?: boolean;
  /** Checked before each document. */
  signal?: AbortSignal;
  onProgress?(done: number, total: number, doc: ManifestDocument): void;
  /** Deadline for a CRD of this apply to be served before its resources. Default 60 s. */
  crdTimeoutMs?: number;
  fieldManager?: string;
}

export async function applyManifests(target: ApplyTarget, docs: readonly ManifestDocument[], opts: ApplyOptions = {}): Promise<ApplyReport> {
  const dryRun = opts.dryRun === true;
  const force = opts.force === true;
  const ordered = orderForApply(docs);
  const defs = new Map<string, { def: CrdDefinition; doc: ManifestDocument }>();
  for (const d of ordered) {
    const def = d.object ? crdDefinition(d.object) : undefined;
    if (def) defs.set(`${def.group}/${def.kind}`, { def, doc: d });
  }
  const run: RunState = { target, opts, dryRun, force, defs, outcomes: new Map(), rediscovered: false, pinNamespaces: new Map(), prefetched: new Map() };
  const prefetch = new AbortController();
  startPrefetch(run, ordered, prefetch.signal);
  const outcomes: DocumentOutcome[] = [];
  let cancelled = false;
  try {
    for (let i = 0; i < ordered.length; i++) {
      const doc = ordered[i]!;
      if (opts.signal?.aborted) cancelled = true;
      if (cancelled) {
        outcomes.push({ doc, result: 'skipped', warnings: [], skipped: 'cancelled before this document' });
        continue;
      }
      opts.onProgress?.(i, ordered.length, doc);
      const outcome = await applyOne(run, doc);
      if (outcome.skipped && opts.signal?.aborted) cancelled = true;
      run.outcomes.set(doc, outcome);
      outcomes.push(outcome);
    }
  } finally {
    // Reads ahead of a cancelled (or failed) run are not needed any more.
    prefetch.abort();
  }
  return { context: target.context, dryRun, force, outcomes, cancelled };
}

interface RunState {
  target: ApplyTarget;
  opts: ApplyOptions;
  dryRun: boolean;
  force: boolean;
  defs: Map<string, { def: CrdDefinition; doc: ManifestDocument }>;
  outcomes: Map<ManifestDocument, DocumentOutcome>;
  rediscovered: boolean;
  pinNamespaces: Map<string, string | undefined>;
  /** Live objects read ahead, by object path. */
  prefetched: Map<string, Promise<LiveRead>>;
}

interface LiveRead {
  live: KubeObject | undefined;
  /** false when the read failed for another reason than 404 (then the status code decides). */
  known: boolean;
}

async function readLive(transport: KubeTransport, path: string, signal?: AbortSignal): Promise<LiveRead> {
  try {
    return { live: await transport.request<KubeObject>({ path, ...(signal ? { signal } : {}) }), known: true };
  } catch (e) {
    // Not found is the ordinary "will be created"; anything else leaves the classification to the status code.
    return { live: undefined, known: e instanceof KubeApiError && e.status === 404 };
  }
}

/** Reads ahead this many live objects while the documents are applied one by one. */
const PREFETCH_CONCURRENCY = 8;

/**
 * The GET before each apply (which tells created / configured / unchanged, and is the left side of
 * the preview) would double the requests in series; instead the live objects of every document
 * whose kind resolves now are read ahead, a few at a time, while the documents are applied in
 * order. An object named twice in one apply is read in turn instead (the first apply changes it).
 */
function startPrefetch(run: RunState, ordered: readonly ManifestDocument[], signal: AbortSignal): void {
  const paths = new Map<string, number>();
  const planned: string[] = [];
  for (const doc of ordered) {
    if (!doc.object || doc.error) continue;
    const resource = findResource(run.target.registry(), gvkOf(doc.object));
    if (!resource || !doc.object.metadata.name) continue;
    const { namespace } = withNamespace(doc.object, resource.namespaced, defaultNamespaceFor(run, doc));
    const path = objectPath(resource, namespace, doc.object.metadata.name);
    paths.set(path, (paths.get(path) ?? 0) + 1);
    planned.push(path);
  }
  const queue = planned.filter((p) => paths.get(p) === 1);
  let active = 0;
  const waiting: (() => void)[] = [];
  for (const path of queue) {
    run.prefetched.set(
      path,
      new Promise<LiveRead>((resolve) => {
        const go = (): void => {
          active++;
          void readLive(run.target.transport, path, signal).then((r) => {
            active--;
            waiting.shift()?.();
            resolve(r);
          });
        };
        if (active < PREFETCH_CONCURRENCY) go();
        else waiting.push(go);
      }),
    );
  }
}

function failed(doc: ManifestDocument, failure: DocumentFailure, extra: Partial<DocumentOutcome> = {}): DocumentOutcome {
  return { doc, result: 'failed', warnings: [], failure, ...extra };
}

async function applyOne(run: RunState, doc: ManifestDocument): Promise<DocumentOutcome> {
  if (doc.error || !doc.object) {
    const p = doc.error ?? { message: 'Not a Kubernetes object', line: doc.line, severity: 'error' as const };
    return failed(doc, { message: p.message, problems: [p] });
  }
  const obj = doc.object;
  const gvk = gvkOf(obj);
  const { target, dryRun } = run;
  let resource = findResource(target.registry(), gvk);
  let pendingCrd: string | undefined;
  const defined = run.defs.get(`${gvk.group}/${gvk.kind}`);
  if (!resource && defined && !isCrd(obj)) {
    const crdOutcome = run.outcomes.get(defined.doc);
    if (dryRun) {
      // The CRD exists only after the real apply: show the document as it will be sent.
      resource = resourceFromCrd(defined.def, gvk.version);
      pendingCrd = defined.def.name;
    } else if (!crdOutcome || crdOutcome.result === 'failed' || crdOutcome.result === 'skipped') {
      const message = `Not applied: its CRD ${defined.def.name} (${defined.doc.source.label}:${defined.doc.line}) was not applied.`;
      return failed(doc, { message, problems: [{ message, line: lineOfField(doc, 'kind'), severity: 'error' }] });
    } else {
      try {
        resource = await waitForCrdServed(target, defined.def.name, gvk, { timeoutMs: run.opts.crdTimeoutMs ?? 60_000, ...(run.opts.signal ? { signal: run.opts.signal } : {}) });
      } catch (e) {
        if (e instanceof KubeApiError && e.kind === 'aborted') return { doc, result: 'skipped', warnings: [], skipped: 'cancelled while waiting for its CRD' };
        return failed(doc, describeFailure(e, doc));
      }
    }
  }
  if (!resource && !run.rediscovered) {
    // A CRD may have been installed since discovery was read.
    run.rediscovered = true;
    await target.rediscover();
    resource = findResource(target.registry(), gvk);
  }
  if (!resource) {
    const message = `Unknown kind: the cluster serves no ${gvk.kind} in ${obj.apiVersion} (no matches for kind "${gvk.kind}" in version "${obj.apiVersion}").`;
    return failed(doc, {
      message,
      hint: 'Is its CRD installed? Check the apiVersion and kind spelling.',
      problems: [{ message: `${message} Is its CRD installed? Check the apiVersion and kind spelling.`, line: lineOfField(doc, 'kind'), severity: 'error' }],
    });
  }

  const name = obj.metadata.name ?? '';
  const { object, namespace, droppedNamespace } = withNamespace(obj, resource.namespaced, defaultNamespaceFor(run, doc));
  const ref: ObjectRef = { resource, name, ...(namespace ? { namespace } : {}) };
  const warnings: string[] = droppedNamespace ? [`${gvk.kind} is cluster-scoped: metadata.namespace "${droppedNamespace}" was ignored.`] : [];
  if (pendingCrd) {
    return { doc, ref, result: 'created', pendingCrd, warnings, applied: object };
  }

  const path = objectPath(resource, namespace, name);
  const { transport } = target;
  const ahead = run.prefetched.get(path);
  run.prefetched.delete(path);
  const { live, known: liveKnown } = await (ahead ?? readLive(transport, path));
  try {
    const res = await transport.exchange<KubeObject>({
      method: 'PATCH',
      path,
      query: {
        fieldManager: run.opts.fieldManager ?? FIELD_MANAGER,
        fieldValidation: 'Strict',
        ...(dryRun ? { dryRun: 'All' } : {}),
        ...(run.force ? { force: true } : {}),
      },
      contentType: APPLY_PATCH_TYPE,
      body: JSON.stringify(object),
    });
    const applied = res.body;
    let result: DocumentResult;
    if (res.status === 201 || (liveKnown && !live)) result = 'created';
    else if (dryRun) result = liveKnown && sameForDiff(live, applied) ? 'unchanged' : 'configured';
    else result = liveKnown && live?.metadata.resourceVersion === applied.metadata?.resourceVersion ? 'unchanged' : 'configured';
    return { doc, ref, result, warnings: [...warnings, ...res.warnings], applied, ...(live ? { live } : {}) };
  } catch (caught) {
    const e = target.access ? await explainForbidden(target.access, target.context, applyNeeds(resource, namespace, liveKnown && !live), caught) : caught;
    const failure = describeFailure(e, doc);
    if (e instanceof KubeApiError && e.status === 404 && /could not find the requested resource/.test(e.message)) {
      const preferred = target.registry().all.find((t) => t.group === gvk.group && t.kind === gvk.kind);
      failure.message = `The cluster serves ${gvk.kind} but not in ${obj.apiVersion}${preferred ? ` (it serves ${preferred.group ? `${preferred.group}/` : ''}${preferred.version})` : ''}.`;
      failure.problems = [{ message: failure.message, line: lineOfField(doc, 'apiVersion'), severity: 'error' }];
    }
    return failed(doc, failure, { ref, warnings, ...(live ? { live } : {}) });
  }
}

/**
 * What server-side apply needs: patch, and create when the object does not exist yet (the
 * apiserver authorizes the create-on-patch separately). Asked only after a 403, so an apply of 500
 * documents costs no reviews when it is allowed.
 */
function applyNeeds(resource: ResourceType, namespace: string | undefined, creates: boolean): AccessQuery[] {
  const patch = actionQuery('patch', resource, namespace);
  return creates ? [patch, { ...patch, verb: 'create' }] : [patch];
}

function defaultNamespaceFor(run: RunState, doc: ManifestDocument): string {
  const id = doc.source.id;
  if (!run.pinNamespaces.has(id)) run.pinNamespaces.set(id, readPin(doc.source.text)?.namespace);
  return run.pinNamespaces.get(id) ?? run.target.defaultNamespace;
}

/** The documents of a report that a forced apply would retry: those that failed on field conflicts. */
export function conflicted(report: ApplyReport): ManifestDocument[] {
  return report.outcomes.filter((o) => o.result === 'failed' && o.failure?.conflicts?.length).map((o) => o.doc);
}
