// The pure parts of the Restricted Mode rule: reading what a workspace's settings file asks for
// (VS Code withholds it from the extension), and a notice that stays beside the kubeconfig's own
// problems across reloads. The rule itself is proven in code-server (test/e2e/trust.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { KubeconfigSource } from '../../src/kube/clusters/kubeconfigSource';
import type { KubeconfigProblem } from '../../src/kube/config/types';
import { parseJsonc, stringListSetting } from '../../src/ui/settingsFileValue';

describe('workspace settings files', () => {
  it('reads a setting from JSON with comments and trailing commas, flat or nested', () => {
    const folderSettings = `{
      // cluster for this repo
      "editor.tabSize": 2, /* "kubeAtlas.kubeconfigFiles": ["commented-out"] */
      "kubeAtlas.kubeconfigFiles": ["./kube/dev.yaml", "https://not//a/comment", "",],
    }`;
    assert.deepEqual(stringListSetting(folderSettings, 'kubeAtlas.kubeconfigFiles'), ['./kube/dev.yaml', 'https://not//a/comment']);
    assert.deepEqual(stringListSetting('{"kubeAtlas": {"kubeconfigFiles": ["/a"]}}', 'kubeAtlas.kubeconfigFiles'), ['/a']);
    const workspaceFile = '{"folders": [{"path": "."}], "settings": {"kubeAtlas.kubeconfigFiles": ["/w"],},}';
    assert.deepEqual(stringListSetting(workspaceFile, 'kubeAtlas.kubeconfigFiles', true), ['/w']);
    assert.equal(stringListSetting(workspaceFile, 'kubeAtlas.kubeconfigFiles'), undefined);
    assert.equal(stringListSetting('{"kubeAtlas.kubeconfigFiles": "not a list"}', 'kubeAtlas.kubeconfigFiles'), undefined);
    assert.equal(stringListSetting('', 'kubeAtlas.kubeconfigFiles'), undefined);
    assert.equal(parseJsonc('{ broken'), undefined);
    assert.deepEqual(parseJsonc('{"s": "a, ]", "t": "/* x */"}'), { s: 'a, ]', t: '/* x */' });
  });

  it('keeps the caller’s notices first among the problems on every reload', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'kube-atlas-notice-'));
    const source = new KubeconfigSource(10);
    try {
      const file = path.join(dir, 'config');
      writeFileSync(file, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: a\n  context: {cluster: missing, user: u}\n');
      const notice: KubeconfigProblem = { notice: true, message: 'Restricted Mode: …', hint: 'Trust the folder.', file: '/w/.vscode/settings.json' };
      const first = await source.load([file], [notice]);
      assert.deepEqual(first.problems[0], notice);
      assert.ok(first.problems.some((p) => /refers to cluster "missing"/.test(p.message)), 'the file’s own problems are still there');
      const reloaded = await source.reload();
      assert.deepEqual(reloaded.problems[0], notice);
      const withoutNotice = await source.load([file]);
      assert.ok(!withoutNotice.problems.some((p) => p.notice), 'a load without notices drops them');
    } finally {
      source.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('when loads overlap, every caller gets the newest one: an older read finishing last never wins', async () => {
    // What a trust grant does: activation's load (the workspace file left out) may still be
    // reading when the load that includes it starts.
    const dir = mkdtempSync(path.join(tmpdir(), 'kube-atlas-overlap-'));
    const source = new KubeconfigSource(10);
    try {
      const user = path.join(dir, 'user');
      const workspace = path.join(dir, 'workspace');
      writeFileSync(user, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: mine\n  context: {cluster: c, user: u}\n');
      writeFileSync(workspace, 'apiVersion: v1\nkind: Config\ncontexts:\n- name: from-workspace\n  context: {cluster: c, user: u}\n');
      const names = (m: { contexts: { name: string }[] }) => m.contexts.map((c) => c.name).sort();
      const older = source.load([user]);
      const newer = source.load([user, workspace]);
      const reloads: string[][] = [];
      source.onDidChange((m) => reloads.push(names(m)));
      assert.deepEqual(names(await older), ['from-workspace', 'mine']);
      assert.deepEqual(names(await newer), ['from-workspace', 'mine']);
      assert.deepEqual(names(source.merged!), ['from-workspace', 'mine']);
      // Overlapping reloads: only the newest reports a change.
      await Promise.all([source.reload(), source.reload()]);
      assert.deepEqual(reloads, [['from-workspace', 'mine']]);
    } finally {
      source.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
