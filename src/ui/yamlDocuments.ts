// Read-only YAML views of cluster objects that update live: each open document holds a lease on
// the watch that serves its object and, when the watch reports a change of that object, reads it
// again. The object is fetched from the server (kinds/objectYaml.ts), not taken from the cache: the
// cache holds projections and metadata only (a Secret's values are never kept, only shown here).
import * as vscode from 'vscode';
import type { ClusterManager } from '../kube/clusters/clusterManager';
import { fetchObjectYaml } from '../kube/kinds/objectYaml';
import { resourceId, type ResourceType } from '../kube/kinds/resourceType';
import { type KubeObject, objectKey } from '../kube/kinds/types';
import type { Disposable } from '../kube/util/emitter';
import type { WatchLease } from '../kube/watch/watchHub';

export const YAML_SCHEME = 'kubeatlas';

export function yamlUri(context: string, type: ResourceType, namespace: string | undefined, name: string): vscode.Uri {
  const parts = [context, resourceId(type), namespace ?? '_', `${name}.yaml`].map(encodeURIComponent);
  return vscode.Uri.from({ scheme: YAML_SCHEME, path: `/${parts.join('/')}` });
}

function parseUri(uri: vscode.Uri): { context: string; rid: string; namespace: string | undefined; name: string } | undefined {
  const parts = uri.path.split('/').slice(1).map(decodeURIComponent);
  if (parts.length !== 4) return undefined;
  const [context, rid, ns, file] = parts as [string, string, string, string];
  return { context, rid, namespace: ns === '_' ? undefined : ns, name: file.replace(/\.yaml$/, '') };
}

export class YamlDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly open = new Map<string, { lease: WatchLease; sub: Disposable; shownRv?: string }>();
  private readonly disposables: vscode.Disposable[] = [this.emitter];

  constructor(private readonly clusters: ClusterManager) {
    this.disposables.push(
      vscode.workspace.onDidCloseTextDocument((doc) => {
        if (doc.uri.scheme !== YAML_SCHEME) return;
        const e = this.open.get(doc.uri.toString());
        if (!e) return;
        this.open.delete(doc.uri.toString());
        e.sub.dispose();
        e.lease.release();
      }),
    );
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const p = parseUri(uri);
    if (!p) return '# Not a Kube Atlas object address.\n';
    const session = this.clusters.session(p.context);
    if (!session) return `# Context "${p.context}" is no longer in the kubeconfig.\n`;
    const state = await session.connect();
    if (state.phase !== 'ready') return `# Cannot reach context "${p.context}": ${state.phase === 'error' ? state.error.message : state.phase}\n`;
    const type = state.registry.get(p.rid);
    if (!type) return `# The cluster no longer serves ${p.rid}.\n`;
    const key = uri.toString();
    const objKey = objectKey({ metadata: { namespace: p.namespace, name: p.name } });
    let entry = this.open.get(key);
    if (!entry) {
      // Reuse the tree's cluster-wide watch when there is one; otherwise watch just this namespace.
      const lease = this.clusters.hub.peek(p.context, type) ? this.clusters.hub.acquire(p.context, type) : this.clusters.hub.acquire(p.context, type, p.namespace);
      const e: { lease: WatchLease; sub: Disposable; shownRv?: string } = { lease, sub: { dispose: () => undefined } };
      e.sub = lease.watch.onChange((cs) => {
        const hit = (o: KubeObject): boolean => objectKey(o) === objKey;
        if (!(cs.relisted || cs.added.some(hit) || cs.deleted.some(hit) || cs.updated.some((u) => hit(u.new)))) return;
        // Read it again only if the cache's version differs from the one shown (a relist or our
        // own GET being ahead of the watch would otherwise cost a request for nothing).
        const rv = lease.watch.store.get(objKey)?.metadata.resourceVersion;
        if (rv === undefined || rv !== e.shownRv) this.emitter.fire(uri);
      });
      entry = e;
      this.open.set(key, entry);
    }
    const shown = await fetchObjectYaml(session.transport, type, p.namespace, p.name);
    entry.shownRv = shown.resourceVersion;
    return shown.yaml;
  }

  dispose(): void {
    for (const e of this.open.values()) {
      e.sub.dispose();
      e.lease.release();
    }
    this.open.clear();
    for (const d of this.disposables) d.dispose();
  }
}
