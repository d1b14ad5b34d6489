// Delete from the tree: one object or every selected one, with the propagation policy chosen
// (Background, kubectl's default, first), a confirmation naming the context (asked per context
// when the selection spans several; production contexts ask twice), access checked first, and a
// summary of what was deleted. The tree shows the objects go by itself.
import * as vscode from 'vscode';
import type { AccessReviewer } from '../../kube/access/accessReviewer';
import { actionQuery } from '../../kube/access/objectActions';
import { type DeleteOutcome, deleteObjects, type PropagationPolicy } from '../../kube/actions/deleteObjects';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { BrowseNode } from '../../kube/tree/nodes';
import { confirmAction } from '../confirm';
import { type ActionTarget, describeTarget, showFailure, targetsOf, transportOf } from './actionTargets';

export interface DeleteCommandDeps {
  clusters: ClusterManager;
  access: AccessReviewer;
  isProduction(context: string): boolean;
  view: vscode.TreeView<BrowseNode>;
}

const POLICIES: (vscode.QuickPickItem & { policy: PropagationPolicy })[] = [
  { label: 'Background', description: 'default', detail: 'Delete now; the garbage collector then deletes what it owns (ReplicaSets, Pods).', policy: 'Background' },
  { label: 'Foreground', detail: 'Delete what it owns first; the object stays (being deleted) until they are gone.', policy: 'Foreground' },
  { label: 'Orphan', detail: 'Delete only the object; what it owns is left running, without an owner.', policy: 'Orphan' },
];

export function registerDeleteCommand(deps: DeleteCommandDeps): vscode.Disposable[] {
  const run = async (node?: BrowseNode, nodes?: BrowseNode[], policyArg?: PropagationPolicy): Promise<void> => {
    const targets = targetsOf(node, nodes, deps.view);
    if (!targets.length) {
      void vscode.window.showInformationMessage('Select the objects to delete in the Kube Atlas tree.');
      return;
    }
    const names = targets.length === 1 ? describeTarget(targets[0]!) : `${targets.length} objects`;
    let policy = policyArg;
    if (!policy) {
      const pick = await vscode.window.showQuickPick(POLICIES, { title: `Delete ${names}: what happens to what they own?`, placeHolder: 'Propagation policy' });
      if (!pick) return;
      policy = pick.policy;
    }
    const byContext = new Map<string, ActionTarget[]>();
    for (const t of targets) byContext.set(t.context, [...(byContext.get(t.context) ?? []), t]);
    const outcomes: DeleteOutcome[] = [];
    for (const [context, group] of byContext) {
      try {
        // Every distinct (namespace, kind) needs delete; a missing one is named before anything is deleted.
        const seen = new Set<string>();
        for (const t of group) {
          const q = actionQuery('delete', t.type, t.namespace);
          const key = JSON.stringify(q);
          if (seen.has(key)) continue;
          seen.add(key);
          await deps.access.require(context, q);
        }
      } catch (e) {
        showFailure(`Delete ${group.length === 1 ? describeTarget(group[0]!) : `${group.length} objects`}`, e);
        continue;
      }
      const list = group.slice(0, 10).map(describeTarget).join('\n') + (group.length > 10 ? `\n… and ${group.length - 10} more` : '');
      const ok = await confirmAction({
        action: group.length === 1 ? `Delete ${describeTarget(group[0]!)}` : `Delete ${group.length} objects`,
        context,
        production: deps.isProduction(context),
        button: 'Delete',
        detail: `${group.length > 1 ? `${list}\n\n` : ''}Propagation: ${policy}.`,
      });
      if (!ok) continue;
      outcomes.push(...(await deleteObjects(() => transportOf(deps.clusters, context), group, policy)));
    }
    report(outcomes);
  };
  return [vscode.commands.registerCommand('kubeAtlas.delete', run)];
}

function report(outcomes: readonly DeleteOutcome[]): void {
  if (!outcomes.length) return;
  const failed = outcomes.filter((o) => o.outcome === 'failed');
  const done = outcomes.filter((o) => o.outcome !== 'failed');
  const deleting = outcomes.filter((o) => o.outcome === 'deleting').length;
  if (done.length) {
    const what = done.length === 1 ? describeTarget(done[0]!.target) : `${done.length} objects`;
    vscode.window.setStatusBarMessage(`Deleted ${what}${deleting ? ` (${deleting} finishing: finalizers or dependents first)` : ''}`, 5000);
  }
  for (const f of failed) if (f.outcome === 'failed') showFailure(`Delete ${describeTarget(f.target)}`, f.error);
}
