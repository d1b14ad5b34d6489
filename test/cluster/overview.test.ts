// The cross-cluster overview against two real clusters side by side (the shared one and a second
// started here), plus two more contexts on the first: a namespace-bound user (pods counted in its
// namespace only, nodes refused) and one whose credentials come from an exec plugin (it waits until
// asked). Figures equal `kubectl --context` on each cluster; a change in one cluster shows live in
// its row while the other's stays put.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ClusterManager } from '../../src/kube/clusters/clusterManager';
import { loadKubeconfigs } from '../../src/kube/config/kubeconfigLoad';
import { ClusterOverview, type OverviewEntry } from '../../src/kube/overview/clusterOverview';
import type { PodFigures } from '../../src/kube/overview/overviewFigures';
import { createTransport } from '../../src/kube/transport/createTransport';
import { waitFor } from '../support/waitFor';
import { type Cluster, RESTRICTED_NAMESPACE, startCluster } from './cluster.harness';
import { uniqueName, useCluster } from './harness/use-cluster';

const dir = mkdtempSync(join(tmpdir(), 'kube-atlas-overview-'));
const ns = uniqueName('overview');
let second: Cluster | undefined;
const first = useCluster({
  namespace: ns,
  teardown: async () => {
    await second?.stop();
    rmSync(dir, { recursive: true, force: true });
  },
});

/** What kubectl says of a context: nodes, ready nodes, pods by phase, namespaces, services. */
async function kubectlFigures(c: Cluster) {
  const nodes = JSON.parse((await c.kubectl(['get', 'nodes', '-o', 'json'])).stdout) as { items: { status: { conditions: { type: string; status: string }[] } }[] };
  const phases = (await c.kubectl(['get', 'pods', '-A', '-o', 'jsonpath={range .items[*]}{.status.phase}{"\\n"}{end}'])).stdout.split('\n').filter(Boolean);
  const byPhase: Record<string, number> = {};
  for (const p of phases) byPhase[p] = (byPhase[p] ?? 0) + 1;
  const count = async (kind: string) => (await c.kubectl(['get', kind, '-A', '-o', 'name'])).stdout.split('\n').filter(Boolean).length;
  return {
    nodes: { total: nodes.items.length, ready: nodes.items.filter((n) => n.status.conditions.some((x) => x.type === 'Ready' && x.status === 'True')).length },
    pods: phases.length,
    byPhase,
    namespaces: await count('namespaces'),
    services: await count('services'),
  };
}

function ours(e: OverviewEntry) {
  const pods = e.pods as PodFigures;
  const nodes = e.nodes as { total: number; ready: number };
  return { nodes: { total: nodes.total, ready: nodes.ready }, pods: pods.total, byPhase: pods.byPhase, namespaces: e.namespaces, services: e.kinds.find((k) => k.kind === 'Service')?.count };
}

/** A kubeconfig whose user is an exec plugin handing out the first cluster's admin client certificate. */
function execPluginKubeconfig(c: Cluster): string {
  const text = readFileSync(c.kubeconfig, 'utf8');
  const field = (name: string) => new RegExp(`${name}: (\\S+)`).exec(text)![1]!;
  const plugin = join(dir, 'plugin.js');
  const cred = { apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { clientCertificateData: Buffer.from(field('client-certificate-data'), 'base64').toString(), clientKeyData: Buffer.from(field('client-key-data'), 'base64').toString() } };
  writeFileSync(plugin, `process.stdout.write(${JSON.stringify(JSON.stringify(cred))});\n`);
  const server = /server: "?([^"\s]+)"?/.exec(text)![1]!;
  const path = join(dir, 'exec.kubeconfig');
  writeFileSync(
    path,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: via-plugin',
      '  cluster:',
      `    server: ${server}`,
      `    certificate-authority-data: ${field('certificate-authority-data')}`,
      'users:',
      '- name: plugin-user',
      '  user:',
      '    exec:',
      '      apiVersion: client.authentication.k8s.io/v1',
      `      command: ${process.execPath}`,
      `      args: [${JSON.stringify(plugin)}]`,
      '      interactiveMode: Never',
      'contexts:',
      '- name: via-plugin',
      '  context: {cluster: via-plugin, user: plugin-user}',
      '',
    ].join('\n'),
  );
  return path;
}

/** The restricted user's kubeconfig with its namespace set (the fallback when listing namespaces is refused). */
function restrictedWithNamespace(c: Cluster): string {
  const path = join(dir, 'restricted.kubeconfig');
  writeFileSync(path, readFileSync(c.restrictedKubeconfig, 'utf8').replace(/(\n {4}user: "restricted"\n)/, `$1    namespace: "${RESTRICTED_NAMESPACE}"\n`));
  return path;
}

test('two clusters side by side: each row equals kubectl --context, a change in one shows live, RBAC and exec-plugin contexts behave', async () => {
  const c1 = first();
  second = await startCluster({ dir: join(dir, 'second'), nodes: 2, name: 'kube-atlas-second' });
  const started = second;
  process.once('exit', () => started.killNow());
  const merged = await loadKubeconfigs([c1.kubeconfig, second.kubeconfig, restrictedWithNamespace(c1), execPluginKubeconfig(c1)]);
  assert.deepEqual(merged.problems, []);
  const clusters = new ClusterManager((m, ctx) => createTransport(m, ctx), { lingerMs: 0, batchMs: 20 });
  await clusters.setKubeconfig(merged);
  const overview = new ClusterOverview(clusters, { kinds: () => ['services'], throttleMs: 50 });
  try {
    await overview.open();
    assert.deepEqual(overview.entries().map((e) => e.context), ['kube-atlas-local', 'kube-atlas-second', 'kube-atlas-local-restricted', 'via-plugin']);
    assert.equal(overview.entry('via-plugin')?.phase, 'waiting', 'an exec-plugin context waits until asked');

    // Each admin row equals kubectl on its own cluster (read when both have settled).
    for (const [name, c] of [['kube-atlas-local', c1], ['kube-atlas-second', second]] as const) {
      await waitFor(async () => {
        const e = overview.entry(name);
        if (e?.phase !== 'ready' || !e.pods) return false;
        const want = await kubectlFigures(c);
        assert.equal(e.version, (JSON.parse((await c.kubectl(['version', '-o', 'json'])).stdout) as { serverVersion: { gitVersion: string } }).serverVersion.gitVersion);
        return JSON.stringify(ours(e)) === JSON.stringify(want) || (await Promise.reject(new Error(`${name}: ours ${JSON.stringify(ours(e))} vs kubectl ${JSON.stringify(want)}`)));
      }, { what: `${name} equal to kubectl`, timeoutMs: 60_000 });
    }
    assert.equal((overview.entry('kube-atlas-second')!.nodes as { total: number }).total, 2);

    // A change in the second cluster: its row follows without a call from us; the first stays.
    const firstPods = (overview.entry('kube-atlas-local')!.pods as PodFigures).total;
    const before = (overview.entry('kube-atlas-second')!.pods as PodFigures).total;
    await second.kubectl(['create', 'deployment', 'overview-web', '--image=registry.invalid/web:1', '--replicas=3']);
    await waitFor(() => (overview.entry('kube-atlas-second')!.pods as PodFigures).total === before + 3, { what: 'the second cluster\'s three new pods in its row', timeoutMs: 60_000 });
    await waitFor(async () => JSON.stringify(ours(overview.entry('kube-atlas-second')!)) === JSON.stringify(await kubectlFigures(second!)), { what: 'the second row equal to kubectl after the change', timeoutMs: 60_000 });
    assert.equal((overview.entry('kube-atlas-local')!.pods as PodFigures).total, firstPods, 'the first cluster\'s row did not move');

    // A pod that cannot be scheduled is listed with its cause.
    await c1.api.create(`/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'stuck' }, spec: { nodeSelector: { disktype: 'none-such' }, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } });
    const stuck = await waitFor(() => overview.entry('kube-atlas-local')!.attention.find((p) => p.namespace === ns && p.name === 'stuck' && /^Unschedulable/.test(p.cause)), { what: 'the stuck pod with its cause', timeoutMs: 60_000 });
    assert.match(stuck.cause, /Unschedulable/);

    // The namespace-bound user: nodes refused, pods counted in its own namespace, said so.
    const restricted = await waitFor(() => {
      const e = overview.entry('kube-atlas-local-restricted');
      return e?.phase === 'ready' && e.pods ? e : undefined;
    }, { what: 'the restricted context ready', timeoutMs: 30_000 });
    assert.ok(restricted.nodes && 'refused' in restricted.nodes, `nodes refused: ${JSON.stringify(restricted.nodes)}`);
    const inOwn = (await c1.kubectl(['-n', RESTRICTED_NAMESPACE, 'get', 'pods', '-o', 'name'])).stdout.split('\n').filter(Boolean).length;
    assert.equal((restricted.pods as PodFigures).total, inOwn);
    assert.match(restricted.podsNarrowed ?? '', /forbidden/);

    // Asked to join, the exec-plugin context connects through its plugin and equals the first cluster.
    await overview.join('via-plugin');
    await waitFor(async () => {
      const e = overview.entry('via-plugin');
      return e?.phase === 'ready' && e.pods && (e.pods as PodFigures).total === (await kubectlFigures(c1)).pods;
    }, { what: 'via-plugin joined with the first cluster\'s pods', timeoutMs: 60_000 });
  } finally {
    overview.dispose();
    await clusters.dispose();
  }
});
