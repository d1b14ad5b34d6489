// Wires the parts together and nothing else: the core (src/kube) knows nothing of VS Code, the
// adapters (src/ui) know nothing of HTTP.
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import * as vscode from 'vscode';
import { ClusterManager } from './kube/clusters/clusterManager';
import { KubeconfigSource } from './kube/clusters/kubeconfigSource';
import { ExecCredentialCache } from './kube/config/execCredential';
import { resolveKubeconfigPaths } from './kube/config/kubeconfigFiles';
import { createTransport } from './kube/transport/createTransport';
import { BrowseModel } from './kube/tree/browseModel';
import type { BrowseNode } from './kube/tree/nodes';
import { registerContextCommands } from './ui/commands/contextCommands';
import { registerObjectCommands } from './ui/commands/objectCommands';
import { ExtensionState } from './ui/extensionState';
import { outputLogger } from './ui/outputLogger';
import { readSettings, SECTION } from './ui/settings';
import { ContextStatusBar } from './ui/statusBar';
import { ClusterTreeProvider } from './ui/tree/clusterTreeProvider';
import { YAML_SCHEME, YamlDocumentProvider } from './ui/yamlDocuments';

// Stamped by esbuild's banner as the bundle starts to run (undefined in test bundles), and here
// once every module of it has been evaluated: the activation line says where start-up time goes.
declare const __kubeAtlasBundleStart: number | undefined;
const bundleEvaluated = performance.now();

/** What activate() returns: used by the in-host tests, and by other extensions that build on us. */
export interface KubeAtlasApi {
  readonly clusters: ClusterManager;
  readonly model: BrowseModel;
  readonly tree: ClusterTreeProvider;
  readonly view: vscode.TreeView<BrowseNode>;
  /** Resolves once the kubeconfig has been read for the first time. */
  readonly ready: Promise<void>;
}

export function activate(context: vscode.ExtensionContext): KubeAtlasApi {
  const activateStart = performance.now();
  const output = vscode.window.createOutputChannel('Kube Atlas', { log: true });
  const log = outputLogger(output);
  let settings = readSettings();
  const credentials = new ExecCredentialCache({ timeoutMs: settings.execTimeoutMs });
  const clusters = new ClusterManager((merged, ctx) => createTransport(merged, ctx, { execCredentials: credentials, userAgent: 'kube-atlas' }), {}, log);
  const state = new ExtensionState(context.workspaceState);
  const model = new BrowseModel(clusters, state, { pageSize: settings.pageSize });
  const tree = new ClusterTreeProvider(model);
  const view = vscode.window.createTreeView('kubeAtlas.clusters', { treeDataProvider: tree, showCollapseAll: true });
  tree.attach(view);
  const statusBar = new ContextStatusBar(clusters, state);
  const yaml = new YamlDocumentProvider(clusters);
  const source = new KubeconfigSource();

  const kubeconfigPaths = (): string[] =>
    resolveKubeconfigPaths({ env: process.env.KUBECONFIG, home: homedir(), extraFiles: settings.kubeconfigFiles, delimiter });

  const adopt = async (merged: Awaited<ReturnType<KubeconfigSource['load']>>): Promise<void> => {
    log.info(`Kubeconfig: ${merged.contexts.length} contexts from ${merged.files.filter((f) => f.exists).map((f) => f.path).join(', ') || 'no file'}`);
    for (const p of merged.problems) log.warn(`Kubeconfig problem${p.file ? ` in ${p.file}${p.line ? `:${p.line}` : ''}` : ''}: ${p.message} — ${p.hint}`);
    await clusters.setKubeconfig(merged);
    statusBar.update();
    // Connect the current context right away so its node shows reachability and version; other
    // contexts connect when opened (their credential plugins may prompt or be slow).
    const current = statusBar.currentContext();
    if (current) void clusters.session(current)?.connect();
  };

  const ready = source.load(kubeconfigPaths()).then(adopt, (e: unknown) => log.error(`Could not read the kubeconfig: ${String(e)}`));

  context.subscriptions.push(
    output,
    view,
    tree,
    statusBar,
    yaml,
    state,
    vscode.workspace.registerTextDocumentContentProvider(YAML_SCHEME, yaml),
    source.onDidChange((m) => void adopt(m)),
    state.onDidChange(() => statusBar.update()),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      settings = readSettings();
      if (e.affectsConfiguration(`${SECTION}.kubeconfigFiles`)) await adopt(await source.load(kubeconfigPaths()));
    }),
    ...registerContextCommands(clusters, model, state, statusBar),
    ...registerObjectCommands(clusters, model, view),
    vscode.commands.registerCommand('kubeAtlas.showOutput', () => output.show()),
    { dispose: () => source.dispose() },
    { dispose: () => model.dispose() },
    { dispose: () => void clusters.dispose() },
  );
  const evaluated = typeof __kubeAtlasBundleStart === 'number' ? `bundle evaluated in ${Math.round(bundleEvaluated - __kubeAtlasBundleStart)} ms, ` : '';
  // The Output channel stamps lines when it is ready, which can be long after: say when it was.
  const done = new Date();
  const at = `${done.toTimeString().slice(0, 8)}.${String(done.getMilliseconds()).padStart(3, '0')}`;
  log.info(`Kube Atlas activated in ${Math.round(performance.now() - activateStart)} ms (${evaluated}activate() called ${Math.round(activateStart - bundleEvaluated)} ms after; done at ${at})`);
  return { clusters, model, tree, view, ready };
}

export function deactivate(): void {}
