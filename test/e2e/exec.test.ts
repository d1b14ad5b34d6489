// Exec, batch exec and port-forward in a real VS Code (code-server) against the test cluster,
// driven like a user: Run Command in Pods… on a Deployment (results document, failures first,
// Re-run Failed); the terminal "+" menu's Kubernetes Pod Shell; Port Forward… with a fetch
// through it and a stop from the status bar. Windows on the tier's shared code-server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test';
import { promisify } from 'node:util';
import { attachCluster } from '../cluster/cluster.harness';
import { menuAction } from './harness/menuAction';
import { openWorkbench, type WorkbenchSession } from './harness/session';
import { waitFor } from './harness/wait';
import type { Workbench } from './harness/workbench';

const run = promisify(execFile);
const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
const VIEW = 'Clusters';
const ns = `e2e-exec-${Date.now().toString(36)}`;
let session: WorkbenchSession;
let wb: Workbench;
const binDir = join(tmpdir(), `${ns}-bin`);

function kubectl(args: string[]) {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster (npm test starts one)');
  return run(join(clusterDir, 'bin', 'kubectl'), [`--kubeconfig=${join(clusterDir, 'kubeconfig')}`, ...args]);
}

before(async () => {
  await kubectl(['create', 'namespace', ns]);
  await kubectl(['-n', ns, 'create', 'deployment', 'web', '--image=registry.invalid/web:1', '--replicas=3']);
  const podFile = join(tmpdir(), `${ns}-shell-pod.json`);
  writeFileSync(podFile, JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'shell-pod', namespace: ns }, spec: { nodeName: 'kwok-node-0', containers: [{ name: 'main', image: 'registry.invalid/x:1', ports: [{ containerPort: 8080 }] }] } }));
  await kubectl(['apply', '-f', podFile]);
  await kubectl(['-n', ns, 'wait', '--for=condition=Ready', 'pod', '--all', '--timeout=90s']);
  // kubectl and a test plugin on the extension host's PATH (the plugin prints what it was given).
  mkdirSync(binDir, { recursive: true });
  symlinkSync(join(clusterDir ?? '', 'bin', 'kubectl'), join(binDir, 'kubectl'));
  writeFileSync(join(binDir, 'kubectl-hello'), '#!/bin/sh\necho "hello-plugin args: $*"\necho "$KUBECONFIG" | tr : \'\\n\' | sed \'s/^/hello-plugin kubeconfig: /\'\nexit 7\n');
  chmodSync(join(binDir, 'kubectl-hello'), 0o755);
  session = await openWorkbench({ pathPrepend: [binDir], settings: { 'kubeAtlas.kubeconfigFiles': [join(clusterDir ?? '', 'kubeconfig')], 'kubeAtlas.tree.pageSize': 500 } });
  wb = session.wb;
  await wb.openView('Kube Atlas');
  await wb.expand(VIEW, 'kube-atlas-local', 1);
  await wb.expand(VIEW, ns, 2);
  await wb.expand(VIEW, 'Workloads', 3);
});

after(async () => {
  await session?.close();
  rmSync(binDir, { recursive: true, force: true });
  await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
});

const row = async (label: string, level: number) => (await wb.treeItems(VIEW)).find((r) => r.label === label && r.level === level);

test('Run Command in Pods… on a Deployment: argv without a shell, results failures first, Re-run Failed', async () => {
  await wb.expand(VIEW, 'Deployments', 4);
  await waitFor(async () => (await row('web', 5))?.description.startsWith('3/3'), { what: 'web 3/3', timeoutMs: 60_000 });
  // The first pod to get there creates the directory and exits 5; the others find it and succeed.
  const dir = `${ns}-batch-lock`;
  const scratch = attachCluster(clusterDir ?? '').execScratch;
  rmSync(join(scratch, dir), { recursive: true, force: true });
  await menuAction(wb, 'web', 5, 'Run Command in Pods…');
  const input = wb.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  const title = (await wb.page.locator('.quick-input-widget .quick-input-title').textContent()) ?? '';
  assert.match(title, new RegExp(`Run a command in the pods of Deployment ${ns}/web`));
  const message = wb.page.locator('.quick-input-widget .quick-input-message');
  assert.match((await message.textContent()) ?? '', /no shell runs it/);
  await input.fill(`sh -c 'echo unclosed`);
  await waitFor(async () => /single quote is not closed/.test((await message.textContent()) ?? ''), { what: 'validation of an unclosed quote' });
  await input.fill(`sh -c 'mkdir ${dir} 2>/dev/null && exit 5 || echo "ok in $KUBE_ATLAS_EXEC"'`);
  await waitFor(async () => !/not closed/.test((await message.textContent()) ?? ''), { what: 'validation cleared' });
  await wb.screenshot('batch-01-command');
  await input.press('Enter');

  await waitFor(async () => /3 pods: 1 failed, 2 succeeded\./.test(await wb.editorText()), { what: 'the results document', timeoutMs: 60_000 });
  const first = await wb.editorText();
  await wb.screenshot('batch-02-results');
  const sections = first.split('\n').filter((l) => l.startsWith('## '));
  assert.equal(sections.length, 3, first);
  assert.match(sections[0]!, new RegExp(`^## ✖ ${ns}/web-[a-z0-9]+-[a-z0-9]+ — exit 5 — \\d+ ms$`), 'the failure comes first');
  assert.ok(sections.slice(1).every((s) => /^## ✔ .* — exit 0 — \d+ ms$/.test(s)), sections.join('\n'));
  assert.match(first, /ok in 1/, 'the output of the successful pods (the variable expanded by sh -c in the pod, not by us)');
  const failedPod = /web-[a-z0-9]+-[a-z0-9]+/.exec(sections[0]!)![0];

  await wb.clickEditorAction('Re-run Failed');
  await waitFor(async () => /3 pods: 0 failed, 3 succeeded\./.test(await wb.editorText()), { what: 'the re-run to update the document', timeoutMs: 60_000 });
  const second = await wb.editorText();
  assert.match(second, /failed pods re-run 1×/);
  assert.match(second, new RegExp(`## ✔ ${ns}/${failedPod} — exit 0`), 'the pod that failed ran again and succeeded');
  await wb.screenshot('batch-03-rerun');
  rmSync(join(scratch, dir), { recursive: true, force: true });
});

/**
 * The terminal panel's "+" dropdown (Launch Profile…) → "Kubernetes Pod Shell". The menu is
 * VS Code's own context menu, clicked where the entry is drawn.
 */
async function launchProfileFromPlus(profile: string): Promise<void> {
  const page = wb.page;
  await wb.runCommand('Terminal: Focus Terminal');
  const chevron = page.locator('.part.panel .pane-header, .part.panel .title').locator('.action-label[aria-label^="Launch Profile"]').first();
  await chevron.waitFor({ state: 'visible', timeout: 20_000 });
  // The entry is in the page (and on the screenshot) but Playwright does not see it as visible
  // inside the menu: read the labels instead.
  const labels = page.locator('.context-view .action-label');
  const listed = async () => (await labels.evaluateAll((ls) => ls.map((l) => l.getAttribute('aria-label')))).includes(profile);
  await waitFor(
    async () => {
      await chevron.click();
      if (await waitFor(listed, { what: 'the menu', timeoutMs: 3_000 }).catch(() => false)) return true;
      await page.keyboard.press('Escape');
      return false;
    },
    { what: `${profile} in the "+" menu`, timeoutMs: 30_000 },
  );
  await wb.screenshot('profile-01-plus-menu');
  // Playwright's click waits for a visibility it never grants here: click where the entry is drawn.
  const box = await labels.evaluateAll((ls, name) => {
    const r = ls.find((l) => l.getAttribute('aria-label') === name)?.getBoundingClientRect();
    return r ? { x: r.x + r.width / 2, y: r.y + r.height / 2 } : undefined;
  }, profile);
  assert.ok(box, `${profile} has a place on screen`);
  await page.mouse.move(box.x, box.y);
  await page.mouse.click(box.x, box.y);
}

test('the terminal "+" menu: Kubernetes Pod Shell → context → namespace → pod → a shell, output, exit code', async () => {
  // The click lands where the entry was drawn a moment before: if the menu moved or closed in
  // between (seen in CI under load), no pick opens; launch again until the context pick shows.
  await waitFor(
    async () => {
      await launchProfileFromPlus('Kubernetes Pod Shell');
      const shown = async () => (await wb.quickPickLabels()).some((l) => /kube-atlas-local/.test(l));
      return waitFor(shown, { what: 'the context pick', timeoutMs: 5_000 }).catch(() => false);
    },
    { what: 'the Kubernetes Pod Shell profile to ask for a context', timeoutMs: 90_000 },
  );
  // context → namespace → pod (one container: no container pick).
  await wb.pickQuickItem(/^kube-atlas-local/, { timeoutMs: 20_000 });
  await wb.pickQuickItem(ns, { type: ns, timeoutMs: 20_000 });
  await wb.screenshot('profile-02-pod-pick');
  await wb.pickQuickItem('shell-pod', { type: 'shell-pod', timeoutMs: 20_000 });
  const name = `kube-atlas-local/${ns}/shell-pod/main`;
  const tab = wb.page.locator(`.part.panel .monaco-list-row[aria-label*="${name}"]`).first();
  await tab.waitFor({ state: 'visible', timeout: 30_000 });
  // The panel keeps showing the terminal that had focus (the bash "Focus Terminal" opened): pick ours.
  await tab.click();
  await wb.screenshot('profile-03-terminal');
  await wb.waitForTerminalText(/Connecting to kube-atlas-local/, 30_000);
  await waitFor(
    async () => {
      await wb.terminalType('echo plus-$((6*7))\n');
      return (await wb.terminalText()).includes('plus-42');
    },
    { what: 'plus-42 in the terminal', timeoutMs: 30_000, intervalMs: 1_500 },
  );
  await wb.screenshot('profile-04-output');
  await wb.terminalType('exit 4\n');
  await wb.waitForTerminalText(/The shell exited with code 4\./, 30_000);
  await wb.screenshot('profile-05-exit');
  await wb.terminalType('x');
});

test('Port Forward… on a pod: fetch through 127.0.0.1, then stop it from the status bar', async () => {
  await wb.expand(VIEW, 'Pods', 4);
  await waitFor(async () => (await row('shell-pod', 5))?.description.startsWith('Running'), { what: 'shell-pod Running', timeoutMs: 60_000 });
  await menuAction(wb, 'shell-pod', 5, 'Port Forward…');
  const input = wb.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('8080');
  await input.press('Enter');
  await waitFor(async () => (await input.inputValue()) === '', { what: 'the local port prompt' });
  await input.press('Enter'); // empty: a free port
  const note = await wb.waitForNotification(new RegExp(`Forwarding 127\\.0\\.0\\.1:(\\d+) → pod ${ns}/shell-pod:8080`), 30_000);
  const port = Number(/127\.0\.0\.1:(\d+)/.exec(note.message)![1]);
  const body = await (await fetch(`http://127.0.0.1:${port}/e2e-path`)).text();
  assert.equal(body.trim(), 'hello from kube-atlas port-forward /e2e-path');
  const item = wb.page.locator('.part.statusbar .statusbar-item', { hasText: '1 forward' }).first();
  await item.waitFor({ state: 'visible', timeout: 10_000 });
  await wb.screenshot('forward-01-status-bar');
  await item.click();
  await wb.pickQuickItem(new RegExp(`127\\.0\\.0\\.1:${port} → pod ${ns}/shell-pod:8080`), { timeoutMs: 10_000 });
  await item.waitFor({ state: 'hidden', timeout: 10_000 });
  await assert.rejects(fetch(`http://127.0.0.1:${port}/`), 'the port is closed once stopped');
});

test('Port Forward… on a Deployment: one ready pod of it, another after that pod is deleted', async () => {
  await wb.expand(VIEW, 'Deployments', 4);
  await menuAction(wb, 'web', 5, 'Port Forward…');
  const input = wb.page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill('8080');
  await input.press('Enter');
  await waitFor(async () => (await input.inputValue()) === '', { what: 'the local port prompt' });
  await input.press('Enter');
  const note = await wb.waitForNotification(new RegExp(`Forwarding 127\\.0\\.0\\.1:(\\d+) → deployment ${ns}/web:8080 \\(pod (web-[a-z0-9-]+):8080\\)`), 30_000);
  const [, port, first] = /127\.0\.0\.1:(\d+) .*\(pod (web-[a-z0-9-]+):8080\)/.exec(note.message)!;
  const get = async (path: string) => (await fetch(`http://127.0.0.1:${port}${path}`, { headers: { connection: 'close' } })).text();
  assert.equal((await get('/one')).trim(), 'hello from kube-atlas port-forward /one');
  await kubectl(['-n', ns, 'delete', 'pod', first!]);
  // New connections go to another ready pod of the Deployment once the watch has seen the deletion.
  const body = await waitFor(async () => (await get('/two').catch(() => undefined))?.trim(), { what: 'a fetch through the forward after its pod was deleted', timeoutMs: 30_000 });
  assert.equal(body, 'hello from kube-atlas port-forward /two');
  const item = wb.page.locator('.part.statusbar .statusbar-item', { hasText: '1 forward' }).first();
  await item.click();
  // Wait for the forwards list itself (a quick pick that is still closing can show first).
  const row = await waitFor(async () => (await wb.quickPickLabels()).find((l) => l.includes(`deployment ${ns}/web:8080`)), { what: 'the forwards list with the Deployment forward' });
  assert.ok(/\(pod web-[a-z0-9-]+:8080\)/.test(row) && !row.includes(first!), `the forward names another pod now: ${row}`);
  await wb.screenshot('forward-02-workload-reattached');
  await wb.pickQuickItem(/Stop all/);
  await item.waitFor({ state: 'hidden', timeout: 10_000 });
});

/** The terminal tab named `name`, picked so it is the one shown. */
async function showTerminal(name: string): Promise<void> {
  await waitFor(
    async () => {
      // With one terminal the panel shows its name in the header; with several, a list of tabs.
      const tab = wb.page.locator(`.part.panel .monaco-list-row[aria-label*="${name}"]`).first();
      if (await tab.isVisible()) {
        await tab.click();
        return true;
      }
      return (await wb.page.locator('.part.panel .single-terminal-tab').allTextContents()).some((t) => t.includes(name));
    },
    { what: `the terminal ${name}`, timeoutMs: 30_000 },
  );
}

test('Run kubectl Plugin… on a pod: kubectl-hello from PATH runs with the pod, context and namespace pinned', async () => {
  await wb.expand(VIEW, 'Pods', 4);
  await menuAction(wb, 'shell-pod', 5, 'Run kubectl Plugin…');
  await wb.pickQuickItem(/^hello/, { timeoutMs: 20_000 }).catch(async (e) => {
    await wb.screenshot('plugin-00-failed');
    console.log('NOTES', JSON.stringify(await wb.notifications()));
    throw e;
  });
  await showTerminal('kubectl hello shell-pod (kube-atlas-local)');
  const text = await wb.waitForTerminalText(/kubectl hello exited with code 7\./, 30_000);
  assert.match(text, new RegExp(`hello-plugin args: shell-pod --context kube-atlas-local --namespace ${ns}`));
  // KUBECONFIG is the list the tree reads (one entry a line, so the terminal does not wrap them):
  // ~/.kube/config (kubectl's default, absent here), then the file of kubeAtlas.kubeconfigFiles.
  assert.match(text, new RegExp(`^hello-plugin kubeconfig: ${join(clusterDir ?? '', 'kubeconfig').replace(/[.]/g, '\\.')}\\s*$`, 'm'));
  await wb.screenshot('plugin-01-hello');
  await wb.terminalType('x');
});

test('kubectl mode: VS Code\'s own node-pty loads in the extension host and runs kubectl exec -it; output and exit code', async () => {
  // A second window (its own folder and extension host, on the same server) with the setting from
  // the start: a user settings file rewritten under a running code-server was not picked up in time.
  const own = await openWorkbench({ pathPrepend: [binDir], settings: { 'kubeAtlas.kubeconfigFiles': [join(clusterDir ?? '', 'kubeconfig')], 'kubeAtlas.tree.pageSize': 500, 'kubeAtlas.exec.mode': 'kubectl' } });
  const main = wb;
  wb = own.wb;
  try {
    await wb.openView('Kube Atlas');
    await wb.expand(VIEW, 'kube-atlas-local', 1);
    await wb.expand(VIEW, ns, 2);
    await wb.expand(VIEW, 'Workloads', 3);
    await wb.expand(VIEW, 'Pods', 4);
    await menuAction(wb, 'shell-pod', 5, 'Open Shell');
    await showTerminal(`kube-atlas-local/${ns}/shell-pod/main`);
    await wb.waitForTerminalText(new RegExp(`kubectl exec -it --context kube-atlas-local -n ${ns} shell-pod -c main --`), 30_000);
    await waitFor(
      async () => {
        await wb.terminalType('echo pty-$((6*7))\n');
        return (await wb.terminalText()).includes('pty-42');
      },
      { what: 'pty-42 from the kubectl-mode shell', timeoutMs: 30_000, intervalMs: 1_500 },
    );
    await wb.screenshot('pty-01-kubectl-mode');
    await wb.terminalType('exit 5\n');
    await wb.waitForTerminalText(/kubectl exec exited with code 5\./, 30_000);
    await wb.screenshot('pty-02-exit');
    await wb.terminalType('x');
  } finally {
    wb = main;
    await own.close();
  }
});
