// context → namespace → pod → container, as quick picks fed by the watch cache (the same shared
// watches the tree uses, so an open tree answers at once), the last choice first at every step.
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { KubeObject } from '../../kube/kinds/types';
import { KubeApiError } from '../../kube/transport/types';
import type { ShellTarget } from './execTerminal';

const LAST_KEY = 'kubeAtlas.exec.lastTarget';

interface Last {
  context?: string;
  namespace?: string;
  pod?: string;
  container?: string;
}

export class PodPicker {
  constructor(
    private readonly clusters: ClusterManager,
    private readonly memento: vscode.Memento,
    private readonly currentContext: () => string | undefined,
  ) {}

  /** The last target shell was opened on (remembered per workspace). */
  remember(t: ShellTarget): Thenable<void> {
    return this.memento.update(LAST_KEY, { context: t.context, namespace: t.namespace, pod: t.pod, container: t.container } satisfies Last);
  }

  async pick(token?: vscode.CancellationToken): Promise<ShellTarget | undefined> {
    const last = this.memento.get<Last>(LAST_KEY, {});
    const contexts = this.clusters.contextNames();
    if (!contexts.length) throw new Error('No Kubernetes contexts in the kubeconfig.');
    const context = await choose(contexts, [last.context, this.currentContext()], 'Context of the pod', token);
    if (!context) return undefined;
    const namespaces = await this.names(context, 'namespaces', undefined);
    const namespace = await choose(namespaces.map((o) => o.metadata.name ?? ''), [context === last.context ? last.namespace : undefined, 'default'], `Namespace in ${context}`, token);
    if (!namespace) return undefined;
    const pods = (await this.names(context, 'pods', namespace)).filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
    if (!pods.length) throw new Error(`No running pods in namespace ${namespace} of ${context}.`);
    const podName = await choose(
      pods.map((p) => p.metadata.name ?? ''),
      [context === last.context && namespace === last.namespace ? last.pod : undefined],
      `Pod in ${context}/${namespace}`,
      token,
    );
    const pod = pods.find((p) => p.metadata.name === podName);
    if (!pod || !podName) return undefined;
    const container = await pickContainer(pod, last.pod === podName ? last.container : undefined, token);
    if (container === null) return undefined;
    return { context, namespace, pod: podName, container, podUid: pod.metadata.uid };
  }

  /** Every object of a kind from the shared watch (waits for its first list). */
  private async names(context: string, resource: string, namespace: string | undefined): Promise<KubeObject[]> {
    const session = this.clusters.session(context);
    if (!session) throw new KubeApiError(`Context "${context}" is no longer in the kubeconfig`, { kind: 'credentials' });
    const state = await session.connect();
    if (state.phase !== 'ready') throw new Error(`Cannot reach ${context}: ${state.phase === 'error' ? state.error.message : state.phase}`);
    const type = state.registry.get(resource);
    if (!type) throw new Error(`${context} does not serve ${resource}`);
    const lease = this.clusters.hub.acquire(context, type, namespace);
    try {
      await lease.watch.whenSettled();
      const status = lease.watch.status;
      if (!status.synced && status.error) throw status.error;
      return [...lease.watch.store.list()].sort((a, b) => (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''));
    } finally {
      lease.release();
    }
  }
}

/** One quick pick; the preferred entries (last choice, then a default) come first. */
export async function choose(items: string[], preferred: (string | undefined)[], placeHolder: string, token?: vscode.CancellationToken): Promise<string | undefined> {
  const first = preferred.filter((p): p is string => !!p && items.includes(p));
  const ordered = [...new Set([...first, ...items])];
  const picked = await vscode.window.showQuickPick(
    ordered.map((label, i) => ({ label, description: i === 0 && first.length ? 'last used' : undefined })),
    { placeHolder, matchOnDescription: false },
    token,
  );
  return picked?.label;
}

/** The container to open: the only one, or the user's choice; null when the user cancelled. */
export async function pickContainer(pod: KubeObject, preferred?: string, token?: vscode.CancellationToken): Promise<string | undefined | null> {
  const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map((c) => c.name);
  if (containers.length <= 1) return containers[0];
  return (await choose(containers, [preferred], `Container in pod ${pod.metadata.name}`, token)) ?? null;
}
