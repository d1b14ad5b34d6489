// "Open Shell" on pod and container rows, and the "Kubernetes Pod Shell" terminal profile (the
// terminal's "+" menu), which asks context → namespace → pod → container. Every terminal made
// here is closed when the extension goes away, so no socket outlives it.
import * as vscode from 'vscode';
import type { AccessReviewer } from '../../kube/access/accessReviewer';
import { guardAction } from '../../kube/access/guard';
import { actionQuery } from '../../kube/access/objectActions';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { BrowseNode } from '../../kube/tree/nodes';
import { showFailure } from '../commands/actionTargets';
import { SECTION } from '../settings';
import { PodShellTerminal, type ShellTarget, terminalName } from './execTerminal';
import { KubectlPtyTerminal, kubectlExecArgs } from './ptyTerminal';
import { PodPicker, pickContainer } from './podPicker';

export const PROFILE_ID = 'kubeAtlas.podShell';

export interface ExecDeps {
  clusters: ClusterManager;
  access: AccessReviewer;
  memento: vscode.Memento;
  view: vscode.TreeView<BrowseNode>;
  currentContext: () => string | undefined;
  /** The kubeconfig files the tree reads (KUBECONFIG of a kubectl-mode terminal). */
  kubeconfigPaths: () => string[];
}

function shellSetting(): string {
  return vscode.workspace.getConfiguration(SECTION).get<string>('exec.shell', '');
}

/** The pod (and container) a pod or container row shows; null when the user cancelled the container pick. */
async function targetOfNode(node: BrowseNode | undefined): Promise<ShellTarget | null | undefined> {
  const pod = node?.object;
  const name = pod?.metadata.name;
  if (!node || !pod || !name || !node.namespace) return undefined;
  if (node.type === 'container') {
    return { context: node.context, namespace: node.namespace, pod: name, container: node.containerName, podUid: pod.metadata.uid };
  }
  if (node.type !== 'object' || node.resource?.kind !== 'Pod') return undefined;
  const container = await pickContainer(pod);
  if (container === null) return null;
  return { context: node.context, namespace: node.namespace, pod: name, container, podUid: pod.metadata.uid };
}

export function registerExecCommands(deps: ExecDeps): vscode.Disposable[] {
  const picker = new PodPicker(deps.clusters, deps.memento, deps.currentContext);
  const terminals = new Set<vscode.Terminal>();
  const pseudo = (t: ShellTarget): vscode.Pseudoterminal => {
    void picker.remember(t);
    // "kubectl": the user's own kubectl exec -it in a pty; "api" (default): our channel client.
    if (vscode.workspace.getConfiguration(SECTION).get<string>('exec.mode', 'api') === 'kubectl') {
      return new KubectlPtyTerminal(kubectlExecArgs(t, shellSetting().trim().split(/\s+/).filter(Boolean)), 'kubectl exec', deps.kubeconfigPaths);
    }
    return new PodShellTerminal(deps.clusters, t, shellSetting());
  };
  const options = (t: ShellTarget): vscode.ExtensionTerminalOptions => ({ name: terminalName(t), pty: pseudo(t), iconPath: new vscode.ThemeIcon('terminal') });

  return [
    vscode.commands.registerCommand('kubeAtlas.openShell', async (node?: BrowseNode) => {
      try {
        const fromRow = await targetOfNode(node ?? deps.view.selection[0]);
        if (fromRow === null) return;
        const t = fromRow ?? (await picker.pick());
        if (!t) return;
        // A menu entry may be stale (RBAC changed): ask before opening, and explain a denial.
        await guardAction(deps.access, t.context, [actionQuery('exec', { kind: 'Pod', group: '', plural: 'pods', namespaced: true }, t.namespace)], async () => {
          const term = vscode.window.createTerminal(options(t));
          terminals.add(term);
          term.show();
        });
      } catch (e) {
        showFailure('Open Shell', e);
      }
    }),
    vscode.window.registerTerminalProfileProvider(PROFILE_ID, {
      async provideTerminalProfile(token) {
        try {
          const t = await picker.pick(token);
          if (!t) return undefined;
          return new vscode.TerminalProfile(options(t));
        } catch (e) {
          showFailure('Kubernetes Pod Shell', e);
          return undefined;
        }
      },
    }),
    vscode.window.onDidCloseTerminal((t) => terminals.delete(t)),
    {
      dispose: () => {
        for (const t of terminals) t.dispose();
        terminals.clear();
      },
    },
  ];
}
