// Helm's changing actions in a real VS Code (code-server) against the test cluster, driven like a
// user from a release row's context menu, with the real helm (built from its Go module, found on
// the PATH the extension host gets from the login shell, as a user's would be):
//  - Roll Back (pick a revision, confirm) → helm's output and its exit line stay in the terminal,
//    the row shows the new revision without a click, and `helm history` agrees;
//  - Upgrade with Edited Values (the chart from a local directory, the values edited in an editor)
//    → a new revision whose `helm get values` is the edited value, and the ConfigMap follows;
//  - Uninstall (confirm) → the row goes, helm lists nothing, the chart's objects are gone.
// The release is installed and upgraded beforehand by this test's own helm from a chart directory
// it owns. Screenshots in .test-artifacts/screenshots/helm-*.png.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import { attachCluster, type Cluster } from '../cluster/cluster.harness';
import { helmBinary } from '../cluster/harness/helmBinary';
import { writeChart } from '../cluster/harness/helmChart';
import { menuAction } from './harness/menuAction';
import { openWorkbench, type WorkbenchSession } from './harness/session';
import { test } from './harness/test';
import { waitFor } from './harness/wait';
import type { Workbench } from './harness/workbench';

const run = promisify(execFile);
const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
const VIEW = 'Clusters';
const ns = `e2e-helm-${Date.now().toString(36)}`;
const work = mkdtempSync(join(tmpdir(), 'kube-atlas-e2e-helm-'));
const chartDir = join(work, 'shop');
let cluster: Cluster;
let helmBin: string;
let session: WorkbenchSession;
let wb: Workbench;

/** The test's own helm, pinned like the extension's, with its own cache and config folders. */
function helm(args: string[]) {
  return run(helmBin, [...args, '--kube-context', cluster.state.context, '--namespace', ns], {
    env: { ...process.env, KUBECONFIG: cluster.kubeconfig, HELM_CACHE_HOME: join(work, 'cache'), HELM_CONFIG_HOME: join(work, 'config'), HELM_DATA_HOME: join(work, 'data') },
    timeout: 120_000,
  });
}

async function helmJson<T>(args: string[]): Promise<T> {
  return JSON.parse((await helm([...args, '-o', 'json'])).stdout) as T;
}

type History = { revision: number; status: string; description: string }[];

before(async () => {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster (npm test starts one)');
  cluster = attachCluster(clusterDir);
  helmBin = helmBinary();
  writeChart(chartDir);
  await cluster.kubectl(['create', 'namespace', ns]);
  await helm(['install', 'shop', chartDir, '--set', 'greeting=one']);
  await helm(['upgrade', 'shop', chartDir, '--set', 'greeting=two']);
  session = await openWorkbench({ env: { KUBECONFIG: cluster.kubeconfig }, pathPrepend: [dirname(helmBin)], settings: { 'kubeAtlas.tree.pageSize': 500 } });
  wb = session.wb;
});

after(async () => {
  await session?.close();
  cluster?.closeClients();
  await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

/** The release row's description once it matches (the row is watched: no click refreshes it). */
async function rowShows(description: RegExp, timeoutMs = 30_000): Promise<string> {
  const row = await waitFor(async () => (await wb.treeItems(VIEW)).find((r) => r.level === 4 && r.label === 'shop' && description.test(r.description)), {
    what: `the shop row to read ${description}`,
    timeoutMs,
  });
  return row.description;
}

/**
 * Waits for the terminal the action opened to show helm's success and then our exit line (earlier
 * actions' terminals stay open behind it, each with its own success line).
 */
async function terminalShows(success: RegExp, what: string): Promise<string> {
  const text = await wb.waitForTerminalText(new RegExp(`${success.source}[\\s\\S]*helm exited with code \\d+\\.`), 120_000).catch(async (e) => {
    throw new Error(`${(e as Error).message}\nterminal: ${await wb.terminalText()}\nhelm history: ${(await helm(['history', 'shop']).catch((x) => x)).stdout ?? ''}`);
  });
  await wb.screenshot(`helm-${what}-terminal`);
  assert.match(text, success, text);
  assert.match(text, /helm exited with code 0\./, text);
  return text;
}

test('Roll Back from the release row: revision picked, confirmed; helm’s output stays in the terminal and the row shows revision 3', async (t) => {
  const t0 = Date.now();
  await wb.openView('Kube Atlas');
  await wb.expand(VIEW, 'kube-atlas-local', 1);
  await wb.waitForItem(VIEW, ns, { level: 2, timeoutMs: 30_000 });
  await wb.expand(VIEW, ns, 2);
  await wb.expandUnder(VIEW, { label: ns, level: 2 }, 'Helm Releases');
  assert.equal(await rowShows(/^revision 2 · deployed$/), 'revision 2 · deployed');
  t.diagnostic(`release row shown ${Date.now() - t0} ms after opening the view`);

  await menuAction(wb, 'shop', 4, 'Roll Back Helm Release…', 'helm-row-menu');
  t.diagnostic(`context menu entry clicked at ${Date.now() - t0} ms`);
  const offered = await waitFor(async () => {
    const rows = await wb.quickPickLabels();
    return rows.length ? rows : undefined;
  }, { what: 'the revisions to roll back to' });
  assert.equal(offered.length, 1, `only the earlier revision: ${offered.join(' | ')}`);
  assert.match(offered[0] ?? '', /^Revision 1, superseded/);
  await wb.pickQuickItem('Revision 1');
  const question = await wb.answerDialog('Roll Back');
  assert.match(question, new RegExp(`Roll back Helm release ${ns}/shop to revision 1 in context "kube-atlas-local"`));
  const confirmed = Date.now();
  const text = await terminalShows(/Rollback was a success! Happy Helming!/, 'rollback');
  t.diagnostic(`helm rollback ended (exit line shown) ${Date.now() - confirmed} ms after the confirmation`);
  // The command line as run, pinned to the context and namespace.
  assert.match(text, new RegExp(`helm rollback shop 1 --kube-context kube-atlas-local --namespace ${ns} --wait`));

  await rowShows(/^revision 3 · deployed$/);
  await wb.screenshot('helm-rollback-row');
  const history = await helmJson<History>(['history', 'shop']);
  assert.deepEqual(
    history.map((h) => [h.revision, h.status, h.description]),
    [
      [1, 'superseded', 'Install complete'],
      [2, 'superseded', 'Upgrade complete'],
      [3, 'deployed', 'Rollback to 1'],
    ],
  );
  assert.deepEqual(await helmJson(['get', 'values', 'shop']), { greeting: 'one' });
});

/** Clicks a button of the notification showing `message` (its toast, or the Notifications center once the toast has gone). */
async function notificationButton(message: RegExp, button: string): Promise<void> {
  const page = wb.page;
  await waitFor(
    async () => {
      for (const where of ['.notification-toast', '.notifications-center']) {
        const item = page.locator(`${where} .notification-list-item`).filter({ has: page.locator('.notification-list-item-message', { hasText: message }) });
        const b = item.locator('.monaco-button', { hasText: button }).first();
        if (await b.isVisible()) {
          await b.click();
          return true;
        }
      }
      if (!(await page.locator('.notifications-center').isVisible())) await wb.runCommand('Notifications: Show Notifications', 3_000).catch(() => undefined);
      return false;
    },
    { what: `the "${button}" button of the notification ${message}`, timeoutMs: 30_000 },
  );
}

test('Upgrade with Edited Values from the row: the chart from a local folder, the values edited in an editor → revision 4 with the edited value', async () => {
  await menuAction(wb, 'shop', 4, 'Upgrade Helm Release with Edited Values…');
  // The chart to upgrade with: the release's chart name is offered; a local folder is given.
  const input = wb.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await input.inputValue(), 'shop');
  await input.fill(chartDir);
  await input.press('Enter');

  // The release's own values, in an editor: replace them.
  const before = await waitFor(async () => {
    const t = await wb.editorText();
    return /greeting: one/.test(t) ? t : undefined;
  }, { what: 'the release values in an editor', timeoutMs: 30_000 });
  assert.match(before, /# Values for helm upgrade shop /);
  await wb.page.locator('.part.editor .editor-group-container.active .monaco-editor .view-lines').first().click();
  await wb.page.keyboard.press('ControlOrMeta+A');
  await wb.page.keyboard.type('greeting: edited-in-vscode\n');
  await waitFor(async () => ((await wb.editorText()).includes('greeting: edited-in-vscode') ? true : undefined), { what: 'the edited values' });
  await wb.screenshot('helm-upgrade-values');
  await notificationButton(/Edit the values of .*\/shop, then upgrade\./, 'Upgrade');
  const question = await wb.answerDialog('Upgrade');
  assert.match(question, new RegExp(`Upgrade Helm release ${ns}/shop with ${chartDir.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} in context "kube-atlas-local"`));

  await terminalShows(/Release "shop" has been upgraded\. Happy Helming!/, 'upgrade');
  // The private values file is removed once helm has ended, and its tab with it.
  await waitFor(async () => ((await wb.editorTabs()).some((t) => t.includes('shop-values.yaml')) ? undefined : true), { what: 'the values tab to close', timeoutMs: 10_000 });
  await rowShows(/^revision 4 · deployed$/);
  assert.deepEqual(await helmJson(['get', 'values', 'shop']), { greeting: 'edited-in-vscode' });
  const cm = JSON.parse((await cluster.kubectl(['-n', ns, 'get', 'configmap', 'shop-settings', '-o', 'json'])).stdout) as { data: Record<string, string> };
  assert.equal(cm.data.greeting, 'edited-in-vscode', 'the chart rendered with the edited value');
});

test('Uninstall from the row: confirmed → helm’s output and exit line, the row goes, helm lists nothing, the objects are gone', async () => {
  await menuAction(wb, 'shop', 4, 'Uninstall Helm Release…');
  const question = await wb.answerDialog('Uninstall');
  assert.match(question, new RegExp(`Uninstall Helm release ${ns}/shop in context "kube-atlas-local"`));
  await terminalShows(/release "shop" uninstalled/, 'uninstall');
  await wb.waitForItem(VIEW, 'No Helm releases', { level: 4, timeoutMs: 30_000 });
  assert.equal((await wb.treeItems(VIEW)).find((r) => r.level === 4 && r.label === 'shop'), undefined, 'the release row is gone');
  await wb.screenshot('helm-uninstall-row');
  assert.deepEqual(await helmJson(['list']), []);
  await assert.rejects(cluster.kubectl(['-n', ns, 'get', 'configmap', 'shop-settings']), /NotFound|not found/);
});
