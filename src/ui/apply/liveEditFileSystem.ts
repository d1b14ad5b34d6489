// "Edit" on a tree object: a file system of live objects (`kubeatlas-edit:/ctx/resource/ns/name.yaml`),
// so VS Code's own editor, dirty state and Save work as for any file. Reading GETs the full object
// from the server (the watch cache holds projections); saving checks the edit with a server-side
// dry run, shows the diff, asks, and updates the object guarded by its resourceVersion (LiveEdit).
// A save that does not reach the cluster fails, so the editor stays dirty and nothing is lost.
import * as vscode from 'vscode';
import { forDiff, toYaml } from '../../kube/actions/objectDiff';
import { editableText, LiveEdit } from '../../kube/actions/liveEdit';
import type { ManifestProblem } from '../../kube/actions/manifest';
import type { AccessReviewer } from '../../kube/access/accessReviewer';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import { resourceId, type ResourceType } from '../../kube/kinds/resourceType';
import type { Logger } from '../../kube/util/logger';
import type { ExtensionState } from '../extensionState';
import type { ApplyPrompts } from './applyPrompts';
import { DIAGNOSTIC_SOURCE } from './applyResults';
import type { PreviewDocuments } from './previewDocuments';

export const EDIT_SCHEME = 'kubeatlas-edit';

export function editUri(context: string, type: ResourceType, namespace: string | undefined, name: string): vscode.Uri {
  const parts = [context, resourceId(type), namespace ?? '_', `${name}.yaml`].map(encodeURIComponent);
  return vscode.Uri.from({ scheme: EDIT_SCHEME, path: `/${parts.join('/')}` });
}

function parseEditUri(uri: vscode.Uri): { context: string; rid: string; namespace: string | undefined; name: string } | undefined {
  const parts = uri.path.split('/').slice(1).map(decodeURIComponent);
  if (parts.length !== 4) return undefined;
  const [context, rid, ns, file] = parts as [string, string, string, string];
  return { context, rid, namespace: ns === '_' ? undefined : ns, name: file.replace(/\.yaml$/, '') };
}

interface Entry {
  edit: LiveEdit;
  context: string;
  content: Uint8Array;
  ctime: number;
  mtime: number;
  /** The stored text is the server's version, not what the editor wrote: reload it once the save completed. */
  reloadAfterSave: boolean;
}

export interface LiveEditDeps {
  clusters: ClusterManager;
  state: ExtensionState;
  log: Logger;
  previews: PreviewDocuments;
  prompts: () => ApplyPrompts;
  diagnostics: vscode.DiagnosticCollection;
  access: AccessReviewer;
}

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8');

export class LiveEditFileSystem implements vscode.FileSystemProvider {
  private readonly entries = new Map<string, Entry>();
  private readonly changed = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.changed.event;

  constructor(private readonly deps: LiveEditDeps) {}

  /** Forget a closed edit, so opening it again reads the object afresh. */
  forget(uri: vscode.Uri): void {
    this.entries.delete(uri.toString());
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  async stat(uri: vscode.Uri): Promise<vscode.FileStat> {
    const e = await this.entry(uri);
    return { type: vscode.FileType.File, ctime: e.ctime, mtime: e.mtime, size: e.content.byteLength };
  }

  /**
   * After a save whose stored text is the server's version (new resourceVersion, defaults) or the
   * reloaded object: only once VS Code has finished the save can a change make it re-read the file
   * (a change event during the save cancels the save).
   */
  didSave(doc: vscode.TextDocument): void {
    const e = this.entries.get(doc.uri.toString());
    if (!e?.reloadAfterSave) return;
    e.reloadAfterSave = false;
    e.mtime += 1;
    this.changed.fire([{ type: vscode.FileChangeType.Changed, uri: doc.uri }]);
  }

  async readFile(uri: vscode.Uri): Promise<Uint8Array> {
    return (await this.entry(uri)).content;
  }

  async writeFile(uri: vscode.Uri, content: Uint8Array): Promise<void> {
    const e = await this.entry(uri);
    try {
      await this.save(uri, e, dec.decode(content));
    } catch (err) {
      if (err instanceof vscode.FileSystemError) throw err;
      this.deps.log.error(`Saving ${uri.path} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      this.notSaved(err instanceof Error ? err.message : String(err));
    }
  }

  readDirectory(): [string, vscode.FileType][] {
    throw vscode.FileSystemError.NoPermissions('Live objects are edited one at a time: use Edit on an object in the Kube Atlas tree.');
  }
  createDirectory(): void {
    throw vscode.FileSystemError.NoPermissions('Cannot create folders of live objects.');
  }
  delete(): void {
    throw vscode.FileSystemError.NoPermissions('Delete objects from the Kube Atlas tree.');
  }
  rename(): void {
    throw vscode.FileSystemError.NoPermissions('Objects cannot be renamed.');
  }

  private async entry(uri: vscode.Uri): Promise<Entry> {
    const key = uri.toString();
    const existing = this.entries.get(key);
    if (existing) return existing;
    const p = parseEditUri(uri);
    if (!p) throw vscode.FileSystemError.FileNotFound(uri);
    const session = this.deps.clusters.session(p.context);
    const st = session ? await session.connect() : undefined;
    if (!session || st?.phase !== 'ready') throw vscode.FileSystemError.Unavailable(`Context "${p.context}" is not reachable${st?.phase === 'error' ? `: ${st.error.message}` : ''}`);
    const type = st.registry.get(p.rid);
    if (!type) throw vscode.FileSystemError.FileNotFound(`The cluster no longer serves ${p.rid}.`);
    const edit = new LiveEdit(session.transport, { resource: type, name: p.name, ...(p.namespace ? { namespace: p.namespace } : {}) }, `${p.name}.yaml`, undefined, { reviewer: this.deps.access, context: p.context });
    let text: string;
    try {
      text = await edit.load();
    } catch (e) {
      throw vscode.FileSystemError.Unavailable(`Cannot read ${type.kind} ${p.name}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const now = Date.now();
    const entry: Entry = { edit, context: p.context, content: enc.encode(text), ctime: now, mtime: now, reloadAfterSave: false };
    this.entries.set(key, entry);
    return entry;
  }

  private problems(uri: vscode.Uri, problems: readonly ManifestProblem[]): void {
    this.deps.diagnostics.set(
      uri,
      problems.map((p) => {
        const d = new vscode.Diagnostic(new vscode.Range(Math.max(0, p.line - 1), 0, Math.max(0, p.line - 1), Number.MAX_SAFE_INTEGER), p.message, vscode.DiagnosticSeverity.Error);
        d.source = DIAGNOSTIC_SOURCE;
        d.code = 'edit';
        return d;
      }),
    );
  }

  private notSaved(why: string): never {
    this.deps.log.warn(`Edit not saved: ${why}`);
    throw vscode.FileSystemError.Unavailable(`Not saved to the cluster: ${why} Your edit is kept in the editor.`);
  }

  /** One save: check, diff, confirm, update; asks what to do when the object changed meanwhile. */
  private async save(uri: vscode.Uri, e: Entry, text: string): Promise<void> {
    const { log, previews, state } = this.deps;
    const prompts = this.deps.prompts();
    const { resource, name, namespace } = e.edit.address;
    const what = `${resource.kind} ${namespace ? `${namespace}/` : ''}${name}`;
    const production = state.isProduction(e.context);
    this.deps.diagnostics.delete(uri);
    for (;;) {
      const check = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Checking ${what}…` }, () => e.edit.check(text));
      if (check.kind === 'invalid') {
        this.problems(uri, check.problems);
        this.notSaved(check.message);
      }
      if (check.kind === 'rejected') {
        this.problems(uri, check.failure.problems);
        this.notSaved(`${check.failure.message}${check.failure.hint ? ` ${check.failure.hint}` : ''}`);
      }
      if (check.kind === 'stale') {
        log.warn(check.message);
        const choice = await prompts.stale(check.message);
        if (choice === 'diff') {
          const base = e.edit.base;
          await previews.show(`${what}: when you opened it ↔ on the server now`, base ? editableText(base) : '', check.live ? editableText(check.live) : '# deleted on the server\n');
          this.notSaved('the object changed on the server; their changes are shown. Save again to reload or overwrite.');
        }
        if (!check.live) this.notSaved(check.message);
        if (choice === 'reload') {
          // The user discards their edit: the file becomes the server's object.
          e.edit.rebase(check.live);
          e.content = enc.encode(editableText(check.live));
          e.mtime = Date.now();
          e.reloadAfterSave = true;
          log.info(`Reloaded ${what} from "${e.context}" (your edit was discarded)`);
          return;
        }
        if (choice !== 'overwrite') this.notSaved('cancelled.');
        e.edit.rebase(check.live); // the next round checks against, and overwrites, the newer version
        continue;
      }
      if (check.unchanged) {
        vscode.window.setStatusBarMessage(`${what}: no changes to save`, 5000);
        e.content = enc.encode(text);
        e.mtime = Date.now();
        return;
      }
      const { right } = await previews.show(`${what} in ${e.context}: live ↔ your edit (server dry run)`, toYaml(forDiff(check.live)), toYaml(forDiff(check.result)));
      const decision = await prompts.decidePreview(right, `Save your edit of ${what} to context "${e.context}"?`, `Save to ${e.context}`);
      if (decision !== 'apply') this.notSaved('cancelled.');
      if (production && !(await prompts.confirm({ action: `Save your edit of ${what}`, context: e.context, button: 'Save', production }))) this.notSaved('cancelled.');
      const saved = await e.edit.save(text);
      if (saved.kind === 'stale') continue; // changed between the check and the save: ask again
      if (saved.kind === 'invalid') {
        this.problems(uri, saved.problems);
        this.notSaved(saved.message);
      }
      if (saved.kind === 'rejected') {
        this.problems(uri, saved.failure.problems);
        this.notSaved(`${saved.failure.message}${saved.failure.hint ? ` ${saved.failure.hint}` : ''}`);
      }
      if (saved.kind === 'saved') {
        e.content = enc.encode(editableText(saved.object));
        e.mtime = Date.now();
        e.reloadAfterSave = true; // show the server's version (new resourceVersion, defaults)
        for (const w of saved.warnings) log.warn(`${what}: ${w}`);
        log.info(`Saved ${what} to "${e.context}" (resourceVersion ${saved.object.metadata.resourceVersion})`);
        vscode.window.setStatusBarMessage(`Saved ${what} to ${e.context}`, 5000);
        void previews.close(right);
        return;
      }
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
