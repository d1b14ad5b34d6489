// The watch cache against the real kube-apiserver: objects created, scaled and deleted from
// outside appear in the cache within a deadline; an apiserver restart with etcd compacted
// mid-watch leaves the cache exactly equal to a fresh list (no duplicates, no losses).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { collectionPath } from '../../src/kube/kinds/resourceType';
import type { KubeObject } from '../../src/kube/kinds/types';
import type { ChangeSet } from '../../src/kube/watch/changeSet';
import type { ListerWatcher } from '../../src/kube/watch/listerWatcher';
import { SharedWatch } from '../../src/kube/watch/sharedWatch';
import { transportListerWatcher } from '../../src/kube/watch/transportListerWatcher';
import { realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { uniqueName, useCluster } from './harness/use-cluster';

const cluster = useCluster();

async function freshList(stack: Awaited<ReturnType<typeof realStack>>, path: string): Promise<Map<string, string>> {
  const res = await stack.transport.request<{ items: KubeObject[] }>({ path });
  return new Map(res.items.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.metadata.resourceVersion ?? '']));
}

function cacheMap(w: SharedWatch, ns: string): Map<string, string> {
  return new Map(w.store.byIndex('namespace', ns).map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o.metadata.resourceVersion ?? '']));
}

test('created, scaled and deleted workloads appear in the cache within a deadline', async () => {
  const c = cluster();
  const stack = await realStack(c.kubeconfig);
  const ns = uniqueName('live');
  const pods = stack.registry.get('pods')!;
  const lease = stack.clusters.hub.acquire(stack.context, pods);
  const deps = stack.clusters.hub.acquire(stack.context, stack.registry.get('deployments.apps')!);
  try {
    await lease.watch.whenSynced();
    await deps.watch.whenSynced();
    await c.kubectl(['create', 'namespace', ns]);
    await c.kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=2']);
    await waitFor(() => deps.watch.store.get(`${ns}/web`), { what: 'deployment web in the cache', timeoutMs: 10_000 });
    await waitFor(() => lease.watch.store.byIndex('namespace', ns).filter((p) => (p.status as { phase?: string })?.phase === 'Running').length === 2, { what: '2 running pods in the cache', timeoutMs: 60_000 });
    await c.kubectl(['-n', ns, 'scale', 'deployment/web', '--replicas=4']);
    await waitFor(() => lease.watch.store.byIndex('namespace', ns).length === 4, { what: 'scaled to 4 pods in the cache', timeoutMs: 60_000 });
    await waitFor(() => (deps.watch.store.get(`${ns}/web`)?.spec as { replicas?: number })?.replicas === 4, { what: 'deployment spec.replicas=4 in the cache' });
    await c.kubectl(['-n', ns, 'delete', 'deployment', 'web', '--wait=false']);
    await waitFor(() => !deps.watch.store.get(`${ns}/web`), { what: 'deployment gone from the cache' });
    await waitFor(() => lease.watch.store.byIndex('namespace', ns).length === 0, { what: 'pods gone from the cache (garbage collected)', timeoutMs: 60_000 });
    assert.equal(lease.watch.status.phase, 'watching');
  } finally {
    lease.release();
    deps.release();
    await stack.close();
    await c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  }
});

/** Wraps the real ListerWatcher so the test decides when a reconnect may happen. */
function gated(lw: ListerWatcher): { lw: ListerWatcher; close(): void; open(): void; watches: number } {
  let gate: Promise<void> | undefined;
  let release: (() => void) | undefined;
  const state = {
    watches: 0,
    lw: {
      list: (o) => lw.list(o),
      watch: async (o) => {
        state.watches++;
        if (gate) await gate;
        return lw.watch(o);
      },
    } as ListerWatcher,
    close() {
      gate = new Promise((r) => {
        release = r;
      });
    },
    open() {
      gate = undefined;
      release?.();
    },
  };
  return state;
}

test('apiserver restart + etcd compaction mid-watch: relist leaves the cache equal to a fresh list', async () => {
  const c = cluster();
  const stack = await realStack(c.kubeconfig);
  const ns = uniqueName('relist');
  const cms = stack.registry.get('configmaps')!;
  await c.kubectl(['create', 'namespace', ns]);
  for (const n of ['keep', 'doomed-1', 'doomed-2', 'changed']) await c.kubectl(['-n', ns, 'create', 'configmap', n, `--from-literal=v=${n}`]);
  const g = gated(transportListerWatcher(stack.transport, cms));
  const w = new SharedWatch(g.lw, { batchMs: 20, backoff: { initialMs: 50, maxMs: 500, factor: 2, jitter: 0.2, resetAfterMs: 60_000 } });
  const sets: ChangeSet[] = [];
  w.onChange((cs) => sets.push(cs));
  try {
    w.start();
    await w.whenSynced();
    await waitFor(() => w.status.phase === 'watching' && g.watches === 1, { what: 'watch established' });
    const listsBefore = sets.filter((s) => s.relisted).length;
    g.close();
    // Cut the watch and make its resourceVersion unusable, then change things while we are away.
    await c.forceWatchExpiry();
    await waitFor(() => g.watches >= 2, { what: 'the reflector tries to reconnect', timeoutMs: 30_000 });
    await c.kubectl(['-n', ns, 'delete', 'configmap', 'doomed-1', 'doomed-2']);
    await c.kubectl(['-n', ns, 'create', 'configmap', 'born-while-away', '--from-literal=v=1']);
    await c.kubectl(['-n', ns, 'patch', 'configmap', 'changed', '-p', '{"data":{"v":"new"}}']);
    g.open();
    const expected = await freshList(stack, collectionPath(cms, ns));
    await waitFor(() => JSON.stringify([...cacheMap(w, ns)].sort()) === JSON.stringify([...expected].sort()), { what: 'cache equal to a fresh list', timeoutMs: 60_000 });
    await waitFor(() => sets.filter((s) => s.relisted).length > listsBefore, { what: 'relist delivered' });
    const deleted = sets.flatMap((s) => s.deleted).map((o) => o.metadata.name);
    assert.ok(deleted.includes('doomed-1') && deleted.includes('doomed-2'), `synthesised deletes delivered (got ${deleted.join(',')})`);
    // ConfigMaps are cached as metadata only: the change shows as the fresh list's resourceVersion.
    assert.equal(w.store.get(`${ns}/changed`)?.metadata.resourceVersion, expected.get(`${ns}/changed`));
    // No duplicates: the store is keyed, and its namespace index agrees with it.
    assert.equal(w.store.countByIndex('namespace', ns), expected.size);
    // And it keeps watching after the relist.
    await c.kubectl(['-n', ns, 'create', 'configmap', 'after', '--from-literal=v=1']);
    await waitFor(() => w.store.get(`${ns}/after`), { what: 'live again after the relist' });
  } finally {
    g.open();
    await w.stop();
    await stack.close();
    await c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  }
});

test('a plain apiserver restart resumes the watch and misses nothing', async () => {
  const c = cluster();
  // A short backoff cap: with the default (800 ms doubling to 30 s) a restart that takes a while on
  // a loaded machine leaves the reflector in a long wait, which proves nothing about resuming.
  const stack = await realStack(c.kubeconfig, { lingerMs: 0, batchMs: 20, backoff: { initialMs: 100, maxMs: 2_000, factor: 2, jitter: 0.2, resetAfterMs: 60_000 } });
  const ns = uniqueName('restart');
  const cms = stack.registry.get('configmaps')!;
  const lease = stack.clusters.hub.acquire(stack.context, cms, undefined);
  try {
    await c.kubectl(['create', 'namespace', ns]);
    await lease.watch.whenSynced();
    await c.kubectl(['-n', ns, 'create', 'configmap', 'before', '--from-literal=v=1']);
    await waitFor(() => lease.watch.store.get(`${ns}/before`), { what: 'before in cache' });
    await c.restartApiserver();
    await c.kubectl(['-n', ns, 'create', 'configmap', 'after', '--from-literal=v=1']);
    await c.kubectl(['-n', ns, 'delete', 'configmap', 'before']);
    const expected = await freshList(stack, collectionPath(cms, ns));
    await waitFor(() => JSON.stringify([...cacheMap(lease.watch, ns)].sort()) === JSON.stringify([...expected].sort()), { what: 'cache equal to a fresh list after restart', timeoutMs: 60_000 });
  } finally {
    lease.release();
    await stack.close();
    await c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  }
});
