// "Which namespace?" for palette commands (Topology, Top Pods). The pick opens at once with what is
// known without a request (the selected namespace, the context's own kubeconfig namespace, the
// namespaces the tree's shared watch already holds) and fills in from that same shared namespace
// watch, acquired for as long as the pick is open: a user who never expanded the context still gets
// every namespace, and one who expanded it pays nothing. A user who may not list namespaces is told
// so and can type one.
import * as vscode from 'vscode';
import type { ClusterManager } from '../../kube/clusters/clusterManager';
import type { WatchLease } from '../../kube/watch/watchHub';

/** The "All namespaces" entry's label; `pickNamespace` returns it as is. */
export const ALL_NAMESPACES = '$(globe) All namespaces';

export interface NamespacePickOptions {
  title: string;
  /** Offered first when present (the tree's selection, the last choice). */
  preferred?: string[];
  /** Where "All namespaces" goes: first (a cluster-wide default) or last. */
  all: 'first' | 'last';
}

// RFC 1123 label: what a typed name must look like before we offer it.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** A namespace name, ALL_NAMESPACES, or undefined when the user cancelled. */
export async function pickNamespace(clusters: ClusterManager, context: string, opts: NamespacePickOptions): Promise<string | undefined> {
  const own = clusters.kubeconfig?.contexts.find((c) => c.name === context)?.namespace ?? 'default';
  const listed = new Set<string>();
  let note: string | undefined;
  const qp = vscode.window.createQuickPick();
  qp.title = opts.title;
  qp.placeholder = 'Loading namespaces… (or type one)';
  qp.busy = true;
  qp.matchOnDescription = true;

  const render = (): void => {
    const head = [...new Set([...(opts.preferred ?? []), own])].filter(Boolean);
    const rest = [...listed].filter((n) => !head.includes(n)).sort();
    const typed = qp.value.trim();
    const names = [...head, ...rest];
    const items: vscode.QuickPickItem[] = names.map((label) => ({ label, description: listed.size && !listed.has(label) ? 'not listed' : undefined }));
    // A name the list lacks (not listed yet, or not listable): offer it as typed.
    if (typed && DNS_LABEL.test(typed) && !names.includes(typed)) items.unshift({ label: typed, description: 'as typed' });
    const all = { label: ALL_NAMESPACES };
    qp.items = opts.all === 'first' ? [all, ...items] : [...items, all];
    if (note) qp.placeholder = note;
  };

  let lease: WatchLease | undefined;
  const load = async (): Promise<void> => {
    const st = await clusters.session(context)?.connect();
    const type = st?.phase === 'ready' ? st.registry.get('namespaces') : undefined;
    if (!type) {
      note = `Cannot list namespaces of ${context}${st?.phase === 'error' ? `: ${st.error.message}` : ''}. Type one.`;
      return;
    }
    lease = clusters.hub.acquire(context, type);
    await lease.watch.whenSettled();
    const status = lease.watch.status;
    for (const o of lease.watch.store.list()) if (o.metadata.name) listed.add(o.metadata.name);
    if (!status.synced) {
      note =
        status.phase === 'forbidden'
          ? `You may not list namespaces in ${context}: pick your own or type one.`
          : `Cannot list namespaces of ${context}${status.error ? `: ${status.error.message}` : ''}. Type one.`;
    } else {
      note = 'Which namespace? (or type one)';
    }
  };

  return new Promise<string | undefined>((resolve) => {
    let done = false;
    const finish = (v: string | undefined): void => {
      if (done) return;
      done = true;
      resolve(v);
      qp.dispose();
      lease?.release();
    };
    render();
    qp.onDidChangeValue(render);
    qp.onDidAccept(() => finish(qp.activeItems[0]?.label));
    qp.onDidHide(() => finish(undefined));
    qp.show();
    load()
      .catch((e: unknown) => {
        note = `Cannot list namespaces of ${context}: ${e instanceof Error ? e.message : String(e)}. Type one.`;
      })
      .finally(() => {
        if (done) {
          lease?.release();
          return;
        }
        qp.busy = false;
        render();
      });
  });
}
