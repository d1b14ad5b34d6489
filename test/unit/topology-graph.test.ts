// The topology graph builder on fixtures: the whole chain for a healthy Service, and every problem
// the issue names, each found and said in words (selector matches nothing, no ready endpoints,
// selected pods missing from slices and why, endpoints to gone pods, pods on NotReady or cordoned
// nodes, headless / ExternalName / selector-less Services, a layer hidden by RBAC), plus grouping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph } from '../../src/kube/topology/buildGraph';
import type { TopoGraph, TopoNode } from '../../src/kube/topology/graphTypes';
import { node, pod, slice, stores, svc } from './fixtures/topology';

function n(g: TopoGraph, id: string): TopoNode {
  const x = g.nodes.find((y) => y.id === id);
  assert.ok(x, `node ${id} in ${g.nodes.map((y) => y.id).join(', ')}`);
  return x;
}

function edgeIds(g: TopoGraph): string[] {
  return g.edges.map((e) => e.id);
}

test('a healthy Service: Service → slice → pods → nodes, with endpoint conditions and ports on the edges', () => {
  const s = stores({
    services: [svc('web')],
    slices: [slice('web-abc', 'web', [{ pod: 'web-1' }, { pod: 'web-2' }])],
    pods: [pod('web-1'), pod('web-2', { node: 'node-2' })],
  });
  const g = buildGraph(s, { namespace: 'shop' });
  assert.deepEqual(
    g.nodes.map((x) => x.id),
    ['EndpointSlice:shop/web-abc', 'Node:node-1', 'Node:node-2', 'Pod:shop/web-1', 'Pod:shop/web-2', 'Service:shop/web'],
  );
  assert.deepEqual(edgeIds(g).sort(), [
    'EndpointSlice:shop/web-abc>Pod:shop/web-1',
    'EndpointSlice:shop/web-abc>Pod:shop/web-2',
    'Pod:shop/web-1>Node:node-1',
    'Pod:shop/web-2>Node:node-2',
    'Service:shop/web>EndpointSlice:shop/web-abc',
  ]);
  const ep = g.edges.find((e) => e.id === 'EndpointSlice:shop/web-abc>Pod:shop/web-1')!;
  assert.deepEqual([ep.kind, ep.ready, ep.serving, ep.terminating, ep.label], ['endpoint', true, true, false, 'http 8080/TCP']);
  assert.ok(g.nodes.every((x) => x.health === 'ok' && x.problems.length === 0), JSON.stringify(g.nodes.filter((x) => x.problems.length)));
  assert.equal(n(g, 'Service:shop/web').status, '2/2 endpoints ready');
  assert.deepEqual(n(g, 'Pod:shop/web-1').details.find(([k]) => k === 'Listed in'), ['Listed in', 'web-abc']);
  assert.deepEqual(g.missing, []);
});

test('a selector that matches no pods is an error on the Service, naming the selector', () => {
  const g = buildGraph(stores({ services: [svc('api', { selector: { app: 'api', tier: 'back' } })], pods: [pod('web-1')] }), { namespace: 'shop' });
  const s = n(g, 'Service:shop/api');
  assert.equal(s.health, 'error');
  assert.ok(s.problems.includes('Selector app=api,tier=back matches no pods in namespace shop'), s.problems.join('|'));
});

test('no ready endpoints: the Service says none of its endpoints is ready; the not-ready pods say why', () => {
  const g = buildGraph(
    stores({ services: [svc('web')], slices: [slice('web-abc', 'web', [{ pod: 'web-1', ready: false }])], pods: [pod('web-1', { ready: false, waiting: 'CrashLoopBackOff' })] }),
    { namespace: 'shop' },
  );
  assert.ok(n(g, 'Service:shop/web').problems.includes('No ready endpoints: none of its 1 endpoints is ready'));
  assert.equal(n(g, 'Service:shop/web').health, 'error');
  const p = n(g, 'Pod:shop/web-1');
  assert.equal(p.health, 'warning');
  assert.match(p.problems[0]!, /^Not ready: container app is waiting: CrashLoopBackOff: back-off restarting$/);
  assert.equal(g.edges.find((e) => e.to === p.id)?.ready, false);
});

test('pods the selector matches but the slices leave out are linked by a "selects" edge with the reason', () => {
  const g = buildGraph(
    stores({
      services: [svc('web')],
      slices: [slice('web-abc', 'web', [{ pod: 'web-1' }])],
      pods: [pod('web-1'), pod('web-pending', { node: null, ip: null, ready: false, unschedulable: '0/2 nodes are available: 2 Insufficient cpu.' }), pod('web-gone', { terminating: true, ready: false })],
    }),
    { namespace: 'shop' },
  );
  const pending = n(g, 'Pod:shop/web-pending');
  assert.ok(
    pending.problems.includes('Selected by Service web but not in its EndpointSlices: it is not scheduled yet (Unschedulable: 0/2 nodes are available: 2 Insufficient cpu.)'),
    pending.problems.join('|'),
  );
  assert.equal(g.edges.find((e) => e.to === pending.id)?.kind, 'selects');
  assert.ok(n(g, 'Pod:shop/web-gone').problems.includes('Selected by Service web but not in its EndpointSlices: it is terminating'));
  assert.ok(!g.edges.some((e) => e.from === pending.id), 'an unscheduled pod runs on no node');
});

test('an endpoint whose pod is gone becomes a ghost pod with the reason, and warns on the slice', () => {
  const g = buildGraph(
    stores({
      services: [svc('web')],
      // web-2 exists again under a new uid: the endpoint still names the old one.
      slices: [slice('web-abc', 'web', [{ pod: 'web-1' }, { pod: 'web-old' }, { pod: 'web-2', uid: 'stale' }])],
      pods: [pod('web-1'), pod('web-2')],
    }),
    { namespace: 'shop' },
  );
  for (const name of ['web-old', 'web-2']) {
    const ghost = n(g, `Pod:shop/${name}#gone`);
    assert.equal(ghost.ghost, true, name);
    assert.equal(ghost.health, 'error');
    assert.deepEqual(ghost.problems, [`Endpoint of web-abc points at pod ${name}, which no longer exists`]);
  }
  assert.ok(n(g, 'EndpointSlice:shop/web-abc').problems.includes('An endpoint points at pod web-old, which no longer exists'));
  // The new web-2 is selected but not listed yet: said as such, not as a fault of the pod.
  assert.deepEqual(n(g, 'Pod:shop/web-2').problems, ['Selected by Service web but not in its EndpointSlices: it is ready; the EndpointSlice controller has not listed it yet']);
});

test('pods on a NotReady node and on a cordoned node say so, and so do the nodes', () => {
  const s = stores({
    services: [svc('web')],
    slices: [slice('web-abc', 'web', [{ pod: 'web-1' }, { pod: 'web-2' }])],
    pods: [pod('web-1', { node: 'node-down' }), pod('web-2', { node: 'node-cordoned' })],
    nodes: [node('node-down', { ready: false }), node('node-cordoned', { cordoned: true })],
  });
  const g = buildGraph(s, { namespace: 'shop' });
  const down = n(g, 'Node:node-down');
  assert.equal(down.health, 'error');
  assert.equal(down.status, 'NotReady');
  assert.deepEqual(down.problems, ['NotReady: NodeStatusUnknown: Kubelet stopped posting node status.']);
  const cordoned = n(g, 'Node:node-cordoned');
  assert.equal(cordoned.health, 'warning');
  assert.equal(cordoned.status, 'Ready, cordoned');
  assert.deepEqual(n(g, 'Pod:shop/web-1').problems, ['Runs on node node-down: NotReady: NodeStatusUnknown: Kubelet stopped posting node status.']);
  assert.equal(n(g, 'Pod:shop/web-1').health, 'error');
  assert.deepEqual(n(g, 'Pod:shop/web-2').problems, ['Runs on node node-cordoned: Cordoned: no new pods are scheduled here']);
});

test('headless, ExternalName and selector-less Services are drawn for what they are', () => {
  const s = stores({
    services: [
      svc('db', { clusterIP: 'None', selector: { app: 'db' } }),
      svc('ext', { type: 'ExternalName', externalName: 'db.example.com', selector: null, clusterIP: '' }),
      svc('legacy', { selector: null }),
    ],
    slices: [slice('db-1', 'db', [{ pod: 'db-0' }]), slice('legacy-manual', 'legacy', [], { managedBy: 'staff' })],
    pods: [pod('db-0', { labels: { app: 'db' } })],
  });
  const g = buildGraph(s, { namespace: 'shop' });
  const db = n(g, 'Service:shop/db');
  assert.deepEqual(db.problems, ['Headless: no cluster IP; DNS answers with the ready pods’ own IPs']);
  assert.equal(db.health, 'info');
  assert.deepEqual(db.details[0], ['Type', 'ClusterIP (headless)']);
  const ext = n(g, 'Service:shop/ext');
  assert.equal(ext.status, 'ExternalName → db.example.com');
  assert.deepEqual(ext.problems, ['ExternalName: a DNS alias for db.example.com; it has no endpoints and no pods']);
  assert.ok(!g.edges.some((e) => e.from === ext.id));
  const legacy = n(g, 'Service:shop/legacy');
  assert.ok(legacy.problems.includes('No selector: its EndpointSlices are managed by hand or by another controller, not from pods'));
  assert.ok(legacy.problems.includes('No endpoints: no EndpointSlice lists any address for this Service'));
  assert.deepEqual(n(g, 'EndpointSlice:shop/legacy-manual').details[2], ['Managed by', 'staff']);
});

test('a layer the user may not see is named; the others still draw (pods by selector, nodes unknown)', () => {
  const s = stores({ services: [svc('web')], pods: [pod('web-1'), pod('web-2', { ready: false })] });
  const g = buildGraph(
    {
      services: s.services,
      pods: s.pods,
      missing: [
        { layer: 'EndpointSlice', reason: 'endpointslices.discovery.k8s.io is forbidden' },
        { layer: 'Node', reason: 'nodes is forbidden' },
      ],
    },
    { namespace: 'shop' },
  );
  assert.deepEqual(g.missing.map((m) => m.layer), ['EndpointSlice', 'Node']);
  assert.deepEqual(edgeIds(g).filter((e) => e.startsWith('Service')), ['Service:shop/web>Pod:shop/web-1', 'Service:shop/web>Pod:shop/web-2']);
  assert.equal(n(g, 'Service:shop/web').status, '2 pods selected');
  assert.ok(!n(g, 'Pod:shop/web-2').problems.some((p) => p.startsWith('Selected by')), 'no "missing from slices" claim without slices');
  const nd = n(g, 'Node:node-1');
  assert.equal(nd.status, 'unknown');
  assert.deepEqual(n(g, 'Pod:shop/web-1').problems, [], 'an unknown node is not a problem of its pods');
});

test('one Service scope draws that Service only; a context scope draws every namespace', () => {
  const s = stores({
    services: [svc('web'), svc('api', { selector: { app: 'web' } }), svc('web', { ns: 'other' })],
    slices: [slice('web-abc', 'web', [{ pod: 'web-1' }])],
    pods: [pod('web-1')],
  });
  const one = buildGraph(s, { namespace: 'shop', service: 'web' });
  assert.deepEqual(one.nodes.filter((x) => x.kind === 'Service').map((x) => x.id), ['Service:shop/web']);
  const all = buildGraph(s, {});
  assert.deepEqual(all.nodes.filter((x) => x.kind === 'Service').map((x) => x.id), ['Service:other/web', 'Service:shop/api', 'Service:shop/web']);
});

test('above the threshold, a slice’s healthy pods fold into a group with per-node edges; problems stay visible; expand unfolds', () => {
  const names = Array.from({ length: 6 }, (_, i) => `web-${i}`);
  const s = stores({
    services: [svc('web')],
    slices: [slice('web-abc', 'web', [...names.map((p) => ({ pod: p })), { pod: 'web-sick', ready: false }])],
    pods: [...names.map((p, i) => pod(p, { node: i % 2 ? 'node-1' : 'node-2' })), pod('web-sick', { ready: false })],
  });
  const g = buildGraph(s, { namespace: 'shop' }, { groupAbove: 5 });
  const group = n(g, 'PodGroup:shop/web-abc');
  assert.deepEqual([group.count, group.name], [6, '6 pods']);
  assert.ok(!g.nodes.some((x) => x.id === 'Pod:shop/web-0'), 'members are folded');
  n(g, 'Pod:shop/web-sick');
  const groupEdges = g.edges.filter((e) => e.from === group.id || e.to === group.id).map((e) => `${e.id} ${e.label}`);
  assert.deepEqual(groupEdges.sort(), ['EndpointSlice:shop/web-abc>PodGroup:shop/web-abc http 8080/TCP', 'PodGroup:shop/web-abc>Node:node-1 3 pods', 'PodGroup:shop/web-abc>Node:node-2 3 pods']);
  const open = buildGraph(s, { namespace: 'shop' }, { groupAbove: 5, expanded: new Set(['EndpointSlice:shop/web-abc']) });
  assert.ok(!open.nodes.some((x) => x.kind === 'PodGroup'));
  assert.equal(open.nodes.filter((x) => x.kind === 'Pod').length, 7);
});

test('above the per-node threshold, the healthy pods still drawn on a node fold into a node group; problems and expanded slices stay out', () => {
  const apps = ['a', 'b', 'c', 'd'];
  const names = (app: string): string[] => [0, 1, 2].map((i) => `${app}-${i}`);
  const s = stores({
    services: apps.map((app) => svc(app)),
    slices: apps.map((app) => slice(`${app}-1`, app, [...names(app).map((p) => ({ pod: p })), ...(app === 'a' ? [{ pod: 'a-sick', ready: false }] : []), ...(app === 'd' ? [{ pod: 'd-3' }, { pod: 'd-4' }] : [])])),
    pods: [
      ...apps.flatMap((app) => names(app).map((p) => pod(p, { labels: { app }, node: 'node-1' }))),
      pod('a-sick', { labels: { app: 'a' }, node: 'node-1', ready: false }),
      pod('d-3', { labels: { app: 'd' }, node: 'node-2' }),
      pod('d-4', { labels: { app: 'd' }, node: 'node-2' }),
    ],
  });
  // Slices of 3–4 pods stay below the slice threshold; node-1 draws 13 pods, node-2 two.
  const g = buildGraph(s, { namespace: 'shop' }, { groupAbove: 5, nodeGroupAbove: 5 });
  assert.ok(!g.nodes.some((x) => x.id.startsWith('PodGroup:shop/')), 'no slice is above its threshold');
  const group = n(g, 'PodGroup:node-1');
  assert.deepEqual([group.count, group.name, group.groupOf, group.namespace], [12, '12 pods', 'Node:node-1', 'shop']);
  assert.deepEqual(group.details, [
    ['Node', 'node-1'],
    ['Reached from', '4 slices or Services'],
  ]);
  const groupEdges = g.edges.filter((e) => e.from === group.id || e.to === group.id).map((e) => `${e.id} ${e.kind} ${e.label}`);
  assert.deepEqual(groupEdges.sort(), [
    'EndpointSlice:shop/a-1>PodGroup:node-1 endpoint 3 pods',
    'EndpointSlice:shop/b-1>PodGroup:node-1 endpoint 3 pods',
    'EndpointSlice:shop/c-1>PodGroup:node-1 endpoint 3 pods',
    'EndpointSlice:shop/d-1>PodGroup:node-1 endpoint 3 pods',
    'PodGroup:node-1>Node:node-1 runs-on 12 pods',
  ]);
  assert.ok(!g.nodes.some((x) => x.id === 'Pod:shop/a-0'), 'members are folded');
  assert.ok(!g.edges.some((e) => e.from === 'Pod:shop/a-0' || e.to === 'Pod:shop/a-0'), 'and so are their edges');
  n(g, 'Pod:shop/a-sick');
  assert.ok(g.edges.some((e) => e.id === 'Pod:shop/a-sick>Node:node-1'), 'a pod with a problem stays, with its edges');
  n(g, 'Pod:shop/d-3');
  assert.ok(!g.nodes.some((x) => x.id === 'PodGroup:node-2'), 'node-2 draws 2 pods: below the threshold');

  // A slice the user expanded keeps its pods out of the node group; an expanded node has none.
  const sliceOpen = buildGraph(s, { namespace: 'shop' }, { groupAbove: 5, nodeGroupAbove: 5, expanded: new Set(['EndpointSlice:shop/a-1']) });
  assert.equal(n(sliceOpen, 'PodGroup:node-1').count, 9);
  for (const p of names('a')) n(sliceOpen, `Pod:shop/${p}`);
  const nodeOpen = buildGraph(s, { namespace: 'shop' }, { groupAbove: 5, nodeGroupAbove: 5, expanded: new Set(['Node:node-1']) });
  assert.ok(!nodeOpen.nodes.some((x) => x.kind === 'PodGroup'));
  assert.equal(nodeOpen.nodes.filter((x) => x.kind === 'Pod').length, 15);

  // Slices above their own threshold fold their pods first: node-1 then draws one pod, no node group.
  const bySlice = buildGraph(s, { namespace: 'shop' }, { groupAbove: 2, nodeGroupAbove: 5 });
  assert.deepEqual(bySlice.nodes.filter((x) => x.kind === 'PodGroup').map((x) => x.groupOf).sort(), ['EndpointSlice:shop/a-1', 'EndpointSlice:shop/b-1', 'EndpointSlice:shop/c-1', 'EndpointSlice:shop/d-1']);
});

test('without the slices layer, pods found by selector group per node, with "selects" edges from their Services', () => {
  const pods = Array.from({ length: 8 }, (_, i) => pod(`web-${i}`, { node: 'node-1' }));
  const s = stores({ services: [svc('web'), svc('all', { selector: { app: 'web' } })], pods });
  const g = buildGraph({ services: s.services, pods: s.pods, nodes: s.nodes, missing: [{ layer: 'EndpointSlice', reason: 'forbidden' }] }, { namespace: 'shop' }, { nodeGroupAbove: 5 });
  const group = n(g, 'PodGroup:node-1');
  assert.equal(group.count, 8);
  const groupEdges = g.edges.filter((e) => e.to === group.id).map((e) => `${e.id} ${e.kind} ${e.label}`);
  assert.deepEqual(groupEdges.sort(), ['Service:shop/all>PodGroup:node-1 selects 8 pods', 'Service:shop/web>PodGroup:node-1 selects 8 pods']);
  assert.deepEqual(g.nodes.map((x) => x.kind).sort(), ['Node', 'PodGroup', 'Service', 'Service']);
});
