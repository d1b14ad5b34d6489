// Usage beside requests and limits (which containers count, how requests add up, when a pod has
// a limit), the row texts, parsing the metrics API's lists, and the top tables' sorting and
// columns (kubectl top's). Pure logic on fixtures.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/kube/kinds/types';
import { parseNodeMetrics, parsePodMetrics } from '../../src/kube/metrics/metricsApi';
import { parseQuantity } from '../../src/kube/metrics/quantity';
import { sortTop, topContainersTable, topNodesTable, topPodsTable } from '../../src/kube/metrics/topTable';
import { containerBudget, nodeAllocatable, nodeUsageShort, podBudget, usageLines, usagePercent, usageShort } from '../../src/kube/metrics/usageMath';

const q = (s: string) => parseQuantity(s)!;

function pod(containers: object[], initContainers: object[] = []): KubeObject {
  return { metadata: { name: 'p', namespace: 'ns' }, spec: { containers, initContainers } };
}

test('a pod’s requests add up over its running containers; one-shot init containers do not count, sidecars do', () => {
  const p = pod(
    [
      { name: 'web', resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } } },
      { name: 'log', resources: { requests: { cpu: '50m' }, limits: { cpu: '100m', memory: '32Mi' } } },
    ],
    [
      { name: 'migrate', resources: { requests: { cpu: '2', memory: '1Gi' } } },
      { name: 'proxy', restartPolicy: 'Always', resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '20m', memory: '16Mi' } } },
    ],
  );
  const b = podBudget(p);
  assert.equal(b.requests.cpu, q('160m'));
  assert.equal(b.requests.memory, q('80Mi'), 'a container without a memory request asks for none');
  assert.equal(b.limits.cpu, q('620m'));
  assert.equal(b.limits.memory, q('176Mi'));
});

test('one running container without a limit makes the pod unlimited for that resource', () => {
  const b = podBudget(pod([{ name: 'a', resources: { limits: { cpu: '1', memory: '1Gi' } } }, { name: 'b', resources: { limits: { cpu: '1' } } }]));
  assert.equal(b.limits.cpu, q('2'));
  assert.equal(b.limits.memory, undefined);
  assert.deepEqual(podBudget(pod([{ name: 'bare' }])), { requests: {}, limits: {} });
});

test('usage as a percent of a request or limit: truncated, none without one', () => {
  assert.equal(usagePercent(q('50m'), q('100m')), 50);
  assert.equal(usagePercent(q('150m'), q('100m')), 150);
  assert.equal(usagePercent(q('1m'), undefined), undefined);
  assert.equal(usagePercent(q('1m'), 0n), undefined);
});

test('row texts: the short suffix names cpu and mem; the tooltip puts usage beside request and limit', () => {
  const u = { cpu: q('12345678n'), memory: q('34Mi') };
  assert.equal(usageShort(u), 'cpu 13m · mem 34Mi');
  const lines = usageLines(u, containerBudget({ resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { memory: '128Mi' } } }));
  assert.deepEqual(lines, ['CPU: 13m — 13% of request 100m, no limit', 'Memory: 34Mi — 53% of request 64Mi, 26% of limit 128Mi']);
  const node: KubeObject = { metadata: { name: 'n' }, status: { allocatable: { cpu: '32', memory: '256Gi', pods: '110' } } };
  assert.equal(nodeUsageShort({ cpu: q('1'), memory: q('16Gi') }, nodeAllocatable(node)), 'cpu 1000m (3%) · mem 16Gi (6%)');
});

test('metrics API lists: a pod’s figures are the exact sum of its containers’', () => {
  const pods = parsePodMetrics({
    items: [
      {
        metadata: { name: 'web-1', namespace: 'shop' },
        timestamp: '2026-01-01T00:00:00Z',
        window: '10.2s',
        containers: [
          { name: 'web', usage: { cpu: '400001n', memory: '1000Ki' } },
          { name: 'log', usage: { cpu: '400001n', memory: '48Ki' } },
        ],
      },
      { metadata: { name: 'no-namespace' } },
    ],
  });
  assert.equal(pods.length, 1, 'an item without a namespace is dropped');
  const [p] = pods;
  assert.equal(p?.cpu, 800_002n, 'summed exactly, then rounded once: 0.800002m → 1m (kubectl adds the Quantities, then MilliValue)');
  assert.equal(p?.memory, q('1048Ki'));
  assert.deepEqual(
    p?.containers.map((c) => c.name),
    ['web', 'log'],
  );
  const nodes = parseNodeMetrics({ items: [{ metadata: { name: 'n1' }, usage: { cpu: '250m', memory: '2Gi' } }] });
  assert.deepEqual(nodes, [{ name: 'n1', timestamp: undefined, window: undefined, cpu: q('250m'), memory: q('2Gi') }]);
});

test('top sorting as kubectl --sort-by: largest first by MilliValue / Value, ties and "name" by namespace and name', () => {
  const rows = [
    { namespace: 'b', name: 'x', cpu: q('100m'), memory: q('10Mi') },
    { namespace: 'a', name: 'y', cpu: q('99500000n'), memory: q('30Mi') }, // 99.5m → MilliValue 100: a tie with b/x
    { namespace: 'a', name: 'z', cpu: q('5m'), memory: q('20Mi') },
  ];
  assert.deepEqual(
    sortTop(rows, 'cpu').map((r) => r.name),
    ['y', 'x', 'z'],
  );
  assert.deepEqual(
    sortTop(rows, 'memory').map((r) => r.name),
    ['y', 'z', 'x'],
  );
  assert.deepEqual(
    sortTop(rows, 'name').map((r) => `${r.namespace}/${r.name}`),
    ['a/y', 'a/z', 'b/x'],
  );
});

test('Top Pods table: kubectl top pod’s columns and units, then usage against requests and limits', () => {
  const pods = parsePodMetrics({
    items: [
      { metadata: { name: 'small', namespace: 'shop' }, containers: [{ name: 'c', usage: { cpu: '5m', memory: '10Mi' } }] },
      { metadata: { name: 'big', namespace: 'shop' }, containers: [{ name: 'c', usage: { cpu: '1234567n', memory: '12345Ki' } }] },
    ],
  });
  const lines = topPodsTable(pods, 'memory', {
    allNamespaces: false,
    budget: (p) => (p.name === 'big' ? { requests: { cpu: q('10m'), memory: q('24Mi') }, limits: {} } : undefined),
  });
  assert.deepEqual(lines, [
    'NAME    CPU(cores)   MEMORY(bytes)   CPU/REQUEST   CPU/LIMIT   MEMORY/REQUEST   MEMORY/LIMIT',
    'big     2m           12Mi            20%           -           50%              -',
    'small   5m           10Mi            -             -           -                -',
  ]);
  assert.ok(topPodsTable(pods, 'cpu', { allNamespaces: true })[0]?.startsWith('NAMESPACE   NAME'));
});

test('Top Pods per container (kubectl top pod --containers): POD and NAME columns, pods by their totals, containers sorted within each', () => {
  const pods = parsePodMetrics({
    items: [
      {
        metadata: { name: 'web-1', namespace: 'shop' },
        containers: [
          { name: 'app', usage: { cpu: '20m', memory: '40Mi' } },
          { name: 'proxy', usage: { cpu: '30m', memory: '8Mi' } },
        ],
      },
      { metadata: { name: 'db', namespace: 'data' }, containers: [{ name: 'pg', usage: { cpu: '40m', memory: '512Mi' } }] },
    ],
  });
  const budget = (p: { name: string }, c: string) => (p.name === 'web-1' && c === 'app' ? { requests: { cpu: q('10m'), memory: q('64Mi') }, limits: { memory: q('80Mi') } } : undefined);
  // By CPU: web-1 (50m in all) before db (40m); within web-1, proxy (30m) before app (20m).
  assert.deepEqual(topContainersTable(pods, 'cpu', { allNamespaces: true, budget }), [
    'NAMESPACE   POD     NAME    CPU(cores)   MEMORY(bytes)   CPU/REQUEST   CPU/LIMIT   MEMORY/REQUEST   MEMORY/LIMIT',
    'shop        web-1   proxy   30m          8Mi             -             -           -                -',
    'shop        web-1   app     20m          40Mi            200%          -           62%              50%',
    'data        db      pg      40m          512Mi           -             -           -                -',
  ]);
  // By memory: db first; within web-1, app (40Mi) before proxy. By name: pods, then containers, by name.
  assert.deepEqual(
    topContainersTable(pods, 'memory', { allNamespaces: false }).slice(1).map((l) => l.split(/\s+/).slice(0, 2).join('/')),
    ['db/pg', 'web-1/app', 'web-1/proxy'],
  );
  assert.deepEqual(
    topContainersTable(pods, 'name', { allNamespaces: true }).slice(1).map((l) => l.split(/\s+/).slice(1, 3).join('/')),
    ['db/pg', 'web-1/app', 'web-1/proxy'],
  );
  assert.ok(topContainersTable(pods, 'cpu', { allNamespaces: false })[0]?.startsWith('POD     NAME    CPU(cores)'));
});

test('Top Nodes table: percent of allocatable as kubectl, nodes without figures listed as <unknown>', () => {
  const nodes = parseNodeMetrics({ items: [{ metadata: { name: 'n1' }, usage: { cpu: '1', memory: '16Gi' } }] });
  const lines = topNodesTable(nodes, 'cpu', (n) => (n === 'n1' ? { cpu: q('32'), memory: q('256Gi') } : undefined), ['n1', 'n2']);
  assert.deepEqual(lines, [
    'NAME   CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)',
    'n1     1000m        3%          16384Mi         6%',
    'n2     <unknown>    <unknown>   <unknown>       <unknown>',
  ]);
});
