// What the user may do, asked of the real apiserver (SelfSubjectAccessReview) for the harness's
// `restricted` user (a real client certificate, RBAC as an admin set it): the tree's rows carry
// no write markers for it (so its menus offer no writes), a direct call says which verb on which
// resource is missing for which user, and answers follow the credentials when they change.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AccessReviewer, accessForClusters } from '../../src/kube/access/accessReviewer';
import { guardAction } from '../../src/kube/access/guard';
import { actionQuery } from '../../src/kube/access/objectActions';
import { TreeAccess } from '../../src/kube/access/treeAccess';
import { scaleObject } from '../../src/kube/actions/scale';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import { KubeApiError } from '../../src/kube/transport/types';
import { BrowseModel, type BrowseState } from '../../src/kube/tree/browseModel';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import { realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('access');
const cluster = useCluster({
  namespace: ns,
  setup: async (c) => {
    await c.kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=1']);
    // The restricted user may read workloads here, and change nothing.
    await c.kubectl(['-n', ns, 'create', 'role', 'reader', '--verb=get,list,watch', '--resource=deployments.apps,replicasets.apps,pods']);
    await c.kubectl(['-n', ns, 'create', 'rolebinding', 'restricted-reader', '--role=reader', '--user=restricted']);
  },
});
const state: BrowseState = { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined };

/** The restricted user's kubeconfig with its context pointed at this file's namespace (it may not list namespaces). */
function restrictedKubeconfig(): string {
  const c = cluster();
  const file = join(c.dir, `restricted-${ns}.kubeconfig`);
  writeFileSync(file, readFileSync(c.restrictedKubeconfig, 'utf8').replace(/(\n\s+user: "restricted")/, `$1\n    namespace: "${ns}"`));
  return file;
}

async function deploymentRow(model: BrowseModel): Promise<BrowseNode> {
  const ctx = model.roots().find((n) => n.type === 'context')!;
  const nsNode = await waitFor(async () => (await model.children(ctx)).find((n) => n.type === 'namespace' && n.label === ns), { what: `namespace ${ns}`, timeoutMs: 30_000 });
  const workloads = (await model.children(nsNode)).find((g) => g.label === 'Workloads')!;
  const kind = (await model.children(workloads)).find((k) => k.resource?.kind === 'Deployment')!;
  return waitFor(async () => (await model.children(kind)).find((n) => n.label === 'web'), { what: 'row web', timeoutMs: 30_000 });
}

test('restricted user: reviews say no, the row carries no write markers, SelfSubjectReview names the user', async () => {
  const stack = await realStack(restrictedKubeconfig());
  const access = accessForClusters(stack.clusters);
  const model = new BrowseModel(stack.clusters, state, { pageSize: 50, refreshDelayMs: 20, access: new TreeAccess(access) });
  try {
    const deployments = stack.registry.get('deployments.apps')!;
    const [del, patch, scale, history] = await access.reviewAll(stack.context, (['delete', 'patch', 'scale', 'history'] as const).map((a) => actionQuery(a, deployments, ns)));
    assert.deepEqual([del?.allowed, patch?.allowed, scale?.allowed, history?.allowed], [false, false, false, true], 'only reading ReplicaSets (history) is allowed');
    assert.deepEqual(await access.user(stack.context), { username: 'restricted', groups: ['system:authenticated'] });
    const row = await deploymentRow(model);
    // Once the answers are in, the row's contextValue has the read marker and no write marker (nor logs: the role has no pods/log).
    await waitFor(() => row.contextValue.includes(':can-history'), { what: 'access markers on the row', timeoutMs: 10_000 });
    assert.equal(row.contextValue, 'kubeAtlas.object.deployment:scalable:restartable:can-history');
  } finally {
    model.dispose();
    access.dispose();
    await stack.close();
  }
});

test('admin: every action is marked on the same row', async () => {
  const c = cluster();
  const stack = await realStack(c.kubeconfig);
  const access = accessForClusters(stack.clusters);
  const model = new BrowseModel(stack.clusters, state, { pageSize: 500, refreshDelayMs: 20, access: new TreeAccess(access) });
  try {
    const row = await deploymentRow(model);
    await waitFor(() => row.contextValue.includes(':can-'), { what: 'access markers', timeoutMs: 10_000 });
    assert.equal(row.contextValue, 'kubeAtlas.object.deployment:scalable:restartable:can-delete:can-patch:can-scale:can-history:can-logs:can-exec');
  } finally {
    model.dispose();
    access.dispose();
    await stack.close();
  }
});

test('a forbidden action called directly says which verb on which resource is missing for which user, and changes nothing', async () => {
  const c = cluster();
  const stack = await realStack(restrictedKubeconfig());
  const access = accessForClusters(stack.clusters);
  try {
    const deployments = stack.registry.get('deployments.apps')!;
    await assert.rejects(
      guardAction(access, stack.context, [actionQuery('scale', deployments, ns)], () => scaleObject(stack.transport, deployments, ns, 'web', 5)),
      (e: unknown) => {
        assert.ok(e instanceof KubeApiError);
        assert.equal(e.status, 403);
        assert.equal(e.message, `Not allowed: user "restricted" may not patch deployments.apps/scale in namespace "${ns}".`);
        assert.match(e.hint ?? '', new RegExp(`kubectl auth can-i patch deployments\\.apps/scale -n ${ns}`));
        return true;
      },
    );
    // Without the check, the server's own 403 is mapped the same way (RBAC changed after the review, say).
    class SkipsTheCheck extends AccessReviewer {
      override async require(): Promise<void> {}
    }
    const late = new SkipsTheCheck({ transport: () => stack.transport });
    await assert.rejects(guardAction(late, stack.context, [actionQuery('delete', deployments, ns)], () => stack.transport.request({ method: 'DELETE', path: `/apis/apps/v1/namespaces/${ns}/deployments/web` })), /may not delete deployments\.apps in namespace/);
    const { stdout } = await c.kubectl(['-n', ns, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']);
    assert.equal(stdout, '1', 'nothing changed');
  } finally {
    access.dispose();
    await stack.close();
  }
});

test('answers follow the credentials: the same context switched to another user in the kubeconfig is asked again', async () => {
  const c = cluster();
  const file = join(c.dir, `switching-${ns}.kubeconfig`);
  const admin = readFileSync(c.kubeconfig, 'utf8');
  writeFileSync(file, admin);
  const stack = await realStack(file);
  const access = accessForClusters(stack.clusters);
  try {
    const q = actionQuery('patch', stack.registry.get('deployments.apps')!, ns);
    assert.equal((await access.review(stack.context, q)).allowed, true);
    assert.equal(access.peek(stack.context, q)?.allowed, true, 'cached');
    // As `aws eks update-kubeconfig` or a login would: the context now uses the restricted user's certificate.
    const restricted = readFileSync(c.restrictedKubeconfig, 'utf8');
    const cert = (text: string, key: string) => new RegExp(`${key}: (\\S+)`).exec(text)![1]!;
    writeFileSync(file, admin.replace(cert(admin, 'client-certificate-data'), cert(restricted, 'client-certificate-data')).replace(cert(admin, 'client-key-data'), cert(restricted, 'client-key-data')));
    await stack.clusters.setKubeconfig(await loadKubeconfigs([file]));
    assert.equal(access.peek(stack.context, q), undefined, 'the old answer was dropped with the session');
    assert.equal((await access.review(stack.context, q)).allowed, false);
    assert.equal((await access.user(stack.context))?.username, 'restricted');
  } finally {
    access.dispose();
    await stack.close();
  }
});
