// The packaged extension in a real VS Code (code-server + Chromium), no cluster needed: it activates,
// its activity-bar container opens and shows the Clusters view, its Output channel "Kube Atlas" logs
// the activation and no error. The same session also proves the harness's terminal, webview and
// notification helpers on the workbench itself.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { test } from './harness/test';
import { openWorkbench, type WorkbenchSession } from './harness/session';
import { waitFor } from './harness/wait';

const VIEW = 'Clusters';
let s: WorkbenchSession;

before(async () => {
  // No KUBECONFIG and a private HOME: the extension starts as on a machine without any cluster.
  s = await openWorkbench();
  console.log(`# code-server /healthz after ${s.server.startupMs} ms; workbench ready ${s.readyMs} ms after navigation`);
});

after(async () => {
  await s?.close();
});

test('the Kube Atlas container opens from the activity bar and shows the Clusters view', async () => {
  const t = Date.now();
  await s.wb.openView('Kube Atlas');
  const title = (await s.page.locator('.part.sidebar .composite.title h2').first().textContent()) ?? '';
  assert.match(title, /Kube Atlas/i);
  // Without a kubeconfig the view says so (an actionable item), rather than staying empty.
  const rows = await waitFor(async () => {
    const r = await s.wb.treeItems(VIEW);
    return r.length ? r : undefined;
  }, { what: 'a row in the Clusters view' });
  console.log(`# activity-bar click → first tree row: ${Date.now() - t} ms`);
  assert.match(rows.map((r) => r.ariaLabel).join('\n'), /kubeconfig/i);
  const shot = await s.wb.screenshot('activation-view');
  console.log(`# screenshot: ${shot}`);
});

test('the Output channel "Kube Atlas" exists, logs the activation and no error', async () => {
  const text = await s.wb.outputChannel('Kube Atlas', /Kube Atlas activated/);
  assert.doesNotMatch(text, /\[error\]/i, `no error line in the Output channel:\n${text}`);
  // The whole log, not only the lines in view, from the file the log channel writes on the server.
  const files = s.server.serverLogs('Kube Atlas.log');
  assert.equal(files.length, 1, `one log file for the channel, found: ${files.map((f) => f.path).join(', ')}`);
  assert.match(files[0]!.text, /\[info\] Kube Atlas activated/);
  assert.doesNotMatch(files[0]!.text, /\[error\]/i);
  await s.wb.screenshot('activation-output');
});

test('the extension host logged no error for the extension', () => {
  const hostLog = s.server.serverLogs('remoteexthost.log').map((f) => f.text).join('\n');
  assert.match(hostLog, /kube-atlas\.kube-atlas/, 'the extension host names the extension');
  const ours = hostLog.split('\n').filter((l) => /\[error\]/i.test(l) && /kube-atlas/i.test(l));
  assert.deepEqual(ours, [], 'no extension-host error mentions kube-atlas');
});

test('harness: a command raises a notification that the Notifications center lists', async () => {
  // With no contexts, Select Context explains what to do instead of opening an empty list.
  await s.wb.runCommand('Kube Atlas: Select Context…');
  const n = await s.wb.waitForNotification(/context/i);
  assert.match(n.message, /KUBECONFIG|kubeconfig/);
  await s.page.keyboard.press('Escape');
});

test('harness: terminal typing and reading', async () => {
  await s.wb.openTerminal();
  await s.wb.terminalType('echo kube-atlas-$((6*7))\n');
  const text = await s.wb.waitForTerminalText(/^kube-atlas-42$/m);
  assert.match(text, /echo kube-atlas-\$\(\(6\*7\)\)/);
});

test('harness: a webview frame is found by its tab title', async () => {
  writeFileSync(join(s.server.folder, 'NOTES.md'), '# Webview heading\n\nrendered by the Markdown preview\n');
  await s.wb.runCommand('Go to File...');
  await s.wb.pickQuickItem(/^NOTES\.md/, { type: 'NOTES.md' });
  await s.wb.runCommand('Markdown: Open Preview to the Side');
  const frame = await s.wb.webviewFrame('Preview NOTES.md');
  await frame.locator('h1', { hasText: 'Webview heading' }).waitFor({ timeout: 30_000 });
  await s.wb.screenshot('harness-webview');
});
