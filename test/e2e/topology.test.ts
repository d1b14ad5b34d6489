// The topology graph in a real VS Code (code-server) against the test cluster: opened from a
// namespace row's context menu, it draws as many Service / slice / pod / node elements and edges
// as the cluster has; a scale-up appears without a click; clicking a pod reveals it in the tree;
// a Service whose description annotation carries HTML and a script shows those characters as text
// and runs nothing. Screenshots in .test-artifacts/screenshots/topology-*.png.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test';
import { promisify } from 'node:util';
import type { Frame } from 'playwright-core';
import { openWorkbench, type WorkbenchSession } from './harness/session';
import { waitFor } from './harness/wait';
import type { Workbench } from './harness/workbench';

const run = promisify(execFile);
const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
const VIEW = 'Clusters';
const ns = `e2e-topo-${Date.now().toString(36)}`;
const PAYLOAD = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b>bold</b>`;
let session: WorkbenchSession;
let wb: Workbench;
let frame: Frame;

async function kubectl(args: string[]): Promise<string> {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster (npm test starts one)');
  return (await run(join(clusterDir, 'bin', 'kubectl'), [`--kubeconfig=${join(clusterDir, 'kubeconfig')}`, ...args])).stdout;
}

/** What the cluster says the graph should hold: pods of the Service, their slices and nodes. */
async function clusterCounts(): Promise<{ pods: number; slices: number; nodes: number }> {
  const pods = JSON.parse(await kubectl(['-n', ns, 'get', 'pods', '-l', 'app=web', '-o', 'json'])).items as { spec: { nodeName?: string }; status: { podIP?: string } }[];
  const slices = JSON.parse(await kubectl(['-n', ns, 'get', 'endpointslices', '-l', 'kubernetes.io/service-name=web', '-o', 'json'])).items as unknown[];
  return { pods: pods.length, slices: slices.length, nodes: new Set(pods.map((p) => p.spec.nodeName).filter(Boolean)).size };
}

async function drawn(kind: string): Promise<number> {
  return frame.locator(`g.node.kind-${kind}`).count();
}

before(async () => {
  await kubectl(['create', 'namespace', ns]);
  await kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=2', '--port=8080']);
  await kubectl(['-n', ns, 'expose', 'deployment', 'web', '--port=80', '--target-port=8080']);
  await kubectl(['-n', ns, 'annotate', 'service', 'web', `kubernetes.io/description=${PAYLOAD}`]);
  session = await openWorkbench({ settings: { 'kubeAtlas.kubeconfigFiles': [join(clusterDir ?? '', 'kubeconfig')], 'kubeAtlas.tree.pageSize': 500 } });
  wb = session.wb;
});

after(async () => {
  await session?.close();
  await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
});

test('the palette offers namespaces the tree has not listed yet, and opens the graph', async () => {
  // First thing in a fresh window: the context row is collapsed, so no namespace is cached. The
  // pick must list the test namespace from the API (typing narrows the list; a typed name would be
  // offered as "…, as typed", which the anchored pattern does not match).
  await wb.openView('Kube Atlas');
  await wb.waitForItem(VIEW, 'kube-atlas-local', { level: 1 });
  assert.deepEqual((await wb.treeItems(VIEW)).filter((i) => i.level > 1), [], 'the tree lists no namespace yet');
  await wb.runCommand('Kube Atlas: Show Topology');
  // Pick once the list has loaded (the placeholder changes then): items replaced while a click is
  // on its way make the extension host resolve the click against the new list (seen in CI).
  const input = wb.page.locator('.quick-input-widget .quick-input-box input');
  await waitFor(async () => (await input.getAttribute('placeholder')) === 'Which namespace? (or type one)', { what: 'the namespaces listed', timeoutMs: 30_000 });
  await wb.pickQuickItem(new RegExp(`^${ns}$`), { type: ns.slice(0, -2), timeoutMs: 30_000 });
  const fromPalette = await wb.webviewFrame(`Topology: ${ns}`);
  await waitFor(async () => (await fromPalette.locator('g.node.kind-Service').count()) === 1, { what: 'the Service drawn', timeoutMs: 60_000 });
  await wb.screenshot('topology-from-palette');
  await wb.runCommand('View: Close All Editors');
});

test('the graph opens from a namespace row and draws what the cluster has', async () => {
  await wb.openView('Kube Atlas');
  await wb.expand(VIEW, 'kube-atlas-local', 1);
  await wb.waitForItem(VIEW, ns, { level: 2 });
  await wb.contextMenu(VIEW, ns, 'Show Topology', 2);
  frame = await wb.webviewFrame(`Topology: ${ns}`);
  // Wait until the cluster has settled (2 ready pods in one slice) and the graph shows it.
  await waitFor(async () => (await frame.locator('path.edge.ready').count()) === 2, { what: 'two ready endpoint edges', timeoutMs: 60_000 });
  const want = await clusterCounts();
  assert.deepEqual(
    { services: await drawn('Service'), slices: await drawn('EndpointSlice'), pods: await drawn('Pod'), nodes: await drawn('Node') },
    { services: 1, slices: want.slices, pods: want.pods, nodes: want.nodes },
  );
  // slice edge + one endpoint and one runs-on edge per pod.
  assert.equal(await frame.locator('path.edge').count(), want.slices + 2 * want.pods);
  assert.match((await frame.locator('.toolbar .count').textContent()) ?? '', /elements, \d+ edges/);
  await wb.screenshot('topology-opened');
});

test('a scale-up appears without a click', async () => {
  await kubectl(['-n', ns, 'scale', 'deployment/web', '--replicas=4']);
  await waitFor(async () => (await frame.locator('path.edge.ready').count()) === 4, { what: 'four ready endpoints drawn', timeoutMs: 60_000 });
  const want = await clusterCounts();
  assert.equal(await drawn('Pod'), want.pods);
  assert.equal(await drawn('Node'), want.nodes);
  await wb.screenshot('topology-scaled');
});

test('cluster text with HTML and a script renders as text and runs nothing', async () => {
  await frame.locator(`g.node[data-id="Service:${ns}/web"]`).hover();
  const dd = frame.locator('.details dd', { hasText: '<img src=x' });
  await dd.waitFor({ timeout: 10_000 });
  assert.equal(await dd.textContent(), PAYLOAD, 'the annotation, character for character');
  assert.equal(await frame.locator('.details img, .details script, .details b').count(), 0, 'no element made from the payload');
  assert.equal(await frame.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined, 'no handler or script ran');
  await wb.screenshot('topology-payload-as-text');
});

test('clicking a pod reveals it in the tree', async () => {
  const pod = frame.locator('g.node.kind-Pod').first();
  const id = (await pod.getAttribute('data-id')) ?? '';
  const name = id.slice(id.indexOf('/') + 1);
  await pod.click();
  await waitFor(
    async () => {
      const selected = wb.page.locator('.part.sidebar .monaco-list-row.selected .label-name');
      return (await selected.count()) && (await selected.first().textContent())?.trim() === name;
    },
    { what: `pod ${name} selected in the tree`, timeoutMs: 30_000 },
  );
  await wb.screenshot('topology-reveal');
});

test('the panel comes back after a window reload, live', async () => {
  await wb.page.reload();
  await wb.waitReady();
  // A restored webview loads only once its tab is shown: bring the tab forward if another editor
  // came back in front of it (seen in CI), then find its frame.
  const tab = wb.page.locator('.tabs-container .tab', { hasText: `Topology: ${ns}` }).first();
  await tab.waitFor({ state: 'visible', timeout: 60_000 });
  await tab.click();
  frame = await wb.webviewFrame(`Topology: ${ns}`, 60_000);
  await waitFor(async () => (await frame.locator('path.edge.ready').count()) === 4, { what: 'the restored graph with four ready endpoints', timeoutMs: 60_000 });
  await kubectl(['-n', ns, 'scale', 'deployment/web', '--replicas=3']);
  await waitFor(async () => (await drawn('Pod')) === 3, { what: 'the restored panel follows a scale-down', timeoutMs: 60_000 });
  await wb.screenshot('topology-restored');
});
