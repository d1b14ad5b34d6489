// "Show Logs" on pods and containers, "Show Logs…" (asks for the options), "Show Logs (all pods)"
// on workloads, "Show Logs by Label Selector…" on namespaces, and "Stop Following" on a log view.
// Each checks `get pods/log` first (a denial names the user and the permission), then opens a
// live log document (logDocuments.ts) filled by the core (kube/logs).
import * as vscode from 'vscode';
import type { AccessReviewer } from '../../kube/access/accessReviewer';
import { guardAction } from '../../kube/access/guard';
import { actionQuery, hasPodLogs } from '../../kube/access/objectActions';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { KindRegistry } from '../../kube/kinds/kindRegistry';
import type { KubeObject } from '../../kube/kinds/types';
import { type LogOptions, parseDuration } from '../../kube/logs/logOptions';
import { containerLogSession, describeOptions, type LogSession, podSetLogSession, selectorText, workloadSelector } from '../../kube/logs/logSession';
import { parseLabelSelector } from '../../kube/logs/podSource';
import type { LabelSelector } from '../../kube/watch/labelSelector';
import type { BrowseNode } from '../../kube/tree/nodes';
import { showFailure, targetsOf, transportOf } from '../commands/actionTargets';
import { LOGS_SCHEME, type LogDocuments, logsUri } from './logDocuments';
import { readLogSettings } from './logSettings';

export interface LogCommandDeps {
  clusters: ClusterManager;
  access: AccessReviewer;
  view: vscode.TreeView<BrowseNode>;
  documents: LogDocuments;
}

interface PodTarget {
  context: string;
  namespace: string;
  pod: KubeObject;
  /** Chosen on a container row. */
  container?: string;
}

function podTarget(node: BrowseNode | undefined, view: vscode.TreeView<BrowseNode>): PodTarget | undefined {
  const n = node ?? view.selection[0];
  if (n?.type === 'container' && n.object && n.containerName) return { context: n.context, namespace: n.object.metadata.namespace ?? '', pod: n.object, container: n.containerName };
  const t = targetsOf(n, undefined, view)[0];
  if (t?.type.kind !== 'Pod' || !t.namespace) return undefined;
  return { context: t.context, namespace: t.namespace, pod: t.object };
}

function containersOf(pod: KubeObject): { name: string; init: boolean }[] {
  const spec = (pod.spec ?? {}) as { containers?: { name: string }[]; initContainers?: { name: string }[] };
  return [...(spec.containers ?? []).map((c) => ({ name: c.name, init: false })), ...(spec.initContainers ?? []).map((c) => ({ name: c.name, init: true }))];
}

/** Follow, timestamps, previous instance, then how far back: a multi-select and a single pick. */
async function askOptions(defaults: LogOptions, withPrevious: boolean): Promise<LogOptions | undefined> {
  type Flag = vscode.QuickPickItem & { key: 'follow' | 'timestamps' | 'previous' };
  const flags: Flag[] = [
    { key: 'follow', label: 'Follow', description: 'keep streaming new lines', picked: defaults.follow },
    { key: 'timestamps', label: 'Timestamps', description: 'show when each line was written', picked: defaults.timestamps },
    ...(withPrevious ? [{ key: 'previous' as const, label: 'Previous instance', description: 'what the container wrote before it last restarted', picked: false }] : []),
  ];
  const chosen = await vscode.window.showQuickPick(flags, { canPickMany: true, title: 'Log options', placeHolder: 'Pick the options, then press Enter' });
  if (!chosen) return undefined;
  const on = (k: Flag['key']) => chosen.some((c) => c.key === k);
  type Range = vscode.QuickPickItem & { tailLines?: number; sinceSeconds?: number; custom?: boolean };
  const ranges: Range[] = [
    { label: 'Last 100 lines', tailLines: 100 },
    { label: 'Last 1000 lines', tailLines: 1000 },
    { label: 'Last 5 minutes', sinceSeconds: 300 },
    { label: 'Last hour', sinceSeconds: 3600 },
    { label: 'Everything the kubelet keeps' },
    { label: 'Since…', description: 'a duration such as 10m or 1h30m', custom: true },
  ];
  const range = await vscode.window.showQuickPick(ranges, { title: 'How far back', placeHolder: 'Which lines to start with' });
  if (!range) return undefined;
  let sinceSeconds = range.sinceSeconds;
  if (range.custom) {
    const text = await vscode.window.showInputBox({ title: 'Since', prompt: 'How far back, e.g. 10m, 1h30m, 45s', validateInput: (v) => (parseDuration(v) ? undefined : 'A duration like 10m, 1h30m or 45s') });
    if (text === undefined) return undefined;
    sinceSeconds = parseDuration(text);
  }
  return { follow: on('follow'), timestamps: on('timestamps'), previous: on('previous'), tailLines: range.tailLines, sinceSeconds };
}

export function registerLogCommands(deps: LogCommandDeps): vscode.Disposable[] {
  const { clusters, access, view, documents } = deps;

  const registry = async (context: string): Promise<KindRegistry> => {
    const s = clusters.session(context);
    const st = s ? await s.connect() : undefined;
    if (st?.phase !== 'ready') throw new Error(`context "${context}" is not connected`);
    return st.registry;
  };

  const podLogs = async (node: BrowseNode | undefined, ask: boolean): Promise<void> => {
    const t = podTarget(node, view);
    if (!t) {
      void vscode.window.showInformationMessage('Select a pod or a container in the Kube Atlas tree to show its logs.');
      return;
    }
    const podName = t.pod.metadata.name ?? '';
    try {
      const containers = containersOf(t.pod);
      let container = t.container;
      if (!container) {
        if (containers.length === 1) container = containers[0]?.name;
        else {
          const pick = await vscode.window.showQuickPick(
            containers.map((c) => ({ label: c.name, description: c.init ? 'init container' : '' })),
            { title: `Logs of pod ${t.namespace}/${podName}`, placeHolder: 'Which container?' },
          );
          container = pick?.label;
        }
      }
      if (!container) return;
      const settings = readLogSettings();
      const opts = ask ? await askOptions(settings.options, true) : settings.options;
      if (!opts) return;
      const podType = (await registry(t.context)).get('pods');
      if (!podType) throw new Error('this cluster does not serve pods');
      const ref = { namespace: t.namespace, pod: podName, container };
      await guardAction(access, t.context, [actionQuery('logs', podType, t.namespace)], async () => undefined);
      const transport = transportOf(clusters, t.context);
      const name = `${podName} ${container}${opts.previous ? ' (previous)' : ''}`;
      const session = await documents.show(logsUri(t.context, t.namespace, name), settings.maxLines, `Logs of pod ${t.namespace}/${podName}, container ${container}, context "${t.context}" — ${describeOptions(opts)}`, async (buffer) =>
        containerLogSession(transport, ref, opts, buffer, { containers: containers.map((c) => c.name) }),
      );
      reportFailure(session, `Logs of ${podName}/${container}`);
    } catch (e) {
      showFailure(`Show logs of pod ${t.namespace}/${podName}`, e);
    }
  };

  const podSetLogs = async (context: string, namespace: string, title: string, fileName: string, selector: () => Promise<LabelSelector>): Promise<void> => {
    try {
      const settings = readLogSettings();
      const reg = await registry(context);
      const podType = reg.get('pods');
      if (!podType) throw new Error('this cluster does not serve pods');
      await guardAction(access, context, [actionQuery('logs', podType, namespace)], async () => undefined);
      const transport = transportOf(clusters, context);
      const sel = await selector();
      const opts = { ...settings.options, maxStreams: settings.maxStreams };
      await documents.show(logsUri(context, namespace, fileName), settings.maxLines, `Logs of ${title} (pods matching ${selectorText(sel)}), context "${context}" — ${describeOptions(opts)}`, async (buffer) => {
        const s = await podSetLogSession(transport, { hub: clusters.hub, context, podType, namespace, selector: sel }, opts, buffer);
        if ('error' in s) throw new Error(s.error);
        return s;
      });
    } catch (e) {
      showFailure(`Show logs of ${title}`, e);
    }
  };

  return [
    vscode.commands.registerCommand('kubeAtlas.showLogs', (node?: BrowseNode) => podLogs(node, false)),
    vscode.commands.registerCommand('kubeAtlas.showLogsWithOptions', (node?: BrowseNode) => podLogs(node, true)),
    vscode.commands.registerCommand('kubeAtlas.showWorkloadLogs', async (node?: BrowseNode, nodes?: BrowseNode[]) => {
      const t = targetsOf(node, nodes, view)[0];
      if (!t?.namespace || !hasPodLogs(t.type) || t.type.kind === 'Pod') {
        void vscode.window.showInformationMessage('Select a Deployment, StatefulSet, DaemonSet, ReplicaSet or Job in the Kube Atlas tree.');
        return;
      }
      const ns = t.namespace;
      await podSetLogs(t.context, ns, `${t.type.kind} ${ns}/${t.name}`, `${t.type.kind.toLowerCase()} ${t.name}`, () => workloadSelector(transportOf(clusters, t.context), t.type, ns, t.name));
    }),
    vscode.commands.registerCommand('kubeAtlas.showSelectorLogs', async (node?: BrowseNode) => {
      const n = node ?? view.selection[0];
      const namespace = n?.type === 'namespace' ? n.label : n?.namespace;
      if (!n || !namespace) {
        void vscode.window.showInformationMessage('Select a namespace in the Kube Atlas tree.');
        return;
      }
      const text = await vscode.window.showInputBox({
        title: `Logs of the pods in ${namespace} matching a label selector`,
        prompt: 'A label selector as kubectl -l takes it, e.g. app=web or app in (web,api),tier!=db',
        validateInput: (v) => {
          const r = parseLabelSelector(v);
          return 'error' in r ? r.error : undefined;
        },
      });
      if (text === undefined) return;
      const sel = parseLabelSelector(text);
      if ('error' in sel) return;
      await podSetLogs(n.context, namespace, `namespace ${namespace}`, `pods ${text.trim()}`, async () => sel);
    }),
    vscode.commands.registerCommand('kubeAtlas.stopLogs', (uri?: vscode.Uri) => {
      const target = uri?.scheme === LOGS_SCHEME ? uri : vscode.window.activeTextEditor?.document.uri;
      if (!target || target.scheme !== LOGS_SCHEME || !documents.stop(target)) void vscode.window.showInformationMessage('No log view is being followed here.');
    }),
  ];
}

/** A view that failed outright (403, no such container, no previous instance) also says so in a notification. */
function reportFailure(session: LogSession | undefined, what: string): void {
  void session?.done.then((end) => {
    if (end.reason === 'failed') void vscode.window.showErrorMessage(`${what}: ${end.error.message}${end.error.hint ? ` ${end.error.hint}` : ''}`);
  });
}
