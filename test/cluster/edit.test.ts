// Editing a live object against the real apiserver: the full object read from the server (no
// managedFields, no status), a dry-run check, an update guarded by the resourceVersion the edit
// started from; a change made by someone else meanwhile is detected (never overwritten silently)
// and can be overwritten deliberately; errors point at lines; 403 for the restricted user.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessForClusters } from '../../src/kube/access/accessReviewer';
import { LiveEdit } from '../../src/kube/actions/liveEdit';
import type { KindRegistry } from '../../src/kube/kinds/kindRegistry';
import type { KubeObject } from '../../src/kube/kinds/types';
import { realStack } from '../support/realStack';
import { RESTRICTED_NAMESPACE } from './cluster.harness';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('edit');
const cluster = useCluster({ namespace: ns });

const deployment = (registry: KindRegistry) => registry.get('deployments.apps')!;

async function getJson(path: string): Promise<KubeObject & { spec?: { replicas?: number } }> {
  const { stdout } = await cluster().kubectl(['get', '--raw', path]);
  return JSON.parse(stdout) as KubeObject & { spec?: { replicas?: number } };
}

test('edit: full YAML without managedFields and status; the saved edit is an update that removes what was deleted and keeps the other managers', async () => {
  const c = cluster();
  await c.kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=1']);
  await c.kubectl(['-n', ns, 'label', 'deployment/web', 'drop-me=yes']);
  const stack = await realStack(c.kubeconfig);
  try {
    const edit = new LiveEdit(stack.transport, { resource: deployment(stack.registry), namespace: ns, name: 'web' }, 'web.yaml');
    const text = await edit.load();
    assert.doesNotMatch(text, /managedFields|^status:/m);
    assert.match(text, /^kind: Deployment\nmetadata:/m);
    assert.match(text, /resourceVersion: /, 'the version the edit is based on stays visible, as with kubectl edit');
    const edited = text.replace(/replicas: 1/, 'replicas: 3').replace(/\n\s+drop-me: ['"]?yes['"]?/, '');
    assert.notEqual(edited, text);

    const check = await edit.check(edited);
    assert.equal(check.kind, 'ready');
    if (check.kind !== 'ready') return;
    assert.equal(check.unchanged, false);
    assert.equal((check.result.spec as { replicas: number }).replicas, 3);
    assert.equal((await getJson(`/apis/apps/v1/namespaces/${ns}/deployments/web`)).spec?.replicas, 1, 'the check wrote nothing');

    const saved = await edit.save(edited);
    assert.equal(saved.kind, 'saved');
    const live = await getJson(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
    assert.equal(live.spec?.replicas, 3);
    assert.equal(live.metadata.labels?.['drop-me'], undefined, 'a label deleted in the editor is deleted on the server');
    const managers = (live.metadata.managedFields ?? []).map((m) => (m as { manager: string }).manager);
    assert.ok(managers.includes('kubectl-create') && managers.includes('kube-atlas'), `managedFields kept and ours added: ${managers.join(', ')}`);
    assert.ok(live.status, 'status untouched');

    const same = await edit.save(await edit.load());
    assert.equal(same.kind, 'saved');
    assert.equal(same.kind === 'saved' && same.unchanged, true, 'saving without a change changes nothing');
  } finally {
    await stack.close();
  }
});

test('edit saved after someone else changed the object: detected, nothing written; reload shows theirs; overwrite is deliberate', async () => {
  const c = cluster();
  await c.kubectl(['-n', ns, 'create', 'configmap', 'shared', '--from-literal=owner=nobody']);
  const stack = await realStack(c.kubeconfig);
  try {
    const edit = new LiveEdit(stack.transport, { resource: stack.registry.get('configmaps')!, namespace: ns, name: 'shared' }, 'shared.yaml');
    const mine = (await edit.load()).replace('owner: nobody', 'owner: me');
    await c.kubectl(['-n', ns, 'label', 'configmap/shared', 'changed-by=someone-else']);

    const check = await edit.check(mine);
    assert.equal(check.kind, 'stale');
    assert.match(check.kind === 'stale' ? check.message : '', /changed on the server since you opened it \(resourceVersion \d+ → \d+\)/);
    const saved = await edit.save(mine);
    assert.equal(saved.kind, 'stale', 'the update is refused too, not only the check');
    let live = await getJson(`/api/v1/namespaces/${ns}/configmaps/shared`);
    assert.deepEqual([live.data, live.metadata.labels], [{ owner: 'nobody' }, { 'changed-by': 'someone-else' }], 'nothing of mine was written');

    // Reload: the editor shows their change.
    const other = new LiveEdit(stack.transport, edit.address, 'shared.yaml');
    assert.match(await other.load(), /changed-by: someone-else/);

    // Overwrite: the user chose to base the edit on the newer object and replace it with theirs.
    if (saved.kind !== 'stale' || !saved.live) throw new Error('expected the live object');
    edit.rebase(saved.live);
    const forced = await edit.save(mine);
    assert.equal(forced.kind, 'saved');
    live = await getJson(`/api/v1/namespaces/${ns}/configmaps/shared`);
    assert.deepEqual([live.data, live.metadata.labels], [{ owner: 'me' }, undefined], 'overwrite replaces the object with the edited text');
  } finally {
    await stack.close();
  }
});

test('edit errors point at lines: YAML syntax, Strict unknown fields, 422 causes, a renamed object', async () => {
  const c = cluster();
  await c.kubectl(['-n', ns, 'create', 'deployment', 'strict', '--image=registry.invalid/s:1', '--replicas=1']);
  // Loaded only once the controllers are done with it: a status update after the load would make
  // every check below a (correct) "stale" answer instead of the error each one is about (seen in CI).
  await c.kubectl(['-n', ns, 'rollout', 'status', 'deployment/strict', '--timeout=60s']);
  const stack = await realStack(c.kubeconfig);
  try {
    const edit = new LiveEdit(stack.transport, { resource: deployment(stack.registry), namespace: ns, name: 'strict' }, 'strict.yaml');
    const text = await edit.load();
    const lines = text.split('\n');
    const lineOf = (re: RegExp) => lines.findIndex((l) => re.test(l)) + 1;

    const syntax = await edit.check(text.replace('replicas: 1', 'replicas: [1'));
    assert.equal(syntax.kind, 'invalid');
    assert.ok(syntax.kind === 'invalid' && syntax.problems[0]!.line >= lineOf(/replicas: 1/), 'syntax error at or after the broken line');

    const unknown = await edit.check(text.replace('replicas: 1', 'replicasx: 1'));
    assert.equal(unknown.kind, 'rejected');
    if (unknown.kind === 'rejected') {
      assert.match(unknown.failure.message, /spec\.replicasx: unknown field/);
      assert.deepEqual(unknown.failure.problems.map((p) => p.line), [lineOf(/replicas: 1/)]);
    }

    const invalid = await edit.check(text.replace('replicas: 1', 'replicas: -1'));
    assert.equal(invalid.kind, 'rejected');
    if (invalid.kind === 'rejected') {
      assert.equal(invalid.failure.status, 422);
      assert.deepEqual(invalid.failure.problems.map((p) => p.line), [lineOf(/replicas: 1/)]);
    }

    const renamed = await edit.check(text.replace(/^ {2}name: strict$/m, '  name: other'));
    assert.equal(renamed.kind, 'invalid');
    if (renamed.kind === 'invalid') {
      assert.match(renamed.message, /metadata\.name cannot change in an edit/);
      assert.equal(renamed.problems[0]!.line, lineOf(/^ {2}name: strict$/));
    }
  } finally {
    await stack.close();
  }
});

test('edit as the restricted user: reading works, saving is forbidden with what is missing', async () => {
  const c = cluster();
  const pod = uniqueName('p');
  await c.kubectl(['-n', RESTRICTED_NAMESPACE, 'run', pod, '--image=registry.invalid/p:1', '--restart=Never']);
  const stack = await realStack(c.restrictedKubeconfig);
  try {
    const edit = new LiveEdit(stack.transport, { resource: stack.registry.get('pods')!, namespace: RESTRICTED_NAMESPACE, name: pod }, `${pod}.yaml`);
    const text = await edit.load();
    const res = await edit.check(text.replace('registry.invalid/p:1', 'registry.invalid/p:2'));
    assert.equal(res.kind, 'rejected');
    if (res.kind === 'rejected') {
      assert.equal(res.failure.status, 403);
      assert.match(res.failure.hint ?? '', /RBAC forbids update on pods in namespace team-a/);
    }
    // With the shared access cache (as the extension runs it), the failure names what is missing and for whom.
    const access = accessForClusters(stack.clusters);
    try {
      const explained = new LiveEdit(stack.transport, { resource: stack.registry.get('pods')!, namespace: RESTRICTED_NAMESPACE, name: pod }, `${pod}.yaml`, undefined, { reviewer: access, context: stack.context });
      const again = await explained.check((await explained.load()).replace('registry.invalid/p:1', 'registry.invalid/p:2'));
      assert.equal(again.kind, 'rejected');
      if (again.kind === 'rejected') assert.equal(again.failure.message, 'Not allowed: user "restricted" may not update pods in namespace "team-a".');
    } finally {
      access.dispose();
    }
  } finally {
    await stack.close();
    await c.kubectl(['-n', RESTRICTED_NAMESPACE, 'delete', 'pod', pod, '--wait=false']).catch(() => undefined);
  }
});
