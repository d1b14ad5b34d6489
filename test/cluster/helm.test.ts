// Helm releases read from Helm's storage without helm, checked against the real helm (built from
// its Go module) on the same cluster: a chart of the test's own installed, upgraded and rolled
// back; the list, each revision's values, computed values, manifest, notes and history must equal
// what `helm get …` / `helm history` print. Also the ConfigMap storage driver, and the rollback
// command line Kube Atlas runs (context and namespace pinned) doing what it says.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { rollbackArgs } from '../../src/kube/helm/helmCli';
import { computedValues } from '../../src/kube/helm/releaseDecode';
import { listReleases, readRevision, releaseHistory } from '../../src/kube/helm/releaseReader';
import { releaseText } from '../../src/kube/helm/releaseText';
import { BrowseModel, type BrowseState } from '../../src/kube/tree/browseModel';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import { waitFor } from '../support/waitFor';
import { type RealStack, realStack } from '../support/realStack';
import type { Cluster } from './cluster.harness';
import { helmBinary } from './harness/helmBinary';
import { writeChart } from './harness/helmChart';
import { uniqueName, useCluster } from './harness/use-cluster';

const run = promisify(execFile);
const ns = uniqueName('helm');
const chartDir = mkdtempSync(join(tmpdir(), 'kube-atlas-chart-'));
let stack: RealStack;
let helmBin: string;

const cluster = useCluster({
  namespace: ns,
  setup: async (c) => {
    helmBin = helmBinary();
    writeChart(chartDir);
    stack = await realStack(c.kubeconfig);
  },
  teardown: async () => {
    await stack?.close();
    rmSync(chartDir, { recursive: true, force: true });
  },
});

function helm(c: Cluster, args: string[], env: Record<string, string> = {}) {
  return run(helmBin, [...args, '--kubeconfig', c.kubeconfig, '--kube-context', c.state.context, '--namespace', ns], {
    env: { ...process.env, HELM_CACHE_HOME: join(c.dir, 'helm-cache'), HELM_CONFIG_HOME: join(c.dir, 'helm-config'), HELM_DATA_HOME: join(c.dir, 'helm-data'), ...env },
    timeout: 120_000,
  });
}

async function helmJson<T>(c: Cluster, args: string[]): Promise<T> {
  return JSON.parse((await helm(c, [...args, '-o', 'json'])).stdout) as T;
}

test('install + upgrade: the list, values, computed values, manifest, notes and history equal helm’s', async () => {
  const c = cluster();
  await helm(c, ['install', 'shop', chartDir, '--set', 'greeting=hi']);
  await helm(c, ['upgrade', 'shop', chartDir, '--set', 'greeting=bye', '--set', 'image.tag=2.0', '--set', 'extra=null']);

  const releases = await listReleases(stack.transport, ns);
  assert.deepEqual(releases.map((r) => [r.name, r.latest.revision, r.latest.status]), [['shop', 2, 'deployed']]);
  const list = await helmJson<{ name: string; revision: string; status: string }[]>(c, ['list']);
  assert.deepEqual(list.map((r) => [r.name, Number(r.revision), r.status]), [['shop', 2, 'deployed']]);
  const shop = releases[0]!;
  assert.deepEqual(shop.revisions.map((r) => [r.revision, r.status, r.storage.kind]), [
    [1, 'superseded', 'Secret'],
    [2, 'deployed', 'Secret'],
  ]);

  const rel = await readRevision(stack.transport, shop.latest);
  assert.deepEqual(rel.config, await helmJson(c, ['get', 'values', 'shop']));
  assert.deepEqual(computedValues(rel), await helmJson(c, ['get', 'values', 'shop', '--all']));
  assert.equal(rel.manifest, (await helm(c, ['get', 'manifest', 'shop'])).stdout.replace(/\n$/, ''));
  assert.match((await helm(c, ['get', 'notes', 'shop'])).stdout, new RegExp(rel.info.notes!.trim().replace(/[()]/g, '\\$&')));
  assert.match(releaseText(rel, 'notes'), /Thanks for installing shop \(bye\)\./);
  assert.deepEqual([rel.chart.metadata.name, rel.chart.metadata.version, rel.chart.metadata.appVersion], ['shop', '0.1.0', '1.0']);

  const history = await releaseHistory(stack.transport, shop);
  const theirs = await helmJson<{ revision: number; status: string; chart: string; app_version: string; description: string }[]>(c, ['history', 'shop']);
  assert.deepEqual(
    history.map((h) => [h.revision, h.status, h.chart, h.appVersion, h.description]),
    theirs.map((h) => [h.revision, h.status, h.chart, h.app_version, h.description]),
  );
});

test('the rollback Kube Atlas runs (context and namespace pinned) makes revision 3 with revision 1’s values', async () => {
  const c = cluster();
  const before = (await listReleases(stack.transport, ns)).find((r) => r.name === 'shop');
  assert.ok(before, 'the release of the first test');
  const args = rollbackArgs({ context: c.state.context, namespace: ns, release: 'shop' }, 1);
  // Exactly the argument array the terminal gets; KUBECONFIG as the extension passes it.
  await run(helmBin, args, { env: { ...process.env, KUBECONFIG: c.kubeconfig, HELM_CACHE_HOME: join(c.dir, 'helm-cache'), HELM_CONFIG_HOME: join(c.dir, 'helm-config') }, timeout: 180_000 });
  const after = (await listReleases(stack.transport, ns)).find((r) => r.name === 'shop')!;
  assert.equal(after.latest.revision, before.latest.revision + 1);
  assert.equal(after.latest.status, 'deployed');
  const first = await readRevision(stack.transport, after.revisions[0]!);
  const now = await readRevision(stack.transport, after.latest);
  assert.deepEqual(now.config, first.config);
  assert.match(now.info.description ?? '', /Rollback to 1/);
});

test('a release stored by the ConfigMap driver is listed and decoded too', async () => {
  const c = cluster();
  await helm(c, ['install', 'cm-shop', chartDir, '--set', 'greeting=from-configmap'], { HELM_DRIVER: 'configmap' });
  const r = (await listReleases(stack.transport, ns)).find((x) => x.name === 'cm-shop');
  assert.ok(r, 'cm-shop listed');
  assert.equal(r.latest.storage.kind, 'ConfigMap');
  const rel = await readRevision(stack.transport, r.latest);
  assert.deepEqual(rel.config, { greeting: 'from-configmap' });
  // All namespaces: both releases, each once.
  const everywhere = (await listReleases(stack.transport, undefined)).filter((x) => x.namespace === ns).map((x) => x.name);
  assert.deepEqual(everywhere, ['cm-shop', 'shop']);
});

test('the namespace\'s "Helm Releases" group lists releases from metadata and follows an upgrade made with helm, without a call from us', async () => {
  const c = cluster();
  const state: BrowseState = { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined };
  const model = new BrowseModel(stack.clusters, state, { pageSize: 50, refreshDelayMs: 20 });
  const changed: (BrowseNode[] | undefined)[] = [];
  model.onDidChange((nodes) => changed.push(nodes));
  try {
    const ctx = model.roots().find((n) => n.type === 'context' && n.context === stack.context)!;
    const nsNode = await waitFor(async () => (await model.children(ctx)).find((n) => n.type === 'namespace' && n.label === ns), { what: `namespace ${ns}`, timeoutMs: 30_000 });
    const group = (await model.children(nsNode)).find((g) => g.label === 'Helm Releases');
    assert.ok(group, 'a Helm Releases group under the namespace');
    const rows = async () => (await model.children(group)).filter((n) => n.type === 'release');
    const before = await waitFor(async () => {
      const r = await rows();
      return r.length === 2 ? r : undefined;
    }, { what: 'two release rows', timeoutMs: 30_000 });
    assert.deepEqual(before.map((r) => r.label), ['cm-shop', 'shop']);
    const shop = before.find((r) => r.label === 'shop')!;
    assert.match(shop.description, /^revision \d+ · deployed$/);
    assert.equal(shop.release?.latest.storage.kind, 'Secret');
    assert.equal(shop.contextValue, 'kubeAtlas.helmRelease');
    const revision = shop.release!.latest.revision;

    changed.length = 0;
    await helm(c, ['upgrade', 'shop', chartDir, '--set', 'greeting=live']);
    await waitFor(() => changed.some((nodes) => !nodes || nodes.some((n) => n.id === group.id)), { what: 'a change event for the Helm Releases group', timeoutMs: 30_000 });
    const after = await waitFor(async () => (await rows()).find((r) => r.label === 'shop' && r.release?.latest.revision === revision + 1), { what: `shop at revision ${revision + 1}`, timeoutMs: 30_000 });
    assert.equal(after.description, `revision ${revision + 1} · deployed`);
    // The cache holds the storage objects' metadata only: the values are read on demand.
    const rel = await readRevision(stack.transport, after.release!.latest);
    assert.deepEqual(rel.config, { greeting: 'live' });
    // Expanded, the release lists the objects of its manifest as live tree rows.
    assert.equal(after.collapsible, true);
    const objects = await model.children(after);
    const settings = objects.find((n) => n.type === 'object' && n.label === 'shop-settings');
    assert.ok(settings, `the release's ConfigMap under it: ${objects.map((n) => n.label).join(', ')}`);
    assert.equal(settings.resource?.kind, 'ConfigMap');
    assert.equal(settings.object?.metadata.namespace, ns);
  } finally {
    model.dispose();
  }
});
