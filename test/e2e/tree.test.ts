// The extension in a real VS Code (code-server) against the real cluster, driven like a user:
// the activity-bar view shows the local context, its namespaces, a Deployment with its pods, and a
// Deployment created from outside with kubectl appears without any click. Apply: a YAML file of the
// workspace right-clicked in the Explorer, previewed as a diff, applied, and its objects in the
// tree; an invalid one, applied from the palette, shows its line in Problems.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { dump, load } from 'js-yaml';
import { openWorkbench, type WorkbenchSession } from './harness/session';
import { waitFor } from './harness/wait';
import type { Workbench } from './harness/workbench';
import { test } from './harness/test';

const run = promisify(execFile);
const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
const VIEW = 'Clusters';
let session: WorkbenchSession;
let wb: Workbench;
const ns = `e2e-${Date.now().toString(36)}`;
// The extension reads a copy of the cluster's kubeconfig, so a test can rewrite it as tools do.
const kubeconfigDir = mkdtempSync(join(tmpdir(), 'kube-atlas-e2e-kubeconfig-'));
const kubeconfigCopy = join(kubeconfigDir, 'config');
// The folder the window opens, with the manifests the apply tests right-click (written before it
// opens, as a user's files are there when they open the folder).
const workspaceDir = mkdtempSync(join(tmpdir(), 'kube-atlas-e2e-workspace-'));
const manifestsDir = join(workspaceDir, 'manifests');

function kubectl(args: string[]) {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster (npm test starts one)');
  return run(join(clusterDir, 'bin', 'kubectl'), [`--kubeconfig=${join(clusterDir, 'kubeconfig')}`, ...args]);
}

before(async () => {
  await kubectl(['create', 'namespace', ns]);
  await kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=2']);
  writeFileSync(kubeconfigCopy, readFileSync(join(clusterDir ?? '', 'kubeconfig')));
  mkdirSync(manifestsDir, { recursive: true });
  writeFileSync(
    join(manifestsDir, 'shop.yaml'),
    `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: applied-web\n  namespace: ${ns}\nspec:\n  replicas: 1\n  selector: {matchLabels: {app: applied-web}}\n  template:\n    metadata: {labels: {app: applied-web}}\n    spec:\n      containers: [{name: web, image: registry.invalid/web:2}]\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied-settings\n  namespace: ${ns}\ndata: {mode: e2e}\n`,
  );
  // Line 8 is indented deeper than its sibling on line 7: js-yaml's "bad indentation of a mapping entry" at line 8.
  writeFileSync(join(manifestsDir, 'broken.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: never-applied\n  namespace: ${ns}\ndata:\n a: "1"\n  b: "2"\n`);
  session = await openWorkbench({ folder: workspaceDir, settings: { 'kubeAtlas.kubeconfigFiles': [kubeconfigCopy], 'kubeAtlas.tree.pageSize': 500 } });
  wb = session.wb;
});

after(async () => {
  await session?.close();
  await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  rmSync(kubeconfigDir, { recursive: true, force: true });
  rmSync(workspaceDir, { recursive: true, force: true });
});

/** The extension's own log (the Output channel's file). */
function extensionLog(): string {
  return session.server.serverLogs('Kube Atlas.log').map((l) => l.text).join('\n');
}

test('activates, shows its view container, and logs no error', async () => {
  await wb.openView('Kube Atlas');
  const ctx = await wb.waitForItem(VIEW, 'kube-atlas-local', { level: 1 });
  await waitFor(async () => /current · v1\.36/.test((await wb.treeItems(VIEW)).find((r) => r.label === 'kube-atlas-local')?.description ?? ''), { what: 'context shows current and the server version' });
  assert.equal(ctx.level, 1);
  // The channel opens in the Output view (outputText waits until it shows text); its whole text is read
  // from the log file behind it: the view scrolls to the end and renders only what fits, so an
  // early line can be out of view once more lines follow (seen in CI).
  await wb.outputText('Kube Atlas: Show Log');
  const log = await waitFor(() => {
    const text = extensionLog();
    return /Connected to "kube-atlas-local"/.test(text) ? text : undefined;
  }, { what: 'the extension log to say it connected' });
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

test('after its kubeconfig entry is rewritten, and after Reconnect Context, the open tree still follows kubectl', async () => {
  await wb.openView('Kube Atlas');
  await wb.waitForItem(VIEW, 'made-by-kubectl', { level: 5 });
  // What `kubectl config set-context --current --namespace`, a token refresh or `aws eks
  // update-kubeconfig` do: write a new file over the old one with the context's entry changed.
  const doc = load(readFileSync(kubeconfigCopy, 'utf8')) as { contexts: { context: { namespace?: string } }[] };
  doc.contexts[0]!.context.namespace = ns;
  writeFileSync(`${kubeconfigCopy}.tmp`, dump(doc));
  renameSync(`${kubeconfigCopy}.tmp`, kubeconfigCopy);
  await waitFor(() => /changed in the kubeconfig: reconnecting/.test(extensionLog()), { what: 'the extension to adopt the rewritten kubeconfig' });
  await kubectl(['-n', ns, 'create', 'deployment', 'after-rewrite', '--image=registry.invalid/x:1', '--replicas=0']);
  await wb.waitForItem(VIEW, 'after-rewrite', { level: 5, timeoutMs: 15_000 });
  await wb.screenshot('04-after-kubeconfig-rewrite');

  await wb.runCommand('Kube Atlas: Reconnect Context');
  await wb.pickQuickItem('kube-atlas-local');
  await waitFor(() => /Reconnecting "kube-atlas-local"/.test(extensionLog()), { what: 'the reconnect to start' });
  await kubectl(['-n', ns, 'create', 'deployment', 'after-reconnect', '--image=registry.invalid/x:1', '--replicas=0']);
  await wb.waitForItem(VIEW, 'after-reconnect', { level: 5, timeoutMs: 15_000 });
  await waitFor(async () => (await wb.treeItems(VIEW)).find((r) => r.label === 'Deployments' && r.level === 4)?.description.startsWith('4'), { what: 'Deployments count 4' });
  await wb.screenshot('05-after-reconnect');
});

/** Opens the Explorer with the manifests folder expanded; returns the folder pane's title ("Explorer Section: <folder>"). */
async function showManifests(): Promise<string> {
  await wb.openView('Explorer');
  const folderView = `Explorer Section: ${basename(session.server.folder)}`;
  // A click on a folder row opens it (its twistie is not always rendered as a separate target).
  if (!(await wb.treeItems(folderView)).some((r) => r.label === 'shop.yaml')) await wb.clickItem(folderView, 'manifests');
  await wb.waitForItem(folderView, 'shop.yaml');
  return folderView;
}

test('apply from the explorer: right-click a YAML file → diff preview → Apply → the objects appear in the tree', async () => {
  const folderView = await showManifests();
  await wb.contextMenu(folderView, 'shop.yaml', 'Apply to Cluster (Server-Side, Preview First)…');
  await wb.pickQuickItem(/^kube-atlas-local/);
  // The preview: VS Code's diff editor, live (nothing) ↔ the server's dry-run result.
  await waitFor(async () => (await wb.editorTabs()).some((t) => /^kube-atlas-local: live ↔ after apply/.test(t)), { what: 'the preview diff tab' });
  const diff = wb.page.locator('.part.editor .monaco-diff-editor .modified .view-lines');
  await waitFor(async () => /applied-web/.test((await diff.textContent()) ?? ''), { what: 'the dry-run result in the diff' });
  await wb.screenshot('06-apply-preview-diff');
  await wb.clickEditorAction('Apply Previewed Changes');
  const done = await wb.waitForNotification(/^Applied 2 of 2 documents to context "kube-atlas-local": 2 created/);
  assert.equal(done.severity, 'info');
  await wb.openView('Kube Atlas');
  await wb.waitForItem(VIEW, 'applied-web', { level: 5, timeoutMs: 15_000 });
  await waitFor(async () => (await wb.treeItems(VIEW)).find((r) => r.label === 'applied-web' && r.level === 5)?.description.startsWith('1/1'), { what: 'applied-web 1/1 ready', timeoutMs: 60_000 });
  await wb.screenshot('07-applied-in-tree');
  const { stdout } = await kubectl(['-n', ns, 'get', 'configmap', 'applied-settings', '-o', 'jsonpath={.data.mode}']);
  assert.equal(stdout, 'e2e');
  const { stdout: manager } = await kubectl(['-n', ns, 'get', 'deployment', 'applied-web', '--show-managed-fields', '-o', 'jsonpath={.metadata.managedFields[*].manager}']);
  assert.match(manager, /\bkube-atlas\b/, 'applied server-side with our field manager');
});

test('apply an invalid YAML file from the palette (file open in the editor): nothing is applied, Problems shows the line', async () => {
  const folderView = await showManifests();
  await wb.clickItem(folderView, 'broken.yaml');
  await waitFor(async () => (await wb.editorTabs()).some((t) => t.startsWith('broken.yaml')), { what: 'broken.yaml open in the editor' });
  await wb.runCommand('Kube Atlas: Apply to Cluster (Server-Side, Preview First)…');
  await wb.pickQuickItem(/^kube-atlas-local/);
  const failed = await wb.waitForNotification(/Nothing can be applied: every document has errors/);
  assert.equal(failed.severity, 'error');
  assert.match(failed.message, /^Preview of 1 document for context "kube-atlas-local": 1 failed\./);
  const rows = await waitFor(async () => {
    const r = await wb.problems();
    return r.some((t) => /YAML syntax error/.test(t)) ? r : undefined;
  }, { what: 'the YAML error in the Problems view' });
  const row = rows.find((t) => /YAML syntax error/.test(t))!;
  assert.match(row, /bad indentation/);
  assert.match(row, /\[Ln 8, Col 1\]/, `the error points at its line: ${row}`);
  await wb.screenshot('08-apply-invalid-problems');
  await assert.rejects(kubectl(['-n', ns, 'get', 'configmap', 'never-applied']), /NotFound|not found/);
});

/** A Helm 3 release record as Helm's Secret driver writes it (the cluster tier checks these against the real helm). */
function helmReleaseSecret(name: string, revision: number, values: Record<string, unknown>): object {
  const release = {
    name,
    namespace: ns,
    version: revision,
    info: { status: 'deployed', description: 'Install complete', last_deployed: '2026-11-30T10:00:00Z', notes: 'Thanks for installing.' },
    chart: { metadata: { name: 'shop', version: '0.1.0', appVersion: '1.0' }, values: { replicas: 1 } },
    config: values,
    manifest: '---\nkind: ConfigMap\n',
  };
  const stored = gzipSync(Buffer.from(JSON.stringify(release))).toString('base64');
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    type: 'helm.sh/release.v1',
    metadata: { name: `sh.helm.release.v1.${name}.v${revision}`, namespace: ns, labels: { owner: 'helm', name, version: String(revision), status: 'deployed' } },
    data: { release: Buffer.from(stored).toString('base64') },
  };
}

test('Helm Releases: a release appears under its namespace without a click, and its values open from the row', async () => {
  await wb.openView('Kube Atlas');
  await wb.expandUnder(VIEW, { label: ns, level: 2 }, 'Helm Releases');
  await wb.waitForItem(VIEW, 'No Helm releases', { level: 4 });
  const file = join(workspaceDir, 'helm-release.json');
  writeFileSync(file, JSON.stringify(helmReleaseSecret('e2e-shop', 1, { greeting: 'from-e2e', image: { tag: '2.0' } })));
  await kubectl(['apply', '-f', file]);
  rmSync(file);
  const row = await wb.waitForItem(VIEW, 'e2e-shop', { level: 4, timeoutMs: 15_000 });
  assert.equal(row.description, 'revision 1 · deployed');
  await wb.clickItem(VIEW, 'e2e-shop', 4);
  await wb.pickQuickItem('User-Supplied Values');
  const text = await waitFor(async () => {
    const t = await wb.editorText();
    return /greeting: from-e2e/.test(t) ? t : undefined;
  }, { what: 'the release values in an editor', timeoutMs: 20_000 });
  assert.match(text, /User-Supplied Values of release .*\/e2e-shop, revision 1 \(shop-0\.1\.0, app 1\.0, deployed\)/);
  assert.match(text, /tag: '?2\.0'?/);
  await wb.screenshot('06-helm-values');
});

test('Events: the scheduler\'s warning for a new pod appears under its namespace without a click, and the row reveals the pod', async () => {
  await wb.openView('Kube Atlas');
  await wb.collapse(VIEW, 'Helm Releases', 3);
  await wb.expandUnder(VIEW, { label: ns, level: 2 }, 'Events');
  await kubectl(['-n', ns, 'run', 'e2e-nowhere', '--image=registry.invalid/app:1', '--overrides={"apiVersion":"v1","spec":{"nodeSelector":{"disktype":"none-such"}}}']);
  const row = await waitFor(async () => (await wb.treeItems(VIEW)).find((r) => r.level === 4 && r.label === 'FailedScheduling' && r.description.startsWith('Pod/e2e-nowhere · ')), { what: 'the FailedScheduling row under Events', timeoutMs: 60_000 });
  assert.match(row.description, /didn't match Pod's node affinity\/selector/);
  await waitFor(async () => /^\d+ warnings?$/.test((await wb.treeItems(VIEW)).find((r) => r.level === 3 && r.label === 'Events')?.description ?? ''), { what: 'the Events group counting warnings' });
  await wb.screenshot('10-events-group');
  await wb.clickItem(VIEW, 'FailedScheduling', 4);
  // The click reveals the pod's own row (Workloads → Pods → e2e-nowhere) and selects it.
  const selected = wb.page.locator('.part.sidebar .monaco-list-row[aria-selected="true"]', { has: wb.page.locator('.label-name', { hasText: 'e2e-nowhere' }) });
  await selected.first().waitFor({ state: 'visible', timeout: 20_000 });
  assert.equal(await selected.first().getAttribute('aria-level'), '5');
  await wb.screenshot('11-events-reveal');
});

test('Overview: the context\'s row counts what kubectl counts, and follows a scale without a click', async () => {
  await wb.openView('Kube Atlas');
  await wb.expandView('Overview');
  const count = async (kind: string) => (await kubectl(['get', kind, '-A', '-o', 'name'])).stdout.split('\n').filter(Boolean).length;
  const pods = () => count('pods');
  const nodes = await count('nodes');
  const rowFor = async (n: number) =>
    waitFor(async () => (await wb.treeItems('Overview')).find((r) => r.level === 1 && r.label === 'kube-atlas-local' && r.description.startsWith(`v1.36`) && r.description.includes(` · ${nodes}/${nodes} nodes ready · ${n} pods`)), { what: `the overview row with ${n} pods`, timeoutMs: 30_000 });
  // kubectl first, then the row: the row must come to the same count (pods may still be settling).
  const before = await waitFor(async () => {
    const n = await pods();
    return (await rowFor(n).catch(() => undefined)) ? n : undefined;
  }, { what: 'the overview row equal to kubectl', timeoutMs: 60_000 });
  await wb.screenshot('12-overview');
  await kubectl(['-n', ns, 'scale', 'deployment', 'web', '--replicas=4']);
  await rowFor(before + 1);
  const nodeRow = await waitFor(async () => (await wb.treeItems('Overview')).find((r) => r.level === 2 && r.label === 'Nodes'), { what: 'the Nodes detail row' });
  assert.equal(nodeRow.description, `${nodes}/${nodes} ready`);
  await wb.screenshot('13-overview-live');
});
