// Snapshot then small diffs: one pod change in a namespace reaches the webview as the few elements
// it changed, and replaying every diff on the first snapshot gives exactly the latest graph.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildGraph } from '../../src/kube/topology/buildGraph';
import { applyDiff, diffGraphs, isEmptyDiff } from '../../src/kube/topology/graphDiff';
import { node, pod, slice, stores, svc } from './fixtures/topology';

function world(n: number) {
  const names = Array.from({ length: n }, (_, i) => `web-${i}`);
  return stores({
    services: [svc('web')],
    slices: [slice('web-abc', 'web', names.map((p) => ({ pod: p })))],
    pods: names.map((p, i) => pod(p, { node: `node-${(i % 2) + 1}` })),
    nodes: [node('node-1'), node('node-2')],
  });
}

test('no change, no diff; one pod turning not ready changes that pod, its edge, the slice and the Service', () => {
  const s = world(40);
  const g1 = buildGraph(s, { namespace: 'shop' });
  assert.ok(isEmptyDiff(diffGraphs(g1, buildGraph(s, { namespace: 'shop' }))));
  s.pods.upsert(pod('web-7', { ready: false, node: 'node-2', rv: '99' }));
  const eps = Array.from({ length: 40 }, (_, i) => ({ pod: `web-${i}`, ready: i !== 7 }));
  s.slices.upsert(slice('web-abc', 'web', eps, { rv: '2' }));
  const g2 = buildGraph(s, { namespace: 'shop' });
  const d = diffGraphs(g1, g2);
  assert.deepEqual(d.upsertNodes.map((x) => x.id).sort(), ['EndpointSlice:shop/web-abc', 'Pod:shop/web-7', 'Service:shop/web']);
  assert.deepEqual(d.upsertEdges.map((x) => x.id), ['EndpointSlice:shop/web-abc>Pod:shop/web-7']);
  assert.deepEqual([d.removeNodes, d.removeEdges], [[], []]);
  assert.ok(JSON.stringify(d).length < JSON.stringify(g2).length / 10, 'a diff is a small fraction of the graph');
  assert.deepEqual(applyDiff(g1, d), g2);
});

test('replaying diffs over a scale-up, a deletion and a cordon gives the latest graph', () => {
  const s = world(3);
  const first = buildGraph(s, { namespace: 'shop' });
  let shown = first;
  let prev = first;
  const step = (): ReturnType<typeof diffGraphs> => {
    const next = buildGraph(s, { namespace: 'shop' });
    const d = diffGraphs(prev, next);
    shown = applyDiff(shown, d);
    prev = next;
    return d;
  };
  s.pods.upsert(pod('web-3', { node: 'node-1' }));
  s.slices.upsert(slice('web-abc', 'web', ['web-0', 'web-1', 'web-2', 'web-3'].map((p) => ({ pod: p })), { rv: '2' }));
  assert.deepEqual(step().upsertNodes.map((x) => x.id).sort(), ['EndpointSlice:shop/web-abc', 'Pod:shop/web-3', 'Service:shop/web']);
  s.pods.delete('shop/web-0');
  s.slices.upsert(slice('web-abc', 'web', ['web-1', 'web-2', 'web-3'].map((p) => ({ pod: p })), { rv: '3' }));
  const del = step();
  assert.deepEqual(del.removeNodes, ['Pod:shop/web-0']);
  assert.deepEqual(del.removeEdges.sort(), ['EndpointSlice:shop/web-abc>Pod:shop/web-0', 'Pod:shop/web-0>Node:node-1']);
  s.nodes.upsert(node('node-2', { cordoned: true }));
  const cordon = step();
  assert.ok(cordon.upsertNodes.some((x) => x.id === 'Node:node-2' && x.status === 'Ready, cordoned'));
  assert.deepEqual(shown, buildGraph(s, { namespace: 'shop' }));
});
