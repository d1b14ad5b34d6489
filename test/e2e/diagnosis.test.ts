// Diagnosis in a real VS Code (code-server) against the test cluster, seen as a user sees it: a pod
// the real scheduler cannot place and a pod whose status says CrashLoopBackOff after an OOM kill
// (set through the status subresource, as a kubelet reports it) show their causes in their tree
// rows' descriptions without a click; "Diagnose" from a row's context menu opens the report, whose
// text names the cause, the scheduler's event as evidence and the next step. One code-server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { promisify } from 'node:util';
import { menuAction } from './harness/menuAction';
import { openWorkbench, type WorkbenchSession } from './harness/session';
import { test } from './harness/test';
import { waitFor } from './harness/wait';
import type { Workbench } from './harness/workbench';

const run = promisify(execFile);
const clusterDir = process.env.KUBE_ATLAS_CLUSTER_DIR;
const VIEW = 'Clusters';
const ns = `e2e-diag-${Date.now().toString(36)}`;
let session: WorkbenchSession;
let wb: Workbench;

function kubectl(args: string[], input?: string) {
  if (!clusterDir) throw new Error('KUBE_ATLAS_CLUSTER_DIR must name the test cluster (npm test starts one)');
  const p = run(join(clusterDir, 'bin', 'kubectl'), [`--kubeconfig=${join(clusterDir, 'kubeconfig')}`, ...args]);
  if (input !== undefined) {
    p.child.stdin?.end(input);
  }
  return p;
}

before(async () => {
  await kubectl(['create', 'namespace', ns]);
  // The scheduler finds no node with this label: its FailedScheduling event is the evidence.
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'nowhere', namespace: ns }, spec: { nodeSelector: { disktype: 'none-such' }, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] } }));
  await kubectl(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'oom', namespace: ns }, spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1', resources: { limits: { memory: '64Mi' } } }] } }));
  // KWOK makes the pod Running (podIP set) and then leaves it alone; then the "kubelet" reports the crash loop.
  await waitFor(async () => (await kubectl(['-n', ns, 'get', 'pod', 'oom', '-o', 'jsonpath={.status.podIP}'])).stdout !== '', { what: 'pod oom running', timeoutMs: 60_000 });
  const crashLoop = {
    status: {
      containerStatuses: [
        {
          name: 'app',
          image: 'registry.invalid/app:1',
          imageID: '',
          ready: false,
          started: false,
          restartCount: 5,
          state: { waiting: { reason: 'CrashLoopBackOff', message: `back-off 2m40s restarting failed container=app pod=oom_${ns}(x)` } },
          lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', startedAt: '2026-03-02T11:57:50Z', finishedAt: '2026-03-02T11:57:58Z' } },
        },
      ],
    },
  };
  await kubectl(['-n', ns, 'patch', 'pod', 'oom', '--subresource=status', '--type=merge', '-p', JSON.stringify(crashLoop)]);
  session = await openWorkbench({ env: { KUBECONFIG: join(clusterDir ?? '', 'kubeconfig') }, settings: { 'kubeAtlas.tree.pageSize': 500 } });
  wb = session.wb;
});

after(async () => {
  await session?.close();
  await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
});

const row = async (label: string, level: number) => (await wb.treeItems(VIEW)).find((r) => r.label === label && r.level === level);

/** Drags the side bar's edge so the rows' descriptions show whole in the screenshots. */
async function widenSideBar(by: number): Promise<void> {
  const side = await wb.page.locator('.part.sidebar').boundingBox();
  if (!side) return;
  const edge = side.x + side.width;
  const sashes = await wb.page.locator('.monaco-sash.vertical').evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ x: r.x + r.width / 2, y: r.y + r.height / 2, h: r.height })));
  const sash = sashes.filter((r) => r.h > 0 && Math.abs(r.x - edge) < 6)[0];
  if (!sash) throw new Error(`no sash at the side bar's edge (x ${edge}; sashes at ${sashes.map((r) => r.x).join(', ')})`);
  const { x, y } = sash;
  await wb.page.mouse.move(x, y);
  await wb.page.mouse.down();
  await wb.page.mouse.move(x + by, y, { steps: 5 });
  await wb.page.mouse.up();
}

/** The codicon a pod row (level 5) shows. */
async function rowIcon(label: string): Promise<string | undefined> {
  const r = wb.page.locator('.part.sidebar .monaco-list-row[aria-level="5"]', { has: wb.page.locator('.label-name', { hasText: label }) }).first();
  const cls = (await r.locator('.custom-view-tree-node-item-icon').first().getAttribute('class')) ?? '';
  return /codicon-([\w-]+)/.exec(cls)?.[1];
}

test('failing pods show their root cause in the tree row, without a click', async () => {
  await wb.openView('Kube Atlas');
  await wb.expand(VIEW, 'kube-atlas-local', 1);
  await wb.expand(VIEW, ns, 2);
  await wb.expand(VIEW, 'Workloads', 3);
  await wb.expand(VIEW, 'Pods', 4);
  await waitFor(async () => /^Unschedulable: no node matches the selector\/affinity/.test((await row('nowhere', 5))?.description ?? ''), { what: 'the scheduler\'s reason on the nowhere row', timeoutMs: 60_000 });
  await waitFor(async () => /^CrashLoopBackOff: OOMKilled \(limit 64Mi\)/.test((await row('oom', 5))?.description ?? ''), { what: 'OOMKilled with the limit on the oom row', timeoutMs: 60_000 });
  await widenSideBar(420);
  // The hover says the cause and the next step in full.
  await wb.page.locator('.part.sidebar .monaco-list-row[aria-level="5"]', { has: wb.page.locator('.label-name', { hasText: 'oom' }) }).first().hover();
  await wb.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: 'Next: Raise resources.limits.memory' }).first().waitFor({ state: 'visible', timeout: 10_000 });
  await wb.screenshot('diagnosis-01-tree-causes');
  // Each cause has its icon: a glance tells a crash from a placement problem.
  assert.deepEqual([await rowIcon('oom'), await rowIcon('nowhere')], ['flame', 'circle-slash']);
});

test('Diagnose from the context menu opens the report: the cause, the scheduler\'s event as evidence, the next step', async () => {
  await menuAction(wb, 'nowhere', 5, 'Diagnose', 'diagnosis-02-menu');
  const tab = wb.page.locator('.tabs-container .tab', { hasText: 'Pod-nowhere.md' });
  await tab.first().waitFor({ state: 'visible', timeout: 30_000 });
  // The editor wraps long lines where it likes (`node` | `(s)`): its rows are joined back without
  // a separator, so a line's text reads whole (and consecutive lines run into each other).
  const text = await waitFor(
    async () => {
      const t = (await wb.editorText()).replace(/\n/g, '');
      return /## Cause: Unschedulable/.test(t) && /FailedScheduling/.test(t) ? t : undefined;
    },
    { what: 'the report with its cause and evidence', timeoutMs: 30_000 },
  );
  await wb.screenshot('diagnosis-03-report');
  assert.match(text, new RegExp(`# Diagnosis: Pod ${ns}/nowhere`));
  assert.match(text, /## Cause: Unschedulable: no node matches the selector\/affinity/);
  assert.match(text, /\| condition \| PodScheduled=False \(Unschedulable\)/);
  // The real scheduler's event, with its time and source.
  assert.match(text, /\| \d{4}-\d\d-\d\dT[\d:.]+Z \| event \| Warning FailedScheduling \(default-scheduler\): \d+\/\d+ nodes are available: \d+ node\(s\) didn't match Pod's node affinity\/selector/);
  assert.match(text, /\*\*Next step:\*\* No node has the labels the pod's nodeSelector\/affinity asks for/);
  assert.match(text, /No owner: nothing recreates this object/);
});
