// TopologySession over real shared watches (WatchHub, ViewLeases) fed by our fake ListerWatcher:
// the graph is built once when the panel opens (the watches' first lists, delivered a moment
// later, are the content it was built from: no second build), a pod change reaches the webview as
// a diff applied to the kept model, and a real relist gives a full build and a fresh snapshot.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ResourceType } from '../../src/kube/kinds/resourceType';
import type { KubeObject } from '../../src/kube/kinds/types';
import { applyDiff } from '../../src/kube/topology/graphDiff';
import type { TopoGraph } from '../../src/kube/topology/graphTypes';
import { TopologySession, type TopologyUpdate } from '../../src/kube/topology/topologySession';
import { WatchHub } from '../../src/kube/watch/watchHub';
import { waitFor } from '../support/waitFor';
import { FakeApiServer } from './fakes/fakeApiServer';
import { node, pod, slice, svc } from './fixtures/topology';

function type(plural: string, kind: string, group: string, namespaced: boolean): ResourceType {
  return { group, version: 'v1', kind, plural, singular: kind.toLowerCase(), namespaced, verbs: ['list', 'watch'], shortNames: [], treeGroup: 'Network', scalable: false, restartable: false, hasLogs: false, hasExec: false, metadataOnly: false };
}

const TYPES: Record<string, ResourceType> = {
  services: type('services', 'Service', '', true),
  'endpointslices.discovery.k8s.io': type('endpointslices', 'EndpointSlice', 'discovery.k8s.io', true),
  pods: type('pods', 'Pod', '', true),
  nodes: type('nodes', 'Node', '', false),
};

/** Puts a fixture object into a fake server (which stamps its own resourceVersion). */
function put(server: FakeApiServer, o: KubeObject): void {
  const { name = '', namespace = '' } = o.metadata;
  if (server.objects.has(namespace ? `${namespace}/${name}` : name)) server.update(name, namespace, () => o);
  else server.create(name, namespace, o);
}

test('the graph is built once when it opens, a pod change arrives as a diff of the kept model, a relist as a fresh snapshot', async (t) => {
  const servers = { services: new FakeApiServer(), slices: new FakeApiServer(), pods: new FakeApiServer(), nodes: new FakeApiServer() };
  const names = ['web-1', 'web-2', 'web-3'];
  put(servers.services, svc('web'));
  put(servers.slices, slice('web-abc', 'web', names.map((p) => ({ pod: p }))));
  for (const p of names) put(servers.pods, pod(p));
  for (const n of ['node-1', 'node-2']) put(servers.nodes, node(n));
  const byType: Record<string, FakeApiServer> = { services: servers.services, endpointslices: servers.slices, pods: servers.pods, nodes: servers.nodes };
  const hub = new WatchHub((_ctx, ty) => byType[ty.plural]!.lw(), { lingerMs: 0, batchMs: 5, backoff: { initialMs: 5, maxMs: 40, factor: 2, jitter: 0, resetAfterMs: 60_000 } });
  const clusters = {
    hub,
    kubeconfig: undefined,
    session: () => ({ connect: async () => ({ phase: 'ready', version: 'v1.36.3', registry: { get: (id: string) => TYPES[id] } }) }),
  } as unknown as ConstructorParameters<typeof TopologySession>[0];
  const session = new TopologySession(clusters, 'ctx', { namespace: 'shop' }, { throttleMs: 5 });
  t.after(async () => {
    session.dispose();
    await hub.dispose();
  });
  const updates: TopologyUpdate[] = [];
  let shown: TopoGraph | undefined;
  session.onUpdate((u) => {
    updates.push(u);
    shown = u.type === 'snapshot' ? u.graph : applyDiff(shown!, u.diff);
  });

  await session.start();
  assert.deepEqual(updates.map((u) => u.type), ['snapshot']);
  assert.equal(shown!.nodes.filter((x) => x.kind === 'Pod').length, 3);
  // The first lists' batches (coalesced by each watch for a few ms) reach the session now.
  for (const ty of Object.values(TYPES)) hub.peek('ctx', ty, 'shop')?.flush();
  assert.equal(session.fullBuilds, 1, 'one build: the first lists were what it was built from');

  // A pod turns not ready and its slice follows.
  put(servers.pods, pod('web-2', { ready: false }));
  put(servers.slices, slice('web-abc', 'web', names.map((p) => ({ pod: p, ready: p !== 'web-2' }))));
  await waitFor(() => shown?.nodes.find((x) => x.id === 'Pod:shop/web-2')?.health === 'warning', { what: 'web-2 drawn not ready' });
  assert.equal(session.fullBuilds, 1, 'applied to the model, not rebuilt');
  assert.ok(updates.slice(1).every((u) => u.type === 'diff'), 'changes come as diffs');
  assert.deepEqual(shown, session.current(), 'snapshot + diffs = the model');

  // The pods' watch misses an event, then finds its history compacted and relists: a full build
  // and a fresh snapshot with what it missed.
  servers.pods.silenceOpen();
  put(servers.pods, pod('web-4'));
  servers.pods.compact();
  servers.pods.dropAll();
  await waitFor(() => updates.at(-1)?.type === 'snapshot' && updates.length > 2, { what: 'a snapshot after the relist' });
  assert.equal(session.fullBuilds, 2);
  assert.deepEqual(shown, session.current());
  assert.ok(session.current().edges.some((e) => e.to === 'Pod:shop/web-4'), 'the relisted pod is in the graph (selected, not in a slice yet)');
});
