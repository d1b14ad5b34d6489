// The extension in a real VS Code (code-server) against the real cluster, driven like a user:
// the activity-bar view shows the local context, its namespaces, a Deployment with its pods, and a
// Deployment created from outside with kubectl appears without any click.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { launchBrowser, newPage } from './harness/browser';
import { type CodeServerHandle, startCodeServer } from './harness/codeServer';
import { repoRoot, manifest } from './harness/paths';
import { waitFor } from './harness/wait';
import { Workbench } from './harness/workbench';

const run = promisify(execFile);
const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
const VIEW = 'Clusters';
let cs: CodeServerHandle;
let browser: Browser;
let wb: Workbench;
const ns = `e2e-${Date.now().toString(36)}`;

function kubectl(args: string[]) {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster (npm test starts one)');
  return run(join(clusterDir, 'bin', 'kubectl'), [`--kubeconfig=${join(clusterDir, 'kubeconfig')}`, ...args]);
}

before(async () => {
  await kubectl(['create', 'namespace', ns]);
  await kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=2']);
  const vsix = join(repoRoot, `kube-atlas-${manifest().version}.vsix`);
  cs = await startCodeServer({ vsix, env: { KUBECONFIG: join(clusterDir ?? '', 'kubeconfig') }, settings: { 'kubeAtlas.tree.pageSize': 500 } });
  browser = await launchBrowser();
  const { page } = await newPage(browser);
  await page.goto(cs.workbenchUrl());
  wb = new Workbench(page);
  await wb.waitReady();
});

after(async () => {
  await browser?.close();
  await cs?.stop();
  await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
});

test('activates, shows its view container, and logs no error', async () => {
  await wb.openView('Kube Atlas');
  const ctx = await wb.waitForItem(VIEW, 'kube-atlas-local', { level: 1 });
  await waitFor(async () => /current · v1\.36/.test((await wb.treeItems(VIEW)).find((r) => r.label === 'kube-atlas-local')?.description ?? ''), { what: 'context shows current and the server version' });
  assert.equal(ctx.level, 1);
  const log = await wb.outputText('Kube Atlas: Show Log', /Connected to "kube-atlas-local"/);
  assert.match(log, /Kube Atlas activated/);
  assert.doesNotMatch(log, /\[error\]/i, 'no error in the Output channel');
  await wb.screenshot('01-activated');
});

test('context → namespace → Workloads → Deployments → web → pods → container', async () => {
  await wb.openView('Kube Atlas');
  await wb.expand(VIEW, 'kube-atlas-local', 1);
  await wb.waitForItem(VIEW, 'Nodes', { level: 2 });
  await wb.expand(VIEW, ns, 2);
  await wb.expand(VIEW, 'Workloads', 3);
  await wb.waitForItem(VIEW, 'Deployments', { level: 4 });
  await waitFor(async () => (await wb.treeItems(VIEW)).find((r) => r.label === 'Deployments' && r.level === 4)?.description.startsWith('1'), { what: 'Deployments count 1' });
  await wb.expand(VIEW, 'Deployments', 4);
  await waitFor(async () => (await wb.treeItems(VIEW)).find((r) => r.label === 'web' && r.level === 5)?.description.startsWith('2/2'), { what: 'web 2/2 ready', timeoutMs: 60_000 });
  await wb.expand(VIEW, 'web', 5);
  const pods = await waitFor(async () => {
    const rows = (await wb.treeItems(VIEW)).filter((r) => r.level === 6 && r.label.startsWith('web-'));
    return rows.length === 2 && rows.every((r) => r.description.startsWith('Running')) ? rows : undefined;
  }, { what: 'two running pods under web', timeoutMs: 60_000 });
  await wb.expand(VIEW, pods[0]!.label, 6);
  const container = await wb.waitForItem(VIEW, 'web', { level: 7 });
  assert.match(container.description, /Running/);
  await wb.screenshot('02-deployment-pods');
});

test('a Deployment created with kubectl appears without any click', async () => {
  const before = Date.now();
  await kubectl(['-n', ns, 'create', 'deployment', 'made-by-kubectl', '--image=registry.invalid/x:1', '--replicas=1']);
  await wb.waitForItem(VIEW, 'made-by-kubectl', { level: 5, timeoutMs: 10_000 });
  const ms = Date.now() - before;
  console.log(`# kubectl create → row visible in the workbench: ${ms} ms (kubectl start-up included)`);
  await waitFor(async () => (await wb.treeItems(VIEW)).find((r) => r.label === 'Deployments' && r.level === 4)?.description.startsWith('2'), { what: 'Deployments count 2' });
  await wb.screenshot('03-created-outside');
  // And scaling from outside changes the pods under web.
  await kubectl(['-n', ns, 'scale', 'deployment/web', '--replicas=3']);
  await waitFor(async () => (await wb.treeItems(VIEW)).filter((r) => r.level === 6 && r.label.startsWith('web-')).length === 3, { what: 'three pods under web', timeoutMs: 60_000 });
});
