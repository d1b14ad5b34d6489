// A rollout followed in a progress notification (cancellable), from the watch cache: the message
// is kubectl rollout status's, the bar follows updated/desired, and it ends with success or the
// reason the rollout is stuck. The tree row shows the same progress by itself (its summary).
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import { followRollout } from '../../kube/actions/rollout/follow';
import type { RolloutState } from '../../kube/actions/rollout/status';
import type { WorkloadKind } from '../../kube/actions/rollout/workload';

export interface FollowRequest {
  context: string;
  kind: WorkloadKind;
  namespace: string;
  name: string;
  /** The generation our change produced; the follower ignores older objects. */
  minGeneration?: number;
}

/** Follows until the end; resolves with the final state (undefined when the context is gone). */
export async function followInNotification(clusters: ClusterManager, req: FollowRequest): Promise<RolloutState | undefined> {
  const session = clusters.session(req.context);
  const st = await session?.connect();
  if (st?.phase !== 'ready') {
    void vscode.window.showErrorMessage(`Cannot follow the rollout: context "${req.context}" is not connected.`);
    return undefined;
  }
  const title = `${req.kind} ${req.namespace}/${req.name}`;
  const final = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Rollout of ${title}`, cancellable: true },
    async (progress, token) => {
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      let shown = 0;
      try {
        return await followRollout(
          { hub: clusters.hub, registry: st.registry, context: req.context, kind: req.kind, namespace: req.namespace, name: req.name },
          {
            minGeneration: req.minGeneration,
            signal: abort.signal,
            onUpdate: (s) => {
              const p = s.progress;
              const pct = p?.desired ? Math.min(100, Math.round((100 * Math.min(p.updated ?? 0, p.available ?? 0)) / p.desired)) : undefined;
              const increment = pct !== undefined && pct > shown ? pct - shown : undefined;
              if (increment) shown += increment;
              progress.report({ message: s.message, increment });
            },
          },
        );
      } finally {
        sub.dispose();
      }
    },
  );
  if (final.phase === 'complete') void vscode.window.showInformationMessage(`${title}: ${final.message}`);
  else if (final.phase === 'stuck') void vscode.window.showWarningMessage(`${title} is stuck: ${final.message}`);
  else if (final.phase === 'failed') void vscode.window.showErrorMessage(`${title}: ${final.message}`);
  return final;
}
