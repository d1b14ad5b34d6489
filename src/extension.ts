// Wires the parts together and nothing else: the core (src/kube) knows nothing of VS Code, the
// adapters (src/ui) know nothing of HTTP.
import { homedir } from 'node:os';
import { delimiter } from 'node:path';
import * as vscode from 'vscode';
import { accessForClusters, type AccessReviewer } from './kube/access/accessReviewer';
import { TreeAccess } from './kube/access/treeAccess';
import { ClusterManager } from './kube/clusters/clusterManager';
import { KubeconfigSource } from './kube/clusters/kubeconfigSource';
import { ExecCredentialCache } from './kube/config/execCredential';
import { clusterMetricsSource } from './kube/metrics/clusterMetricsSource';
import { MetricsHub } from './kube/metrics/metricsHub';
import { resolveKubeconfigPaths } from './kube/config/kubeconfigFiles';
import { createTransport } from './kube/transport/createTransport';
import { BrowseModel } from './kube/tree/browseModel';
import type { BrowseNode } from './kube/tree/nodes';
import { type ActionsApi, registerApplyCommands } from './ui/commands/applyCommands';
import { registerContextCommands } from './ui/commands/contextCommands';
import { registerObjectCommands } from './ui/commands/objectCommands';
import { registerDeleteCommand } from './ui/commands/deleteCommand';
import { registerBatchExecCommands } from './ui/exec/batchExecCommands';
import { BATCH_SCHEME, BatchResultDocuments } from './ui/exec/batchResults';
import { registerExecCommands } from './ui/exec/execCommands';
import { registerHelmCommands } from './ui/helm/helmCommands';
import { registerPluginCommands } from './ui/plugins/pluginCommands';
import { registerPortForwardCommands } from './ui/portforward/portForwardCommands';
import { registerWorkloadCommands } from './ui/commands/workloadCommands';
import { LOGS_SCHEME, LogDocuments } from './ui/logs/logDocuments';
import { registerLogCommands } from './ui/logs/logCommands';
import { registerMetricsCommands } from './ui/metrics/metricsCommands';
import { TOP_SCHEME, TopDocuments } from './ui/metrics/topDocuments';
import { ExtensionState } from './ui/extensionState';
import { outputLogger } from './ui/outputLogger';
import { readSettings, SECTION } from './ui/settings';
import { restrictedModeNotices } from './ui/workspaceTrust';
import { ContextStatusBar } from './ui/statusBar';
import { registerDebugCommands } from './ui/exec/debugCommands';
import { registerOverviewView } from './ui/overview/overviewView';
import { registerTopologyCommands } from './ui/topology/topologyCommands';
import { ClusterTreeProvider } from './ui/tree/clusterTreeProvider';
import { REPORT_SCHEME, registerDiagnosisCommands, ReportDocuments } from './ui/diagnosis/diagnosisCommands';
import { ProblemsView } from './ui/diagnosis/problemsView';
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
  /** What the user may do where (SelfSubjectAccessReview cache). */
  readonly access: AccessReviewer;
  /** Open log views (their streams). */
  readonly logs: LogDocuments;
  /** Resolves once the kubeconfig has been read for the first time. */
  readonly ready: Promise<void>;
  /** Apply and Edit (tests answer their questions through `actions.prompts`). */
  readonly actions: ActionsApi;
  /** Diagnose and permission reports (their last texts, for tests). */
  readonly reports: ReportDocuments;
  /** Resource usage: the polled metrics (what is held, list calls made) and the open Top views. */
  readonly metrics: MetricsHub;
  readonly top: TopDocuments;
}

export function activate(context: vscode.ExtensionContext): KubeAtlasApi {
  const activateStart = performance.now();
  const output = vscode.window.createOutputChannel('Kube Atlas', { log: true });
  const log = outputLogger(output);
  let settings = readSettings();
  const credentials = new ExecCredentialCache({ timeoutMs: settings.execTimeoutMs });
  const clusters = new ClusterManager((merged, ctx) => createTransport(merged, ctx, { execCredentials: credentials, userAgent: 'kube-atlas' }), {}, log);
  const state = new ExtensionState(context.workspaceState, settings.productionContexts);
  const access = accessForClusters(clusters);
  const metrics = new MetricsHub(clusterMetricsSource(clusters), { intervalMs: settings.metricsIntervalMs, log });
  const model = new BrowseModel(clusters, state, { pageSize: settings.pageSize, access: new TreeAccess(access), metrics });
  const tree = new ClusterTreeProvider(model);
  const view = vscode.window.createTreeView('kubeAtlas.clusters', { treeDataProvider: tree, showCollapseAll: true, canSelectMany: true });
  tree.attach(view);
  // Usage (a list per interval) is read only while the tree is on screen; watches keep running.
  model.setVisible(view.visible);
  const statusBar = new ContextStatusBar(clusters, state);
  const yaml = new YamlDocumentProvider(clusters);
  const logs = new LogDocuments();
  const reports = new ReportDocuments();
  const batchResults = new BatchResultDocuments();
  const top = new TopDocuments(clusters, metrics);
  const source = new KubeconfigSource();
  const actions = registerApplyCommands(clusters, model, view, state, access, () => statusBar.currentContext(), log);

  const kubeconfigPaths = (): string[] =>
    resolveKubeconfigPaths({ env: process.env.KUBECONFIG, home: homedir(), extraFiles: settings.kubeconfigFiles, delimiter });

  const adopt = async (merged: Awaited<ReturnType<KubeconfigSource['load']>>): Promise<void> => {
    log.info(`Kubeconfig: ${merged.contexts.length} contexts from ${merged.files.filter((f) => f.exists).map((f) => f.path).join(', ') || 'no file'}`);
    for (const p of merged.problems) {
      const line = `Kubeconfig ${p.notice ? 'notice' : 'problem'}${p.file ? ` in ${p.file}${p.line ? `:${p.line}` : ''}` : ''}: ${p.message} — ${p.hint}`;
      if (p.notice) log.info(line);
      else log.warn(line);
    }
    await clusters.setKubeconfig(merged);
    statusBar.update();
    // Connect the current context right away so its node shows reachability and version; other
    // contexts connect when opened (their credential plugins may prompt or be slow).
    const current = statusBar.currentContext();
    if (current) void clusters.session(current)?.connect();
  };

  // In Restricted Mode the workspace's own kubeconfig files are left out (they could run programs), with a notice in the tree.
  // Loads overlap (activation, a settings change and a trust grant arrive together, and the
  // notices read a file first): only the newest one is adopted, with the paths and trust as they
  // are when it reads, so a slower, older load can never put back the contexts trust just allowed.
  let loads = 0;
  const loadKubeconfig = async (): Promise<void> => {
    const mine = ++loads;
    const notices = await restrictedModeNotices();
    if (mine !== loads) return;
    const merged = await source.load(kubeconfigPaths(), notices);
    if (mine === loads) await adopt(merged);
  };
  const ready = loadKubeconfig().catch((e: unknown) => log.error(`Could not read the kubeconfig: ${String(e)}`));

  context.subscriptions.push(
    output,
    view,
    tree,
    statusBar,
    yaml,
    state,
    vscode.workspace.registerTextDocumentContentProvider(YAML_SCHEME, yaml),
    logs,
    vscode.workspace.registerTextDocumentContentProvider(LOGS_SCHEME, logs),
    batchResults,
    vscode.workspace.registerTextDocumentContentProvider(BATCH_SCHEME, batchResults),
    source.onDidChange((m) => void adopt(m)),
    view.onDidChangeVisibility((e) => model.setVisible(e.visible)),
    state.onDidChange(() => statusBar.update()),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) return;
      settings = readSettings();
      // Every setting applies at once, without a reload.
      credentials.setTimeoutMs(settings.execTimeoutMs);
      model.setPageSize(settings.pageSize);
      metrics.setIntervalMs(settings.metricsIntervalMs);
      if (e.affectsConfiguration(`${SECTION}.productionContexts`)) {
        state.setProductionPatterns(settings.productionContexts);
        model.refreshAll();
      }
      if (e.affectsConfiguration(`${SECTION}.kubeconfigFiles`)) await loadKubeconfig();
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      settings = readSettings();
      void loadKubeconfig();
    }),
    ...registerContextCommands(clusters, model, state, statusBar),
    ...registerObjectCommands(clusters, model, view),
    ...actions.disposables,
    ...registerWorkloadCommands({ clusters, access, view, isProduction: (c) => state.isProduction(c) }),
    ...registerDeleteCommand({ clusters, access, view, isProduction: (c) => state.isProduction(c) }),
    ...registerPortForwardCommands(clusters),
    ...registerExecCommands({ clusters, access, view, memento: context.workspaceState, currentContext: () => statusBar.currentContext(), kubeconfigPaths }),
    ...registerBatchExecCommands({ clusters, access, view, documents: batchResults, currentContext: () => statusBar.currentContext() }),
    ...registerPluginCommands({ view, currentContext: () => statusBar.currentContext(), kubeconfigPaths }),
    ...registerLogCommands({ clusters, access, view, documents: logs }),
    reports,
    vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, reports),
    ...registerDiagnosisCommands({ clusters, access, view, reports, currentContext: () => statusBar.currentContext(), selectedNamespace: (c) => state.selectedNamespace(c) }),
    new ProblemsView({
      clusters,
      currentContext: () => statusBar.currentContext(),
      namespaceOf: (c) => state.selectedNamespace(c) ?? clusters.kubeconfig?.contexts.find((x) => x.name === c)?.namespace ?? 'default',
      onDidChangeScope: (listener) => {
        const subs = [state.onDidChange(listener), clusters.onDidChangeContexts(listener)];
        return {
          dispose: () => {
            for (const x of subs) x.dispose();
          },
        };
      },
    }),
    ...registerTopologyCommands({ clusters, model, view, extensionUri: context.extensionUri }, () => statusBar.currentContext()),
    ...registerOverviewView(clusters),
    ...registerDebugCommands({ clusters, access, view, isProduction: (c) => state.isProduction(c) }),
    top,
    vscode.workspace.registerTextDocumentContentProvider(TOP_SCHEME, top),
    ...registerMetricsCommands({ clusters, documents: top, currentContext: () => statusBar.currentContext(), selectedNamespace: (c) => state.selectedNamespace(c) }),
    ...registerHelmCommands({ clusters, isProduction: (c) => state.isProduction(c), currentContext: () => statusBar.currentContext() }),
    { dispose: () => access.dispose() },
    vscode.commands.registerCommand('kubeAtlas.showOutput', () => output.show()),
    { dispose: () => source.dispose() },
    { dispose: () => model.dispose() },
    { dispose: () => metrics.dispose() },
    { dispose: () => void clusters.dispose() },
  );
  const evaluated = typeof __kubeAtlasBundleStart === 'number' ? `bundle evaluated in ${Math.round(bundleEvaluated - __kubeAtlasBundleStart)} ms, ` : '';
  // The Output channel stamps lines when it is ready, which can be long after: say when it was.
  const done = new Date();
  const at = `${done.toTimeString().slice(0, 8)}.${String(done.getMilliseconds()).padStart(3, '0')}`;
  log.info(`Kube Atlas activated in ${Math.round(performance.now() - activateStart)} ms (${evaluated}activate() called ${Math.round(activateStart - bundleEvaluated)} ms after; done at ${at})`);
  return { clusters, model, tree, view, access, logs, ready, actions: actions.api, reports, metrics, top };
}

export function deactivate(): void {}
