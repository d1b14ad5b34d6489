// Bad input becomes a clear error on the context's node, never a crash, and one bad context never
// blocks another: a hanging credential plugin (cut off with its stderr), rejected credentials
// (401), an unreachable server, a malformed kubeconfig, a context naming an unknown user.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ClusterManager } from '../../src/kube/clusters/clusterManager';
import { KubeconfigSource } from '../../src/kube/clusters/kubeconfigSource';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import { createTransport } from '../../src/kube/transport/createTransport';
import { BrowseModel, type BrowseState } from '../../src/kube/tree/browseModel';
import { useCluster } from './harness/use-cluster';

const cluster = useCluster();
const state: BrowseState = { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined };

test('a hanging plugin, a rejected token and an unreachable server each fail alone, with a hint, while a good context works', async () => {
  const c = cluster();
  const dir = mkdtempSync(join(tmpdir(), 'kube-atlas-bad-'));
  const hang = join(dir, 'hang-plugin.js');
  writeFileSync(hang, "process.stderr.write('waiting for browser login at https://login.example\\n'); setInterval(() => {}, 1000);\n");
  const good = await loadKubeconfigs([c.kubeconfig]);
  const goodCtx = good.contexts[0]!;
  const server = good.clusters.get(goodCtx.cluster)!;
  const ca = server.certificateAuthorityData ?? '';
  const extra = join(dir, 'more.kubeconfig');
  writeFileSync(
    extra,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      `- name: same\n  cluster:\n    server: ${server.server}\n    certificate-authority-data: ${ca}`,
      '- name: nowhere\n  cluster:\n    server: https://127.0.0.1:1',
      'users:',
      `- name: hanger\n  user:\n    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: ${process.execPath}\n      args: ["${hang}"]\n      interactiveMode: Never`,
      '- name: expired\n  user:\n    token: expired-or-revoked-token',
      'contexts:',
      '- name: hanging-plugin\n  context: { cluster: same, user: hanger }',
      '- name: bad-token\n  context: { cluster: same, user: expired }',
      '- name: unreachable\n  context: { cluster: nowhere, user: expired }',
      '- name: unknown-user\n  context: { cluster: same, user: nobody }',
      '',
    ].join('\n'),
  );
  const merged = await loadKubeconfigs([c.kubeconfig, extra]);
  const clusters = new ClusterManager((m, ctx) => createTransport(m, ctx, { execTimeoutMs: 1500 }), { lingerMs: 0 });
  await clusters.setKubeconfig(merged);
  const model = new BrowseModel(clusters, state, { refreshDelayMs: 10 });
  try {
    const roots = model.roots();
    const byName = (n: string) => roots.find((r) => r.context === n)!;
    const t0 = Date.now();
    const [goodKids, hangKids, tokenKids, downKids, unknownKids] = await Promise.all([
      model.children(byName(goodCtx.name)),
      model.children(byName('hanging-plugin')),
      model.children(byName('bad-token')),
      model.children(byName('unreachable')),
      model.children(byName('unknown-user')),
    ]);
    const elapsed = Date.now() - t0;
    assert.ok(goodKids.some((n) => n.type === 'namespace' && n.label === 'default'), 'the good context lists namespaces');
    assert.ok(elapsed < 10_000, `nothing waited for more than the plugin timeout (${elapsed} ms)`);

    const hangMsg = hangKids[0]!;
    assert.equal(hangMsg.messageKind, 'error');
    assert.match(hangMsg.label + hangMsg.tooltip, /waiting for browser login/, 'the plugin stderr is shown');
    assert.match(hangMsg.label + hangMsg.tooltip, /1\.5 s|1500 ms|timed out|did not finish/i);

    const tokenMsg = tokenKids[0]!;
    assert.match(tokenMsg.label, /401|Unauthorized|rejected/i);
    assert.ok(tokenMsg.description.length > 0, 'a hint says what to do');
    assert.doesNotMatch(tokenMsg.label + tokenMsg.tooltip, /expired-or-revoked-token/, 'the token is never shown');
    assert.match(byName('bad-token').description, /credentials rejected/);

    const downMsg = downKids[0]!;
    assert.match(downMsg.label + downMsg.tooltip, /127\.0\.0\.1:1/);
    assert.match(byName('unreachable').description, /unreachable/);

    assert.match(unknownKids[0]!.label, /nobody/);
    assert.match(unknownKids[0]!.tooltip, /more\.kubeconfig/, 'the file is named');
    // Retrying a context starts over (the Reconnect command).
    await clusters.resetContext('bad-token');
    assert.equal(clusters.session('bad-token')!.state.phase, 'idle');
  } finally {
    model.dispose();
    await clusters.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the kubeconfig is re-read when a file changes, and a malformed file is reported with its line without losing the others', async () => {
  const c = cluster();
  const dir = mkdtempSync(join(tmpdir(), 'kube-atlas-reload-'));
  const extra = join(dir, 'extra.kubeconfig');
  writeFileSync(extra, 'apiVersion: v1\nkind: Config\nclusters: []\n');
  const source = new KubeconfigSource(20);
  try {
    const first = await source.load([c.kubeconfig, extra]);
    assert.equal(first.problems.length, 0);
    const changed = new Promise<Awaited<ReturnType<typeof source.load>>>((resolve) => source.onDidChange(resolve));
    writeFileSync(extra, 'apiVersion: v1\nkind: Config\nclusters:\n- name: x\n  cluster: {server: https://127.0.0.1:2\n');
    const second = await Promise.race([changed, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no reload within 5 s')), 5000))]);
    assert.equal(second.contexts.length, first.contexts.length, 'the good file still contributes its contexts');
    const yamlProblem = second.problems.find((p) => p.file === extra);
    assert.ok(yamlProblem, 'the malformed file is reported');
    assert.ok((yamlProblem.line ?? 0) >= 4, `with a line (${yamlProblem.line})`);
    assert.ok(yamlProblem.hint.length > 0);
  } finally {
    source.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
});
