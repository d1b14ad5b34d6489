// The topology graph against the real apiserver: kube-controller-manager makes the EndpointSlices,
// KWOK runs the pods on simulated nodes. A Deployment behind a Service gives the whole chain; a
// scale-up, a deleted pod and a cordoned node each reach the session as a diff that says so; a
// user without rights on Services, slices and Nodes gets those layers named, not an empty graph.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyDiff } from '../../src/kube/topology/graphDiff';
import type { TopoGraph } from '../../src/kube/topology/graphTypes';
import { TopologySession, type TopologyUpdate } from '../../src/kube/topology/topologySession';
import { realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { RESTRICTED_NAMESPACE } from './cluster.harness';
import { uniqueName, useCluster } from './harness/use-cluster';

const cluster = useCluster();

function ids(g: TopoGraph, kind: string): string[] {
  return g.nodes.filter((n) => n.kind === kind).map((n) => n.id);
}

test('a Deployment behind a Service: the whole chain, then scale, pod deletion and cordon arrive as diffs', async () => {
  const c = cluster();
  const ns = uniqueName('topo');
  await c.kubectl(['create', 'namespace', ns]);
  await c.kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=2', '--port=8080']);
  await c.kubectl(['-n', ns, 'expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
  const stack = await realStack(c.kubeconfig);
  const session = new TopologySession(stack.clusters, stack.context, { namespace: ns }, { throttleMs: 20 });
  const updates: TopologyUpdate[] = [];
  // What a webview would show: the first snapshot with every diff applied.
  let shown: TopoGraph | undefined;
  session.onUpdate((u) => {
    updates.push(u);
    shown = u.type === 'snapshot' ? u.graph : applyDiff(shown!, u.diff);
  });
  let cordoned: string | undefined;
  try {
    await session.start();
    assert.equal(updates[0]?.type, 'snapshot', 'a snapshot first');
    const ready2 = await waitFor(
      () => {
        const g = shown!;
        const eps = g.edges.filter((e) => e.kind === 'endpoint' && e.ready);
        return ids(g, 'Pod').length === 2 && eps.length === 2 && g.edges.filter((e) => e.kind === 'runs-on').length === 2 ? g : undefined;
      },
      { what: 'Service → slice → 2 ready pods → nodes', timeoutMs: 60_000 },
    );
    assert.deepEqual(ids(ready2, 'Service'), [`Service:${ns}/web`]);
    const slices = ids(ready2, 'EndpointSlice');
    assert.equal(slices.length, 1);
    assert.ok(ready2.edges.some((e) => e.kind === 'slice' && e.from === `Service:${ns}/web` && e.to === slices[0]));
    assert.equal(ready2.edges.find((e) => e.kind === 'endpoint')?.label, '8080/TCP', 'the slice ports on the endpoint edge');
    assert.ok(ids(ready2, 'Node').length >= 1);
    assert.deepEqual(ready2.missing, []);
    assert.equal(ready2.nodes.find((n) => n.kind === 'Service')?.status, '2/2 endpoints ready');
    assert.deepEqual(shown, session.current(), 'snapshot + diffs = the model');

    // Scale up: the new pods arrive as diffs (no snapshot in between).
    const before = updates.length;
    await c.kubectl(['-n', ns, 'scale', 'deployment/web', '--replicas=3']);
    await waitFor(() => shown!.edges.filter((e) => e.kind === 'endpoint' && e.ready).length === 3, { what: 'a third ready endpoint', timeoutMs: 60_000 });
    const scaled = updates.slice(before);
    assert.ok(scaled.every((u) => u.type === 'diff'), `only diffs after the snapshot: ${updates.map((u) => u.type).join(',')} from ${before}`);
    assert.ok(scaled.some((u) => u.type === 'diff' && u.diff.upsertNodes.some((n) => n.kind === 'Pod' && !ready2.nodes.some((o) => o.id === n.id))), 'a diff adds the new pod');

    // Delete a pod: a diff removes it (and the ReplicaSet's replacement is added).
    const victim = ids(shown!, 'Pod')[0]!;
    const victimName = victim.slice(victim.indexOf('/') + 1);
    const mark = updates.length;
    await c.kubectl(['-n', ns, 'delete', 'pod', victimName, '--wait=false']);
    await waitFor(() => updates.slice(mark).some((u) => u.type === 'diff' && u.diff.removeNodes.includes(victim)), { what: `a diff removing ${victim}`, timeoutMs: 60_000 });
    await waitFor(() => shown!.edges.filter((e) => e.kind === 'endpoint' && e.ready).length === 3 && !shown!.nodes.some((n) => n.id === victim), { what: 'back to 3 ready pods without the victim', timeoutMs: 60_000 });

    // Cordon the node a pod runs on: the node and its pods say so.
    const runsOn = shown!.edges.find((e) => e.kind === 'runs-on')!;
    cordoned = runsOn.to.slice('Node:'.length);
    const mark2 = updates.length;
    await c.kubectl(['cordon', cordoned]);
    await waitFor(
      () => updates.slice(mark2).some((u) => u.type === 'diff' && u.diff.upsertNodes.some((n) => n.id === runsOn.to && n.status.includes('cordoned'))),
      { what: `a diff saying ${cordoned} is cordoned`, timeoutMs: 30_000 },
    );
    const pod = shown!.nodes.find((n) => n.id === runsOn.from)!;
    assert.ok(pod.problems.includes(`Runs on node ${cordoned}: Cordoned: no new pods are scheduled here`), pod.problems.join('|'));
    assert.deepEqual(shown, session.current(), 'still: snapshot + diffs = the model');
  } finally {
    session.dispose();
    if (cordoned) await c.kubectl(['uncordon', cordoned]).catch(() => undefined);
    await stack.close();
    await c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  }
});

test('a user who may only read pods in one namespace gets the missing layers named', async () => {
  const c = cluster();
  const stack = await realStack(c.restrictedKubeconfig);
  const session = new TopologySession(stack.clusters, stack.context, { namespace: RESTRICTED_NAMESPACE }, { throttleMs: 20 });
  try {
    await session.start();
    const g = session.current();
    assert.deepEqual(g.missing.map((m) => m.layer), ['Service', 'EndpointSlice', 'Node']);
    for (const m of g.missing) assert.match(m.reason, /forbidden/, `${m.layer}: ${m.reason}`);
  } finally {
    session.dispose();
    await stack.close();
  }
});

test('a whole-context graph falls back from cluster-wide to the namespaces the user may read, and says so', async () => {
  const c = cluster();
  // The user's kubeconfig names their namespace: with Namespaces not listable, that is the one shown.
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'topo-rbac-')), 'kubeconfig');
  copyFileSync(c.restrictedKubeconfig, kubeconfig);
  await c.kubectl(['config', 'set-context', '--current', `--namespace=${RESTRICTED_NAMESPACE}`], { kubeconfig });
  const stack = await realStack(kubeconfig);
  const session = new TopologySession(stack.clusters, stack.context, {}, { throttleMs: 20 });
  try {
    await session.start();
    const g = session.current();
    assert.deepEqual(g.missing.map((m) => m.layer), ['Service', 'EndpointSlice', 'Node'], 'pods are not missing: they are read per namespace');
    assert.deepEqual(g.notes, ['listing pods in all namespaces is forbidden; showing the namespaces where it is allowed']);
    const held = stack.clusters.hub.keys().filter((k) => k.includes('|pods|'));
    assert.deepEqual(held, [`${stack.context}|pods|${RESTRICTED_NAMESPACE}`], 'one namespaced pod watch serves the layer');
  } finally {
    session.dispose();
    await stack.close();
  }
});
