// Diagnosis in a real VS Code (code-server) against the test cluster, seen as a user sees it: a pod
// the real scheduler cannot place and a pod whose status says CrashLoopBackOff after an OOM kill
// (set through the status subresource, as a kubelet reports it) show their causes in their tree
// rows' descriptions without a click; "Diagnose" from a row's context menu opens the report, whose
// text names the cause, the scheduler's event as evidence and the next step; a YAML file of the
// workspace that describes a Deployment whose pods cannot be scheduled gets a warning at its
// metadata.name line in the Problems view while it is open, which goes when the cluster is fixed
// (a node gets the label the pods ask for). One window on the tier's shared code-server.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
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
// A label no node has until the last test puts it on one (unique per run: the cluster is shared).
const NODE_LABEL = `kube-atlas-e2e/diagnosis-${ns}`;
const workspaceDir = mkdtempSync(join(tmpdir(), 'kube-atlas-e2e-diag-workspace-'));
const manifest = join(workspaceDir, 'manifests', 'web.yaml');
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
  // The workspace's file describes the Deployment the cluster runs (applied from it, as a user does).
  mkdirSync(join(workspaceDir, 'manifests'));
  writeFileSync(
    manifest,
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      `  namespace: ${ns}`,
      '  name: web', // line 5: the warning's line
      'spec:',
      '  replicas: 2',
      '  selector: {matchLabels: {app: web}}',
      '  template:',
      '    metadata: {labels: {app: web}}',
      '    spec:',
      `      nodeSelector: {${NODE_LABEL}: "yes"}`,
      '      containers: [{name: web, image: registry.invalid/web:1}]',
      '',
    ].join('\n'),
  );
  await kubectl(['apply', '-f', manifest]);
  session = await openWorkbench({ folder: workspaceDir, settings: { 'kubeAtlas.kubeconfigFiles': [join(clusterDir ?? '', 'kubeconfig')], 'kubeAtlas.tree.pageSize': 500 } });
  wb = session.wb;
});

after(async () => {
  await session?.close();
  await kubectl(['delete', 'namespace', ns, '--wait=false']).catch(() => undefined);
  await kubectl(['label', 'node', 'kwok-node-0', `${NODE_LABEL}-`]).catch(() => undefined);
  rmSync(workspaceDir, { recursive: true, force: true });
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

test('Problems view: an open YAML file\'s Deployment whose pods cannot be scheduled is warned at its name line, while open, until the cluster is fixed', async () => {
  const warning = (rows: string[]) => rows.find((t) => t.includes('Deployment web: Unschedulable'));
  const problems = async () => warning(await wb.problems());
  await wb.openView('Explorer');
  const folderView = `Explorer Section: ${basename(workspaceDir)}`;
  const open = async () => {
    if (!(await wb.treeItems(folderView)).some((r) => r.label === 'web.yaml')) await wb.clickItem(folderView, 'manifests');
    await wb.clickItem(folderView, 'web.yaml');
    await waitFor(async () => (await wb.editorTabs()).some((t) => t.startsWith('web.yaml')), { what: 'web.yaml open in the editor' });
  };
  await open();
  const row = await waitFor(problems, { what: 'the Deployment\'s cause in the Problems view', timeoutMs: 60_000 });
  // The editor's hover over the underlined name shows the whole message.
  // (The decoration lies under the text layer: point at where it is drawn.)
  const squiggle = await wb.page.locator('.part.editor .monaco-editor .squiggly-warning').first().boundingBox();
  assert.ok(squiggle, 'the name is underlined');
  await wb.page.mouse.move(squiggle.x + squiggle.width / 2, squiggle.y + squiggle.height / 2);
  await wb.page.locator('.monaco-hover', { hasText: 'Next: No node has the labels' }).first().waitFor({ state: 'visible', timeout: 15_000 });
  await wb.screenshot('diagnosis-04-problems');
  assert.match(row, /Deployment web: Unschedulable: no node matches the selector\/affinity \(2\/2 pods\)\. Next: No node has the labels/);
  assert.match(row, /Kube Atlas/, 'its source');
  assert.match(row, /\[Ln 5, Col 3\]/, `at metadata.name: ${row}`);

  // Closed: the warning goes (and the watches with it); opened again: it is back.
  await wb.runCommand('View: Close Editor');
  await waitFor(async () => !(await problems()), { what: 'the warning to go with the file\'s tab' });
  await open();
  await waitFor(problems, { what: 'the warning back with the file', timeoutMs: 30_000 });

  // Fixed in the cluster: a node gets the label, the pods are scheduled and run, the warning goes.
  await kubectl(['label', 'node', 'kwok-node-0', `${NODE_LABEL}=yes`]);
  await waitFor(async () => !(await problems()), { what: 'the warning to go once the pods run', timeoutMs: 90_000 });
  await waitFor(async () => (await kubectl(['-n', ns, 'get', 'deployment', 'web', '-o', 'jsonpath={.status.readyReplicas}'])).stdout === '2', { what: 'the pods to run', timeoutMs: 60_000 });
  await wb.screenshot('diagnosis-05-problems-fixed');
  assert.equal(await problems(), undefined, 'no warning once they run');
});
