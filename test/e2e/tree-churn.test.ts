// A row keeps refreshing while its pod keeps changing. VS Code's extension host debounces a tree's
// change events by 200 ms and restarts that timer on every event, so a provider that fires more
// often (the model fires up to every 70 ms) gets no refresh at all until the changes stop. The
// provider paces its events (src/ui/tree/refreshGate.ts); here, in code-server, a pod's status
// changes back to back for 4 s (four writers, each sending the next change when the last one is
// answered: no timers, so a busy machine cannot space them out) and its rendered row must follow
// along meanwhile.
import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { test } from './harness/test';
import { attachCluster, type Cluster } from '../cluster/cluster.harness';
import { startRowClock } from './harness/rowClock';
import { openWorkbench, type WorkbenchSession } from './harness/session';
import { waitFor } from './harness/wait';

const VIEW = 'Clusters';
const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
const ns = `churn-${Date.now().toString(36)}`;
let cluster: Cluster;
let s: WorkbenchSession;

before(async () => {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster (npm test starts one)');
  cluster = attachCluster(clusterDir);
  await cluster.api.ok('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await cluster.api.ok('POST', `/api/v1/namespaces/${ns}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'churn-0', namespace: ns },
    spec: { containers: [{ name: 'app', image: 'registry.invalid/kube-atlas/churn:1' }], terminationGracePeriodSeconds: 0 },
  });
  s = await openWorkbench({ settings: { 'kubeAtlas.kubeconfigFiles': [cluster.kubeconfig] } });
});

after(async () => {
  await s?.close();
  await cluster?.api.request('DELETE', `/api/v1/namespaces/${ns}`).catch(() => undefined);
  cluster?.closeClients();
});

test('a pod that keeps changing has its row re-rendered while it changes', async () => {
  await s.wb.openView('Kube Atlas');
  const ctx = await waitFor(async () => (await s.wb.treeItems(VIEW)).find((r) => r.level === 1 && /v1\.\d+/.test(r.description)), { what: 'the context connected', timeoutMs: 60_000 });
  await s.wb.expand(VIEW, ctx.label, 1);
  // With more namespaces than a page, the context shows ranges ("a … b", "1–200 of 205 namespaces").
  const L = await waitFor(async () => {
    const rows = await s.wb.treeItems(VIEW);
    if (rows.some((r) => r.level === 2 && r.label === ns)) return 2;
    const range = rows.find((r) => r.level === 2 && /^\d+–\d+ of \d+/.test(r.description) && r.label.split(' … ')[0]! <= ns && ns <= (r.label.split(' … ')[1] ?? ''));
    if (!range) return undefined;
    await s.wb.expand(VIEW, range.label, 2);
    return 3;
  }, { what: `namespace ${ns}` });
  await s.wb.expand(VIEW, ns, L);
  await s.wb.expand(VIEW, 'Workloads', L + 1);
  // Kind rows come once every kind of the group has listed: on a big cluster that takes a while.
  await s.wb.waitForItem(VIEW, 'Pods', { level: L + 2, timeoutMs: 180_000 });
  await s.wb.expand(VIEW, 'Pods', L + 2);
  await s.wb.waitForItem(VIEW, 'churn-0', { level: L + 3 });
  const clock = await startRowClock(s.page, VIEW);
  const patch = (reason: string) =>
    cluster.api.request('PATCH', `/api/v1/namespaces/${ns}/pods/churn-0/status`, { status: { reason } }, 'application/merge-patch+json');
  const start = performance.timeOrigin + performance.now();
  let n = 0;
  let answered = 0;
  const writer = async () => {
    while (performance.timeOrigin + performance.now() - start < 4_000) {
      await patch(`Churn${n++}`);
      answered++;
    }
  };
  await Promise.all([writer(), writer(), writer(), writer()]);
  const end = performance.timeOrigin + performance.now();
  await patch('ChurnDone');
  await waitFor(async () => (await s.wb.treeItems(VIEW)).find((r) => r.label === 'churn-0')?.description.startsWith('ChurnDone'), { what: 'the last change shown', timeoutMs: 10_000 });
  const events = await clock.drain();
  await clock.stop();
  const during = events.filter((e) => e.label === 'churn-0' && e.kind === 'changed' && /^Churn\d/.test(e.description) && e.t >= start && e.t <= end);
  const gaps = during.slice(1).map((e, i) => Math.round(e.t - during[i]!.t));
  console.log(`# ${during.length} re-renders of the row during ${Math.round(end - start)} ms of ${answered} changes (gaps ${gaps.join(', ')} ms)`);
  assert.ok(answered >= 40, `the apiserver took only ${answered} changes in 4 s: too few to keep the tree busy`);
  // Paced at ~200 ms, 4 s of changes show ~20 renders; unpaced, VS Code shows the first change
  // and then nothing until the changes stop.
  assert.ok(during.length >= 6, `only ${during.length} re-renders while the pod kept changing for ${Math.round(end - start)} ms`);
});
