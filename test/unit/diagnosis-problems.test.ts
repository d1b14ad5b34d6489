// Problems-view diagnostics, the parts without VS Code: which documents of a YAML file are
// workloads and the line of each one's metadata.name (the warning's place), and how ManifestCauses
// matches them to the cache — kind and namespace (the file's own, else the context's), workloads
// rolled up through their ReplicaSets, a cause that goes when the object recovers, leases given
// back when the file is let go. Over WatchHub with the fake API server (our own seam).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManifestCauses } from '../../src/kube/diagnosis/manifestCauses';
import { manifestTargets, problemMessage } from '../../src/kube/diagnosis/manifestTargets';
import { makeResourceType } from '../../src/kube/kinds/discovery';
import { KindRegistry } from '../../src/kube/kinds/kindRegistry';
import type { KubeObject } from '../../src/kube/kinds/types';
import { WatchHub } from '../../src/kube/watch/watchHub';
import { waitFor } from '../support/waitFor';
import { FakeApiServer } from './fakes/fakeApiServer';
import { pod } from './fixtures/diagnosisFixtures';

const FILE = [
  '# the shop', // 1
  'apiVersion: apps/v1', // 2
  'kind: Deployment', // 3
  'metadata:', // 4
  '  labels:', // 5
  '    app: web', // 6
  '  name: web', // 7
  'spec:', // 8
  '  replicas: 2', // 9
  '---', // 10
  'apiVersion: v1', // 11
  'kind: ConfigMap', // 12
  'metadata:', // 13
  '  name: settings', // 14
  '---', // 15
  'apiVersion: v1', // 16
  'kind: List', // 17
  'items:', // 18
  '- apiVersion: v1', // 19
  '  kind: Pod', // 20
  '  metadata:', // 21
  '    namespace: other', // 22
  '    name: "lonely"', // 23
  '---', // 24
  'kind: Job', // 25
  'apiVersion: batch/v1', // 26
  'metadata: {name: [broken', // 27
  '---', // 28
  'apiVersion: v1', // 29
  'kind: Pod', // 30
  'metadata: {name: ghost}', // 31
  '---', // 32
  'apiVersion: v1', // 33
  'kind: Pod', // 34
  'metadata:', // 35
  '  name: web', // 36
].join('\n');

test('targets: workload documents (List items too) with the line of metadata.name; other kinds and broken documents left out', () => {
  assert.deepEqual(manifestTargets(FILE), [
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', line: 7 },
    { apiVersion: 'v1', kind: 'Pod', name: 'lonely', namespace: 'other', line: 23 },
    { apiVersion: 'v1', kind: 'Pod', name: 'ghost', line: 31 },
    { apiVersion: 'v1', kind: 'Pod', name: 'web', line: 36 },
  ]);
  assert.deepEqual(manifestTargets('kind: Deployment\napiVersion: apps/v1\nmetadata:\n  name: 42\n'), [], 'a name YAML reads as a number is not an object apply would take');
  assert.deepEqual(manifestTargets(''), []);
});

test('the message says the cause, then the next step', () => {
  assert.equal(problemMessage({ code: 'X', severity: 'error', summary: 'ImagePullBackOff: image or tag not found', detail: 'd', nextStep: 'Fix the tag.', evidence: [] }), 'ImagePullBackOff: image or tag not found. Next: Fix the tag.');
});

const type = (group: string, plural: string, kind: string) => makeResourceType(group, 'v1', { plural, kind, namespaced: true, verbs: ['get', 'list', 'watch'], subresources: [] });
const registry = new KindRegistry([type('', 'pods', 'Pod'), type('', 'events', 'Event'), type('apps', 'deployments', 'Deployment'), type('apps', 'replicasets', 'ReplicaSet'), type('batch', 'jobs', 'Job')]);

function fakeCluster() {
  const servers = new Map<string, FakeApiServer>();
  const server = (plural: string, ns: string | undefined): FakeApiServer => {
    const key = `${plural}/${ns ?? '*'}`;
    let s = servers.get(key);
    if (!s) {
      s = new FakeApiServer();
      servers.set(key, s);
    }
    return s;
  };
  const hub = new WatchHub((_ctx, t, ns) => server(t.plural, ns).lw(), { lingerMs: 0, batchMs: 5 });
  const state = { phase: 'ready' as const, registry };
  const clusters = { hub, session: () => ({ state, connect: async () => state }) } as unknown as ConstructorParameters<typeof ManifestCauses>[0];
  const put = (plural: string, o: KubeObject): void => void server(plural, o.metadata.namespace).create(o.metadata.name ?? '', o.metadata.namespace, o);
  return { hub, clusters, server, put };
}

const UNSCHEDULABLE = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: "0/2 nodes are available: 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/2 nodes are available: 2 Preemption is not helpful for scheduling." }];
const PULL = [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example.com/shop/web:1.4.3"' } } }];

test('matching: kind and namespace (the file\'s, else the context\'s); a Deployment through its ReplicaSet\'s pods; a cause that goes when fixed; leases given back', async () => {
  const c = fakeCluster();
  const meta = (name: string, ns: string, extra: Partial<KubeObject['metadata']> = {}) => ({ name, namespace: ns, uid: `uid-${name}`, resourceVersion: '1', ...extra });
  c.put('deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web', 'shop'), spec: { replicas: 2 }, status: { replicas: 2, readyReplicas: 0 } });
  c.put('replicasets', { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: meta('web-7c9f', 'shop', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'uid-web', controller: true }] }) });
  for (const name of ['web-7c9f-a', 'web-7c9f-b']) c.put('pods', pod({ name, phase: 'Pending', owner: 'web-7c9f', conditions: UNSCHEDULABLE }));
  // A healthy pod named like the Deployment: the Pod target matches it, the Deployment target does not.
  c.put('pods', pod({ name: 'web', statuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: '2026-03-02T11:01:00Z' } } }], conditions: [{ type: 'Ready', status: 'True' }] }));
  // `lonely` in the namespace the file names; a failing pod of the same name in the context's namespace must not count.
  c.put('pods', { ...pod({ name: 'lonely', phase: 'Pending', statuses: PULL }), metadata: meta('lonely', 'other') });
  c.put('pods', { ...pod({ name: 'lonely-twin', phase: 'Pending', statuses: PULL }), metadata: meta('lonely', 'shop') });

  const causes = new ManifestCauses(c.clusters, { throttleMs: 5 });
  try {
    const fired: string[] = [];
    causes.onDidChange((id) => fired.push(id));
    await causes.track('file:///shop.yaml', 'ctx', 'shop', manifestTargets(FILE));
    const seen = () => causes.causes('file:///shop.yaml').map((x) => `${x.target.line} ${x.target.kind} ${x.target.name}: ${x.diagnosis.summary}`);
    assert.deepEqual(seen(), ['7 Deployment web: Unschedulable: no node matches the selector/affinity (2/2 pods)', '23 Pod lonely: ImagePullBackOff: image pull failed']);
    assert.deepEqual(fired, ['file:///shop.yaml']);

    // Fixed in the cluster: the image pull succeeds, the pod runs; the cause goes without a call.
    c.server('pods', 'other').update('lonely', 'other', (o) => ({ ...o, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: '2026-03-02T12:00:00Z' } } }] } }));
    await waitFor(() => seen().length === 1, { what: `lonely's cause to go (${seen().join(' | ')})` });
    assert.deepEqual(fired, ['file:///shop.yaml', 'file:///shop.yaml']);
    // The context's namespace changes: the Deployment is looked for there (and is not).
    await causes.track('file:///shop.yaml', 'ctx', 'elsewhere', manifestTargets(FILE));
    assert.deepEqual(seen(), []);
    await waitFor(() => c.hub.peek('ctx', registry.get('deployments.apps')!, 'shop') === undefined, { what: 'the old namespace\'s watches to be given back' });
    assert.ok(c.hub.peek('ctx', registry.get('pods')!, 'other'), 'the file\'s own namespace is still watched');
    causes.untrack('file:///shop.yaml');
    await waitFor(() => c.hub.peek('ctx', registry.get('pods')!, 'other') === undefined, { what: 'untracking to give back every watch' });
    assert.deepEqual(causes.tracked(), []);
  } finally {
    causes.dispose();
    await c.hub.dispose();
  }
});
