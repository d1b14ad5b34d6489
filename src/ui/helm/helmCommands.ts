// "Show Helm Releases…": the releases of a namespace (or all), read from Helm's storage without
// helm; each opens its values, computed values, manifest, notes and history as read-only
// documents. Rollback, upgrade with edited values and uninstall (also straight from a release
// row's context menu) run the user's own helm in a terminal that keeps its output and exit code,
// pinned to the context and namespace, after a confirmation (twice on production contexts).
// Without helm on PATH those say so.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { dump } from 'js-yaml';
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import { findExecutable, type HelmTarget, helmCommandLine, kubeconfigEnv, rollbackArgs, uninstallArgs, upgradeArgs } from '../../kube/helm/helmCli';
import type { ReleaseSummary } from '../../kube/helm/releaseIndex';
import { listReleases, readRevision, releaseHistory } from '../../kube/helm/releaseReader';
import { historyText, type ReleaseView, releaseText, VIEW_TITLES } from '../../kube/helm/releaseText';
import type { BrowseNode } from '../../kube/tree/nodes';
import { showFailure, transportOf } from '../commands/actionTargets';
import { confirmAction } from '../confirm';
import { PtyProcessTerminal } from '../exec/ptyTerminal';
import { SECTION } from '../settings';
import { HelmDocuments } from './helmDocuments';

export interface HelmCommandDeps {
  clusters: ClusterManager;
  isProduction: (context: string) => boolean;
  currentContext: () => string | undefined;
}

type Choice = { label: string; view?: ReleaseView; action?: 'rollback' | 'upgrade' | 'uninstall' };

const CHOICES: Choice[] = [
  ...(['values', 'computed', 'manifest', 'notes', 'history'] as const).map((view) => ({ label: VIEW_TITLES[view], view })),
  { label: 'Rollback…', action: 'rollback' },
  { label: 'Upgrade with Edited Values…', action: 'upgrade' },
  { label: 'Uninstall…', action: 'uninstall' },
];

/** Namespace names from the shared namespace watch (waits for its first list). */
async function namespaceNames(clusters: ClusterManager, context: string): Promise<string[]> {
  const session = clusters.session(context);
  const state = session ? await session.connect() : undefined;
  const type = state?.phase === 'ready' ? state.registry.get('namespaces') : undefined;
  if (!type) return [];
  const lease = clusters.hub.acquire(context, type);
  try {
    await lease.watch.whenSettled();
    return [...lease.watch.store.list()].map((o) => o.metadata.name ?? '').sort();
  } finally {
    lease.release();
  }
}

export function registerHelmCommands(deps: HelmCommandDeps): vscode.Disposable[] {
  const { clusters } = deps;
  const documents = new HelmDocuments();

  // A folder's own settings must not choose the program we run: in Restricted Mode only the user's
  // value counts (restrictedConfigurations, and inspect() for VS Code versions that do not withhold it).
  const helmPath = (): string | undefined => {
    const c = vscode.workspace.getConfiguration(SECTION);
    const configured = vscode.workspace.isTrusted ? c.get<string>('helm.path') : c.inspect<string>('helm.path')?.globalValue;
    return findExecutable(configured?.trim() || 'helm', process.env.PATH, delimiter);
  };

  // helm runs in a pty behind a Pseudoterminal that stays open when it ends, with its output and
  // exit code: a `shellPath` terminal closes as soon as helm exits with 0, and the output goes with it.
  const runHelm = (t: HelmTarget, args: string[], onDone?: () => void): void => {
    const helm = helmPath();
    if (!helm) {
      void vscode.window.showErrorMessage('helm is not on PATH: Kube Atlas reads releases without it, but changes them only through your own helm. Install helm or set kubeAtlas.helm.path.');
      onDone?.();
      return;
    }
    const pty = new PtyProcessTerminal({
      program: () => helm,
      args,
      what: 'helm',
      shown: helmCommandLine(args),
      missing: `${helm} cannot be run.`,
      env: () => ({ KUBECONFIG: kubeconfigEnv(clusters.kubeconfig?.files ?? [], delimiter) }),
      onDone,
    });
    vscode.window.createTerminal({ name: `helm ${args[0]} ${t.release} (${t.context}/${t.namespace})`, pty, isTransient: true }).show();
  };

  const pickNamespace = async (context: string): Promise<string | undefined | null> => {
    const names = await namespaceNames(clusters, context).catch(() => [] as string[]);
    const all = '$(globe) All namespaces';
    const pick = await vscode.window.showQuickPick([all, ...names], { title: `Helm releases in context "${context}"`, placeHolder: 'Which namespace?' });
    if (pick === undefined) return null;
    return pick === all ? undefined : pick;
  };

  const openView = async (context: string, r: ReleaseSummary, view: ReleaseView): Promise<void> => {
    const transport = transportOf(clusters, context);
    if (view === 'history') {
      const rows = await releaseHistory(transport, r);
      await documents.show(context, r.namespace, r.name, 'history.md', historyText(r.namespace, r.name, rows));
      return;
    }
    const rel = await readRevision(transport, r.latest);
    await documents.show(context, r.namespace, r.name, `${view}${view === 'notes' ? '.txt' : '.yaml'}`, releaseText(rel, view));
  };

  const act = async (context: string, r: ReleaseSummary, action: NonNullable<Choice['action']>): Promise<void> => {
    const t: HelmTarget = { context, namespace: r.namespace, release: r.name };
    const production = deps.isProduction(context);
    if (action === 'rollback') {
      const earlier = r.revisions.filter((x) => x.revision !== r.latest.revision).reverse();
      if (!earlier.length) {
        void vscode.window.showInformationMessage(`Release ${r.namespace}/${r.name} has no earlier revision to roll back to.`);
        return;
      }
      const pick = await vscode.window.showQuickPick(
        earlier.map((x) => ({ label: `Revision ${x.revision}`, description: `${x.status}${x.updated ? ` · ${x.updated}` : ''}`, revision: x.revision })),
        { title: `Roll back ${r.namespace}/${r.name} (now at revision ${r.latest.revision})`, placeHolder: 'To which revision?' },
      );
      if (!pick) return;
      if (!(await confirmAction({ action: `Roll back Helm release ${r.namespace}/${r.name} to revision ${pick.revision}`, context, button: 'Roll Back', production, detail: 'Runs your helm in a terminal.' }))) return;
      runHelm(t, rollbackArgs(t, pick.revision));
      return;
    }
    if (action === 'uninstall') {
      if (!(await confirmAction({ action: `Uninstall Helm release ${r.namespace}/${r.name}`, context, button: 'Uninstall', production, detail: "Deletes the release's objects. Runs your helm in a terminal." }))) return;
      runHelm(t, uninstallArgs(t));
      return;
    }
    // Upgrade: the chart must come from somewhere helm can read it (Helm does not keep subcharts
    // in its storage), so the user names it; the values start from the release's own.
    const rel = await readRevision(transportOf(clusters, context), r.latest);
    const chartRef = await vscode.window.showInputBox({
      title: `Upgrade ${r.namespace}/${r.name}: chart`,
      prompt: `The chart to upgrade with (a repo/chart reference, a path or a URL); the release has ${rel.chart.metadata.name}-${rel.chart.metadata.version}`,
      value: rel.chart.metadata.name,
      ignoreFocusOut: true,
    });
    if (!chartRef) return;
    // A private temporary file (0600), removed once helm has read it (when it ends): values may hold secrets.
    const dir = mkdtempSync(join(tmpdir(), 'kube-atlas-helm-'));
    const file = join(dir, `${r.name}-values.yaml`);
    writeFileSync(file, `# Values for helm upgrade ${r.name} ${chartRef} (context ${context}, namespace ${r.namespace}).\n# Edit, save, then choose "Upgrade" in the notification.\n${dump(rel.config ?? {}, { noRefs: true, lineWidth: 120 })}`, { mode: 0o600 });
    const uri = vscode.Uri.file(file);
    // Its tab is closed first (so no editor is left on a deleted file, and edits made meanwhile are
    // asked about before the file goes).
    const cleanup = (): void => {
      const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((tab) => tab.input instanceof vscode.TabInputText && tab.input.uri.toString() === uri.toString());
      const remove = () => rmSync(dir, { recursive: true, force: true });
      void Promise.resolve(tabs.length ? vscode.window.tabGroups.close(tabs) : true).then(remove, remove);
    };
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    const go = await vscode.window.showInformationMessage(`Edit the values of ${r.namespace}/${r.name}, then upgrade.`, 'Upgrade', 'Cancel');
    if (go !== 'Upgrade') return cleanup();
    await editor.document.save();
    if (!(await confirmAction({ action: `Upgrade Helm release ${r.namespace}/${r.name} with ${chartRef}`, context, button: 'Upgrade', production, detail: 'Runs your helm in a terminal with the edited values.' }))) return cleanup();
    runHelm(t, upgradeArgs(t, chartRef, file), cleanup);
  };

  const choose = async (context: string, r: ReleaseSummary): Promise<void> => {
    const choice = await vscode.window.showQuickPick(CHOICES, { title: `Helm release ${r.namespace}/${r.name} (revision ${r.latest.revision}, ${r.latest.status})` });
    if (!choice) return;
    if (choice.view) await openView(context, r, choice.view);
    else if (choice.action) await act(context, r, choice.action);
  };

  /** A release row's command: the quick pick of views and actions, or one action straight away. */
  const fromRow = (action?: NonNullable<Choice['action']>) => async (node?: BrowseNode): Promise<void> => {
    if (!node?.release) return;
    try {
      await (action ? act(node.context, node.release, action) : choose(node.context, node.release));
    } catch (e) {
      showFailure(`Helm release ${node.release.namespace}/${node.release.name}`, e);
    }
  };

  const showReleases = async (node?: BrowseNode): Promise<void> => {
    const context = node?.context ?? deps.currentContext();
    if (!context) {
      void vscode.window.showInformationMessage('Pick a context in the Kube Atlas tree first.');
      return;
    }
    try {
      const namespace = node?.type === 'namespace' || node?.type === 'group' ? node.namespace : await pickNamespace(context);
      if (namespace === null) return;
      const releases = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Reading Helm releases…' }, () => listReleases(transportOf(clusters, context), namespace));
      if (!releases.length) {
        void vscode.window.showInformationMessage(`No Helm releases in ${namespace ? `namespace ${namespace}` : 'any namespace'} of context "${context}".`);
        return;
      }
      const picked = await vscode.window.showQuickPick(
        releases.map((r) => ({ label: r.name, description: `revision ${r.latest.revision} · ${r.latest.status}`, detail: `${r.namespace}${r.latest.updated ? ` · updated ${r.latest.updated}` : ''}`, r })),
        { title: `Helm releases in ${namespace ?? 'all namespaces'} (${context})`, placeHolder: 'Which release?', matchOnDetail: true },
      );
      if (!picked) return;
      await choose(context, picked.r);
    } catch (e) {
      showFailure('Helm releases', e);
    }
  };

  return [
    documents,
    vscode.commands.registerCommand('kubeAtlas.helm.showReleases', showReleases),
    vscode.commands.registerCommand('kubeAtlas.helm.openRelease', fromRow()),
    vscode.commands.registerCommand('kubeAtlas.helm.rollback', fromRow('rollback')),
    vscode.commands.registerCommand('kubeAtlas.helm.upgrade', fromRow('upgrade')),
    vscode.commands.registerCommand('kubeAtlas.helm.uninstall', fromRow('uninstall')),
  ];
}
