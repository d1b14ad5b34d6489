// What to apply, from the arguments VS Code passes a command: the explorer gives (clicked Uri,
// selected Uri[]), the editor title and context menu give the document's Uri, the palette gives
// nothing (then the active editor). Open documents are read from the editor (unsaved changes and
// untitled documents included); folders contribute their .yaml/.yml files (not recursive, as
// `kubectl apply -f dir`). Everything is sorted by path, so an apply reads in path order.
import * as vscode from 'vscode';
import type { ManifestSource } from '../../kube/actions/manifest';

const MANIFEST = /\.ya?ml$/i;

export interface CollectedSources {
  sources: ManifestSource[];
  /** Arguments that gave nothing (an empty folder, a non-YAML file), said to the user. */
  notes: string[];
}

function isUri(v: unknown): v is vscode.Uri {
  return v instanceof vscode.Uri;
}

/** The Uris a command was invoked with: explorer multi-selection first, then a single Uri, then the active editor. */
export function invocationUris(arg: unknown, arg2: unknown): vscode.Uri[] {
  if (Array.isArray(arg2) && arg2.length && arg2.every(isUri)) return arg2;
  if (Array.isArray(arg) && arg.length && arg.every(isUri)) return arg;
  if (isUri(arg)) return [arg];
  const active = vscode.window.activeTextEditor?.document;
  return active ? [active.uri] : [];
}

export async function collectSources(uris: readonly vscode.Uri[]): Promise<CollectedSources> {
  const out = new Map<string, ManifestSource>();
  const notes: string[] = [];
  for (const uri of uris) {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) {
      out.set(uri.toString(), { id: uri.toString(), label: labelOf(uri), text: open.getText() });
      continue;
    }
    let stat: vscode.FileStat;
    try {
      stat = await vscode.workspace.fs.stat(uri);
    } catch {
      notes.push(`${labelOf(uri)} does not exist.`);
      continue;
    }
    if (stat.type & vscode.FileType.Directory) {
      const entries = (await vscode.workspace.fs.readDirectory(uri)).filter(([name, type]) => type & vscode.FileType.File && MANIFEST.test(name));
      if (!entries.length) notes.push(`${labelOf(uri)} holds no .yaml or .yml files.`);
      for (const [name] of entries) {
        const file = vscode.Uri.joinPath(uri, name);
        out.set(file.toString(), await read(file));
      }
    } else {
      out.set(uri.toString(), await read(uri));
    }
  }
  const sources = [...out.values()].sort((a, b) => (pathOf(a) < pathOf(b) ? -1 : pathOf(a) > pathOf(b) ? 1 : 0));
  return { sources, notes };
}

async function read(uri: vscode.Uri): Promise<ManifestSource> {
  // A file open in an editor may have unsaved changes: the editor's text is what the user sees.
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = open ? open.getText() : new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(uri));
  return { id: uri.toString(), label: labelOf(uri), text };
}

function pathOf(s: ManifestSource): string {
  return vscode.Uri.parse(s.id).path;
}

export function labelOf(uri: vscode.Uri): string {
  if (uri.scheme === 'untitled') return uri.path;
  return vscode.workspace.asRelativePath(uri, false);
}
