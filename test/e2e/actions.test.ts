// Workload actions in a real VS Code (code-server) against the test cluster, driven like a user:
// scale a Deployment from its context menu (input box with the current replicas, validation),
// then restart it (confirmation naming the context) and watch the rollout in the progress
// notification and on the tree row until it finishes; then follow the logs of all its pods in a
// live document and see a line written later appear without a click. One window on the tier's
// shared code-server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test';
import { promisify } from 'node:util';
import { attachCluster } from '../cluster/cluster.harness';
import { menuAction as openMenuAction } from './harness/menuAction';
import { openWorkbench, type WorkbenchSession } from './harness/session';
import { waitFor } from './harness/wait';
import type { Workbench } from './harness/workbench';

const run = promisify(execFile);
const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
const VIEW = 'Clusters';
const ns = `e2e-actions-${Date.now().toString(36)}`;
let session: WorkbenchSession;
let wb: Workbench;

function kubectl(args: string[]) {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster (npm test starts one)');
  return run(join(clusterDir, 'bin', 'kubectl'), [`--kubeconfig=${join(clusterDir, 'kubeconfig')}`, ...args]);
}

before(async () => {
  await kubectl(['create', 'namespace', ns]);
  await kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=2']);
  // A lone pod for the shell tests (KWOK runs exec commands on this host, with a real TTY).
  const podFile = join(tmpdir(), `${ns}-shell-pod.json`);
  writeFileSync(podFile, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shell-pod', namespace: ns }, spec: { nodeName: 'kwok-node-0', containers: [{ name: 'main', image: 'registry.invalid/x:1' }] } }));
  await kubectl(['apply', '-f', podFile]);
  session = await openWorkbench({ settings: { 'kubeAtlas.kubeconfigFiles': [join(clusterDir ?? '', 'kubeconfig')], 'kubeAtlas.tree.pageSize': 500 } });
  wb = session.wb;
});

after(async () => {
  await session?.close();
  await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
});

const row = async (label: string, level: number) => (await wb.treeItems(VIEW)).find((r) => r.label === label && r.level === level);

/** The row's context-menu entry, once its access review is in (a screenshot of the open menu first). */
function menuAction(label: string, level: number, action: string): Promise<void> {
  return openMenuAction(wb, label, level, action, `actions-menu-${action}`);
}

const answerDialog = (button: string): Promise<string> => wb.answerDialog(button);

test('scale from the tree: context menu → input box with the current replicas → the row follows', async () => {
  await wb.openView('Kube Atlas');
  await wb.expand(VIEW, 'kube-atlas-local', 1);
  await wb.expand(VIEW, ns, 2);
  await wb.expand(VIEW, 'Workloads', 3);
  await wb.expand(VIEW, 'Deployments', 4);
  await waitFor(async () => (await row('web', 5))?.description.startsWith('2/2'), { what: 'web 2/2', timeoutMs: 60_000 });

  await menuAction('web', 5, 'Scale…');
  const input = wb.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  const message = wb.page.locator('.quick-input-widget .quick-input-message');
  await waitFor(async () => /Current replicas: 2 desired, 2 running/.test((await message.textContent()) ?? ''), { what: 'the prompt shows the current replicas' });
  assert.equal(await input.inputValue(), '2');
  const title = (await wb.page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '';
  assert.match(title, new RegExp(`Scale Deployment ${ns}/web \\(context "kube-atlas-local"\\)`));
  await input.fill('-1');
  await waitFor(async () => /whole number of replicas/.test((await message.textContent()) ?? ''), { what: 'validation of -1' });
  await wb.screenshot('actions-01-scale-invalid');
  await input.fill('4');
  await waitFor(async () => !/whole number/.test((await message.textContent()) ?? ''), { what: 'validation cleared' });
  await wb.page.keyboard.press('Enter');
  await waitFor(async () => (await row('web', 5))?.description.startsWith('4/4'), { what: 'web 4/4 in the tree', timeoutMs: 60_000 });
  await wb.screenshot('actions-02-scaled');
  const { stdout } = await kubectl(['-n', ns, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.replicas}']);
  assert.equal(stdout, '4');
});

test('restart from the tree: confirmation naming the context, then the rollout is followed to its end', async () => {
  await menuAction('web', 5, 'Restart (Rollout)');
  const text = await answerDialog('Restart');
  assert.match(text, new RegExp(`Restart Deployment ${ns}/web in context "kube-atlas-local"\\?`));
  // The row shows the rollout while it runs (first), then the Deployment whole again; the progress
  // notification follows it. (A re-render for the age alone changes the text too: never the end.)
  await waitFor(
    async () => {
      return /rolling out/.test((await row('web', 5))?.description ?? '');
    },
    { what: 'the rollout on the row', timeoutMs: 60_000, intervalMs: 100 },
  );
  await wb.screenshot('actions-03-rolling-out');
  await waitFor(
    async () => {
      const d = (await row('web', 5))?.description ?? '';
      return /^4\/4/.test(d) && !/rolling out/.test(d);
    },
    { what: 'the row at 4/4 again after the rollout', timeoutMs: 90_000, intervalMs: 100 },
  );
  const done = await wb.waitForNotification(new RegExp(`Deployment ${ns}/web: deployment "web" successfully rolled out`), 60_000);
  assert.equal(done.severity, 'info');
  await wb.screenshot('actions-04-rolled-out');
  const { stdout } = await kubectl(['-n', ns, 'get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.metadata.annotations}']);
  assert.match(stdout, /kubectl\.kubernetes\.io\/restartedAt/);
});

test('Open Shell from a pod row: a terminal named context/namespace/pod/container, output read back, the exit code shown', async () => {
  await wb.expand(VIEW, 'Pods', 4);
  await waitFor(async () => (await row('shell-pod', 5))?.description.startsWith('Running'), { what: 'shell-pod Running', timeoutMs: 60_000 });
  await menuAction('shell-pod', 5, 'Open Shell');
  const name = `kube-atlas-local/${ns}/shell-pod/main`;
  await waitFor(async () => (await wb.page.locator('.part.panel .terminal-tabs-entry, .part.panel .single-terminal-tab, .part.panel .terminal-tab').allTextContents()).some((t) => t.includes(name)) || (await wb.page.locator(`[aria-label*="${name}"]`).count()) > 0, {
    what: `a terminal named ${name}`,
    timeoutMs: 30_000,
  });
  await wb.waitForTerminalText(/Connecting to kube-atlas-local/, 30_000);
  // The shell is up once it answers; KWOK's TTY echoes what we type.
  await waitFor(
    async () => {
      await wb.terminalType('echo hello-$((6*7))\n');
      return (await wb.terminalText()).includes('hello-42');
    },
    { what: 'hello-42 in the terminal', timeoutMs: 30_000, intervalMs: 1_500 },
  );
  await wb.screenshot('exec-01-shell-output');
  await wb.terminalType('exit 3\n');
  await wb.waitForTerminalText(/The shell exited with code 3\./, 30_000);
  await wb.screenshot('exec-02-exit-code');
  await wb.terminalType('x'); // "Press any key to close this terminal."
});


test('Debug… on a pod: an ephemeral container is added, starts, shows under the pod, and the terminal attaches to it', async () => {
  await wb.expand(VIEW, 'Pods', 4);
  await menuAction('shell-pod', 5, 'Debug…');
  await wb.pickQuickItem(/^Ephemeral container in this pod/);
  const image = wb.page.locator('.quick-input-widget .quick-input-box input');
  await waitFor(async () => (await image.inputValue()) === 'busybox:1.36', { what: 'the image prompt with the default image' });
  await image.press('Enter');
  await wb.pickQuickItem(/^main/);
  const text = await answerDialog('Add');
  assert.match(text, new RegExp(`Add an ephemeral debug container \\(busybox:1\\.36\\) to pod ${ns}/shell-pod in context "kube-atlas-local"\\?`));
  assert.match(text, /cannot be removed/);
  const terminal = await wb.waitForTerminalText(new RegExp(`Connecting to kube-atlas-local/${ns}/shell-pod/debugger-[a-z0-9]{5}`), 60_000);
  const container = /shell-pod\/(debugger-[a-z0-9]{5})/.exec(terminal)![1]!;
  // The debug container's stream (KWOK's attach serves the pod log file) arrives in the terminal.
  const marker = `debug-e2e-${Date.now()}`;
  const cluster = attachCluster(clusterDir ?? '');
  await waitFor(async () => {
    if ((await wb.terminalText()).includes(marker)) return true;
    cluster.appendPodLog(marker);
    return false;
  }, { what: 'the debug container\'s output in the terminal', timeoutMs: 30_000, intervalMs: 1_000 });
  await wb.screenshot('debug-01-attached');
  await wb.openView('Kube Atlas');
  await wb.expand(VIEW, 'shell-pod', 5);
  await waitFor(async () => (await row(container, 6))?.description.startsWith('debug · Running'), { what: `${container} running under the pod`, timeoutMs: 30_000 });
  const { stdout } = await kubectl(['-n', ns, 'get', 'pod', 'shell-pod', '-o', 'jsonpath={.spec.ephemeralContainers[0].targetContainerName}']);
  assert.equal(stdout, 'main');
  await wb.screenshot('debug-02-tree');
});

test('Show Logs (all pods) on a Deployment: a live document of its pods\' lines, prefixed, and a new line appears without a click', async () => {
  const { stdout } = await kubectl(['-n', ns, 'get', 'pods', '-l', 'app=web', '--field-selector=status.phase=Running', '-o', 'jsonpath={.items[*].metadata.name}']);
  await menuAction('web', 5, 'Show Logs (all pods)');
  const tab = wb.page.locator('.tabs-container .tab', { hasText: 'deployment web.log' });
  await tab.first().waitFor({ state: 'visible', timeout: 30_000 });
  await waitFor(async () => /^\[web-[a-z0-9]+-[a-z0-9]+\/web\] /m.test(await wb.editorText()), { what: 'prefixed pod lines in the log document', timeoutMs: 30_000 });
  await wb.screenshot('actions-05-logs-open');

  const marker = `e2e-log-${Date.now().toString(36)}`;
  attachCluster(clusterDir ?? '').appendPodLog(marker);
  const running = stdout.trim().split(/\s+/).filter(Boolean);
  // Every running pod's stream shows it, at the end of the document the editor keeps in view.
  await waitFor(
    async () => {
      const text = await wb.editorText();
      return running.every((p) => text.includes(`[${p}/web] ${marker}`));
    },
    { what: `${marker} from each of ${running.join(', ')}`, timeoutMs: 30_000 },
  );
  await wb.screenshot('actions-06-logs-new-line');

  // The apiserver's own count of log streams it serves: ours, one per pod (nothing else follows logs now).
  await waitFor(async () => (await logStreamsServed()) === running.length, { what: `${running.length} log streams open on the apiserver`, timeoutMs: 20_000 });
  await wb.runCommand('Kube Atlas: Stop Following');
  await waitFor(async () => /— stopped/.test(await wb.editorText()), { what: 'the view says it stopped', timeoutMs: 20_000 });
  await waitFor(async () => (await logStreamsServed()) === 0, { what: 'Stop Following to release every stream', timeoutMs: 20_000 });

  // Opened again, then its tab closed: closing the document releases the streams too.
  await menuAction('web', 5, 'Show Logs (all pods)');
  await waitFor(async () => (await logStreamsServed()) === running.length, { what: 'the streams of the reopened view', timeoutMs: 30_000 });
  await wb.runCommand('View: Close Editor');
  await tab.first().waitFor({ state: 'detached', timeout: 20_000 });
  await waitFor(async () => (await logStreamsServed()) === 0, { what: 'closing the tab to release every stream', timeoutMs: 20_000 });
});

/** apiserver_longrunning_requests for pods/log: the log streams the apiserver is serving now. */
async function logStreamsServed(): Promise<number> {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster');
  const { stdout } = await run(join(clusterDir, 'bin', 'kubectl'), [`--kubeconfig=${join(clusterDir, 'kubeconfig')}`, 'get', '--raw', '/metrics'], { maxBuffer: 64 << 20 });
  const line = stdout.split('\n').find((l) => l.startsWith('apiserver_longrunning_requests{') && l.includes('resource="pods"') && l.includes('subresource="log"'));
  return Number(line?.split(' ').at(-1) ?? 0);
}
