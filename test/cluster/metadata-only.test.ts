// Hold less, and never secrets, against the real kube-apiserver: Secrets are listed and watched
// as PartialObjectMetadata, so no value reaches the cache (after the list and after watch events,
// including kubectl's last-applied annotation, which repeats the values); counts in the tree are
// right; the YAML view reads the object when it is opened and shows its data. Pods are projected,
// and the projection renders like the pod the server returns.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fetchObjectYaml } from '../../src/kube/kinds/objectYaml';
import { objectPath } from '../../src/kube/kinds/resourceType';
import { summarize } from '../../src/kube/kinds/summary';
import type { KubeObject } from '../../src/kube/kinds/types';
import { BrowseModel } from '../../src/kube/tree/browseModel';
import { makeContainerNodes, makeObjectNode } from '../../src/kube/tree/nodeFactory';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import type { SharedWatch } from '../../src/kube/watch/sharedWatch';
import { transportListerWatcher } from '../../src/kube/watch/transportListerWatcher';
import { realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { uniqueName, useCluster } from './harness/use-cluster';

const cluster = useCluster();

const VALUE = 'aHVudGVyMi1zM2NyM3Q='; // base64 of "hunter2-s3cr3t"

/** Fails when any cached Secret carries anything but metadata, or a value anywhere. */
function assertNoSecretContent(w: SharedWatch, what: string): void {
  for (const o of w.store.list()) {
    assert.deepEqual(Object.keys(o), ['metadata'], `${what}: ${o.metadata.namespace}/${o.metadata.name} holds metadata only`);
    const text = JSON.stringify(o);
    assert.ok(!text.includes(VALUE) && !text.includes('hunter2'), `${what}: no secret value in ${o.metadata.name}`);
    assert.ok(!o.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], `${what}: no last-applied annotation`);
  }
}

test('Secrets: metadata only in the cache after the list and after watch events, right counts, data only in the opened YAML', async () => {
  const c = cluster();
  const ns = uniqueName('secrets');
  const dir = mkdtempSync(join(tmpdir(), 'kube-atlas-secret-'));
  const stack = await realStack(c.kubeconfig);
  const model = new BrowseModel(stack.clusters, { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined });
  try {
    await c.kubectl(['create', 'namespace', ns]);
    // kubectl apply: its last-applied annotation repeats the data.
    const file = join(dir, 'applied.yaml');
    writeFileSync(file, `apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\n  namespace: ${ns}\n  labels: {app: web}\ntype: Opaque\ndata:\n  password: ${VALUE}\n`);
    await c.kubectl(['apply', '-f', file]);
    await c.kubectl(['-n', ns, 'create', 'secret', 'generic', 'created', '--from-literal=password=hunter2-s3cr3t']);
    const secrets = stack.registry.get('secrets')!;
    assert.equal(secrets.metadataOnly, true);

    // The server itself sends no values: a list page and watch events as they arrive, before
    // anything of ours could strip them.
    const raw = transportListerWatcher(stack.transport, secrets, ns, { projection: null });
    const ac = new AbortController();
    const page = await raw.list({ limit: 50, resourceVersion: '', signal: ac.signal });
    assert.equal(page.items.length, 2);
    for (const o of page.items) {
      assert.ok(!('data' in o) && !('stringData' in o), 'the list page has no data');
      // Metadata includes annotations and the API cannot leave them out: kubectl apply's
      // last-applied annotation repeats the values. It is the only place they appear, and the
      // projection drops it (checked on the cache below).
      const { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied, ...others } = o.metadata.annotations ?? {};
      assert.ok(!JSON.stringify({ ...o, metadata: { ...o.metadata, annotations: others } }).includes(VALUE), 'no value outside the last-applied annotation');
      assert.equal(lastApplied !== undefined, o.metadata.name === 'applied', 'only the applied Secret has a last-applied annotation');
    }
    const events = await raw.watch({ resourceVersion: page.resourceVersion, timeoutSeconds: 60, allowWatchBookmarks: false, signal: ac.signal });

    const lease = stack.clusters.hub.acquire(stack.context, secrets);
    await lease.watch.whenSynced();
    assertNoSecretContent(lease.watch, 'after the list');
    assert.equal(lease.watch.store.byIndex('namespace', ns).length, 2);

    // Watch events: a new Secret, and a changed value of an existing one (by apply and by patch).
    await c.kubectl(['-n', ns, 'create', 'secret', 'generic', 'later', '--from-literal=token=hunter2-s3cr3t']);
    const before = lease.watch.store.get(`${ns}/applied`)!.metadata.resourceVersion;
    writeFileSync(file, `apiVersion: v1\nkind: Secret\nmetadata:\n  name: applied\n  namespace: ${ns}\n  labels: {app: web}\ntype: Opaque\ndata:\n  password: ${VALUE}\n  extra: ${VALUE}\n`);
    await c.kubectl(['apply', '-f', file]);
    await c.kubectl(['-n', ns, 'patch', 'secret', 'created', '--type=merge', '-p', `{"stringData":{"more":"hunter2-s3cr3t"}}`]);
    await waitFor(() => lease.watch.store.get(`${ns}/later`) && lease.watch.store.get(`${ns}/applied`)!.metadata.resourceVersion !== before, { what: 'the new and the updated Secret in the cache' });
    const createdRv = (await stack.transport.request<KubeObject>({ path: objectPath(secrets, ns, 'created') })).metadata.resourceVersion;
    await waitFor(() => lease.watch.store.get(`${ns}/created`)?.metadata.resourceVersion === createdRv, { what: 'the patched Secret in the cache' });
    assertNoSecretContent(lease.watch, 'after watch events');
    assert.equal(lease.watch.store.byIndex('namespace', ns).length, 3);
    // The raw watch stream carried metadata only too.
    const seen: KubeObject[] = [];
    for await (const ev of events) {
      if (ev.type === 'ADDED' || ev.type === 'MODIFIED') seen.push(ev.object);
      if (seen.length >= 3) break; // later (ADDED), applied and created (MODIFIED)
    }
    ac.abort();
    assert.deepEqual(seen.map((o) => o.metadata.name).sort(), ['applied', 'created', 'later']);
    for (const o of seen) assert.ok(!('data' in o) && !('stringData' in o), `watch event for ${o.metadata.name} has no data`);

    // The tree's count for the namespace.
    const ctx = model.roots().find((n) => n.context === stack.context)!;
    const find = async (parent: BrowseNode, pred: (n: BrowseNode) => boolean): Promise<BrowseNode> => waitFor(() => model.findChild(parent, pred), { what: `a child of ${parent.id}` });
    const nsNode = await find(ctx, (n) => n.type === 'namespace' && n.label === ns);
    const config = await find(nsNode, (n) => n.label === 'Config');
    const secretsKind = await find(config, (n) => n.resource?.kind === 'Secret');
    assert.match(secretsKind.description, /^3\b/, `the Secrets count (${secretsKind.description})`);
    const rows = await model.children(secretsKind);
    assert.deepEqual(rows.map((r) => r.label), ['applied', 'created', 'later']);

    // Opening one reads it from the server and shows its data; the cache still holds none.
    const shown = await fetchObjectYaml(stack.transport, secrets, ns, 'applied');
    assert.match(shown.yaml, /^kind: Secret$/m);
    assert.match(shown.yaml, new RegExp(`password: ${VALUE}`));
    assert.ok(!shown.yaml.includes('managedFields'));
    assert.equal(shown.resourceVersion, lease.watch.store.get(`${ns}/applied`)!.metadata.resourceVersion);
    assertNoSecretContent(lease.watch, 'after opening the YAML');
    const gone = await fetchObjectYaml(stack.transport, secrets, ns, 'no-such-secret');
    assert.match(gone.yaml, /does not exist/);
    lease.release();

    // ConfigMaps are metadata-only too.
    const cms = stack.clusters.hub.acquire(stack.context, stack.registry.get('configmaps')!);
    await cms.watch.whenSynced();
    for (const o of cms.watch.store.list()) assert.deepEqual(Object.keys(o), ['metadata']);
    assert.ok(cms.watch.store.get(`${ns}/kube-root-ca.crt`), 'the namespace root CA ConfigMap is listed');
    cms.release();
  } finally {
    model.dispose();
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
    await c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  }
});

test('a cached pod (projected) renders like the pod the server returns', async () => {
  const c = cluster();
  const ns = uniqueName('projected');
  const stack = await realStack(c.kubeconfig);
  try {
    await c.kubectl(['create', 'namespace', ns]);
    await c.kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=2']);
    const pods = stack.registry.get('pods')!;
    const lease = stack.clusters.hub.acquire(stack.context, pods);
    try {
      const running = await waitFor(
        () => {
          const list = lease.watch.store.byIndex('namespace', ns).filter((p) => (p.status as { phase?: string }).phase === 'Running');
          return list.length === 2 ? list : undefined;
        },
        { what: '2 running pods in the cache', timeoutMs: 60_000 },
      );
      const parent = { id: 'k', type: 'kind', parent: undefined, context: stack.context, namespace: ns, resource: pods, label: '', description: '', tooltip: '', severity: undefined, icon: '', contextValue: '', collapsible: true } as BrowseNode;
      const shown = (n: BrowseNode): unknown => ({ ...n, parent: undefined, object: undefined });
      let compared = 0;
      for (const cached of running) {
        const full = await stack.transport.request<KubeObject>({ path: objectPath(pods, ns, cached.metadata.name!) });
        if (full.metadata.resourceVersion !== cached.metadata.resourceVersion) continue; // changed meanwhile
        compared++;
        assert.ok(JSON.stringify(cached).length < JSON.stringify(full).length / 2, 'the cache keeps less than half of the JSON');
        assert.deepEqual(summarize('Pod', cached), summarize('Pod', full));
        const now = Date.now();
        const a = makeObjectNode('x', parent, pods, cached, now);
        const b = makeObjectNode('x', parent, pods, full, now);
        assert.deepEqual(shown(a), shown(b));
        assert.deepEqual(makeContainerNodes(a, cached).map(shown), makeContainerNodes(b, full).map(shown));
      }
      assert.ok(compared > 0, 'at least one pod compared at the same resourceVersion');
    } finally {
      lease.release();
    }
  } finally {
    await stack.close();
    await c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  }
});
