// Workspace Trust for kubeconfig files. A kubeconfig can make us run a program (an exec credential
// plugin), and `kubeAtlas.kubeconfigFiles` can be set by a folder's own .vscode/settings.json: a
// cloned repository must not get its plugin run just by being opened. package.json declares the
// setting in `restrictedConfigurations`, so in Restricted Mode VS Code hands the extension only the
// user's own value; we also read only that value ourselves (inspect().globalValue), so the rule
// holds whatever the VS Code version does. The user's own kubeconfig (KUBECONFIG, ~/.kube/config,
// the user setting) keeps working, and the tree says which workspace files were skipped and why.
import * as vscode from 'vscode';
import type { KubeconfigProblem } from '../kube/config/types';
import { stringListSetting } from './settingsFileValue';

const KEY = 'kubeconfigFiles';
const FULL_KEY = `kubeAtlas.${KEY}`;

/** The extra kubeconfig files to read: the setting's value when trusted, only the user's own value in Restricted Mode. */
export function trustedKubeconfigFiles(config: vscode.WorkspaceConfiguration): string[] {
  const value = vscode.workspace.isTrusted ? config.get<unknown>(KEY) : config.inspect<unknown>(KEY)?.globalValue;
  return Array.isArray(value) ? value.filter((s): s is string => typeof s === 'string' && s.trim() !== '') : [];
}

/**
 * In Restricted Mode, a notice for the tree naming the kubeconfig files the workspace's settings
 * ask for, which are not read until the user trusts the workspace. Empty when trusted or when the
 * workspace sets nothing.
 */
export async function restrictedModeNotices(): Promise<KubeconfigProblem[]> {
  if (vscode.workspace.isTrusted) return [];
  const config = vscode.workspace.getConfiguration('kubeAtlas');
  const user = new Set(trustedKubeconfigFiles(config));
  const asked = new Set<string>();
  const add = (files: unknown): void => {
    if (Array.isArray(files)) for (const f of files) if (typeof f === 'string' && f.trim() && !user.has(f)) asked.add(f);
  };
  const settingsFile = workspaceSettingsFile();
  // A VS Code that does not withhold the workspace's value still reports it here.
  add(config.inspect<unknown>(KEY)?.workspaceValue);
  // One that does (the rule of restrictedConfigurations): read what the file asks for.
  if (settingsFile) add(stringListSetting(await readText(settingsFile.uri), FULL_KEY, settingsFile.isWorkspaceFile));
  if (asked.size === 0) return [];
  const names = [...asked].join(', ');
  return [
    {
      notice: true,
      file: settingsFile?.uri.fsPath,
      message: 'Restricted Mode: workspace kubeconfig skipped',
      hint:
        `The workspace setting ${FULL_KEY} names ${names}. A kubeconfig can run programs (credential plugins), ` +
        'so Kube Atlas reads the files a workspace names only when you trust it: run "Workspaces: Manage Workspace Trust" to trust this folder. ' +
        `Your own kubeconfig (KUBECONFIG, ~/.kube/config and ${FULL_KEY} in your user settings) is read as usual.`,
    },
  ];
}

/** Where the workspace's own settings live: the .code-workspace file, or the single folder's settings.json. */
function workspaceSettingsFile(): { uri: vscode.Uri; isWorkspaceFile: boolean } | undefined {
  const workspaceFile = vscode.workspace.workspaceFile;
  if (workspaceFile) return workspaceFile.scheme === 'untitled' ? undefined : { uri: workspaceFile, isWorkspaceFile: true };
  const folders = vscode.workspace.workspaceFolders ?? [];
  // Without a workspace file there is at most one folder, whose settings are the workspace's.
  return folders.length === 1 ? { uri: vscode.Uri.joinPath(folders[0]!.uri, '.vscode', 'settings.json'), isWorkspaceFile: false } : undefined;
}

async function readText(uri: vscode.Uri): Promise<string> {
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    return ''; // no settings file: nothing asked for
  }
}
