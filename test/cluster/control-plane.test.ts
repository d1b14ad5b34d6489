// The control plane behaves like a real cluster: versions, Ready nodes, Deployments rolling out
// to pods with IPs, Services with ready EndpointSlice endpoints, RBAC answering 403 and 200.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RESTRICTED_NAMESPACE, waitFor } from './cluster.harness';
import { uniqueName, useCluster } from './harness/use-cluster';
import { createNamespace, deleteNamespace, deployWebApp, type EndpointSlice, isReady, type Pod } from './harness/workloads';

const ns = uniqueName('t-control-plane');
const cluster = useCluster({
  setup: (c) => createNamespace(c.api, ns),
  teardown: (c) => deleteNamespace(c.api, ns),
});

test('serves Kubernetes v1.36.3 and reports every component healthy', async () => {
  const version = await cluster().api.ok<{ gitVersion: string }>('GET', '/version');
  assert.equal(version.gitVersion, 'v1.36.3');
  const readyz = await cluster().api.request('GET', '/readyz?verbose');
  assert.equal(readyz.status, 200, readyz.text);
  assert.ok(Object.values(cluster().running()).every(Boolean), JSON.stringify(cluster().running()));
  assert.match(cluster().server, /^https:\/\/127\.0\.0\.1:\d+$/);
});

test('fake nodes are Ready with loopback addresses and their own pod CIDRs', async () => {
  const nodes = await cluster().api.ok<{ items: { metadata: { name: string }; spec: { podCIDR?: string }; status: { conditions: { type: string; status: string }[]; addresses: { type: string; address: string }[] } }[] }>(
    'GET',
    '/api/v1/nodes?labelSelector=type%3Dkwok',
  );
  assert.ok(nodes.items.length >= 3, `expected at least 3 nodes, got ${nodes.items.length}`);
  for (const node of nodes.items) {
    assert.ok(
      node.status.conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
      `${node.metadata.name} is not Ready`,
    );
    assert.deepEqual(node.status.addresses.find((a) => a.type === 'InternalIP')?.address, '127.0.0.1');
    assert.match(node.spec.podCIDR ?? '', /^10\.\d+\.\d+\.0\/24$/);
  }
});

test('a Deployment rolls out to ready pods with IPs on fake nodes, and its Service lists them as ready endpoints', async () => {
  const api = cluster().api;
  const pods = await deployWebApp(api, ns, 'web', 3);
  for (const pod of pods) {
    assert.ok(isReady(pod));
    assert.match(pod.status.podIP ?? '', /^10\.\d+\.\d+\.\d+$/);
    assert.match(pod.spec.nodeName ?? '', /^kwok-node-\d+$/);
    assert.equal(pod.metadata.ownerReferences?.[0]?.kind, 'ReplicaSet');
  }
  const ips = new Set(pods.map((p) => p.status.podIP));
  assert.equal(ips.size, 3, 'pod IPs must be unique');

  await waitFor(
    async () => {
      const d = await api.ok<{ status: { readyReplicas?: number; conditions?: { type: string; status: string }[] } }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/web`);
      return d.status.readyReplicas === 3 && d.status.conditions?.some((c) => c.type === 'Available' && c.status === 'True');
    },
    { timeoutMs: 30_000, what: 'Deployment web to report 3 ready replicas and Available' },
  );

  const endpoints = await waitFor(
    async () => {
      const slices = await api.ok<{ items: EndpointSlice[] }>('GET', `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=kubernetes.io%2Fservice-name%3Dweb`);
      const ready = slices.items.flatMap((s) => s.endpoints ?? []).filter((e) => e.conditions?.ready === true);
      return ready.length === 3 ? ready : undefined;
    },
    { timeoutMs: 30_000, what: 'EndpointSlices of Service web to hold 3 ready endpoints' },
  );
  assert.deepEqual(new Set(endpoints.flatMap((e) => e.addresses)), ips);
  assert.deepEqual(new Set(endpoints.map((e) => e.targetRef?.name)), new Set(pods.map((p) => p.metadata.name)));
});

test('the restricted user reads pods in team-a (200) and is refused elsewhere (403)', async () => {
  const restricted = cluster().restrictedApi;
  const allowed = await restricted.request<{ kind: string }>('GET', `/api/v1/namespaces/${RESTRICTED_NAMESPACE}/pods`);
  assert.equal(allowed.status, 200, allowed.text);
  assert.equal(allowed.body.kind, 'PodList');

  for (const path of [`/api/v1/namespaces/${ns}/pods`, '/api/v1/pods', '/api/v1/namespaces', `/api/v1/namespaces/${RESTRICTED_NAMESPACE}/secrets`]) {
    const denied = await restricted.request<{ reason?: string }>('GET', path);
    assert.equal(denied.status, 403, `${path}: ${denied.text}`);
    assert.equal(denied.body.reason, 'Forbidden');
  }
  const create = await restricted.request('POST', `/api/v1/namespaces/${RESTRICTED_NAMESPACE}/pods`, { metadata: { name: 'nope' }, spec: { containers: [{ name: 'c', image: 'x' }] } });
  assert.equal(create.status, 403);

  // The same through kubectl and the restricted kubeconfig file, as a user would see it.
  const kubeconfig = cluster().restrictedKubeconfig;
  const canList = await cluster().kubectl(['auth', 'can-i', 'list', 'pods', '-n', RESTRICTED_NAMESPACE], { kubeconfig });
  assert.equal(canList.stdout.trim(), 'yes');
  await assert.rejects(cluster().kubectl(['get', 'pods', '-n', ns], { kubeconfig }), (err: { stderr: string }) => /Forbidden/.test(err.stderr));
});

test('admin kubeconfig names the kube-atlas context and works with kubectl', async () => {
  const { stdout } = await cluster().kubectl(['config', 'current-context']);
  assert.equal(stdout.trim(), cluster().state.context);
  const pods = await cluster().kubectl(['get', 'pods', '-n', ns, '-o', 'json']);
  const items = (JSON.parse(pods.stdout) as { items: Pod[] }).items;
  assert.equal(items.length, 3);
});
