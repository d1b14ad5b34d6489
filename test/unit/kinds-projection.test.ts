// What the cache keeps of an object (kinds/projection) must render exactly like the whole object:
// tree rows (label, description, tooltip, icon), container rows, kind counts (severity), namespace
// rows and the store's indexes, on fixtures in the shape the apiserver sends.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeResourceType } from '../../src/kube/kinds/discovery';
import { metadataAccept } from '../../src/kube/kinds/metadataOnly';
import { InternPool, NO_POOL, projectionFor } from '../../src/kube/kinds/projection';
import { projectPod } from '../../src/kube/kinds/projection/podProjection';
import type { ResourceType } from '../../src/kube/kinds/resourceType';
import { summarize } from '../../src/kube/kinds/summary';
import type { KubeObject } from '../../src/kube/kinds/types';
import { makeContainerNodes, makeObjectNode } from '../../src/kube/tree/nodeFactory';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import { namespaceNode } from '../../src/kube/tree/structureNodes';
import { byLabel, byNamespace, byNodeName, byOwnerUid } from '../../src/kube/watch/indexes';
import { KIND_FIXTURES, POD_FIXTURES, runningPod } from './fixtures/objects';

const NOW = Date.parse('2026-03-02T12:00:00Z');

function typeFor(id: string, kind: string): ResourceType {
  const [plural, ...g] = id.split('.');
  const namespaced = kind !== 'Node' && kind !== 'Namespace';
  return makeResourceType(g.join('.'), 'v1', { plural: plural!, kind, namespaced, verbs: ['list', 'watch', 'get'], subresources: kind === 'Pod' ? ['log', 'exec'] : [] });
}

const kindNode = (type: ResourceType): BrowseNode => ({
  id: 'c/ctx/ns/shop/g/Workloads/k/x',
  type: 'kind',
  parent: undefined,
  context: 'ctx',
  namespace: 'shop',
  resource: type,
  label: '',
  description: '',
  tooltip: '',
  severity: undefined,
  icon: '',
  contextValue: '',
  collapsible: true,
});

/** Everything a row shows, without the node's links (parent, object). */
function row(n: BrowseNode): unknown {
  const { parent: _p, object: _o, ...shown } = n;
  return shown;
}

function assertRendersAlike(type: ResourceType, full: KubeObject, kept: KubeObject, what: string): void {
  assert.deepEqual(summarize(type.kind, kept), summarize(type.kind, full), `${what}: summary`);
  const parent = kindNode(type);
  const a = makeObjectNode('id', parent, type, full, NOW);
  const b = makeObjectNode('id', parent, type, kept, NOW);
  assert.deepEqual(row(b), row(a), `${what}: tree row`);
  assert.ok(a.tooltip.length > 0);
  if (type.kind === 'Pod') {
    const ca = makeContainerNodes(a, full).map(row);
    const cb = makeContainerNodes(b, kept).map(row);
    assert.ok(ca.length > 0, `${what}: has container rows`);
    assert.deepEqual(cb, ca, `${what}: container rows`);
  }
  if (type.kind === 'Namespace') assert.deepEqual(row(namespaceNode(parent, 'old', kept, false)), row(namespaceNode(parent, 'old', full, false)), `${what}: namespace row`);
  for (const [name, fn] of Object.entries({ byNamespace, byOwnerUid, byNodeName, byLabel })) assert.deepEqual(fn(kept), fn(full), `${what}: index ${name}`);
}

test('a projected pod renders like the whole pod in every state (rows, containers, counts, indexes)', () => {
  const type = typeFor('pods', 'Pod');
  assert.equal(type.metadataOnly, false);
  const pool = new InternPool();
  for (const [what, full] of Object.entries(POD_FIXTURES)) {
    const before = JSON.stringify(full);
    const kept = projectionFor(type)(full, pool);
    assert.equal(JSON.stringify(full), before, `${what}: the projection does not change its input`);
    assertRendersAlike(type, full, kept, what);
    // Without a pool too (the bench's "projection only" variant).
    assertRendersAlike(type, full, projectPod(full, NO_POOL), `${what} (no pool)`);
  }
});

test('a projected pod keeps what later features need and drops the rest', () => {
  const full = POD_FIXTURES.crashLoop!;
  const kept = projectPod(full, new InternPool()) as KubeObject & { spec: Record<string, unknown>; status: Record<string, unknown> };
  assert.deepEqual(Object.keys(kept.metadata).sort(), ['creationTimestamp', 'labels', 'name', 'namespace', 'ownerReferences', 'resourceVersion', 'uid']);
  assert.deepEqual(kept.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d9f8c6b5d', uid: 'rs-uid-1', controller: true }]);
  assert.deepEqual(kept.spec, { nodeName: 'worker-3', restartPolicy: 'Always', containers: [{ name: 'app', image: 'registry.example.com/shop/web:1.4.2', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } } }, { name: 'sidecar', image: 'registry.example.com/proxy:2.0' }] });
  // CPU and memory requests and limits only (usage is shown beside them): other resources are dropped.
  const withStorage = projectPod({ ...full, spec: { containers: [{ name: 'x', resources: { requests: { cpu: '1', 'ephemeral-storage': '1Gi' }, limits: { 'nvidia.com/gpu': '1' } } }] } }, NO_POOL);
  assert.deepEqual((withStorage.spec as { containers: unknown[] }).containers, [{ name: 'x', image: undefined, resources: { requests: { cpu: '1' } } }]);
  assert.equal(kept.status.podIP, '10.244.3.17');
  const cs = (kept.status.containerStatuses as { restartCount: number; state: unknown; lastState: unknown }[])[0]!;
  assert.equal(cs.restartCount, 7);
  // Diagnosis reads when the last instance ended (evidence with a timestamp).
  assert.deepEqual(cs.lastState, { terminated: { reason: 'OOMKilled', exitCode: 137, startedAt: '2026-03-01T10:05:00Z', finishedAt: '2026-03-01T10:06:00Z' } });
  const conds = kept.status.conditions as { type: string; lastTransitionTime?: string }[];
  assert.deepEqual(conds.map((c) => c.type), ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled']);
  // Only a condition that is not True keeps its transition time (True ones stay shareable).
  assert.deepEqual(conds.filter((c) => c.lastTransitionTime).map((c) => c.type), ['Ready']);
  const text = JSON.stringify(kept);
  for (const gone of ['managedFields', 'annotations', 'volumes', 'tolerations', 'containerID', 'imageID', 'lastProbeTime', 'qosClass', 'generateName']) assert.ok(!text.includes(gone), `${gone} is not kept`);
  const term = projectPod(POD_FIXTURES.terminating!, NO_POOL);
  assert.equal(term.metadata.deletionTimestamp, '2026-03-01T11:00:00Z');
  assert.deepEqual(term.metadata.finalizers, ['example.com/cleanup']);
});

test('projected objects are deeply frozen, and pods of one ReplicaSet share their common parts', () => {
  const pool = new InternPool();
  const a = projectPod(runningPod('web-a', { node: 'worker-1', ip: '10.244.1.2', uid: 'ua' }), pool);
  const b = projectPod(runningPod('web-b', { node: 'worker-1', ip: '10.244.1.3', uid: 'ub' }), pool);
  const spec = (o: KubeObject) => o.spec as { nodeName: string; containers: unknown[] };
  const status = (o: KubeObject) => o.status as { containerStatuses: unknown[]; conditions: unknown[]; hostIP: string };
  assert.equal(spec(a).containers, spec(b).containers, 'one container list');
  assert.equal(a.metadata.labels, b.metadata.labels, 'one label set');
  assert.equal(a.metadata.ownerReferences, b.metadata.ownerReferences, 'one owner reference list');
  assert.equal(status(a).containerStatuses, status(b).containerStatuses, 'healthy container statuses are shared');
  assert.equal(status(a).conditions, status(b).conditions, 'conditions without timestamps are shared');
  assert.notEqual(a.metadata, b.metadata);
  const frozen = (v: unknown): boolean => v === null || typeof v !== 'object' || (Object.isFrozen(v) && Object.values(v as object).every(frozen));
  assert.ok(frozen(a) && frozen(b), 'deeply frozen');
  assert.throws(() => {
    (spec(a).containers as { name: string }[])[0]!.name = 'x';
  }, TypeError);
});

test('the pool is bounded: past its caps it starts afresh and still returns equal values', () => {
  const pool = new InternPool({ maxStrings: 3, maxShapes: 2 });
  for (let i = 0; i < 10; i++) pool.str(`s${i}`);
  assert.ok(pool.size.strings <= 3);
  for (let i = 0; i < 10; i++) pool.share({ i });
  assert.ok(pool.size.shapes <= 2);
  assert.deepEqual(pool.share({ i: 1 }), { i: 1 });
});

test('other kinds: the projection renders like the whole object and keeps no spec a row does not read', () => {
  const pool = new InternPool();
  for (const { kind, id, obj } of KIND_FIXTURES) {
    const type = typeFor(id, kind);
    const kept = projectionFor(type)(obj, pool);
    assertRendersAlike(type, obj, kept, `${kind} ${obj.metadata.name}`);
    const text = JSON.stringify(kept);
    assert.ok(!text.includes('managedFields') && !text.includes('last-applied'), `${kind}: no managedFields, no last-applied`);
    assert.ok(!text.includes('"template"'), `${kind}: no pod template`);
  }
  const rs = projectionFor(typeFor('replicasets.apps', 'ReplicaSet'))(KIND_FIXTURES.find((f) => f.kind === 'ReplicaSet')!.obj, pool);
  assert.deepEqual(rs.metadata.annotations, { 'deployment.kubernetes.io/revision': '4' }, 'the revision annotation is kept');
  const node = projectionFor(typeFor('nodes', 'Node'))(KIND_FIXTURES.find((f) => f.kind === 'Node')!.obj, pool);
  assert.ok(!JSON.stringify(node).includes('sizeBytes'), 'node images are not kept');
  const cr = projectionFor(typeFor('widgets.example.com', 'Widget'))(KIND_FIXTURES.find((f) => f.kind === 'Widget')!.obj, pool);
  assert.equal(cr.spec, undefined, "a custom resource's spec is not kept");
});

test('CRDs keep what ClusterManager reads to follow them (names, group, Established)', () => {
  const type = typeFor('customresourcedefinitions.apiextensions.k8s.io', 'CustomResourceDefinition');
  const crd: KubeObject = {
    metadata: { name: 'widgets.example.com', uid: 'crd' },
    spec: { group: 'example.com', names: { plural: 'widgets', kind: 'Widget' }, scope: 'Namespaced', versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object' } } } } }] },
    status: { conditions: [{ type: 'Established', status: 'True', lastTransitionTime: 'x' }], acceptedNames: { plural: 'widgets' } },
  };
  const kept = projectionFor(type)(crd, new InternPool()) as KubeObject & { spec: { group: string; names: { plural: string }; versions: unknown[] }; status: { conditions: { type: string; status: string }[] } };
  assert.equal(kept.spec.group, 'example.com');
  assert.equal(kept.spec.names.plural, 'widgets');
  assert.deepEqual(kept.spec.versions, [{ name: 'v1', served: true, storage: true }]);
  assert.ok(kept.status.conditions.some((c) => c.type === 'Established' && c.status === 'True'));
});

test('metadata-only kinds: Secrets and ConfigMaps keep metadata only, Secrets with no fallback to whole objects', () => {
  const secrets = typeFor('secrets', 'Secret');
  const cms = typeFor('configmaps', 'ConfigMap');
  assert.equal(secrets.metadataOnly, true);
  assert.equal(cms.metadataOnly, true);
  assert.equal(typeFor('pods', 'Pod').metadataOnly, false);
  assert.equal(typeFor('widgets.example.com', 'Widget').metadataOnly, false);
  assert.equal(metadataAccept(secrets, 'list'), 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1');
  assert.equal(metadataAccept(secrets, 'watch'), 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1');
  assert.equal(metadataAccept(cms, 'list'), 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json');
  assert.equal(metadataAccept(cms, 'watch'), 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json');
  // Even a whole Secret (a server that ignored the Accept header) is reduced to metadata, and the
  // last-applied annotation (which holds the values when kubectl apply made the Secret) is dropped.
  const secret: KubeObject = {
    metadata: { name: 's', namespace: 'shop', uid: 'u', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"data":{"password":"aHVudGVyMg=="}}' }, labels: { app: 'web' } },
    data: { password: 'aHVudGVyMg==' },
    stringData: { token: 'x' },
    type: 'Opaque',
  };
  const kept = projectionFor(secrets)(secret, new InternPool());
  assert.deepEqual(kept, { metadata: { name: 's', namespace: 'shop', uid: 'u', labels: { app: 'web' } } });
  assertRendersAlike(secrets, secret, kept, 'Secret');
});
