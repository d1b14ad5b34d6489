// Workspace Trust, in a real VS Code (code-server with trust on) and one start: a cloned folder whose
// .vscode/settings.json names its own kubeconfig, with a credential plugin that writes a marker
// file when it runs. In Restricted Mode the plugin never runs, the tree shows the user's own context
// (KUBECONFIG) and a row saying why the workspace's file was skipped; once the user trusts the
// folder in the workbench, the workspace's context appears, its plugin runs and it connects.
// A code-server of its own, not the tier's shared one: Workspace Trust is off on the shared server
// (--disable-workspace-trust, and `security.workspace.trust.enabled` is an application setting, so
// a folder's settings cannot turn it on, and no setting lists trusted folders: trust is granted in
// the workbench and kept in the browser's storage); and the user's own kubeconfig here must have
// no current-context, through KUBECONFIG, which the shared server's windows all share.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test';
import type { Browser } from 'playwright-core';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import { launchBrowser, newPage } from './harness/browser';
import { type CodeServerHandle, startCodeServer } from './harness/codeServer';
import { manifest, repoRoot } from './harness/paths';
import { waitFor } from './harness/wait';
import { Workbench } from './harness/workbench';

const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
const VIEW = 'Clusters';
const NOTICE = /^Restricted Mode: workspace kubeconfig skipped$/;
let cs: CodeServerHandle;
let browser: Browser;
let wb: Workbench;
let root: string;
let marker: string;
let workspaceKubeconfig: string;

// The repository's "login" plugin: leaves a marker, then hands out the test cluster's admin
// certificate so the workspace context really connects once it is allowed to run.
const PLUGIN = `
const fs = require('node:fs');
fs.appendFileSync(process.env.MARKER, 'ran ' + new Date().toISOString() + '\\n');
const creds = JSON.parse(fs.readFileSync(process.env.CREDS, 'utf8'));
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential',
  status: { clientCertificateData: creds.cert, clientKeyData: creds.key } }));
`;

before(async () => {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster (npm test starts one)');
  root = mkdtempSync(join(tmpdir(), 'kube-atlas-trust-'));
  const admin = await loadKubeconfigs([join(clusterDir, 'kubeconfig')]);
  const ctx = admin.contexts[0]!;
  const cluster = admin.clusters.get(ctx.cluster)!;
  const user = admin.users.get(ctx.user)!;

  // The user's own kubeconfig: the test cluster, and no current-context, so that a workspace file
  // that sets one would take over (and connect, running its plugin) if it were read.
  const userKubeconfig = join(root, 'user-kubeconfig');
  writeFileSync(
    userKubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- name: ${ctx.name}
  cluster: {server: ${JSON.stringify(cluster.server)}, certificate-authority-data: ${cluster.certificateAuthorityData}}
users:
- name: admin
  user: {client-certificate-data: ${user.clientCertificateData}, client-key-data: ${user.clientKeyData}}
contexts:
- name: ${ctx.name}
  context: {cluster: ${ctx.name}, user: admin}
`,
  );

  // The cloned repository.
  const folder = join(root, 'cloned-repo');
  mkdirSync(join(folder, '.vscode'), { recursive: true });
  mkdirSync(join(folder, 'deploy'));
  marker = join(root, 'plugin-ran');
  const creds = join(root, 'creds.json');
  const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');
  writeFileSync(creds, JSON.stringify({ cert: b64(user.clientCertificateData), key: b64(user.clientKeyData) }));
  const plugin = join(folder, 'deploy', 'login.js');
  writeFileSync(plugin, PLUGIN);
  workspaceKubeconfig = join(folder, 'deploy', 'kubeconfig.yaml');
  writeFileSync(
    workspaceKubeconfig,
    `apiVersion: v1
kind: Config
current-context: from-workspace
clusters:
- name: repo-cluster
  cluster: {server: ${JSON.stringify(cluster.server)}, certificate-authority-data: ${cluster.certificateAuthorityData}}
users:
- name: repo-user
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${JSON.stringify(process.execPath)}
      args: [${JSON.stringify(plugin)}]
      env:
      - {name: MARKER, value: ${JSON.stringify(marker)}}
      - {name: CREDS, value: ${JSON.stringify(creds)}}
contexts:
- name: from-workspace
  context: {cluster: repo-cluster, user: repo-user}
`,
  );
  writeFileSync(
    join(folder, '.vscode', 'settings.json'),
    `{
  // the repository's own cluster
  "kubeAtlas.kubeconfigFiles": [${JSON.stringify(workspaceKubeconfig)}],
}
`,
  );

  const vsix = join(repoRoot, `kube-atlas-${manifest().version}.vsix`);
  cs = await startCodeServer({ vsix, folder, workspaceTrust: true, env: { KUBECONFIG: userKubeconfig } });
  browser = await launchBrowser();
  const { page } = await newPage(browser);
  await page.goto(cs.workbenchUrl());
  wb = new Workbench(page);
  await wb.waitReady();
});

after(async () => {
  await browser?.close();
  await cs?.stop();
  if (root) rmSync(root, { recursive: true, force: true });
});

test('Restricted Mode: the workspace kubeconfig is skipped with a notice, its plugin never runs, the user’s context works', async () => {
  await wb.openView('Kube Atlas');
  const notice = await wb.waitForItem(VIEW, NOTICE, { level: 1 });
  assert.match(notice.description, /cloned-repo\/\.vscode\/settings\.json$/);
  await wb.waitForItem(VIEW, 'kube-atlas-local', { level: 1 });
  // The user's own kubeconfig works: its context connects and lists the cluster.
  await wb.expand(VIEW, 'kube-atlas-local', 1);
  await wb.waitForItem(VIEW, 'Nodes', { level: 2 });
  const rows = await wb.treeItems(VIEW);
  assert.ok(!rows.some((r) => r.label === 'from-workspace'), `the workspace's context is not listed: ${rows.map((r) => r.label).join(', ')}`);
  const log = await waitFor(() => cs.serverLogs('Kube Atlas').find((l) => /Kubeconfig notice/.test(l.text))?.text, { what: 'the notice in the log' });
  assert.match(log, /names .*cloned-repo\/deploy\/kubeconfig\.yaml/);
  assert.match(log, /Connected to "kube-atlas-local"/);
  assert.ok(!existsSync(marker), 'the workspace plugin never ran');
  // The row's tooltip says which file was skipped and how to allow it.
  await wb.page.locator('.monaco-list-row', { hasText: 'Restricted Mode: workspace kubeconfig skipped' }).hover();
  const hover = wb.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Manage Workspace Trust' }).first();
  await hover.waitFor({ timeout: 10_000 });
  assert.match((await hover.textContent()) ?? '', /names .*cloned-repo\/deploy\/kubeconfig\.yaml/);
  await wb.screenshot('trust-01-restricted-mode');
});

test('trusting the folder reads the workspace kubeconfig: its context appears, its plugin runs, it connects', async () => {
  await wb.runCommand('Workspaces: Manage Workspace Trust');
  const trust = wb.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ }).first();
  await trust.waitFor({ timeout: 30_000 });
  await wb.screenshot('trust-02-trust-editor');
  await trust.click();
  await wb.page.keyboard.press('Escape'); // close the trust editor
  await wb.openView('Kube Atlas');
  try {
    await waitFor(async () => /current · v1\.36/.test((await wb.treeItems(VIEW)).find((r) => r.label === 'from-workspace')?.description ?? ''), {
      what: 'the workspace context, current and connected',
      timeoutMs: 30_000,
    });
  } catch (e) {
    // Say what the tree and the log showed instead.
    await wb.screenshot('trust-03-failed');
    const rows = (await wb.treeItems(VIEW)).map((r) => `${r.label} [${r.description}]`).join('; ');
    const logs = cs.serverLogs('Kube Atlas').map((l) => l.text.slice(-3000)).join('\n');
    throw new Error(`${(e as Error).message}\nrows: ${rows}\nlog:\n${logs}`);
  }
  assert.match(readFileSync(marker, 'utf8'), /^ran /);
  await waitFor(async () => !(await wb.treeItems(VIEW)).some((r) => NOTICE.test(r.label)), { what: 'the notice to go' });
  await wb.screenshot('trust-03-trusted');
});
