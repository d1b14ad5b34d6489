// Resource usage in a real VS Code (code-server) against the test cluster with metrics-server
// (started here, stopped at the end): pod rows of an expanded Pods kind show their CPU and memory;
// "Top Pods" from the namespace row's menu opens a live table, "Sort by Memory" from its title
// bar reorders it; closing the tab and collapsing the kind stops the polling (counted by
// metrics-server itself). Screenshots in .test-artifacts/screenshots/usage-*.png.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { attachCluster, type Cluster } from '../cluster/cluster.harness';
import { USAGE_CPU_ANNOTATION, USAGE_MEMORY_ANNOTATION } from '../cluster/harness/kwok-config';
import { listsServed, type RunningMetricsServer, startMetricsServer } from '../cluster/harness/metricsServer';
import { menuAction } from './harness/menuAction';
import { openWorkbench, type WorkbenchSession } from './harness/session';
import { waitFor } from './harness/wait';
import type { Workbench } from './harness/workbench';

const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
const VIEW = 'Clusters';
const ns = `e2e-usage-${Date.now().toString(36)}`;
/** The setting's minimum: the polls are counted over a few of them. */
const INTERVAL_S = 5;
let cluster: Cluster;
let server: RunningMetricsServer | undefined;
let session: WorkbenchSession;
let wb: Workbench;

before(async () => {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster (npm test starts one)');
  cluster = attachCluster(clusterDir);
  await cluster.kubectl(['create', 'namespace', ns]);
  await cluster.api.ok('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web' },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' }, annotations: { [USAGE_CPU_ANNOTATION]: '120m', [USAGE_MEMORY_ANNOTATION]: '96Mi' } },
        spec: { containers: [{ name: 'web', image: 'registry.invalid/web:1', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } } }] },
      },
    },
  });
  await cluster.api.ok('POST', `/api/v1/namespaces/${ns}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'big', annotations: { [USAGE_CPU_ANNOTATION]: '10m', [USAGE_MEMORY_ANNOTATION]: '512Mi' } },
    spec: { containers: [{ name: 'big', image: 'registry.invalid/big:1' }] },
  });
  server = await startMetricsServer(cluster, { resolutionSeconds: 10 });
  session = await openWorkbench({ settings: { 'kubeAtlas.kubeconfigFiles': [join(clusterDir, 'kubeconfig')], 'kubeAtlas.tree.pageSize': 500, 'kubeAtlas.metrics.intervalSeconds': INTERVAL_S } });
  wb = session.wb;
});

after(async () => {
  await session?.close();
  await server?.stop();
  cluster?.closeClients();
  await cluster?.kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
});

test('an expanded Pods kind shows each pod’s CPU and memory on its row', async (t) => {
  const t0 = Date.now();
  await wb.openView('Kube Atlas');
  await wb.expand(VIEW, 'kube-atlas-local', 1);
  await wb.waitForItem(VIEW, ns, { level: 2 });
  await wb.expand(VIEW, ns, 2);
  await wb.expandUnder(VIEW, { label: ns, level: 2 }, 'Workloads');
  await wb.expandUnder(VIEW, { label: 'Workloads', level: 3 }, 'Pods');
  t.diagnostic(`Pods kind expanded ${Date.now() - t0} ms after opening the view`);
  // metrics-server has figures after two scrapes (10 s apart); the tree reads them every 5 s.
  const rows = await waitFor(
    async () => {
      const items = (await wb.treeItems(VIEW)).filter((r) => r.level === 5 && (r.label.startsWith('web-') || r.label === 'big'));
      return items.length === 3 && items.every((r) => / · cpu \d+m · mem \d+Mi$/.test(r.description)) ? items : undefined;
    },
    { what: 'three pod rows with usage', timeoutMs: 90_000, intervalMs: 500 },
  );
  t.diagnostic(`tree opened and every pod row showing usage in ${Date.now() - t0} ms`);
  assert.match(rows.find((r) => r.label === 'big')?.description ?? '', /mem 512Mi$/);
  assert.ok(rows.filter((r) => r.label.startsWith('web-')).every((r) => r.description.endsWith('mem 96Mi')));
  await wb.screenshot('usage-tree-rows');
});

test('Top Pods from the namespace row: kubectl top’s table, live, sorted from the title bar; closing it, hiding the tree and collapsing stop the polling', async () => {
  await menuAction(wb, ns, 2, 'Top Pods (CPU and Memory)');
  const tab = wb.page.locator('.tabs-container .tab', { hasText: `Top Pods ${ns}` });
  await tab.first().waitFor({ state: 'visible', timeout: 30_000 });
  const table = await waitFor(async () => ((await wb.editorText()).includes('MEMORY(bytes)') ? wb.editorText() : undefined), { what: 'the Top Pods table', timeoutMs: 30_000 });
  assert.match(table, /sorted by CPU, largest first/);
  const names = (text: string) => text.split('\n').filter((l) => /^(web-|big\b)/.test(l)).map((l) => l.split(/\s+/)[0]);
  assert.equal(names(table).at(-1), 'big', 'by CPU: big (10m) after the web pods (120m)');
  assert.match(table, /^big\s+\d+m\s+512Mi\s+-\s+-\s+-\s+-$/m, 'no requests or limits: "-"');
  assert.match(table, /^web-\S+\s+\d+m\s+96Mi\s+\d+%\s+-\s+150%\s+75%$/m, 'memory 96Mi is 150% of the 64Mi request and 75% of the 128Mi limit');
  await wb.screenshot('usage-top-pods');

  await wb.clickEditorAction('Sort by Memory');
  const byMemory = await waitFor(async () => {
    const t = await wb.editorText();
    return /sorted by memory/.test(t) ? t : undefined;
  }, { what: 'the table sorted by memory' });
  assert.equal(names(byMemory)[0], 'big', 'by memory: big (512Mi) first');
  await wb.screenshot('usage-top-pods-by-memory');

  // While the tab and the tree show this namespace's usage: one poll per interval for both.
  const c = cluster;
  const s = server;
  assert.ok(s);
  const a = await listsServed(c, s);
  await waitFor(async () => (await listsServed(c, s)) >= a + 2, { what: 'polls while shown', timeoutMs: 4 * INTERVAL_S * 1000, intervalMs: 500 });

  /**
   * LISTs served over three intervals, counted from when the count holds still (a list aborted as
   * the last holder let go may still be landing at metrics-server).
   */
  const servedOverIntervals = async (): Promise<number> => {
    let prev = -1;
    const from = await waitFor(
      async () => {
        const now = await listsServed(c, s);
        const still = now === prev;
        prev = now;
        return still ? { now } : undefined;
      },
      { what: 'the count to hold still', timeoutMs: 10_000, intervalMs: 300 },
    ).then((x) => x.now);
    const t0 = Date.now();
    await waitFor(() => Date.now() - t0 >= 3 * INTERVAL_S * 1000, { what: 'three intervals', timeoutMs: 4 * INTERVAL_S * 1000, intervalMs: 500 });
    return (await listsServed(c, s)) - from;
  };

  await wb.runCommand('View: Close Editor');
  await tab.first().waitFor({ state: 'detached', timeout: 20_000 });
  // The Kube Atlas view hidden behind the Explorer: its expanded Pods kind holds nothing meanwhile.
  await wb.runCommand('View: Show Explorer');
  assert.equal(await servedOverIntervals(), 0, 'no LIST while the tree is hidden and the Top view closed');
  const hidden = await listsServed(c, s);
  await wb.openView('Kube Atlas');
  await waitFor(async () => (await listsServed(c, s)) > hidden, { what: 'polls again once the tree is shown', timeoutMs: 4 * INTERVAL_S * 1000, intervalMs: 500 });
  await wb.collapse(VIEW, 'Pods', 4);
  assert.equal(await servedOverIntervals(), 0, 'no LIST once the Pods kind is collapsed');
});
