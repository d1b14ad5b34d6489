// In the real extension host: a Secret's YAML view reads the Secret from the server when opened
// (the cache holds its metadata only) and reads it again when the watch reports a change, so a
// changed value shows without a click; the cache still holds no value afterwards.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import * as vscode from 'vscode';
import type { KubeAtlasApi } from '../../src/extension';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import { waitFor } from '../support/waitFor';

const run = promisify(execFile);

function until<T>(fn: () => T | undefined | Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<NonNullable<T>> {
  return waitFor(fn, { what, timeoutMs, intervalMs: 50 });
}

suite('Secret YAML in the extension host', () => {
  const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  const kubectl = (args: string[]) => run(join(clusterDir ?? '', 'bin', 'kubectl'), [`--kubeconfig=${process.env.KUBECONFIG}`, ...args]);

  test('opening a Secret shows its data; a changed value shows by itself; the cache keeps none', async function () {
    this.timeout(120_000);
    const ext = vscode.extensions.getExtension<KubeAtlasApi>('kube-atlas.kube-atlas');
    assert.ok(ext);
    const api = await ext.activate();
    await api.ready;
    const ns = `secret-yaml-${Date.now().toString(36)}`;
    await kubectl(['create', 'namespace', ns]);
    try {
      await kubectl(['-n', ns, 'create', 'secret', 'generic', 'db', '--from-literal=password=first-value']);
      const ctx = api.model.roots().find((n) => n.type === 'context');
      assert.ok(ctx);
      const find = (parent: BrowseNode, pred: (n: BrowseNode) => boolean) => api.model.findChild(parent, pred);
      const nsNode = await until(() => find(ctx, (n) => n.type === 'namespace' && n.label === ns), `namespace ${ns}`);
      const config = await until(() => find(nsNode, (n) => n.label === 'Config'), 'Config group');
      const secrets = await until(() => find(config, (n) => n.resource?.kind === 'Secret'), 'Secrets kind');
      const node = await until(() => find(secrets, (n) => n.label === 'db'), 'Secret db in the tree');
      await vscode.commands.executeCommand('kubeAtlas.openYaml', node);
      const doc = await until(() => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'kubeatlas' && d.uri.path.endsWith(`/${ns}/db.yaml`)), 'the YAML document');
      const b64 = (s: string) => Buffer.from(s).toString('base64');
      await until(() => doc.getText().includes(`password: ${b64('first-value')}`) || undefined, 'the data in the YAML view');
      await kubectl(['-n', ns, 'patch', 'secret', 'db', '--type=merge', '-p', JSON.stringify({ stringData: { password: 'second-value' } })]);
      await until(() => doc.getText().includes(`password: ${b64('second-value')}`) || undefined, 'the changed value in the YAML view, without a click');
      // The namespace's watch (or a cluster-wide one, where the tree uses that).
      const watch = api.clusters.hub.peek(ctx.context, node.resource!, ns) ?? api.clusters.hub.peek(ctx.context, node.resource!);
      assert.ok(watch, 'the Secrets watch');
      for (const o of watch.store.list()) {
        assert.deepEqual(Object.keys(o), ['metadata'], `${o.metadata.name}: metadata only in the cache`);
        assert.ok(!JSON.stringify(o).includes(b64('second-value')));
      }
    } finally {
      await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
    }
  });
});
