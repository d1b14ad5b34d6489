// seed() creates exactly what it is asked for, through the real controllers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SEED_LABEL } from './harness/seed';
import { uniqueName, useCluster } from './harness/use-cluster';
import { deleteNamespace, type EndpointSlice, isReady, type Pod } from './harness/workloads';

const prefix = uniqueName('t-seed');
let namespaces: string[] = [];
const cluster = useCluster({
  teardown: async (c) => {
    for (const ns of namespaces) await deleteNamespace(c.api, ns);
  },
});

test('seed creates the namespaces, Deployments, Services, ready pods and nodes it reports', async () => {
  const api = cluster().api;
  const result = await cluster().seed({ namespaces: 3, pods: 31, nodes: 5, replicasPerDeployment: 5, prefix });
  namespaces = result.namespaces;
  assert.equal(result.namespaces.length, 3);
  assert.equal(result.pods, 31);
  // 11 + 10 + 10 pods at 5 per Deployment: 3 + 2 + 2.
  assert.equal(result.deployments, 7);
  assert.ok(result.readySeconds >= result.createSeconds);

  const selector = `labelSelector=${encodeURIComponent(`${SEED_LABEL}=${prefix}`)}`;
  const nsList = await api.ok<{ items: { metadata: { name: string } }[] }>('GET', `/api/v1/namespaces?${selector}`);
  assert.deepEqual(nsList.items.map((n) => n.metadata.name).sort(), [...result.namespaces].sort());

  const deployments = await api.ok<{ items: { metadata: { namespace: string }; spec: { replicas: number }; status: { readyReplicas?: number } }[] }>('GET', `/apis/apps/v1/deployments?${selector}`);
  assert.equal(deployments.items.length, 7);
  assert.equal(
    deployments.items.reduce((n, d) => n + d.spec.replicas, 0),
    31,
  );
  const services = await api.ok<{ items: unknown[] }>('GET', `/api/v1/services?${selector}`);
  assert.equal(services.items.length, 7);

  const pods = await api.ok<{ items: Pod[] }>('GET', `/api/v1/pods?${selector}`);
  assert.equal(pods.items.length, 31);
  assert.ok(pods.items.every(isReady), 'every seeded pod is Running and Ready');
  assert.equal(new Set(pods.items.map((p) => p.status.podIP)).size, 31, 'pod IPs are unique');
  const perNs = new Map<string, number>();
  for (const p of pods.items) perNs.set(p.metadata.namespace, (perNs.get(p.metadata.namespace) ?? 0) + 1);
  assert.deepEqual([...perNs.values()].sort(), [10, 10, 11]);

  const nodes = await api.ok<{ items: { status: { conditions: { type: string; status: string }[] } }[] }>('GET', '/api/v1/nodes?labelSelector=type%3Dkwok');
  assert.ok(nodes.items.length >= 5);
  assert.ok(nodes.items.every((n) => n.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True')));

  // The EndpointSlice controller catches up shortly after the pods turn ready.
  const { waitFor } = await import('./cluster.harness');
  await waitFor(
    async () => {
      let ready = 0;
      for (const ns of result.namespaces) {
        const slices = await api.ok<{ items: EndpointSlice[] }>('GET', `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`);
        ready += slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready).length;
      }
      return ready === 31;
    },
    { timeoutMs: 30_000, what: '31 ready endpoints across the seeded Services' },
  );
});
