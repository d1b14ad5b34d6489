// Owners, finalizers and roll-up against real controllers: a Deployment whose new pods cannot be
// scheduled reaches ProgressDeadlineExceeded (deployment controller) and its Diagnose report names
// the pods' cause; a ConfigMap held by a finalizer and a Deployment deleted in the foreground
// (garbage collector) show what holds them up.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnoseObject } from '../../src/kube/diagnosis/diagnoseObject';
import { renderReport } from '../../src/kube/diagnosis/report';
import { realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('diag-own');
const cluster = useCluster({
  namespace: ns,
  teardown: async (c) => {
    await c.kubectl(['-n', ns, 'patch', 'configmap', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']).catch(() => undefined);
  },
});

test('ProgressDeadlineExceeded rolled up from the new ReplicaSet\'s unschedulable pods; owners up and dependents down', async () => {
  const c = cluster();
  await c.api.create(`/apis/apps/v1/namespaces/${ns}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'stuck', namespace: ns },
    spec: {
      replicas: 2,
      progressDeadlineSeconds: 1,
      selector: { matchLabels: { app: 'stuck' } },
      template: { metadata: { labels: { app: 'stuck' } }, spec: { nodeSelector: { disktype: 'none-such' }, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } },
    },
  });
  const stack = await realStack(c.kubeconfig);
  try {
    const deployments = stack.registry.get('deployments.apps')!;
    const result = await waitFor(
      async () => {
        const r = await diagnoseObject({ transport: stack.transport, registry: stack.registry, type: deployments, namespace: ns, name: 'stuck', eventsAllowed: true });
        return r.diagnosis?.code === 'ProgressDeadlineExceeded:Unschedulable' ? r : undefined;
      },
      { what: 'ProgressDeadlineExceeded with its pods\' cause', timeoutMs: 90_000 },
    );
    assert.match(result.diagnosis!.summary, /^rollout stuck: Unschedulable: no node matches the selector\/affinity \(2\/2 pods\)/);
    assert.equal(result.pods.length, 2);
    assert.equal(result.dependents[0]?.object.kind, 'ReplicaSet');
    assert.equal(result.dependents[0]?.children.length, 2, 'the ReplicaSet\'s pods');
    const pod = result.pods[0]!.pod;
    const podResult = await diagnoseObject({ transport: stack.transport, registry: stack.registry, type: stack.registry.get('pods')!, namespace: ns, name: pod.metadata.name!, eventsAllowed: true });
    assert.deepEqual(podResult.owners.map((o) => `${o.kind}:${o.found}`), ['ReplicaSet:true', 'Deployment:true']);
    const text = renderReport(podResult, stack.context, (k, n, name) => `kubeatlas:/${k}/${n}/${name}`, 'now');
    assert.match(text, /Owned by: \[ReplicaSet .*\]\(kubeatlas:\/ReplicaSet\/.*\) → \[Deployment .*\/stuck\]/);
  } finally {
    await stack.close();
  }
});

test('stuck deletion: a finalizer and the controller expected to remove it; foreground deletion and what blocks it', async () => {
  const c = cluster();
  await c.api.create(`/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'held', namespace: ns, finalizers: ['shop.example.com/cleanup'] } });
  await c.kubectl(['-n', ns, 'delete', 'configmap', 'held', '--wait=false']);
  const stack = await realStack(c.kubeconfig);
  try {
    const r = await diagnoseObject({ transport: stack.transport, registry: stack.registry, type: stack.registry.get('configmaps')!, namespace: ns, name: 'held', eventsAllowed: true });
    assert.ok(r.object.metadata.deletionTimestamp);
    const text = renderReport(r, stack.context, () => undefined, 'now');
    assert.match(text, /\| `shop.example.com\/cleanup` \| the controller of shop.example.com/);
    // Foreground deletion of a Deployment: the garbage collector adds foregroundDeletion and waits
    // for its ReplicaSet (blockOwnerDeletion) — which we hold with a finalizer of our own.
    const rs = await waitFor(async () => {
      const list = (await c.api.request('GET', `/apis/apps/v1/namespaces/${ns}/replicasets`)).body as { items: { metadata: { name: string; ownerReferences?: { name: string }[] } }[] };
      return list.items.find((x) => x.metadata.ownerReferences?.some((o) => o.name === 'stuck'));
    }, { what: 'ReplicaSet of stuck', timeoutMs: 30_000 });
    await c.kubectl(['-n', ns, 'patch', 'replicaset', rs.metadata.name, '--type=merge', '-p', '{"metadata":{"finalizers":["shop.example.com/hold"]}}']);
    await c.kubectl(['-n', ns, 'delete', 'deployment', 'stuck', '--cascade=foreground', '--wait=false']);
    const dep = await waitFor(async () => {
      const x = await diagnoseObject({ transport: stack.transport, registry: stack.registry, type: stack.registry.get('deployments.apps')!, namespace: ns, name: 'stuck', eventsAllowed: true });
      return x.object.metadata.deletionTimestamp && x.dependents.some((d) => d.object.metadata.deletionTimestamp) ? x : undefined;
    }, { what: 'foreground deletion under way', timeoutMs: 30_000 });
    const t2 = renderReport(dep, stack.context, () => undefined, 'now');
    assert.match(t2, /\| `foregroundDeletion` \| the garbage collector/);
    assert.match(t2, new RegExp(`Foreground deletion waits for: ReplicaSet ${ns}/${rs.metadata.name}`));
    await c.kubectl(['-n', ns, 'patch', 'replicaset', rs.metadata.name, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
  } finally {
    await stack.close();
  }
});
