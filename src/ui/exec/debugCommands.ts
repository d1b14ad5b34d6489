// "Debug…" on a pod row: `kubectl debug` in the editor. An ephemeral container in the pod itself
// (it stays until the pod goes: the confirmation says so), or a copy of the pod with a debug
// container; then the terminal attaches to the debug container's shell once it runs, pinned to
// its context like every exec terminal. The wait is on the pod watch, with the waiting reasons
// shown (an image that cannot be pulled says so instead of spinning).
import * as vscode from 'vscode';
import type { AccessReviewer } from '../../kube/access/accessReviewer';
import { guardAction } from '../../kube/access/guard';
import { actionQuery } from '../../kube/access/objectActions';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import { addEphemeralContainer, createDebugCopy } from '../../kube/debug/debugPod';
import { waitForContainer } from '../../kube/debug/waitContainer';
import type { BrowseNode } from '../../kube/tree/nodes';
import { showFailure, transportOf } from '../commands/actionTargets';
import { confirmAction } from '../confirm';
import { SECTION } from '../settings';
import { PodShellTerminal, terminalName } from './execTerminal';

export interface DebugDeps {
  clusters: ClusterManager;
  access: AccessReviewer;
  view: vscode.TreeView<BrowseNode>;
  isProduction: (context: string) => boolean;
}

const PODS = { kind: 'Pod', group: '', plural: 'pods', namespaced: true } as const;

export function registerDebugCommands(deps: DebugDeps): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('kubeAtlas.debugPod', async (node?: BrowseNode) => {
      const target = node ?? deps.view.selection[0];
      const pod = target?.object;
      const name = pod?.metadata.name;
      if (!target || !pod || !name || !target.namespace || target.resource?.kind !== 'Pod') {
        void vscode.window.showInformationMessage('Select a pod in the Kube Atlas tree to debug it.');
        return;
      }
      const { context, namespace } = target;
      try {
        const how = await vscode.window.showQuickPick(
          [
            { label: 'Ephemeral container in this pod', detail: 'Sees the pod\'s network and, with a target, a container\'s processes. It stays in the pod until the pod is deleted.', copy: false },
            { label: 'Copy of the pod with a debug container', detail: `A new pod ${name}-debug: no labels (no Service sends it traffic), no probes, processes shared.`, copy: true },
          ],
          { placeHolder: `Debug pod ${namespace}/${name} (context ${context})` },
        );
        if (!how) return;
        const image = await vscode.window.showInputBox({
          prompt: 'Image of the debug container',
          value: vscode.workspace.getConfiguration(SECTION).get<string>('debug.image', 'busybox:1.36'),
          validateInput: (v) => (v.trim() ? undefined : 'An image, e.g. busybox:1.36'),
        });
        if (!image) return;
        const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name);
        let targetContainer: string | undefined;
        if (!how.copy && containers.length) {
          const picked = await vscode.window.showQuickPick([...containers.map((c) => ({ label: c, description: 'see its processes' })), { label: 'None', description: 'the pod\'s network only' }], { placeHolder: 'Target container (process namespace to share)' });
          if (!picked) return;
          targetContainer = picked.label === 'None' ? undefined : picked.label;
        }
        const action = how.copy ? `Create a debug copy of pod ${namespace}/${name}` : `Add an ephemeral debug container (${image.trim()}) to pod ${namespace}/${name}`;
        const ok = await confirmAction({ action, context, production: deps.isProduction(context), button: how.copy ? 'Create' : 'Add', detail: how.copy ? undefined : 'Ephemeral containers cannot be removed: it stays in the pod spec until the pod is deleted.' });
        if (!ok) return;
        await guardAction(deps.access, context, how.copy ? [{ verb: 'create', group: '', resource: 'pods', namespace }] : [actionQuery('debug', PODS, namespace)], async () => {
          const t = transportOf(deps.clusters, context);
          const spec = { image: image.trim(), ...(targetContainer ? { target: targetContainer } : {}) };
          const made = how.copy ? await createDebugCopy(t, namespace, name, spec) : { pod: name, container: await addEphemeralContainer(t, namespace, name, spec) };
          const running = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Starting ${made.container} in ${namespace}/${made.pod}`, cancellable: true }, (progress, token) => {
            const ac = new AbortController();
            token.onCancellationRequested(() => ac.abort());
            return waitForContainer(deps.clusters, { context, namespace, pod: made.pod, container: made.container }, { timeoutMs: 120_000, signal: ac.signal, onWaiting: (why) => progress.report({ message: why }) });
          });
          if (!running.running) {
            void vscode.window.showWarningMessage(`Debug container ${made.container} in ${namespace}/${made.pod}: ${running.why}.`);
            return;
          }
          const shell = { context, namespace, pod: made.pod, container: made.container, attach: true };
          const term = vscode.window.createTerminal({ name: terminalName(shell), pty: new PodShellTerminal(deps.clusters, shell, ''), iconPath: new vscode.ThemeIcon('debug') });
          term.show();
        });
      } catch (e) {
        showFailure('Debug', e);
      }
    }),
  ];
}
