// Scale, delete, pause/resume and live rollout status against the real cluster: the scale
// subresource of built-in kinds and of a custom resource whose CRD declares one, the three
// propagation policies, kubectl's pause/resume rules, and a rollout followed from the watch
// cache to success, and to the reason it is stuck (ProgressDeadlineExceeded, unschedulable pods).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { deleteObjects } from '../../src/kube/actions/deleteObjects';
import { followRollout } from '../../src/kube/actions/rollout/follow';
import { setPaused } from '../../src/kube/actions/rollout/pause';
import { restartWorkload } from '../../src/kube/actions/rollout/restart';
import type { RolloutState } from '../../src/kube/actions/rollout/status';
import { readScale, scaleObject } from '../../src/kube/actions/scale';
import type { KubeObject } from '../../src/kube/kinds/types';
import { type RealStack, realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('actions');
const GROUP = `${ns}.kube-atlas.test`;
let stack: RealStack;
const cluster = useCluster({
  namespace: ns,
  setup: async (c) => {
    stack = await realStack(c.kubeconfig);
  },
  teardown: async (c) => {
    await stack?.close();
    await c.kubectl(['delete', 'crd', `widgets.${GROUP}`, '--wait=false']).catch(() => undefined);
  },
});

async function getJson(args: string[]): Promise<KubeObject> {
  return JSON.parse((await cluster().kubectl([...args, '-o', 'json'])).stdout) as KubeObject;
}

test('scale through the scale subresource: Deployment, StatefulSet, ReplicaSet', async () => {
  const c = cluster();
  await c.kubectl(['-n', ns, 'create', 'deployment', 'scale-me', '--image=registry.invalid/x:1', '--replicas=1']);
  const file = join(c.dir, `${ns}-scale.json`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'List',
      items: ['StatefulSet', 'ReplicaSet'].map((kind) => ({
        apiVersion: 'apps/v1',
        kind,
        metadata: { name: `scale-${kind.toLowerCase()}` },
        spec: { replicas: 1, serviceName: kind === 'StatefulSet' ? 'x' : undefined, selector: { matchLabels: { app: `scale-${kind.toLowerCase()}` } }, template: { metadata: { labels: { app: `scale-${kind.toLowerCase()}` } }, spec: { containers: [{ name: 'x', image: 'registry.invalid/x:1' }] } } },
      })),
    }),
  );
  await c.kubectl(['-n', ns, 'create', '-f', file]);
  for (const [rid, name] of [['deployments.apps', 'scale-me'], ['statefulsets.apps', 'scale-statefulset'], ['replicasets.apps', 'scale-replicaset']] as const) {
    const type = stack.registry.get(rid)!;
    assert.equal(type.scalable, true, `${rid} declares a scale subresource`);
    assert.equal((await readScale(stack.transport, type, ns, name)).desired, 1);
    const res = await scaleObject(stack.transport, type, ns, name, 3);
    assert.equal(res.replicas, 3);
    assert.equal((await getJson(['-n', ns, 'get', rid, name])).spec && ((await getJson(['-n', ns, 'get', rid, name])).spec as { replicas: number }).replicas, 3);
    await waitFor(async () => (await readScale(stack.transport, type, ns, name)).current === 3, { what: `${name}: 3 replicas running`, timeoutMs: 60_000 });
    await scaleObject(stack.transport, type, ns, name, 0);
    assert.equal((await readScale(stack.transport, type, ns, name)).desired, 0);
  }
  const pods = stack.registry.get('pods')!;
  await assert.rejects(scaleObject(stack.transport, pods, ns, 'x', 1), /cannot be scaled: pods has no scale subresource/);
});

test('scale a custom resource whose CRD declares a scale subresource (discovery says so)', async () => {
  const c = cluster();
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets.${GROUP}` },
    spec: {
      group: GROUP,
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { replicas: { type: 'integer' } } }, status: { type: 'object', properties: { replicas: { type: 'integer' } } } } } },
          subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
        },
      ],
    },
  };
  const file = join(c.dir, `${ns}-crd.json`);
  writeFileSync(file, JSON.stringify(crd));
  await c.kubectl(['create', '-f', file]);
  await c.kubectl(['wait', '--for=condition=Established', `crd/widgets.${GROUP}`, '--timeout=30s']);
  const widget = join(c.dir, `${ns}-widget.json`);
  writeFileSync(widget, JSON.stringify({ apiVersion: `${GROUP}/v1`, kind: 'Widget', metadata: { name: 'w1' }, spec: { replicas: 1 } }));
  await waitFor(async () => (await c.kubectl(['-n', ns, 'create', '-f', widget]).then(() => true, () => false)), { what: 'the Widget kind served', timeoutMs: 30_000, intervalMs: 500 });
  const session = stack.clusters.session(stack.context)!;
  const type = await waitFor(
    async () => {
      await session.rediscover();
      const st = session.state;
      return st.phase === 'ready' ? st.registry.get(`widgets.${GROUP}`) : undefined;
    },
    { what: 'discovery serves widgets', timeoutMs: 30_000, intervalMs: 300 },
  );
  assert.equal(type.scalable, true);
  assert.equal(type.treeGroup, 'Custom Resources');
  assert.equal((await readScale(stack.transport, type, ns, 'w1')).desired, 1);
  await scaleObject(stack.transport, type, ns, 'w1', 5);
  assert.equal(((await getJson(['-n', ns, 'get', `widgets.${GROUP}`, 'w1'])).spec as { replicas: number }).replicas, 5);
  assert.equal((await readScale(stack.transport, type, ns, 'w1')).desired, 5);
});

test('delete with each propagation policy: Background removes the dependents, Orphan leaves them, Foreground deletes them first', async () => {
  const c = cluster();
  const deployments = stack.registry.get('deployments.apps')!;
  for (const name of ['bg', 'orphan', 'fg']) await c.kubectl(['-n', ns, 'create', 'deployment', name, '--image=registry.invalid/x:1', '--replicas=1']);
  const rsOf = async (name: string) => JSON.parse((await c.kubectl(['-n', ns, 'get', 'rs', '-l', `app=${name}`, '-o', 'json'])).stdout).items as KubeObject[];
  await waitFor(async () => (await rsOf('bg')).length && (await rsOf('orphan')).length && (await rsOf('fg')).length, { what: 'ReplicaSets created', timeoutMs: 30_000 });
  const target = (name: string) => ({ type: deployments, namespace: ns, name });
  const [bg, orphan] = await deleteObjects(() => stack.transport, [target('bg'), target('orphan')], 'Background');
  assert.equal(bg?.outcome, 'deleted');
  assert.equal(orphan?.outcome, 'deleted');
  await waitFor(async () => (await rsOf('bg')).length === 0, { what: 'the garbage collector removes bg\'s ReplicaSet', timeoutMs: 30_000 });

  await c.kubectl(['-n', ns, 'create', 'deployment', 'orphan2', '--image=registry.invalid/x:1', '--replicas=1']);
  await waitFor(async () => (await rsOf('orphan2')).length, { what: 'orphan2 ReplicaSet', timeoutMs: 30_000 });
  const [o] = await deleteObjects(() => stack.transport, [target('orphan2')], 'Orphan');
  assert.equal(o?.outcome, 'deleting', 'orphan: the orphan finalizer holds it until the garbage collector has released its dependents');
  const left = await waitFor(async () => {
    const rs = await rsOf('orphan2');
    return rs.length === 1 && !(rs[0]!.metadata.ownerReferences ?? []).length ? rs : undefined;
  }, { what: 'orphan2\'s ReplicaSet left without an owner', timeoutMs: 30_000 });
  await waitFor(async () => (await c.kubectl(['-n', ns, 'get', 'deployment', 'orphan2', '--ignore-not-found', '-o', 'name'])).stdout.trim() === '', { what: 'orphan2 gone', timeoutMs: 30_000 });
  assert.equal(left.length, 1);

  const [f] = await deleteObjects(() => stack.transport, [target('fg')], 'Foreground');
  assert.equal(f?.outcome, 'deleting', 'foreground: the Deployment stays until its dependents are gone');
  await waitFor(async () => (await c.kubectl(['-n', ns, 'get', 'deployment', 'fg', '--ignore-not-found', '-o', 'name'])).stdout.trim() === '' && (await rsOf('fg')).length === 0, { what: 'fg and its ReplicaSet gone', timeoutMs: 60_000 });

  const [again] = await deleteObjects(() => stack.transport, [target('bg')], 'Background');
  assert.equal(again?.outcome, 'gone', 'already deleted: a 404 is not a failure');
});

test('pause and resume follow kubectl: already paused is a no-op, resuming a running one is refused', async () => {
  const c = cluster();
  await c.kubectl(['-n', ns, 'create', 'deployment', 'pausable', '--image=registry.invalid/x:1', '--replicas=1']);
  const p = await setPaused(stack.transport, ns, 'pausable', true);
  assert.equal(p.outcome, 'paused');
  assert.equal(((await getJson(['-n', ns, 'get', 'deployment', 'pausable'])).spec as { paused?: boolean }).paused, true);
  assert.equal((await setPaused(stack.transport, ns, 'pausable', true)).outcome, 'already paused');
  await assert.rejects(restartWorkload(stack.transport, 'Deployment', ns, 'pausable'), /can't restart paused deployment/);
  assert.equal((await setPaused(stack.transport, ns, 'pausable', false)).outcome, 'resumed');
  assert.equal(((await getJson(['-n', ns, 'get', 'deployment', 'pausable'])).spec as { paused?: boolean }).paused, undefined);
  await assert.rejects(setPaused(stack.transport, ns, 'pausable', false), /is not paused/);
});

test('rollout status follows a restart live from the watch cache to success', async () => {
  const c = cluster();
  await c.kubectl(['-n', ns, 'create', 'deployment', 'follow-me', '--image=registry.invalid/x:1', '--replicas=3']);
  await c.kubectl(['-n', ns, 'rollout', 'status', 'deployment/follow-me', '--timeout=60s']);
  // As in the editor, the tree already watches Deployments here: its cache still holds the rolled-out
  // object when the PATCH returns, and only our change's generation tells the follower to wait.
  const treeWatch = stack.clusters.hub.acquire(stack.context, stack.registry.get('deployments.apps')!, ns);
  await treeWatch.watch.whenSynced();
  await waitFor(() => treeWatch.watch.store.get(`${ns}/follow-me`), { what: 'follow-me cached' });
  const res = await restartWorkload(stack.transport, 'Deployment', ns, 'follow-me');
  const seen: RolloutState[] = [];
  const final = await followRollout(
    { hub: stack.clusters.hub, registry: stack.registry, context: stack.context, kind: 'Deployment', namespace: ns, name: 'follow-me' },
    { minGeneration: res.updated.metadata.generation, onUpdate: (s) => seen.push(s), signal: AbortSignal.timeout(90_000) },
  );
  assert.equal(final.phase, 'complete', final.message);
  assert.equal(final.message, 'deployment "follow-me" successfully rolled out');
  assert.ok(seen.some((s) => s.phase !== 'complete'), `it saw the rollout under way first: ${seen.map((s) => s.message).join(' | ')}`);
  assert.ok(seen.some((s) => /new replicas have been updated|old replicas are pending termination|updated replicas are available|spec update to be observed/.test(s.message)));
  treeWatch.release();
  // kubectl agrees, at once.
  const { stdout } = await c.kubectl(['-n', ns, 'rollout', 'status', 'deployment/follow-me', '--timeout=5s']);
  assert.match(stdout, /successfully rolled out/);
  // The StatefulSet and DaemonSet kinds end the same way.
  const file = join(c.dir, `${ns}-ds.json`);
  writeFileSync(file, JSON.stringify({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'ds' } }, template: { metadata: { labels: { app: 'ds' } }, spec: { containers: [{ name: 'x', image: 'registry.invalid/x:1' }] } } } }));
  await c.kubectl(['-n', ns, 'create', '-f', file]);
  const ds = await followRollout({ hub: stack.clusters.hub, registry: stack.registry, context: stack.context, kind: 'DaemonSet', namespace: ns, name: 'ds' }, { signal: AbortSignal.timeout(90_000) });
  assert.equal(ds.phase, 'complete', ds.message);
  assert.match(ds.message, /daemon set "ds" successfully rolled out/);
});

test('a rollout that cannot finish ends with the reason: ProgressDeadlineExceeded and the new pods that cannot be scheduled', async () => {
  const c = cluster();
  const file = join(c.dir, `${ns}-stuck.json`);
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'stuck' },
      spec: {
        replicas: 1,
        progressDeadlineSeconds: 3,
        selector: { matchLabels: { app: 'stuck' } },
        // No node has this label: the new pod stays Pending (Unschedulable) and the deadline passes.
        template: { metadata: { labels: { app: 'stuck' } }, spec: { nodeSelector: { 'kube-atlas.test/none': 'x' }, containers: [{ name: 'x', image: 'registry.invalid/x:1' }] } },
      },
    }),
  );
  await c.kubectl(['-n', ns, 'create', '-f', file]);
  const progress: string[] = [];
  const final = await followRollout(
    { hub: stack.clusters.hub, registry: stack.registry, context: stack.context, kind: 'Deployment', namespace: ns, name: 'stuck' },
    { signal: AbortSignal.timeout(90_000), onUpdate: (s) => progress.push(s.message) },
  );
  assert.equal(final.phase, 'stuck', final.message);
  assert.match(final.message, /exceeded its progress deadline \(ProgressDeadlineExceeded\): stuck-\S+ Unschedulable \(0\/\d+ nodes are available/);
  assert.ok(progress.some((m) => /Unschedulable/.test(m)), 'the unschedulable pod showed while waiting');
  await assert.rejects(c.kubectl(['-n', ns, 'rollout', 'status', 'deployment/stuck', '--timeout=5s']), /exceeded its progress deadline/);
});
