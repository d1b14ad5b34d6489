// The watch layer against the real apiserver, through what breaks watches in real life: the
// kubeconfig entry rewritten under an open tree (token refresh, `aws eks update-kubeconfig`), the
// Reconnect command, a connection that goes silent without closing, repeated 410 Gone, and a
// continue token that expires in the middle of a paged list.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { dump, load } from 'js-yaml';
import { ClusterManager } from '../../src/kube/clusters/clusterManager';
import { KubeconfigSource } from '../../src/kube/clusters/kubeconfigSource';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import type { KubeObject } from '../../src/kube/kinds/types';
import { createTransport } from '../../src/kube/transport/createTransport';
import { KubeApiError } from '../../src/kube/transport/types';
import { BrowseModel, type BrowseState } from '../../src/kube/tree/browseModel';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import type { ListerWatcher, ListOptions } from '../../src/kube/watch/listerWatcher';
import type { WatchStatus } from '../../src/kube/watch/reflector';
import { SharedWatch } from '../../src/kube/watch/sharedWatch';
import { transportListerWatcher } from '../../src/kube/watch/transportListerWatcher';
import { realStack } from '../support/realStack';
import { TreeDriver } from '../support/treeDriver';
import { waitFor } from '../support/waitFor';
import { startSilentProxy } from './harness/silentProxy';
import { uniqueName, useCluster } from './harness/use-cluster';
import { createNamespace, deleteNamespace } from './harness/workloads';

const ns = uniqueName('t-recovery');
const cluster = useCluster({
  setup: (c) => createNamespace(c.api, ns),
  teardown: (c) => deleteNamespace(c.api, ns),
});
const state: BrowseState = { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined };
const fastBackoff = { initialMs: 100, maxMs: 2_000, factor: 2, jitter: 0, resetAfterMs: 60_000 };

interface KubeconfigDoc {
  contexts: { name: string; context: { namespace?: string } }[];
}

/** Rewrites a kubeconfig the way tools do: a new file renamed over the old one. */
function rewrite(path: string, edit: (doc: KubeconfigDoc) => void): void {
  const doc = load(readFileSync(path, 'utf8')) as KubeconfigDoc;
  edit(doc);
  writeFileSync(`${path}.tmp`, dump(doc));
  renameSync(`${path}.tmp`, path);
}

async function child(driver: TreeDriver, parent: BrowseNode, pred: (n: BrowseNode) => boolean, what: string): Promise<BrowseNode> {
  return waitFor(async () => (await driver.expand(parent)).find(pred), { what, timeoutMs: 30_000 });
}

test('an open tree follows new objects after its kubeconfig entry is rewritten and after Reconnect', async () => {
  const c = cluster();
  const dir = mkdtempSync(join(tmpdir(), 'kube-atlas-kubeconfig-'));
  const path = join(dir, 'config');
  writeFileSync(path, readFileSync(c.kubeconfig));
  const source = new KubeconfigSource(50);
  const clusters = new ClusterManager((m, ctx) => createTransport(m, ctx), { lingerMs: 0, batchMs: 10 });
  const sub = source.onDidChange((m) => void clusters.setKubeconfig(m));
  await clusters.setKubeconfig(await source.load([path]));
  const model = new BrowseModel(clusters, state, { refreshDelayMs: 10 });
  const driver = new TreeDriver(model);
  try {
    const ctxName = clusters.kubeconfig!.contexts[0]!.name;
    const ctx = model.roots().find((n) => n.context === ctxName)!;
    const nsNode = await child(driver, ctx, (n) => n.type === 'namespace' && n.label === ns, ns);
    const workloads = await child(driver, nsNode, (n) => n.label === 'Workloads', 'Workloads');
    const deployments = await child(driver, workloads, (n) => n.resource?.kind === 'Deployment', 'Deployments');
    await driver.expand(deployments);
    const shows = (name: string) => () => driver.showing(deployments).some((n) => n.label === name);

    await c.kubectl(['-n', ns, 'create', 'deployment', 'before', '--image=registry.invalid/x:1', '--replicas=0']);
    await waitFor(shows('before'), { what: 'a Deployment made before any change appears' });

    // 1. The context's entry gains a default namespace (what `kubectl config set-context --current
    //    --namespace` or a credential refresh writes): the session is replaced under the open tree.
    const oldWatches = model.heldWatches().map((w) => w.watch);
    rewrite(path, (doc) => {
      doc.contexts[0]!.context.namespace = ns;
    });
    await waitFor(() => clusters.kubeconfig?.contexts[0]?.namespace === ns, { what: 'the rewritten kubeconfig is adopted' });
    assert.ok(oldWatches.every((w) => w.status.phase === 'stopped' && !w.status.synced), 'the old watches stopped and say so');
    await c.kubectl(['-n', ns, 'create', 'deployment', 'after-rewrite', '--image=registry.invalid/x:1', '--replicas=0']);
    await waitFor(shows('after-rewrite'), { what: 'a Deployment made after the rewrite appears without any click', timeoutMs: 15_000 });
    assert.ok(model.heldWatches().every((w) => w.watch.status.phase !== 'stopped'), 'the tree holds only live watches');

    // 2. Reconnect Context.
    await clusters.resetContext(ctxName);
    await c.kubectl(['-n', ns, 'create', 'deployment', 'after-reconnect', '--image=registry.invalid/x:1', '--replicas=0']);
    await waitFor(shows('after-reconnect'), { what: 'a Deployment made after Reconnect appears without any click', timeoutMs: 15_000 });
  } finally {
    driver.dispose();
    model.dispose();
    sub.dispose();
    source.dispose();
    await clusters.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a watch whose connection goes silent without closing is restarted and catches up', async () => {
  const c = cluster();
  const proxy = await startSilentProxy(c.ports.apiserver);
  const merged = await loadKubeconfigs([c.kubeconfig]);
  const entry = [...merged.clusters.values()][0]!;
  merged.clusters.set(entry.name, { ...entry, server: `https://127.0.0.1:${proxy.port}` });
  const transport = createTransport(merged, merged.contexts[0]!.name);
  const stack = await realStack(c.kubeconfig);
  const pods = stack.registry.get('pods')!;
  await stack.close();
  const w = new SharedWatch(transportListerWatcher(transport, pods, ns), { batchMs: 10, backoff: fastBackoff, idleTimeoutMs: 2_000 });
  const statuses: WatchStatus[] = [];
  w.onStatus((s) => statuses.push(s));
  try {
    w.start();
    await w.whenSynced();
    // 'watching' is reported once when the list lands and again when the watch stream is up:
    // silence only after the second, so the watch's own connection is the one that goes quiet.
    await waitFor(() => statuses.filter((s) => s.phase === 'watching').length >= 2, { what: 'the watch stream up through the proxy' });
    proxy.silence();
    const name = uniqueName('silent');
    await c.api.ok('POST', `/api/v1/namespaces/${ns}/pods`, { metadata: { name }, spec: { nodeName: 'kwok-node-0', containers: [{ name: 'c', image: 'registry.invalid/x:1' }] } });
    await waitFor(() => w.store.get(`${ns}/${name}`), { what: 'the pod created during the silence reaches the cache', timeoutMs: 15_000 });
    assert.ok(statuses.some((s) => s.phase === 'backoff' && /silent/.test(String(s.error))), `the dead connection was detected and reported (${statuses.map((s) => `${s.phase}:${s.error?.message ?? ''}`).join(' | ')})`);
    assert.equal(w.status.phase, 'watching');
  } finally {
    await w.stop();
    await transport.close();
    await proxy.close();
  }
});

/** The real ListerWatcher with a hook after each list page and a record of every list's options. */
function instrumented(lw: ListerWatcher, afterPage: (opts: ListOptions, n: number) => Promise<void>): ListerWatcher & { lists: Omit<ListOptions, 'signal'>[]; errors: unknown[] } {
  const lists: Omit<ListOptions, 'signal'>[] = [];
  const errors: unknown[] = [];
  return {
    lists,
    errors,
    async list(opts) {
      const { signal: _s, ...o } = opts;
      lists.push(o);
      try {
        const page = await lw.list(opts);
        await afterPage(opts, lists.length);
        return page;
      } catch (e) {
        errors.push(e);
        throw e;
      }
    },
    watch: (opts) => lw.watch(opts),
  };
}

function podTemplate(name: string): object {
  return { metadata: { name }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'registry.invalid/x:1' }] } } };
}

test('repeated 410 Gone from the real apiserver relists with growing backoff, then settles', async () => {
  const c = cluster();
  const stack = await realStack(c.kubeconfig);
  const type = stack.registry.get('podtemplates')!;
  assert.ok(c.state.uncachedResources.includes('podtemplates'), 'podtemplates are etcd-served here, so compaction expires their watches');
  await c.api.ok('POST', `/api/v1/namespaces/${ns}/podtemplates`, podTemplate('seed'));
  // After each of the first three lists: a write, then compaction past the list's version, so the
  // watch that follows starts from a version etcd no longer has.
  const lw = instrumented(transportListerWatcher(stack.transport, type, ns), async (_o, n) => {
    if (n > 3) return;
    await c.api.ok('POST', `/api/v1/namespaces/${ns}/podtemplates`, podTemplate(`churn-${n}`));
    await c.compactEtcd();
  });
  const w = new SharedWatch(lw, { batchMs: 10, backoff: fastBackoff });
  const statuses: WatchStatus[] = [];
  w.onStatus((s) => statuses.push(s));
  try {
    w.start();
    await waitFor(() => lw.lists.length >= 4 && w.status.phase === 'watching', { what: 'four lists, then a lasting watch', timeoutMs: 30_000 });
    const waits = statuses.filter((s) => s.phase === 'backoff').map((s) => s.retryInMs);
    assert.deepEqual(waits, [100, 200], 'the first 410 relists at once; the next ones in a row back off, doubling');
    assert.equal(lw.lists[1]?.resourceVersionMatch, 'NotOlderThan', 'relists ask for not-older-than (served from the watch cache where there is one)');
    const fresh = await c.api.ok<{ items: KubeObject[] }>('GET', `/api/v1/namespaces/${ns}/podtemplates`);
    await waitFor(() => w.store.size === fresh.items.length, { what: 'the cache equals a fresh list' });
    assert.deepEqual([...w.store.list()].map((o) => o.metadata.name).sort(), fresh.items.map((o) => o.metadata.name).sort());
  } finally {
    await w.stop();
    await stack.close();
  }
});

test('a continue token that expires in the middle of a paged list restarts the list cleanly', async () => {
  const c = cluster();
  const stack = await realStack(c.kubeconfig);
  const type = stack.registry.get('podtemplates')!;
  const listNs = uniqueName('t-midlist');
  await createNamespace(c.api, listNs);
  try {
    for (let i = 0; i < 7; i++) await c.api.ok('POST', `/api/v1/namespaces/${listNs}/podtemplates`, podTemplate(`p${i}`));
    // After the first page: a write and a compaction, so the continue token's snapshot is gone.
    const lw = instrumented(transportListerWatcher(stack.transport, type, listNs), async (o, n) => {
      if (n !== 1 || o.continueToken) return;
      await c.api.ok('POST', `/api/v1/namespaces/${listNs}/podtemplates`, podTemplate('written-mid-list'));
      await c.compactEtcd();
    });
    const w = new SharedWatch(lw, { batchMs: 10, backoff: fastBackoff, pageSize: 3 });
    try {
      w.start();
      await w.whenSynced();
      assert.ok(lw.errors.some((e) => e instanceof KubeApiError && e.status === 410), `the apiserver expired the continue token (errors: ${lw.errors.map(String).join('; ')})`);
      assert.ok(!!lw.lists[1]?.continueToken && !lw.lists[2]?.continueToken, 'the list started over after the expired page');
      const names = [...w.store.list()].map((o) => o.metadata.name).sort();
      assert.deepEqual(names, [...Array.from({ length: 7 }, (_, i) => `p${i}`), 'written-mid-list'].sort(), 'complete, no duplicates, nothing stale');
    } finally {
      await w.stop();
    }
  } finally {
    await deleteNamespace(c.api, listNs);
    await stack.close();
  }
});
