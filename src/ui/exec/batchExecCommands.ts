// "Run Command in Pods…": one command in every pod of a workload (its selector), of a namespace
// (optionally narrowed by a label selector), or — from the palette — of a label selector in one
// namespace or all of them. The command line is split into an argument array here, no shell
// involved (the prompt says so), and runs through the batch core (kube/exec/batchExec.ts) with
// progress and cancel; the results open as a document with "Re-run Failed" on its title bar.
// `create pods/exec` is checked first in every namespace involved, so a denial names the user and
// the permission instead of fifty refusals.
import * as vscode from 'vscode';
import type { AccessReviewer } from '../../kube/access/accessReviewer';
import { guardAction } from '../../kube/access/guard';
import { actionQuery, hasPodLogs } from '../../kube/access/objectActions';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import { type BatchResult, type BatchTarget, failed, podsBySelector, runBatch } from '../../kube/exec/batchExec';
import { formatCommandLine, parseCommandLine } from '../../kube/exec/commandLine';
import { selectorText, workloadSelector } from '../../kube/logs/logSession';
import { parseLabelSelector } from '../../kube/logs/podSource';
import { channelsOf } from '../../kube/transport/channel/channelSocket';
import type { BrowseNode } from '../../kube/tree/nodes';
import { showFailure, targetsOf, transportOf } from '../commands/actionTargets';
import { SECTION } from '../settings';
import { BATCH_SCHEME, type BatchResultDocuments } from './batchResults';
import { choose } from './podPicker';

export interface BatchExecDeps {
  clusters: ClusterManager;
  access: AccessReviewer;
  view: vscode.TreeView<BrowseNode>;
  documents: BatchResultDocuments;
  currentContext: () => string | undefined;
}

const PODS_QUERY = { kind: 'Pod', group: '', plural: 'pods', namespaced: true } as const;
const ALL_NAMESPACES = '$(globe) All namespaces';

interface Scope {
  context: string;
  /** Undefined: every namespace. */
  namespace: string | undefined;
  /** Label selector as kubectl -l takes it; empty: every pod. */
  selector: string;
  describe: string;
}

function batchSettings(): { concurrency: number; timeoutMs: number } {
  const c = vscode.workspace.getConfiguration(SECTION);
  return { concurrency: Math.max(1, c.get<number>('exec.batchConcurrency', 8)), timeoutMs: Math.max(1, c.get<number>('exec.batchTimeoutSeconds', 30)) * 1000 };
}

async function askSelector(title: string, allowEmpty: boolean): Promise<string | undefined> {
  const text = await vscode.window.showInputBox({
    title,
    prompt: `A label selector as kubectl -l takes it, e.g. app=web or app in (web,api),tier!=db${allowEmpty ? ' (empty: every pod)' : ''}`,
    validateInput: (v) => {
      if (!v.trim()) return allowEmpty ? undefined : 'A label selector, e.g. app=web';
      const r = parseLabelSelector(v);
      return 'error' in r ? r.error : undefined;
    },
  });
  return text?.trim();
}

export async function askCommand(scope: string, initial?: string): Promise<string[] | undefined> {
  const text = await vscode.window.showInputBox({
    title: `Run a command in ${scope}`,
    prompt: 'The command and its arguments, split into words like a shell would, but no shell runs it: no $VARS, pipes or globs. For those, type sh -c \'…\'.',
    placeHolder: "e.g. cat /etc/os-release   or   sh -c 'echo $HOSTNAME'",
    value: initial,
    validateInput: (v) => {
      const r = parseCommandLine(v);
      return 'error' in r ? r.error : undefined;
    },
  });
  if (text === undefined) return undefined;
  const r = parseCommandLine(text);
  return 'argv' in r ? r.argv : undefined;
}

export function registerBatchExecCommands(deps: BatchExecDeps): vscode.Disposable[] {
  const { clusters, access, view, documents } = deps;

  /** Where the command runs, from the row it was invoked on or by asking (palette). */
  const scopeOf = async (node: BrowseNode | undefined, nodes: BrowseNode[] | undefined): Promise<Scope | undefined> => {
    const n = node ?? view.selection[0];
    if (n?.type === 'namespace') {
      const selector = await askSelector(`Pods of namespace ${n.label} to run the command in`, true);
      if (selector === undefined) return undefined;
      return { context: n.context, namespace: n.label, selector, describe: `namespace ${n.label}${selector ? `, pods matching ${selector}` : ', every running pod'}` };
    }
    const t = targetsOf(node, nodes, view)[0];
    if (t?.namespace && hasPodLogs(t.type) && t.type.kind !== 'Pod') {
      const sel = await workloadSelector(transportOf(clusters, t.context), t.type, t.namespace, t.name);
      return { context: t.context, namespace: t.namespace, selector: selectorText(sel), describe: `the pods of ${t.type.kind} ${t.namespace}/${t.name}` };
    }
    // The palette: context, namespace (or all), selector.
    const contexts = clusters.contextNames();
    if (!contexts.length) throw new Error('No Kubernetes contexts in the kubeconfig.');
    const context = await choose(contexts, [deps.currentContext()], 'Context of the pods');
    if (!context) return undefined;
    const namespaces = await namespaceNames(context);
    const picked = await choose([ALL_NAMESPACES, ...namespaces], ['default'], `Namespace in ${context}`);
    if (!picked) return undefined;
    const namespace = picked === ALL_NAMESPACES ? undefined : picked;
    const selector = await askSelector(`Pods ${namespace ? `in ${namespace}` : 'in all namespaces'} to run the command in`, namespace !== undefined);
    if (selector === undefined) return undefined;
    return { context, namespace, selector, describe: `${selector ? `pods matching ${selector}` : 'every running pod'} ${namespace ? `in namespace ${namespace}` : 'in all namespaces'}` };
  };

  const namespaceNames = async (context: string): Promise<string[]> => {
    const list = await transportOf(clusters, context).request<{ items?: { metadata: { name: string } }[] }>({ path: '/api/v1/namespaces' });
    return (list.items ?? []).map((i) => i.metadata.name).sort();
  };

  /** Runs with a cancellable progress notification; resolves with every pod's result. */
  const execute = async (context: string, targets: readonly BatchTarget[], command: readonly string[], what: string): Promise<BatchResult[]> => {
    const namespaces = [...new Set(targets.map((t) => t.namespace))];
    const { concurrency, timeoutMs } = batchSettings();
    return guardAction(
      access,
      context,
      namespaces.map((ns) => actionQuery('exec', PODS_QUERY, ns)),
      async () =>
        await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `${formatCommandLine(command)} in ${what}`, cancellable: true }, async (progress, token) => {
          const ac = new AbortController();
          const sub = token.onCancellationRequested(() => ac.abort());
          let bad = 0;
          try {
            return await runBatch(channelsOf(transportOf(clusters, context)), targets, {
              command,
              concurrency,
              timeoutMs,
              signal: ac.signal,
              onResult: (r, done, total) => {
                if (failed(r)) bad++;
                progress.report({ increment: 100 / total, message: `${done}/${total} pods${bad ? `, ${bad} failed` : ''}` });
              },
            });
          } finally {
            sub.dispose();
          }
        }),
    );
  };

  const show = async (uri: vscode.Uri): Promise<void> => {
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc, { preview: false });
  };

  return [
    vscode.commands.registerCommand('kubeAtlas.runInPods', async (node?: BrowseNode, nodes?: BrowseNode[]) => {
      try {
        const scope = await scopeOf(node, nodes);
        if (!scope) return;
        const command = await askCommand(scope.describe);
        if (!command) return;
        const targets = await podsBySelector(transportOf(clusters, scope.context), scope.selector, scope.namespace);
        if (!targets.length) {
          void vscode.window.showInformationMessage(`No running pods in ${scope.describe} (context "${scope.context}").`);
          return;
        }
        const results = await execute(scope.context, targets, command, scope.describe);
        const uri = documents.uriFor({ context: scope.context, command });
        documents.set(uri, { context: scope.context, scope: scope.describe, command, results, runs: 1 });
        await show(uri);
      } catch (e) {
        showFailure('Run Command in Pods', e);
      }
    }),
    vscode.commands.registerCommand('kubeAtlas.rerunFailed', async (uri?: vscode.Uri) => {
      const target = uri?.scheme === BATCH_SCHEME ? uri : vscode.window.activeTextEditor?.document.uri;
      const run = target?.scheme === BATCH_SCHEME ? documents.get(target) : undefined;
      if (!target || !run) {
        void vscode.window.showInformationMessage('Open the results of "Run Command in Pods…" to re-run the pods that failed.');
        return;
      }
      const again = run.results.filter(failed).map((r) => r.target);
      if (!again.length) {
        void vscode.window.showInformationMessage('Every pod succeeded: nothing to re-run.');
        return;
      }
      try {
        const fresh = await execute(run.context, again, run.command, `${again.length} failed pod${again.length === 1 ? '' : 's'} of ${run.scope}`);
        documents.merge(target, fresh);
        await show(target);
      } catch (e) {
        showFailure('Re-run Failed', e);
      }
    }),
  ];
}
