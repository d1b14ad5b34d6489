// Resource usage against real parts: metrics-server (built from its Go module) scraping KWOK's
// simulated kubelet resource metrics, registered through kube-apiserver's aggregation layer. The
// tree's pod and node rows, the Top views and `kubectl top` must show the same figures; polling
// must stop when nothing shows usage (counted by metrics-server itself); without the metrics API
// the tree says so and asks nothing, and follows the APIService as it comes and goes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clusterMetricsSource } from '../../src/kube/metrics/clusterMetricsSource';
import { listUsage, type NodeUsage, type PodUsage } from '../../src/kube/metrics/metricsApi';
import { MetricsHub } from '../../src/kube/metrics/metricsHub';
import { formatCpu, formatMemory, formatMemoryMi } from '../../src/kube/metrics/quantity';
import { TopSession } from '../../src/kube/metrics/topSession';
import { topContainersTable, topNodesTable, topPodsTable } from '../../src/kube/metrics/topTable';
import { nodeAllocatable } from '../../src/kube/metrics/usageMath';
import { BrowseModel, type BrowseState } from '../../src/kube/tree/browseModel';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import { type RealStack, realStack } from '../support/realStack';
import { TreeDriver } from '../support/treeDriver';
import { waitFor } from '../support/waitFor';
import type { Cluster } from './cluster.harness';
import { USAGE_CPU_ANNOTATION, USAGE_MEMORY_ANNOTATION } from './harness/kwok-config';
import { apiServiceAvailable, listsServed, type RunningMetricsServer, startMetricsServer } from './harness/metricsServer';
import { RESTRICTED_NAMESPACE } from './harness/rbac';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('usage');
const state: BrowseState = { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined };
/** Fast enough to count lists in seconds; the setting's default is 15 s. */
const INTERVAL_MS = 1000;
let stack: RealStack;
let hub: MetricsHub;
let model: BrowseModel;
let driver: TreeDriver;
let server: RunningMetricsServer | undefined;

const cluster = useCluster({
  namespace: ns,
  setup: async (c) => {
    // A running metrics-server left by an earlier, crashed run would make the first test meaningless.
    assert.equal(await apiServiceAvailable(c), undefined, 'no metrics API registered before this file starts one');
    await c.api.ok('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'web' } },
        template: {
          // KWOK's ClusterResourceUsage gives every container of these pods this usage.
          metadata: { labels: { app: 'web' }, annotations: { [USAGE_CPU_ANNOTATION]: '120m', [USAGE_MEMORY_ANNOTATION]: '96Mi' } },
          spec: {
            containers: [
              { name: 'web', image: 'registry.invalid/web:1', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } } },
              { name: 'log', image: 'registry.invalid/log:1', resources: { requests: { cpu: '50m' } } },
            ],
          },
        },
      },
    });
    // No annotation: KWOK's default of 1m and 1Mi.
    await c.api.ok('POST', `/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'solo' }, spec: { containers: [{ name: 'solo', image: 'registry.invalid/solo:1' }] } });
    await waitFor(
      async () => {
        const list = await c.api.ok<{ items: { status?: { phase?: string } }[] }>('GET', `/api/v1/namespaces/${ns}/pods`);
        return list.items.length === 3 && list.items.every((p) => p.status?.phase === 'Running');
      },
      { what: 'three running pods', timeoutMs: 90_000 },
    );
    stack = await realStack(c.kubeconfig);
    hub = new MetricsHub(clusterMetricsSource(stack.clusters), { intervalMs: INTERVAL_MS });
    model = new BrowseModel(stack.clusters, state, { pageSize: 50, refreshDelayMs: 20, metrics: hub });
    driver = new TreeDriver(model);
  },
  teardown: async () => {
    driver?.dispose();
    model?.dispose();
    hub?.dispose();
    await stack?.close();
    await server?.stop();
  },
});

async function child(parent: BrowseNode, pred: (n: BrowseNode) => boolean, what: string): Promise<BrowseNode> {
  return waitFor(async () => (await driver.expand(parent)).find(pred), { what, timeoutMs: 30_000 });
}

/** The tree as a user opens it: the Nodes kind, and the namespace's Pods kind. */
async function openTree(): Promise<{ nodesKind: BrowseNode; podsKind: BrowseNode }> {
  const ctx = model.roots().find((n) => n.type === 'context' && n.context === stack.context);
  assert.ok(ctx);
  const nodesKind = await child(ctx, (n) => n.type === 'kind' && n.resource?.kind === 'Node', 'Nodes kind');
  const nsNode = await child(ctx, (n) => n.type === 'namespace' && n.label === ns, `namespace ${ns}`);
  const workloads = await child(nsNode, (n) => n.label === 'Workloads', 'Workloads');
  const podsKind = await child(workloads, (n) => n.type === 'kind' && n.resource?.kind === 'Pod', 'Pods kind');
  await driver.expand(nodesKind);
  await driver.expand(podsKind);
  return { nodesKind, podsKind };
}

/** `kubectl top pod`/`node` rows by name (columns as printed); with --containers by "pod/container". */
async function kubectlTop(c: Cluster, what: 'pod' | 'node', containers = false): Promise<Map<string, string[]>> {
  const { stdout } = await c.kubectl(['top', what, ...(what === 'pod' ? ['-n', ns] : []), ...(containers ? ['--containers'] : []), '--no-headers']);
  return keyed(stdout.trim().split('\n'), containers ? 2 : 1);
}

/** Rows split into columns, keyed by their first `keyColumns` columns joined with "/". */
function keyed(lines: string[], keyColumns: number): Map<string, string[]> {
  return new Map(lines.map((l) => l.trim().split(/\s+/)).map((cols) => [cols.slice(0, keyColumns).join('/'), cols.slice(keyColumns)]));
}

/**
 * Reads our figures, then kubectl's, then ours again, until both of ours carry the same sample
 * timestamps: kubectl's then come from the same metrics-server scrape, and must equal ours exactly.
 */
async function sameScrape<T extends { name: string; timestamp?: string }>(read: () => Promise<T[]>, kubectl: () => Promise<Map<string, string[]>>): Promise<{ ours: T[]; theirs: Map<string, string[]> }> {
  return waitFor(
    async () => {
      const before = await read();
      const theirs = await kubectl();
      const after = await read();
      const stamp = (xs: T[]) => JSON.stringify(xs.map((x) => [x.name, x.timestamp]).sort());
      return stamp(before) === stamp(after) && before.length > 0 ? { ours: after, theirs } : undefined;
    },
    { what: 'our read and kubectl top from one scrape', timeoutMs: 60_000, intervalMs: 500 },
  );
}

/** A table's rows by their first column(s) (header dropped), as kubectlTop reads kubectl's. */
function tableRows(lines: string[], keyColumns = 1): Map<string, string[]> {
  return keyed(lines.slice(1), keyColumns);
}

/** LISTs metrics-server has served so far (0 before it runs). */
async function served(c: Cluster): Promise<number> {
  return server ? listsServed(c, server) : 0;
}

test('without a metrics API the tree says so once per kind row and asks nothing', async () => {
  const { nodesKind, podsKind } = await openTree();
  await waitFor(() => hub.availability(stack.context).state === 'missing', { what: 'the hub to see no metrics API' });
  await waitFor(() => model.getNode(podsKind.id)?.description.includes('no metrics API'), { what: 'the Pods row to say so' });
  assert.match(model.getNode(nodesKind.id)?.description ?? '', /no metrics API/);
  assert.match(model.getNode(podsKind.id)?.tooltip ?? '', /metrics API not available: this cluster serves no metrics\.k8s\.io/);
  const pods = driver.showing(podsKind);
  assert.equal(pods.length, 3);
  assert.ok(
    pods.every((p) => !p.description.includes('cpu ')),
    'no figures on rows',
  );
  assert.equal(hub.listCalls(stack.context), 0, 'not one list call while the API is missing');
  assert.deepEqual(hub.held()[stack.context], ['nodes', `pods/${ns}`], 'the expanded kinds hold their scopes');
});

test('metrics-server registered: rows fill in by themselves and equal kubectl top (pods, containers, nodes)', async (t) => {
  const c = cluster();
  const t0 = Date.now();
  server = await startMetricsServer(c, { resolutionSeconds: 10 });
  t.diagnostic(`metrics-server up and its APIService Available in ${Date.now() - t0} ms`);
  const { nodesKind, podsKind } = await openTree();
  // The APIService watch tells the hub: no reload, no user action.
  await waitFor(() => hub.availability(stack.context).state === 'available', { what: 'the hub to see the metrics API', timeoutMs: 30_000 });
  const t1 = Date.now();
  await waitFor(() => driver.showing(podsKind).length === 3 && driver.showing(podsKind).every((p) => model.getNode(p.id)?.description.includes(' · cpu ')), {
    what: 'every pod row to show usage',
    timeoutMs: 90_000,
  });
  t.diagnostic(`first figures on every pod row ${Date.now() - t1} ms after the API came (metrics-server needs two scrapes, 10 s apart)`);
  assert.doesNotMatch(model.getNode(podsKind.id)?.description ?? '', /no metrics API/, 'the kind row no longer says so');

  // Pods: ours (the hub's figures, as every view formats them) = kubectl top pod, same scrape.
  const transport = stack.transport;
  const pods = await sameScrape(
    async () => ((await listUsage(transport, { kind: 'pods', namespace: ns })) as { items: PodUsage[] }).items,
    () => kubectlTop(c, 'pod'),
  );
  // Through the Top Pods table (its first three columns are kubectl's).
  const podTable = tableRows(topPodsTable(pods.ours, 'name', { allNamespaces: false }));
  assert.deepEqual(new Map([...podTable].map(([name, cols]) => [name, cols.slice(0, 2)])), pods.theirs, 'CPU(cores) and MEMORY(bytes) of every pod');
  const web = pods.ours.find((p) => p.name.startsWith('web-'));
  assert.ok(web);
  assert.equal(formatMemoryMi(web.memory), '192Mi', 'two containers of 96Mi each');
  const solo = pods.ours.find((p) => p.name === 'solo');
  assert.equal(formatMemoryMi(solo?.memory ?? 0n), '1Mi', "KWOK's default without annotations");
  // CPU is a rate of KWOK's integrated counter over metrics-server's window: 1m comes back as a
  // hair above (1.0003m), which MilliValue rounds up; kubectl (compared above) does the same.
  assert.ok(['1m', '2m'].includes(formatCpu(solo?.cpu ?? 0n)), formatCpu(solo?.cpu ?? 0n));
  t.diagnostic(`solo pod: ${solo?.cpu} nanocores (KWOK: 1m) → ${formatCpu(solo?.cpu ?? 0n)}; web pod: ${web.cpu} nanocores (2 × 120m)`);

  // Containers: kubectl top pod --containers from one scrape = the per-container table's first columns.
  const perContainer = await sameScrape(
    async () => ((await listUsage(transport, { kind: 'pods', namespace: ns })) as { items: PodUsage[] }).items,
    () => kubectlTop(c, 'pod', true),
  );
  const containerTable = topContainersTable(perContainer.ours, 'name', { allNamespaces: false });
  assert.equal(perContainer.theirs.size, 5, `two web pods of two containers, and solo: ${[...perContainer.theirs.keys()].join(', ')}`);
  assert.deepEqual(new Map([...tableRows(containerTable, 2)].map(([key, cols]) => [key, cols.slice(0, 2)])), perContainer.theirs, 'CPU(cores) and MEMORY(bytes) of every container');
  t.diagnostic(`ours, equal to kubectl top pod --containers: ${containerTable.join(' | ')}`);

  // What the rows show are those figures (the hub read them at its own interval: wait for a read
  // of the same scrape, then compare text).
  await waitFor(() => hub.pods(stack.context, ns)?.find((p) => p.name === web.name)?.timestamp === web.timestamp, { what: 'the hub to hold that scrape', timeoutMs: 30_000 });
  const webRow = await waitFor(() => driver.showing(podsKind).find((p) => p.label === web.name && model.getNode(p.id)?.description.endsWith(`cpu ${formatCpu(web.cpu)} · mem ${formatMemory(web.memory)}`)), { what: 'the web row to show those figures' });
  assert.match(webRow.tooltip, /^CPU: \d+m — \d+% of request 150m, no limit$/m, 'usage beside the pod’s requests; one container has no CPU limit');
  assert.match(webRow.tooltip, /^Memory: 192Mi — 300% of request 64Mi, no limit$/m);
  const containers = await driver.expand(webRow);
  const webContainer = containers.find((x) => x.label === 'web');
  assert.match(webContainer?.description ?? '', / · cpu \d+m · mem 96Mi$/);
  assert.match(webContainer?.tooltip ?? '', /^Memory: 96Mi — 150% of request 64Mi, 37% of limit 256Mi$/m);

  // Nodes: every column of kubectl top node, percentages of allocatable included.
  const nodeObjects = new Map((await stack.transport.request<{ items: { metadata: { name: string }; status: unknown }[] }>({ path: '/api/v1/nodes' })).items.map((n) => [n.metadata.name, n]));
  const nodes = await sameScrape(
    async () => ((await listUsage(transport, { kind: 'nodes' })) as { items: NodeUsage[] }).items,
    () => kubectlTop(c, 'node'),
  );
  // Through the Top Nodes table itself; a node without figures (KWOK reports no CPU for a node
  // without pods, so metrics-server has no rate for it) is <unknown> in both.
  const table = topNodesTable(nodes.ours, 'name', (name) => nodeAllocatable(nodeObjects.get(name) as never), [...nodeObjects.keys()]);
  assert.deepEqual(tableRows(table), nodes.theirs, 'NAME, CPU(cores), CPU(%), MEMORY(bytes), MEMORY(%) of every node');
  t.diagnostic(`ours, equal to kubectl top node: ${table.join(' | ')}`);
  const measured = new Set(nodes.ours.map((n) => n.name));
  await waitFor(
    () => driver.showing(nodesKind).every((n) => (model.getNode(n.id)?.description.includes(' · cpu ') ?? false) === measured.has(n.label)),
    { what: 'the rows of nodes with figures to show them (and only those)', timeoutMs: 30_000 },
  );
  const nodeRow = driver.showing(nodesKind).find((n) => measured.has(n.label));
  assert.match(model.getNode(nodeRow?.id ?? '')?.tooltip ?? '', /^CPU: \d+m — 0% of allocatable 1000000m$/m, 'KWOK nodes offer 1k cores');

  // The Top views render the same figures, in kubectl's columns.
  const top = new TopSession(stack.clusters, hub, { context: stack.context, what: 'pods', namespace: ns }, 'test-top');
  try {
    await top.start();
    const table = await waitFor(() => (top.text().includes('NAME ') ? top.text() : undefined), { what: 'the Top Pods table' });
    const rows = table.split('\n').filter((l) => /^(web-|solo)/.test(l));
    assert.equal(rows.length, 3, table);
    assert.match(table, /kubectl top pod --context \S+ -n \S+ --sort-by=cpu/);
    assert.ok(rows[rows.length - 1]?.startsWith('solo'), 'sorted by CPU, largest first: solo (1m) last');
    top.setSort('name');
    assert.ok(top.text().split('\n').filter((l) => /^(web-|solo)/.test(l))[0]?.startsWith('solo'), 'by name: solo first');
    // A row per container: POD and NAME columns, usage against each container's own budget.
    top.setContainers(true);
    const perContainerText = top.text();
    assert.match(perContainerText, /kubectl top pod --context \S+ -n \S+ --containers {2}· {2}sorted by name/);
    assert.match(perContainerText, /^POD\s+NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s+CPU\/REQUEST/m);
    const containerRows = perContainerText.split('\n').filter((l) => /^(web-|solo)/.test(l));
    assert.deepEqual(containerRows.map((l) => l.split(/\s+/).slice(1, 2)[0]), ['solo', 'log', 'web', 'log', 'web'], perContainerText);
    assert.ok(
      containerRows.filter((l) => / web /.test(l)).every((l) => /\s96Mi\s+\d+%\s+\d+%\s+150%\s+37%$/.test(l)),
      `web containers: 96Mi is 150% of their 64Mi request and 37% of their 256Mi limit\n${perContainerText}`,
    );
    assert.ok(
      containerRows.filter((l) => / log /.test(l)).every((l) => /\s96Mi\s+\d+%\s+-\s+-\s+-$/.test(l)),
      `log containers: a CPU request only\n${perContainerText}`,
    );
  } finally {
    top.dispose();
  }
});

test('a user RBAC keeps from the metrics API is told so after one list, and not asked again', async () => {
  assert.ok(server, 'metrics-server runs (previous test)');
  // The restricted user may not watch APIServices: whether to ask comes from discovery, and a 403
  // then stops the asking until the context reconnects.
  const restricted = await realStack(cluster().restrictedKubeconfig);
  const rHub = new MetricsHub(clusterMetricsSource(restricted.clusters), { intervalMs: INTERVAL_MS });
  try {
    rHub.acquire('test', restricted.context, { kind: 'pods', namespace: RESTRICTED_NAMESPACE });
    await waitFor(() => rHub.availability(restricted.context).state === 'forbidden', { what: 'forbidden', timeoutMs: 30_000 });
    const a = rHub.availability(restricted.context);
    assert.match(a.state === 'forbidden' ? a.message : '', /not allowed to list pods\.metrics\.k8s\.io/);
    assert.equal(rHub.listCalls(restricted.context), 1);
    const t0 = Date.now();
    await waitFor(() => Date.now() - t0 >= 3 * INTERVAL_MS, { what: 'three intervals', timeoutMs: 10_000, intervalMs: 100 });
    assert.equal(rHub.listCalls(restricted.context), 1, 'not asked again');
  } finally {
    rHub.dispose();
    await restricted.close();
  }
});

test('polling stops when nothing shows usage: rows collapsed or the tree hidden (metrics-server’s own request count)', async (t) => {
  const c = cluster();
  assert.ok(server, 'metrics-server runs (previous test)');
  const { nodesKind, podsKind } = await openTree();
  const windowMs = 5 * INTERVAL_MS;
  const a = await served(c);
  const calls0 = hub.listCalls(stack.context);
  const started = Date.now();
  await waitFor(() => Date.now() - started >= windowMs, { what: 'a window of five intervals', timeoutMs: windowMs + 5_000, intervalMs: 100 });
  const servedWhileShown = (await served(c)) - a;
  const ourCalls = hub.listCalls(stack.context) - calls0;
  t.diagnostic(`while a Pods and a Nodes kind are expanded: ${servedWhileShown} LISTs served in ${windowMs} ms (interval ${INTERVAL_MS} ms, 2 scopes)`);
  assert.ok(servedWhileShown >= 6 && servedWhileShown <= 14, `about one LIST per scope per interval: ${servedWhileShown}`);
  // The two counts are read a moment apart: a list in flight at either edge may be in one only.
  assert.ok(Math.abs(servedWhileShown - ourCalls) <= 2, `the LISTs metrics-server served are the hub's: served ${servedWhileShown}, hub ${ourCalls}`);

  // What one poll costs: one list call per scope, timed here (median of 10) with its body size.
  for (const scope of [{ kind: 'pods' as const, namespace: ns }, { kind: 'nodes' as const }]) {
    const times: number[] = [];
    let bytes = 0;
    for (let i = 0; i < 10; i++) {
      const t0 = performance.now();
      const body = await stack.transport.request({ path: scope.kind === 'nodes' ? '/apis/metrics.k8s.io/v1beta1/nodes' : `/apis/metrics.k8s.io/v1beta1/namespaces/${ns}/pods` });
      times.push(performance.now() - t0);
      bytes = JSON.stringify(body).length;
    }
    times.sort((x, y) => x - y);
    t.diagnostic(`one ${scope.kind} poll: median ${times[5]?.toFixed(1)} ms, ${bytes} bytes of JSON`);
  }

  /**
   * LISTs served over a window of five intervals, from when the count holds still (a list the hub
   * aborted as it let go may still be landing at metrics-server: not a poll of the window).
   */
  const servedOverWindow = async (): Promise<number> => {
    let prev = -1;
    const from = await waitFor(
      async () => {
        const now = await served(c);
        const still = now === prev;
        prev = now;
        return still ? { now } : undefined;
      },
      { what: 'the count to hold still', timeoutMs: 10_000, intervalMs: 150 },
    ).then((x) => x.now);
    const t0 = Date.now();
    await waitFor(() => Date.now() - t0 >= windowMs, { what: 'a window of five intervals', timeoutMs: windowMs + 5_000, intervalMs: 100 });
    return (await served(c)) - from;
  };

  // The tree view hidden (another sidebar view): expanded rows hold nothing meanwhile.
  model.setVisible(false);
  assert.deepEqual(hub.held(), {}, 'a hidden tree holds no usage');
  assert.equal(await servedOverWindow(), 0, 'no LIST while the tree is hidden');
  model.setVisible(true);
  assert.deepEqual(hub.held()[stack.context], ['nodes', `pods/${ns}`], 'shown again: the expanded kinds hold their scopes again');
  assert.ok((await servedOverWindow()) >= 6, 'polling resumed');

  driver.collapse(podsKind);
  driver.collapse(nodesKind);
  assert.deepEqual(hub.held(), {}, 'nothing is held once the rows are collapsed');
  assert.equal(await servedOverWindow(), 0, 'no LIST after the last holder let go');
  model.setVisible(false);
  model.setVisible(true);
  assert.deepEqual(hub.held(), {}, 'a collapsed kind is not taken again when the view is shown');
});

test('the metrics API going away is followed: unavailable, then missing, and no list is sent meanwhile', async (t) => {
  const c = cluster();
  assert.ok(server);
  const { podsKind } = await openTree();
  await waitFor(() => hub.availability(stack.context).state === 'available' && driver.showing(podsKind).some((p) => model.getNode(p.id)?.description.includes(' · cpu ')), {
    what: 'figures again after re-expanding',
    timeoutMs: 30_000,
  });
  // The process goes, the APIService stays: kube-apiserver marks it unavailable on its next check.
  await server.stop({ keepApiService: true });
  server = undefined;
  const t0 = Date.now();
  await waitFor(() => hub.availability(stack.context).state === 'unavailable', { what: 'the hub to see the APIService unavailable', timeoutMs: 120_000, intervalMs: 200 });
  t.diagnostic(`APIService seen unavailable ${Date.now() - t0} ms after metrics-server stopped`);
  await waitFor(() => model.getNode(podsKind.id)?.description.includes('no metrics API'), { what: 'the Pods row to say so' });
  assert.match(model.getNode(podsKind.id)?.tooltip ?? '', /APIService v1beta1\.metrics\.k8s\.io is not available/);
  await waitFor(() => driver.showing(podsKind).every((p) => !model.getNode(p.id)?.description.includes(' · cpu ')), { what: 'figures gone from the rows' });
  const calls = hub.listCalls(stack.context);
  const started = Date.now();
  await waitFor(() => Date.now() - started >= 4 * INTERVAL_MS, { what: 'four intervals', timeoutMs: 10_000, intervalMs: 100 });
  assert.equal(hub.listCalls(stack.context), calls, 'nothing asked while unavailable');

  await c.api.ok('DELETE', '/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io');
  await waitFor(() => hub.availability(stack.context).state === 'missing', { what: 'the hub to see the APIService gone' });
  assert.equal(hub.listCalls(stack.context), calls);
  await c.api.request('DELETE', '/api/v1/namespaces/kube-system/services/metrics-server');
});
