// "Port Forward…" on pod, Service and workload (Deployment, StatefulSet, DaemonSet) rows, the list of active forwards in a status bar item (click
// → pick one to stop, or stop all). Forwards are pinned to their context; a context reset stops
// a pod forward's pod watch (the next connection says the pod is gone) and a Service forward
// re-resolves a pod. Every forward stops when the extension goes away.
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import { watchPodLifetime } from '../../kube/exec/podLifetime';
import { type ForwardTarget, PortForward } from '../../kube/portforward/portForward';
import { resolveServicePod } from '../../kube/portforward/serviceTarget';
import { pickWorkloadPod } from '../../kube/portforward/workloadTarget';
import { objectPath } from '../../kube/kinds/resourceType';
import type { PodPort } from '../../kube/portforward/portForwardStream';
import type { LabelSelector } from '../../kube/watch/labelSelector';
import { channelsOf } from '../../kube/transport/channel/channelSocket';
import type { BrowseNode } from '../../kube/tree/nodes';
import { showFailure, transportOf } from '../commands/actionTargets';

interface ServiceSpecPort {
  name?: string;
  port: number;
  targetPort?: number | string;
}

export function registerPortForwardCommands(clusters: ClusterManager): vscode.Disposable[] {
  const forwards = new Set<PortForward>();
  const item = vscode.window.createStatusBarItem('kubeAtlas.portForwards', vscode.StatusBarAlignment.Left, 40);
  item.name = 'Kube Atlas Port Forwards';
  item.command = 'kubeAtlas.showPortForwards';
  const render = (): void => {
    if (!forwards.size) {
      item.hide();
      return;
    }
    const open = [...forwards].reduce((n, f) => n + f.activeConnections, 0);
    item.text = `$(plug) ${forwards.size} forward${forwards.size === 1 ? '' : 's'}${open ? ` · ${open} open` : ''}`;
    item.tooltip = [...forwards].map((f) => `${f.context}: ${f.describe()}${f.lastError ? ` — ${f.lastError}` : ''}`).join('\n');
    item.show();
  };

  const start = async (context: string, target: ForwardTarget, localPort: number, workload?: { selector: LabelSelector }): Promise<void> => {
    let resolve: ((avoid: ReadonlySet<string>) => Promise<PodPort>) | undefined;
    let onStop: (() => void) | undefined;
    if (target.kind === 'service') resolve = (avoid) => resolveServicePod(transportOf(clusters, context), target.namespace, target.service, target.port, avoid);
    else if (target.kind === 'workload' && workload) {
      // The namespace's pod watch (shared with the tree) answers which pods are ready, for as long as the forward runs.
      const lease = clusters.hub.acquire(context, await podType(context), target.namespace);
      onStop = () => lease.release();
      resolve = async (avoid) => {
        await lease.watch.whenSettled();
        const pod = pickWorkloadPod(lease.watch.store, workload.selector, target.namespace, target.port, avoid);
        if (!pod) throw new Error(`No ready pod of ${target.workloadKind} ${target.namespace}/${target.name}`);
        return pod;
      };
    }
    const fwd = new PortForward({
      context,
      target,
      localPort,
      opener: () => channelsOf(transportOf(clusters, context)),
      resolve,
      onStop,
      watchPod: (pod, gone) => watchPodLifetime(clusters, { context, namespace: pod.namespace, name: pod.pod }, gone),
    });
    try {
      await fwd.start();
    } catch (e) {
      onStop?.();
      throw e;
    }
    forwards.add(fwd);
    fwd.onDidChange(render);
    render();
    const open = 'Open in Browser';
    void vscode.window.showInformationMessage(`Forwarding ${fwd.describe()} (context ${context})`, open, 'Copy Address').then((a) => {
      const url = `http://127.0.0.1:${fwd.localPort}`;
      if (a === open) void vscode.env.openExternal(vscode.Uri.parse(url));
      else if (a) void vscode.env.clipboard.writeText(url);
    });
  };

  const podType = async (context: string) => {
    const state = await clusters.session(context)?.connect();
    const type = state?.phase === 'ready' ? state.registry.get('pods') : undefined;
    if (!type) throw new Error(`context "${context}" is not connected`);
    return type;
  };

  const stop = async (f: PortForward): Promise<void> => {
    forwards.delete(f);
    await f.stop();
    render();
  };

  return [
    item,
    vscode.commands.registerCommand('kubeAtlas.portForward', async (node?: BrowseNode) => {
      try {
        const obj = node?.object;
        const name = obj?.metadata.name;
        if (!node || !obj || !name || !node.namespace || node.type !== 'object') return;
        let target: ForwardTarget;
        let workload: { selector: LabelSelector } | undefined;
        if (node.resource?.kind === 'Service') {
          const ports = ((obj.spec as { ports?: ServiceSpecPort[] } | undefined)?.ports ?? []).filter((p) => typeof p.port === 'number');
          if (!ports.length) throw new Error(`Service ${node.namespace}/${name} has no ports`);
          const picked =
            ports.length === 1
              ? ports[0]
              : (await vscode.window.showQuickPick(ports.map((p) => ({ label: String(p.port), description: `${p.name ?? ''} → ${p.targetPort ?? p.port}`, port: p })), { placeHolder: 'Service port to forward' }))?.port;
          if (!picked) return;
          target = { kind: 'service', namespace: node.namespace, service: name, port: picked.port };
        } else if (node.resource?.kind === 'Pod') {
          const remote = await vscode.window.showInputBox({ prompt: `Port of pod ${node.namespace}/${name} to forward`, placeHolder: 'e.g. 8080', validateInput: validPort });
          if (!remote) return;
          target = { kind: 'pod', namespace: node.namespace, pod: name, port: Number(remote) };
        } else if (node.resource && WORKLOAD_KINDS.has(node.resource.kind)) {
          const kind = node.resource.kind;
          const full = await transportOf(clusters, node.context).request<{ spec?: { selector?: LabelSelector; template?: { spec?: { containers?: { ports?: { containerPort?: number }[] }[] } } } }>({ path: objectPath(node.resource, node.namespace, name) });
          const selector = full.spec?.selector;
          if (!selector) throw new Error(`${kind} ${node.namespace}/${name} has no pod selector`);
          const declared = (full.spec?.template?.spec?.containers ?? []).flatMap((c) => c.ports ?? []).map((p) => p.containerPort)[0];
          const remote = await vscode.window.showInputBox({ prompt: `Port of the pods of ${kind} ${node.namespace}/${name} to forward (one ready pod; another when it goes)`, placeHolder: 'e.g. 8080', value: declared ? String(declared) : undefined, validateInput: validPort });
          if (!remote) return;
          target = { kind: 'workload', namespace: node.namespace, workloadKind: kind, name, port: Number(remote) };
          workload = { selector };
        } else return;
        const local = await vscode.window.showInputBox({ prompt: 'Local port on 127.0.0.1 (empty: a free port)', validateInput: (v) => (v.trim() === '' ? undefined : validPort(v)) });
        if (local === undefined) return;
        await start(node.context, target, local.trim() ? Number(local) : 0, workload);
      } catch (e) {
        showFailure('Port Forward', e);
      }
    }),
    vscode.commands.registerCommand('kubeAtlas.showPortForwards', async () => {
      if (!forwards.size) {
        void vscode.window.showInformationMessage('No active port forwards. Start one from a pod or Service in the Kube Atlas tree.');
        return;
      }
      const all = { label: '$(debug-stop) Stop all', forward: undefined as PortForward | undefined };
      const picked = await vscode.window.showQuickPick(
        [...[...forwards].map((f) => ({ label: `$(debug-stop) ${f.describe()}`, description: `${f.context} · ${f.activeConnections} open`, detail: f.lastError, forward: f as PortForward | undefined })), all],
        { placeHolder: 'Pick a forward to stop' },
      );
      if (!picked) return;
      if (picked.forward) await stop(picked.forward);
      else for (const f of [...forwards]) await stop(f);
    }),
    {
      dispose: () => {
        for (const f of forwards) void f.stop();
        forwards.clear();
      },
    },
  ];
}

const WORKLOAD_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet']);

function validPort(v: string): string | undefined {
  const n = Number(v.trim());
  return Number.isInteger(n) && n >= 1 && n <= 65535 ? undefined : 'A port number from 1 to 65535';
}
