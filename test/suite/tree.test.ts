// In the real extension host: the extension reads KUBECONFIG (the test cluster), and its tree
// follows the cluster live through the public API activate() returns.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { KubeAtlasApi } from '../../src/extension';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import { waitFor } from '../support/waitFor';

const run = promisify(execFile);

/** Polls a condition with a deadline (the shared helper, with this suite's argument order). */
function until<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  return waitFor(fn, { what, timeoutMs, intervalMs: 50 });
}

suite('Live tree in the extension host', () => {
  const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  const kubectl = (args: string[]) => run(join(clusterDir ?? '', 'bin', 'kubectl'), [`--kubeconfig=${process.env.KUBECONFIG}`, ...args]);

  test('the test cluster is handed to the extension host', () => {
    assert.ok(clusterDir, 'KUBE_ATLAS_CLUSTER_DIR must name the test cluster (the launcher passes it)');
    assert.ok(process.env.KUBECONFIG, 'KUBECONFIG must point at the test cluster');
  });

  test('contexts → namespaces → Deployment → pods, and a Deployment created with kubectl appears by itself', async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension<KubeAtlasApi>('kube-atlas.kube-atlas');
    assert.ok(ext);
    const api = await ext.activate();
    await api.ready;
    const ns = `inhost-${Date.now().toString(36)}`;
    await kubectl(['create', 'namespace', ns]);
    try {
      const ctx = api.model.roots().find((n) => n.type === 'context');
      assert.ok(ctx, 'a context node');
      assert.match(ctx.description, /current/);
      const find = (parent: BrowseNode, pred: (n: BrowseNode) => boolean) => api.model.findChild(parent, pred);
      const nsNode = await until(() => find(ctx, (n) => n.type === 'namespace' && n.label === ns), `namespace ${ns} in the tree`);
      const workloads = await until(() => find(nsNode, (n) => n.label === 'Workloads'), 'Workloads group');
      const deployments = await until(() => find(workloads, (n) => n.resource?.kind === 'Deployment'), 'Deployments kind');
      let changed = false;
      const sub = api.tree.onDidChangeTreeData(() => {
        changed = true;
      });
      await kubectl(['-n', ns, 'create', 'deployment', 'made-outside', '--image=registry.invalid/x:1', '--replicas=2']);
      await until(() => changed || undefined, 'the tree provider to announce a change');
      sub.dispose();
      const dep = await until(() => find(deployments, (n) => n.label === 'made-outside'), 'made-outside in the tree');
      const pods = await until(async () => {
        const p = await api.model.children(dep);
        return p.length === 2 && p.every((x) => /^Running/.test(x.description)) ? p : undefined;
      }, 'two running pods under the Deployment', 90_000);
      assert.equal(pods[0]!.type, 'object');
      // The VS Code tree item for it carries the id, contextValue and a theme icon.
      const item = await api.tree.getTreeItem(dep);
      assert.equal(item.id, dep.id);
      assert.match(String(item.contextValue), /^kubeAtlas\.object\.deployment:scalable:restartable/);
      assert.ok(item.iconPath instanceof vscode.ThemeIcon);
      // The live YAML document shows the object and follows it.
      await vscode.commands.executeCommand('kubeAtlas.openYaml', dep);
      const doc = await until(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'kubeatlas' && d.uri.path.endsWith('/made-outside.yaml')), 'the YAML document');
      assert.match(doc.getText(), /kind: Deployment/);
      await kubectl(['-n', ns, 'label', 'deployment', 'made-outside', 'inhost=yes']);
      await until(() => /inhost: 'yes'|inhost: "yes"|inhost: yes/.test(doc.getText()) || undefined, 'the YAML document to follow the label change');
      assert.equal(doc.isDirty, false);
      // reveal walks to a pod through getParent and selects it in the real tree view.
      const podsType = pods[0]!.resource!;
      const podNode = await api.model.findObjectNode(ctx.context, podsType, ns, pods[0]!.label);
      assert.ok(podNode, 'findObjectNode reaches the pod');
      await api.view.reveal(podNode, { select: true, focus: false, expand: false });
      await until(() => (api.view.selection[0]?.id === podNode.id ? true : undefined), 'the pod selected in the view');
      assert.equal(api.tree.getParent(podNode)?.resource?.kind, 'Pod', 'its parent is the Pods kind node of the namespace');
    } finally {
      await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
    }
  });

  test('a changed page size applies at once, without a reload', async function () {
    this.timeout(60_000);
    const api = await vscode.extensions.getExtension<KubeAtlasApi>('kube-atlas.kube-atlas')!.activate();
    await api.ready;
    const ns = `inhost-page-${Date.now().toString(36)}`;
    await kubectl(['create', 'namespace', ns]);
    const config = vscode.workspace.getConfiguration('kubeAtlas');
    try {
      for (let i = 0; i < 12; i++) await kubectl(['-n', ns, 'create', 'configmap', `cm-${String(i).padStart(2, '0')}`]);
      const ctx = api.model.roots().find((n) => n.type === 'context')!;
      const nsNode = await until(() => api.model.findChild(ctx, (n) => n.type === 'namespace' && n.label === ns), `namespace ${ns}`);
      const configGroup = await until(() => api.model.findChild(nsNode, (n) => n.label === 'Config'), 'Config group');
      const configMaps = await until(() => api.model.findChild(configGroup, (n) => n.resource?.kind === 'ConfigMap'), 'ConfigMaps kind');
      // 12 of ours (plus kube-root-ca.crt): one page at the default size.
      await until(async () => ((await api.model.children(configMaps)).filter((n) => n.type === 'object').length >= 12 ? true : undefined), 'the config maps as rows');
      let refreshed = false;
      const sub = api.tree.onDidChangeTreeData(() => {
        refreshed = true;
      });
      await config.update('tree.pageSize', 10, vscode.ConfigurationTarget.Global);
      await until(() => refreshed || undefined, 'the tree refreshes when the setting changes');
      sub.dispose();
      const ranges = await api.model.children(configMaps);
      assert.ok(ranges.length >= 2 && ranges.every((n) => n.type === 'chunk'), `ranges of 10 now (${ranges.map((n) => n.label).join(', ')})`);
      assert.equal((await api.model.children(ranges[0]!)).length, 10);
    } finally {
      await config.update('tree.pageSize', undefined, vscode.ConfigurationTarget.Global);
      await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
    }
  });
});
