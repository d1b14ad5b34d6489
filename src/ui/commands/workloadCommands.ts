// Actions on workloads from the tree: scale, rollout status / restart / history / undo / pause /
// resume. Each checks access first (a denial says which permission is missing for which user),
// confirms where it matters (production contexts twice), calls the API through the core
// (kube/actions) and lets the watch cache show the result; rollouts are followed live.
import * as vscode from 'vscode';
import type { AccessReviewer } from '../../kube/access/accessReviewer';
import { guardAction } from '../../kube/access/guard';
import { actionQuery } from '../../kube/access/objectActions';
import { readScale, parseReplicas, scaleObject } from '../../kube/actions/scale';
import { fetchHistory, type Revision } from '../../kube/actions/rollout/history';
import { setPaused } from '../../kube/actions/rollout/pause';
import { restartWorkload } from '../../kube/actions/rollout/restart';
import { undoRollout } from '../../kube/actions/rollout/undo';
import { isWorkloadKind, type WorkloadKind } from '../../kube/actions/rollout/workload';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { BrowseNode } from '../../kube/tree/nodes';
import { confirmAction } from '../confirm';
import { followInNotification } from '../rollout/followProgress';
import { RevisionDocuments } from '../rollout/revisionDocuments';
import { type ActionTarget, describeTarget, showFailure, targetsOf, transportOf } from './actionTargets';

export interface WorkloadCommandDeps {
  clusters: ClusterManager;
  access: AccessReviewer;
  isProduction(context: string): boolean;
  view: vscode.TreeView<BrowseNode>;
}

type Workload = ActionTarget & { kind: WorkloadKind; namespace: string };

function asWorkload(t: ActionTarget | undefined): Workload | undefined {
  if (t?.type.group !== 'apps' || !isWorkloadKind(t.type.kind) || !t.namespace) return undefined;
  return { ...t, kind: t.type.kind, namespace: t.namespace };
}

export function registerWorkloadCommands(deps: WorkloadCommandDeps): vscode.Disposable[] {
  const { clusters, access, view } = deps;
  const revisions = new RevisionDocuments();

  const first = (node: BrowseNode | undefined, nodes: BrowseNode[] | undefined): ActionTarget | undefined => targetsOf(node, nodes, view)[0];
  const workload = (node: BrowseNode | undefined, nodes: BrowseNode[] | undefined): Workload | undefined => {
    const w = asWorkload(first(node, nodes));
    if (!w) void vscode.window.showInformationMessage('Select a Deployment, StatefulSet or DaemonSet in the Kube Atlas tree.');
    return w;
  };
  const follow = (w: Workload, minGeneration?: number) =>
    followInNotification(clusters, { context: w.context, kind: w.kind, namespace: w.namespace, name: w.name, minGeneration });

  const scale = async (node?: BrowseNode, nodes?: BrowseNode[]): Promise<void> => {
    const t = first(node, nodes);
    if (!t?.type.scalable) {
      void vscode.window.showInformationMessage('Select an object that can be scaled (Deployment, StatefulSet, ReplicaSet, or a custom resource with a scale subresource).');
      return;
    }
    const what = describeTarget(t);
    try {
      await guardAction(access, t.context, [actionQuery('scale', t.type, t.namespace)], async () => {
        const transport = transportOf(clusters, t.context);
        // The prompt shows what the Scale says now; the cache's copy stands in if reading it fails.
        const current = await readScale(transport, t.type, t.namespace, t.name).catch(() => ({
          desired: (t.object.spec as { replicas?: number } | undefined)?.replicas ?? 0,
          current: (t.object.status as { replicas?: number } | undefined)?.replicas,
        }));
        const input = await vscode.window.showInputBox({
          title: `Scale ${what} (context "${t.context}")`,
          prompt: `Current replicas: ${current.desired} desired${current.current !== undefined ? `, ${current.current} running` : ''}. New number of replicas:`,
          value: String(current.desired),
          ignoreFocusOut: true,
          validateInput: (v) => {
            const r = parseReplicas(v);
            return 'error' in r ? r.error : undefined;
          },
        });
        if (input === undefined) return;
        const parsed = parseReplicas(input);
        if ('error' in parsed) return;
        const replicas = parsed.replicas;
        if (replicas === current.desired) {
          void vscode.window.showInformationMessage(`${what} already has ${replicas} replicas.`);
          return;
        }
        const production = deps.isProduction(t.context);
        if (replicas === 0 && production) {
          const ok = await confirmAction({ action: `Scale ${what} to 0 replicas`, context: t.context, production, button: 'Scale to 0', detail: 'Every pod of it stops.' });
          if (!ok) return;
        }
        const res = await scaleObject(transport, t.type, t.namespace, t.name, replicas);
        for (const w of res.warnings) void vscode.window.showWarningMessage(`${what}: ${w}`);
        vscode.window.setStatusBarMessage(`Scaled ${what} from ${current.desired} to ${res.replicas} replicas`, 5000);
      });
    } catch (e) {
      showFailure(`Scale ${what}`, e);
    }
  };

  const restart = async (node?: BrowseNode, nodes?: BrowseNode[]): Promise<void> => {
    const w = workload(node, nodes);
    if (!w) return;
    const what = describeTarget(w);
    try {
      const ok = await confirmAction({
        action: `Restart ${what}`,
        context: w.context,
        production: deps.isProduction(w.context),
        button: 'Restart',
        detail: 'Every pod is replaced, as the rollout strategy allows (kubectl rollout restart).',
      });
      if (!ok) return;
      const res = await guardAction(access, w.context, [actionQuery('patch', w.type, w.namespace)], () => restartWorkload(transportOf(clusters, w.context), w.kind, w.namespace, w.name));
      for (const m of res.warnings) void vscode.window.showWarningMessage(`${what}: ${m}`);
      await follow(w, res.updated.metadata.generation);
    } catch (e) {
      showFailure(`Restart ${what}`, e);
    }
  };

  const status = async (node?: BrowseNode, nodes?: BrowseNode[]): Promise<void> => {
    const w = workload(node, nodes);
    if (w) await follow(w);
  };

  const pickRevision = async (w: Workload, placeHolder: string, withPrevious: boolean): Promise<{ revision: Revision | undefined; toRevision: number; history: Revision[] } | undefined> => {
    const h = await guardAction(access, w.context, [actionQuery('history', w.type, w.namespace)], () => fetchHistory(transportOf(clusters, w.context), w.kind, w.namespace, w.name));
    if (!h.revisions.length) {
      void vscode.window.showInformationMessage(`${describeTarget(w)} has no rollout history.`);
      return undefined;
    }
    type Item = vscode.QuickPickItem & { revision?: Revision; toRevision: number };
    const items: Item[] = [];
    if (withPrevious) items.push({ label: 'Previous revision', description: 'as kubectl rollout undo', toRevision: 0 });
    for (const r of [...h.revisions].reverse()) {
      items.push({
        label: `Revision ${r.revision}`,
        description: [r.current ? 'current' : '', r.changeCause ?? ''].filter(Boolean).join(' · '),
        detail: r.images.join(', '),
        revision: r,
        toRevision: r.revision,
      });
    }
    const pick = await vscode.window.showQuickPick(items, { title: `Rollout history of ${describeTarget(w)} (context "${w.context}")`, placeHolder, matchOnDescription: true, matchOnDetail: true });
    return pick ? { revision: pick.revision, toRevision: pick.toRevision, history: h.revisions } : undefined;
  };

  const undo = async (w: Workload, toRevision: number): Promise<void> => {
    const what = describeTarget(w);
    const ok = await confirmAction({
      action: `Roll back ${what} to ${toRevision === 0 ? 'the previous revision' : `revision ${toRevision}`}`,
      context: w.context,
      production: deps.isProduction(w.context),
      button: 'Roll Back',
      detail: 'The pod template of that revision replaces the current one (kubectl rollout undo).',
    });
    if (!ok) return;
    const res = await guardAction(access, w.context, [actionQuery('history', w.type, w.namespace), actionQuery('patch', w.type, w.namespace)], () =>
      undoRollout(transportOf(clusters, w.context), w.kind, w.namespace, w.name, toRevision),
    );
    for (const m of res.warnings) void vscode.window.showWarningMessage(`${what}: ${m}`);
    if (res.plan.action === 'skip') {
      void vscode.window.showInformationMessage(`${what}: ${res.plan.message}.`);
      return;
    }
    await follow(w, res.updated?.metadata.generation);
  };

  const history = async (node?: BrowseNode, nodes?: BrowseNode[]): Promise<void> => {
    const w = workload(node, nodes);
    if (!w) return;
    try {
      const picked = await pickRevision(w, 'Pick a revision to compare or roll back to', false);
      if (!picked?.revision) return;
      const r = picked.revision;
      const current = picked.history.find((x) => x.current);
      type Act = vscode.QuickPickItem & { run: () => Promise<void> };
      const title = `${w.kind}-${w.namespace}-${w.name}`;
      const diff = async (a: Revision, b: Revision): Promise<void> => {
        const left = revisions.uriFor(w.context, title, a.revision, a.template);
        const right = revisions.uriFor(w.context, title, b.revision, b.template);
        await vscode.commands.executeCommand('vscode.diff', left, right, `${describeTarget(w)}: revision ${a.revision} ↔ ${b.revision}`, { preview: true });
      };
      const acts: Act[] = [];
      if (current && current !== r) acts.push({ label: `Compare with the current revision (${current.revision})`, run: () => diff(r, current) });
      acts.push({
        label: 'Compare with another revision…',
        run: async () => {
          const other = await vscode.window.showQuickPick(
            picked.history.filter((x) => x !== r).reverse().map((x) => ({ label: `Revision ${x.revision}`, description: [x.current ? 'current' : '', x.changeCause ?? ''].filter(Boolean).join(' · '), detail: x.images.join(', '), x })),
            { title: `Compare revision ${r.revision} with…` },
          );
          if (other) await diff(other.x.revision < r.revision ? other.x : r, other.x.revision < r.revision ? r : other.x);
        },
      });
      if (!r.current) acts.push({ label: `Roll back to revision ${r.revision}`, run: () => undo(w, r.revision) });
      const act = await vscode.window.showQuickPick(acts, { title: `Revision ${r.revision} of ${describeTarget(w)}` });
      await act?.run();
    } catch (e) {
      showFailure(`Rollout history of ${describeTarget(w)}`, e);
    }
  };

  const undoCommand = async (node?: BrowseNode, nodes?: BrowseNode[]): Promise<void> => {
    const w = workload(node, nodes);
    if (!w) return;
    try {
      const picked = await pickRevision(w, 'Roll back to…', true);
      if (!picked) return;
      await undo(w, picked.toRevision);
    } catch (e) {
      showFailure(`Undo rollout of ${describeTarget(w)}`, e);
    }
  };

  const pause = (paused: boolean) => async (node?: BrowseNode, nodes?: BrowseNode[]): Promise<void> => {
    const w = workload(node, nodes);
    if (!w) return;
    const what = describeTarget(w);
    if (w.kind !== 'Deployment') {
      void vscode.window.showInformationMessage(`Only Deployments can be paused (${what} is a ${w.kind}).`);
      return;
    }
    try {
      if (deps.isProduction(w.context)) {
        const ok = await confirmAction({ action: `${paused ? 'Pause' : 'Resume'} the rollout of ${what}`, context: w.context, production: true, button: paused ? 'Pause' : 'Resume' });
        if (!ok) return;
      }
      const res = await guardAction(access, w.context, [actionQuery('patch', w.type, w.namespace)], () => setPaused(transportOf(clusters, w.context), w.namespace, w.name, paused));
      if (res.outcome === 'already paused') {
        void vscode.window.showInformationMessage(`${what} is already paused.`);
        return;
      }
      for (const m of res.warnings) void vscode.window.showWarningMessage(`${what}: ${m}`);
      vscode.window.setStatusBarMessage(`${what} ${res.outcome}`, 5000);
      // Resuming starts whatever changed while paused.
      if (!paused) await follow(w, res.updated.metadata.generation);
    } catch (e) {
      showFailure(`${paused ? 'Pause' : 'Resume'} ${what}`, e);
    }
  };

  return [
    revisions,
    vscode.commands.registerCommand('kubeAtlas.scale', scale),
    vscode.commands.registerCommand('kubeAtlas.rolloutRestart', restart),
    vscode.commands.registerCommand('kubeAtlas.rolloutStatus', status),
    vscode.commands.registerCommand('kubeAtlas.rolloutHistory', history),
    vscode.commands.registerCommand('kubeAtlas.rolloutUndo', undoCommand),
    vscode.commands.registerCommand('kubeAtlas.rolloutPause', pause(true)),
    vscode.commands.registerCommand('kubeAtlas.rolloutResume', pause(false)),
  ];
}
