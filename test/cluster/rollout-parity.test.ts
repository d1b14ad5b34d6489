// Parity with kubectl on the same cluster: twin workloads (same manifest, same history) in two
// namespaces; kubectl acts on one, Kube Atlas on the other, and the results must be equal —
// the pod template after `rollout undo` (to the previous and to a chosen revision, for
// Deployments, StatefulSets and DaemonSets), the Deployment's annotations after undo, the skip
// when the template already matches, the annotation `rollout restart` sets, and the history
// `rollout history` lists.
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { fetchHistory } from '../../src/kube/actions/rollout/history';
import { restartWorkload } from '../../src/kube/actions/rollout/restart';
import { undoRollout } from '../../src/kube/actions/rollout/undo';
import type { WorkloadKind } from '../../src/kube/actions/rollout/workload';
import type { KubeObject } from '../../src/kube/kinds/types';
import { type RealStack, realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import type { Cluster } from './cluster.harness';
import { uniqueName, useCluster } from './harness/use-cluster';

const ours = uniqueName('ours');
const theirs = uniqueName('kubectl');
let stack: RealStack;
const cluster = useCluster({
  setup: async (c) => {
    for (const ns of [ours, theirs]) await c.kubectl(['create', 'namespace', ns]);
    stack = await realStack(c.kubeconfig);
  },
  teardown: async (c) => {
    await stack?.close();
    for (const ns of [ours, theirs]) await c.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  },
});

const RESOURCE: Record<WorkloadKind, string> = { Deployment: 'deployment', StatefulSet: 'statefulset', DaemonSet: 'daemonset' };

function manifest(kind: WorkloadKind, name: string): object {
  const labels = { app: name };
  const template = { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } };
  const spec: Record<string, unknown> = { selector: { matchLabels: labels }, template };
  if (kind !== 'DaemonSet') spec.replicas = 2;
  if (kind === 'StatefulSet') spec.serviceName = name;
  return { apiVersion: 'apps/v1', kind, metadata: { name }, spec };
}

async function get(c: Cluster, kind: WorkloadKind, ns: string, name: string): Promise<KubeObject> {
  return JSON.parse((await c.kubectl(['-n', ns, 'get', RESOURCE[kind], name, '-o', 'json'])).stdout) as KubeObject;
}

/** The controller has seen the latest spec (each change then gets its own revision). */
async function observed(c: Cluster, kind: WorkloadKind, ns: string, name: string): Promise<KubeObject> {
  return waitFor(
    async () => {
      const o = await get(c, kind, ns, name);
      return (o.status as { observedGeneration?: number } | undefined)?.observedGeneration === o.metadata.generation ? o : undefined;
    },
    { what: `${kind} ${ns}/${name} observed`, timeoutMs: 60_000 },
  );
}

/** The same history in both namespaces: revisions 1–3 with images app:1..3 and change-causes. */
async function twins(kind: WorkloadKind, name: string): Promise<void> {
  const c = cluster();
  const file = join(c.dir, `${name}-${kind}.json`);
  writeFileSync(file, JSON.stringify(manifest(kind, name)));
  for (const ns of [ours, theirs]) {
    await c.kubectl(['-n', ns, 'create', '-f', file]);
    await observed(c, kind, ns, name);
    for (const v of [2, 3]) {
      await c.kubectl(['-n', ns, 'annotate', RESOURCE[kind], name, `kubernetes.io/change-cause=image app:${v}`, '--overwrite']);
      await c.kubectl(['-n', ns, 'set', 'image', `${RESOURCE[kind]}/${name}`, `app=registry.invalid/app:${v}`]);
      await observed(c, kind, ns, name);
    }
  }
}

/** What must be equal between the twins after an action: the pod template, and a Deployment's annotations. */
function comparable(kind: WorkloadKind, o: KubeObject): unknown {
  const template = (o.spec as { template?: unknown }).template;
  return kind === 'Deployment' ? { template, annotations: o.metadata.annotations } : { template };
}

async function assertTwinsEqual(kind: WorkloadKind, name: string, what: string): Promise<void> {
  const c = cluster();
  let last: [unknown, unknown] = [undefined, undefined];
  try {
    // Controllers update annotations a moment after the patch: compare once both have settled.
    await waitFor(
      async () => {
        const [a, b] = await Promise.all([observed(c, kind, ours, name), observed(c, kind, theirs, name)]);
        last = [comparable(kind, a), comparable(kind, b)];
        return isDeepStrictEqual(last[0], last[1]);
      },
      { what: `${kind} twins equal after ${what}`, timeoutMs: 30_000, intervalMs: 200 },
    );
  } catch {
    assert.deepEqual(last[0], last[1], `${kind} after ${what}: ours (actual) vs kubectl (expected)`);
  }
}

function imageOf(o: KubeObject): string | undefined {
  return (o.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]?.image;
}

for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'] as const) {
  test(`${kind}: undo to the previous revision, to revision 1, and the skip, equal to kubectl rollout undo`, async () => {
    const c = cluster();
    const name = `undo-${kind.toLowerCase()}`;
    await twins(kind, name);
    await assertTwinsEqual(kind, name, 'the same history');

    const prev = await undoRollout(stack.transport, kind, ours, name, 0);
    assert.equal(prev.plan.action, 'patch');
    await c.kubectl(['-n', theirs, 'rollout', 'undo', `${RESOURCE[kind]}/${name}`]);
    await assertTwinsEqual(kind, name, 'undo to the previous revision');
    assert.equal(imageOf(await get(c, kind, ours, name)), 'registry.invalid/app:2');

    const to1 = await undoRollout(stack.transport, kind, ours, name, 1);
    assert.equal(to1.plan.revision, 1);
    await c.kubectl(['-n', theirs, 'rollout', 'undo', `${RESOURCE[kind]}/${name}`, '--to-revision=1']);
    await assertTwinsEqual(kind, name, 'undo --to-revision=1');
    assert.equal(imageOf(await get(c, kind, ours, name)), 'registry.invalid/app:1');

    // Undo to the revision the template already has: both skip.
    const current = (await fetchHistory(stack.transport, kind, ours, name)).revisions.find((r) => r.current)!;
    const skip = await undoRollout(stack.transport, kind, ours, name, current.revision);
    assert.equal(skip.plan.action, 'skip');
    const out = await c.kubectl(['-n', theirs, 'rollout', 'undo', `${RESOURCE[kind]}/${name}`, `--to-revision=${current.revision}`]);
    assert.match(out.stdout, /skipped rollback \(current template already matches revision/);
    await assertTwinsEqual(kind, name, 'the skipped undo');

    // A revision that does not exist: both refuse.
    await assert.rejects(undoRollout(stack.transport, kind, ours, name, 99), /unable to find specified revision 99 in history/);
    await assert.rejects(c.kubectl(['-n', theirs, 'rollout', 'undo', `${RESOURCE[kind]}/${name}`, '--to-revision=99']), /unable to find specified revision 99 in history/);
  });
}

test('history lists the revisions and change-causes kubectl rollout history lists', async () => {
  const c = cluster();
  const name = 'history';
  await twins('Deployment', name);
  const h = await fetchHistory(stack.transport, 'Deployment', ours, name);
  const { stdout } = await c.kubectl(['-n', theirs, 'rollout', 'history', `deployment/${name}`]);
  const rows = stdout
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => {
      const m = /^(\d+)\s+(.*)$/.exec(l.trim())!;
      return [Number(m[1]), m[2] === '<none>' ? undefined : m[2]];
    });
  assert.deepEqual(h.revisions.map((r) => [r.revision, r.changeCause]), rows);
  assert.deepEqual(h.revisions.map((r) => r.images[0]), ['registry.invalid/app:1', 'registry.invalid/app:2', 'registry.invalid/app:3']);
  assert.deepEqual(h.revisions.map((r) => r.current), [false, false, true]);
});

for (const kind of ['Deployment', 'StatefulSet', 'DaemonSet'] as const) {
  test(`${kind}: restart sets the annotation kubectl rollout restart sets`, async () => {
    const c = cluster();
    const name = `restart-${kind.toLowerCase()}`;
    const file = join(c.dir, `${name}.json`);
    writeFileSync(file, JSON.stringify(manifest(kind, name)));
    for (const ns of [ours, theirs]) {
      await c.kubectl(['-n', ns, 'create', '-f', file]);
      await observed(c, kind, ns, name);
    }
    const res = await restartWorkload(stack.transport, kind, ours, name);
    await c.kubectl(['-n', theirs, 'rollout', 'restart', `${RESOURCE[kind]}/${name}`]);
    const [a, b] = await Promise.all([observed(c, kind, ours, name), observed(c, kind, theirs, name)]);
    const annotations = (o: KubeObject) => (o.spec as { template: { metadata: { annotations?: Record<string, string> } } }).template.metadata.annotations ?? {};
    assert.deepEqual(Object.keys(annotations(a)), ['kubectl.kubernetes.io/restartedAt']);
    assert.deepEqual(Object.keys(annotations(b)), Object.keys(annotations(a)));
    const ourStamp = annotations(a)['kubectl.kubernetes.io/restartedAt']!;
    const theirStamp = annotations(b)['kubectl.kubernetes.io/restartedAt']!;
    assert.equal(ourStamp, res.restartedAt);
    // Same layout (RFC 3339, seconds, the same zone suffix as kubectl in this environment), moments apart.
    const layout = (s: string) => s.replace(/\d/g, '9');
    assert.equal(layout(ourStamp), layout(theirStamp), `${ourStamp} vs ${theirStamp}`);
    assert.ok(Math.abs(Date.parse(ourStamp) - Date.parse(theirStamp)) < 120_000);
    // Nothing else in the template differs.
    const strip = (o: KubeObject) => ({ ...(o.spec as { template: object }).template, metadata: { ...(o.spec as { template: { metadata: object } }).template.metadata, annotations: undefined } });
    assert.deepEqual(strip(a), strip(b));
    assert.equal(a.metadata.generation, b.metadata.generation);
  });
}
