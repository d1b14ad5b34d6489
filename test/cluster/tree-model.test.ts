// The browse model (what the tree shows) against the real cluster: contexts → namespaces →
// groups → kinds → objects → pods → containers, live updates without any refresh call, and
// RBAC-limited users seeing "forbidden" where they should instead of errors.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { BrowseModel, type BrowseState } from '../../src/kube/tree/browseModel';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import { realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { uniqueName, useCluster } from './harness/use-cluster';

const cluster = useCluster();
const state: BrowseState = { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined };

async function child(model: BrowseModel, parent: BrowseNode, pred: (n: BrowseNode) => boolean, what: string): Promise<BrowseNode> {
  return waitFor(async () => (await model.children(parent)).find(pred), { what, timeoutMs: 30_000 });
}

test('the tree shows context, namespaces, a Deployment with its pods and containers, and follows changes live', async () => {
  const c = cluster();
  const ns = uniqueName('tree');
  await c.kubectl(['create', 'namespace', ns]);
  await c.kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=2']);
  const stack = await realStack(c.kubeconfig);
  const model = new BrowseModel(stack.clusters, state, { pageSize: 50, refreshDelayMs: 20 });
  const events: { at: number; nodes: BrowseNode[] | undefined }[] = [];
  model.onDidChange((nodes) => events.push({ at: Date.now(), nodes }));
  try {
    const ctx = model.roots().find((n) => n.type === 'context' && n.context === stack.context);
    assert.ok(ctx, 'context node present');
    assert.match(ctx.description, /current/);
    const nodesKind = await child(model, ctx, (n) => n.type === 'kind' && n.resource?.kind === 'Node', 'Nodes under the context');
    assert.ok((await model.children(nodesKind)).length >= 1, 'nodes listed');
    const nsNode = await child(model, ctx, (n) => n.type === 'namespace' && n.label === ns, `namespace ${ns}`);
    const groups = (await model.children(nsNode)).map((g) => g.label);
    assert.deepEqual(groups.slice(0, 3), ['Workloads', 'Network', 'Config']);
    const workloads = (await model.children(nsNode)).find((g) => g.label === 'Workloads')!;
    const deployments = await child(model, workloads, (n) => n.resource?.kind === 'Deployment', 'Deployments kind');
    await waitFor(async () => (await model.children(workloads)).find((k) => k.resource?.kind === 'Deployment')?.description.startsWith('1'), { what: 'Deployments count 1' });
    const web = await child(model, deployments, (n) => n.label === 'web', 'web deployment');
    await waitFor(async () => (await model.children(deployments)).find((n) => n.label === 'web')?.description.startsWith('2/2'), { what: 'web 2/2 ready', timeoutMs: 60_000 });
    const pods = await waitFor(async () => {
      const p = await model.children(web);
      return p.length === 2 && p.every((x) => x.description.startsWith('Running')) ? p : undefined;
    }, { what: 'two running pods under web', timeoutMs: 60_000 });
    const containers = await model.children(pods[0]!);
    assert.deepEqual(containers.map((x) => x.label), ['web']);
    assert.equal(containers[0]!.type, 'container');
    assert.equal(model.getNode(pods[0]!.id), pods[0], 'nodes are stable instances');

    // Created from outside: the kind node is refreshed without any call from us.
    events.length = 0;
    const t0 = Date.now();
    await c.kubectl(['-n', ns, 'create', 'deployment', 'api', '--image=registry.invalid/api:1', '--replicas=1']);
    await waitFor(() => events.some((e) => e.nodes?.includes(deployments)), { what: 'a change event for the Deployments node' });
    const latency = events.find((e) => e.nodes?.includes(deployments))!.at - t0;
    assert.ok((await model.children(deployments)).some((n) => n.label === 'api'), 'api appears');
    console.log(`# change → tree event latency (including kubectl start-up): ${latency} ms`);

    // Scaled from outside: the workload's pod list follows.
    await c.kubectl(['-n', ns, 'scale', 'deployment/web', '--replicas=3']);
    await waitFor(async () => (await model.children(web)).length === 3, { what: 'three pods under web after scaling', timeoutMs: 60_000 });
    const coversWeb = (n: BrowseNode): boolean => {
      for (let p: BrowseNode | undefined = web; p; p = p.parent) if (p === n) return true;
      return false;
    };
    assert.ok(events.some((e) => e.nodes?.some(coversWeb)), 'the web node (or an ancestor covering it) was refreshed');

    // Deleted from outside.
    await c.kubectl(['-n', ns, 'delete', 'deployment', 'api', '--wait=false']);
    await waitFor(async () => !(await model.children(deployments)).some((n) => n.label === 'api'), { what: 'api gone' });
    // Coalescing: an ancestor and its descendant are never fired together.
    for (const e of events) {
      for (const n of e.nodes ?? []) {
        for (let p = n.parent; p; p = p.parent) assert.ok(!e.nodes!.includes(p), `${n.id} fired with its ancestor ${p.id}`);
      }
    }
    // Collapsing the context releases every watch the subtree held.
    model.collapsed(ctx);
    // Only the session's own CRD follower (rediscovery) stays.
    await waitFor(() => stack.clusters.hub.keys().every((k) => k.includes('|customresourcedefinitions.')), { what: 'tree watches stopped after collapse' });
  } finally {
    model.dispose();
    await stack.close();
    await c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  }
});

test('large lists are split into ranges: no node gets more than pageSize children', async () => {
  const c = cluster();
  const ns = uniqueName('chunks');
  await c.kubectl(['create', 'namespace', ns]);
  const names = Array.from({ length: 25 }, (_, i) => `cm-${String(i).padStart(2, '0')}`);
  await c.api.ok('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'seed' } });
  await Promise.all(names.map((n) => c.api.ok('POST', `/api/v1/namespaces/${ns}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: n } })));
  const stack = await realStack(c.kubeconfig);
  const model = new BrowseModel(stack.clusters, state, { pageSize: 10, refreshDelayMs: 20 });
  try {
    const ctx = model.roots().find((n) => n.context === stack.context)!;
    const nsNode = (await model.findChild(ctx, (n) => n.type === 'namespace' && n.label === ns))!;
    // Whether namespaces are in ranges or not, a node's parent is the node that lists it (reveal relies on it).
    assert.ok((await model.children(nsNode.parent!)).includes(nsNode), `${nsNode.parent?.id} lists ${nsNode.id}`);
    const config = (await model.children(nsNode)).find((g) => g.label === 'Config')!;
    const cms = (await model.children(config)).find((k) => k.resource?.kind === 'ConfigMap')!;
    const chunks = await model.children(cms);
    assert.ok(chunks.every((x) => x.type === 'chunk'), 'only ranges at the top');
    assert.ok(chunks.length >= 3 && chunks.length <= 4, `27-28 config maps in ranges of 10 (got ${chunks.length})`);
    assert.match(chunks[0]!.description, /^1–10 of 2[78]/);
    const inFirst = await model.children(chunks[0]!);
    assert.equal(inFirst.length, 10);
    assert.equal(inFirst[0]!.label, 'cm-00');
    const found = await model.findObjectNode(stack.context, cms.resource!, ns, 'cm-24');
    assert.equal(found?.label, 'cm-24', 'reveal walks through ranges');
    assert.equal(found?.parent?.type, 'chunk');
  } finally {
    model.dispose();
    await stack.close();
    await c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  }
});

test('a user limited by RBAC sees forbidden markers, not errors, and what they may read', async () => {
  const c = cluster();
  // The restricted user may list pods in team-a only; point its context at that namespace.
  const text = readFileSync(c.restrictedKubeconfig, 'utf8').replace(/(\n\s+user: "restricted")/, '$1\n    namespace: "team-a"');
  const file = join(c.dir, `restricted-team-a-${process.pid}.kubeconfig`);
  writeFileSync(file, text);
  const stack = await realStack(file);
  const model = new BrowseModel(stack.clusters, state, { pageSize: 50, refreshDelayMs: 20 });
  try {
    const ctx = model.roots().find((n) => n.type === 'context')!;
    const kids = await model.children(ctx);
    const note = kids.find((n) => n.type === 'message');
    assert.equal(note?.messageKind, 'forbidden', 'namespaces: forbidden marker');
    assert.match(note!.description, /team-a/);
    const teamA = kids.find((n) => n.type === 'namespace' && n.label === 'team-a')!;
    assert.ok(teamA, "falls back to the context's namespace");
    const workloads = (await model.children(teamA)).find((g) => g.label === 'Workloads')!;
    const kinds = await model.children(workloads);
    const podsKind = kinds.find((k) => k.resource?.kind === 'Pod')!;
    const deployKind = kinds.find((k) => k.resource?.kind === 'Deployment')!;
    assert.match(podsKind.description, /^\d+/, 'pods can be listed (namespaced watch after the cluster-wide one was refused)');
    assert.equal(deployKind.description, 'forbidden');
    const inside = await model.children(deployKind);
    assert.equal(inside[0]?.messageKind, 'forbidden');
    assert.match(inside[0]!.label, /Forbidden: cannot list deployments/);
  } finally {
    model.dispose();
    await stack.close();
  }
});
