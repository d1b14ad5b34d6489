// Diagnosis against the real apiserver and scheduler (KWOK simulates the kubelets): the
// scheduler's own FailedScheduling event arrives through the events watch and its index, and the
// tree row shows the cause; a pod whose status we set through the status subresource (what a
// kubelet does) to CrashLoopBackOff after an OOM kill shows it with the limit; a user who may not
// read events gets the diagnosis from statuses and is told; SelfSubjectRulesReview gives the
// same table as `kubectl auth can-i --list`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { accessForClusters } from '../../src/kube/access/accessReviewer';
import { fetchRules, rulesTable } from '../../src/kube/access/rulesReview';
import { diagnoseObject } from '../../src/kube/diagnosis/diagnoseObject';
import { PodDiagnoser } from '../../src/kube/diagnosis/podDiagnoser';
import { renderReport } from '../../src/kube/diagnosis/report';
import type { KubeObject } from '../../src/kube/kinds/types';
import { BrowseModel, type BrowseState } from '../../src/kube/tree/browseModel';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import { realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { RESTRICTED_NAMESPACE } from './cluster.harness';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('diag');
const cluster = useCluster({
  namespace: ns,
  teardown: async (c) => {
    await c.kubectl(['-n', RESTRICTED_NAMESPACE, 'delete', 'pod', 'diag-pending', '--wait=false', '--ignore-not-found']).catch(() => undefined);
  },
});
const state: BrowseState = { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined };

function unschedulablePod(name: string, namespace: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace },
    spec: { nodeSelector: { 'disktype': 'none-such' }, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
  });
}

async function podRow(model: BrowseModel, name: string): Promise<BrowseNode> {
  const ctx = model.roots().find((n) => n.type === 'context')!;
  const nsNode = await waitFor(async () => (await model.children(ctx)).find((n) => n.type === 'namespace' && n.label === ns), { what: `namespace ${ns}`, timeoutMs: 30_000 });
  const workloads = (await model.children(nsNode)).find((g) => g.label === 'Workloads')!;
  const pods = (await model.children(workloads)).find((k) => k.resource?.kind === 'Pod')!;
  return waitFor(async () => (await model.children(pods)).find((n) => n.label === name), { what: `pod row ${name}`, timeoutMs: 30_000 });
}

test('unschedulable: the scheduler\'s FailedScheduling event arrives through the events watch and index; the tree row shows the cause', async () => {
  const c = cluster();
  const stack = await realStack(c.kubeconfig);
  const model = new BrowseModel(stack.clusters, state, { pageSize: 50, refreshDelayMs: 20 });
  try {
    await c.api.create(`/api/v1/namespaces/${ns}/pods`, JSON.parse(unschedulablePod('nowhere', ns)));
    const row = await podRow(model, 'nowhere');
    // The row holds its namespace's events watch; the scheduler's event lands in its index.
    const events = stack.clusters.hub.peek(stack.context, stack.registry.get('events')!, ns);
    assert.ok(events, 'pod rows hold the namespace\'s events watch');
    const uid = row.object!.metadata.uid!;
    const ev = await waitFor(() => events.store.byIndex('involvedUid', uid).find((e) => e.reason === 'FailedScheduling'), { what: 'FailedScheduling event in the index', timeoutMs: 60_000 });
    assert.match(String(ev.message), /didn't match Pod's node affinity\/selector/);
    await waitFor(() => /^Unschedulable: no node matches the selector\/affinity/.test(row.description), { what: `row description (${row.description})`, timeoutMs: 30_000 });
    assert.equal(row.icon, 'circle-slash');
    assert.equal(row.cause?.code, 'Unschedulable');
    assert.ok(row.cause?.evidence.some((e) => e.source === 'event' && /default-scheduler/.test(e.text) && e.at), 'the scheduler\'s event is evidence, with its time');
    // The row's tooltip lists the newest events about the pod (from the same watch and index).
    await waitFor(() => /\nRecent events:\n {2}Warning FailedScheduling( ×\d+)? \(\d+[smh] ago\): 0\/\d+ nodes are available/.test(row.tooltip), { what: `the event in the row's tooltip (${row.tooltip})`, timeoutMs: 30_000 });
  } finally {
    model.dispose();
    await stack.close();
  }
});

test('CrashLoopBackOff after OOMKilled, set through the status subresource: the row and the report show the limit', async () => {
  const c = cluster();
  await c.api.create(`/api/v1/namespaces/${ns}/pods`, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'oom', namespace: ns },
    spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1', resources: { limits: { memory: '64Mi' } } }] },
  });
  // KWOK's pod-ready stage makes the pod Running (podIP set); it leaves a pod with a podIP alone.
  await waitFor(async () => ((await c.api.request('GET', `/api/v1/namespaces/${ns}/pods/oom`)).body as KubeObject & { status?: { podIP?: string } }).status?.podIP, { what: 'pod oom running', timeoutMs: 60_000 });
  const status = {
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
  await c.kubectl(['-n', ns, 'patch', 'pod', 'oom', '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
  const stack = await realStack(c.kubeconfig);
  const model = new BrowseModel(stack.clusters, state, { pageSize: 50, refreshDelayMs: 20 });
  try {
    const row = await podRow(model, 'oom');
    await waitFor(() => /CrashLoopBackOff: OOMKilled \(limit 64Mi\)/.test(row.description), { what: `row description (${row.description})`, timeoutMs: 30_000 });
    assert.equal(row.icon, 'flame');
    // KWOK did not put the pod back to Running meanwhile.
    const again = (await c.api.request('GET', `/api/v1/namespaces/${ns}/pods/oom`)).body as { status: { containerStatuses: { state: { waiting?: { reason: string } } }[] } };
    assert.equal(again.status.containerStatuses[0]?.state.waiting?.reason, 'CrashLoopBackOff');
    const pods = stack.registry.get('pods')!;
    const result = await diagnoseObject({ transport: stack.transport, registry: stack.registry, type: pods, namespace: ns, name: 'oom', eventsAllowed: true });
    const text = renderReport(result, stack.context, (k, n, name) => `kubeatlas:/${k}/${n}/${name}`, '2026-03-02T12:00:00Z');
    assert.match(text, /## Cause: CrashLoopBackOff: OOMKilled \(limit 64Mi\)/);
    assert.match(text, /\| 2026-03-02T11:57:58Z \| status \|/);
    assert.match(text, /\*\*Next step:\*\* Raise resources\.limits\.memory above 64Mi/);
    assert.match(text, /No owner/);
  } finally {
    model.dispose();
    await stack.close();
  }
});

test('a new Event changes the row\'s cause while the pod stays the same (events watched, not only the pod)', async () => {
  const c = cluster();
  await c.api.create(`/api/v1/namespaces/${ns}/pods`, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pull', namespace: ns }, spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/private:1' }] } });
  const running = await waitFor(async () => {
    const p = (await c.api.request('GET', `/api/v1/namespaces/${ns}/pods/pull`)).body as KubeObject & { status?: { podIP?: string } };
    return p.status?.podIP ? p : undefined;
  }, { what: 'pod pull running', timeoutMs: 60_000 });
  const waiting = { status: { containerStatuses: [{ name: 'app', image: 'ghcr.io/acme/private:1', imageID: '', ready: false, started: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "ghcr.io/acme/private:1"' } } }] } };
  await c.kubectl(['-n', ns, 'patch', 'pod', 'pull', '--subresource=status', '--type=merge', '-p', JSON.stringify(waiting)]);
  const stack = await realStack(c.kubeconfig);
  const model = new BrowseModel(stack.clusters, state, { pageSize: 50, refreshDelayMs: 20 });
  try {
    const row = await podRow(model, 'pull');
    await waitFor(() => /^ImagePullBackOff: image pull failed/.test(row.description), { what: `row without the registry's answer (${row.description})`, timeoutMs: 30_000 });
    const rv = row.object!.metadata.resourceVersion;
    // What the kubelet records when the registry refuses (image_manager.go: `Failed to pull image %q: %v`).
    await c.api.create(`/api/v1/namespaces/${ns}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'pull.auth', namespace: ns },
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name: 'pull', namespace: ns, uid: running.metadata.uid, fieldPath: 'spec.containers{app}' },
      reason: 'Failed',
      message: 'Failed to pull image "ghcr.io/acme/private:1": failed to authorize: failed to fetch anonymous token: unexpected status from GET request to https://ghcr.io/token: 401 Unauthorized',
      type: 'Warning',
      count: 1,
      firstTimestamp: new Date().toISOString(),
      lastTimestamp: new Date().toISOString(),
      source: { component: 'kubelet' },
    });
    await waitFor(() => /^ImagePullBackOff: registry refused the credentials/.test(row.description), { what: `row after the event (${row.description})`, timeoutMs: 30_000 });
    assert.equal(row.object!.metadata.resourceVersion, rv, 'the pod itself did not change');
  } finally {
    model.dispose();
    await stack.close();
  }
});

test('restricted user without events permission: the cause from statuses alone, saying so', async () => {
  const c = cluster();
  await c.api.create(`/api/v1/namespaces/${RESTRICTED_NAMESPACE}/pods`, JSON.parse(unschedulablePod('diag-pending', RESTRICTED_NAMESPACE)));
  await waitFor(async () => {
    const p = (await c.api.request('GET', `/api/v1/namespaces/${RESTRICTED_NAMESPACE}/pods/diag-pending`)).body as { status?: { conditions?: { type: string; status: string }[] } };
    return p.status?.conditions?.some((x) => x.type === 'PodScheduled' && x.status === 'False');
  }, { what: 'PodScheduled=False', timeoutMs: 60_000 });
  const stack = await realStack(c.restrictedKubeconfig);
  const access = accessForClusters(stack.clusters);
  try {
    const events = await access.review(stack.context, { verb: 'list', group: '', resource: 'events', namespace: RESTRICTED_NAMESPACE });
    assert.equal(events.allowed, false, 'the access cache says no');
    // The events watch the tree would hold is forbidden: the diagnoser is told so.
    const lease = stack.clusters.hub.acquire(stack.context, stack.registry.get('events')!, RESTRICTED_NAMESPACE);
    try {
      await lease.watch.whenSettled();
      assert.equal(lease.watch.status.phase, 'forbidden');
      const pod = await stack.transport.request<KubeObject>({ path: `/api/v1/namespaces/${RESTRICTED_NAMESPACE}/pods/diag-pending` });
      const d = new PodDiagnoser().diagnose(pod, { forbidden: true })!;
      assert.equal(d.code, 'Unschedulable');
      assert.match(d.summary, /selector\/affinity/, 'the PodScheduled condition carries the scheduler\'s reason');
      assert.equal(d.eventsVisible, false);
    } finally {
      lease.release();
    }
    const result = await diagnoseObject({ transport: stack.transport, registry: stack.registry, type: stack.registry.get('pods')!, namespace: RESTRICTED_NAMESPACE, name: 'diag-pending', eventsAllowed: events.allowed });
    assert.equal(result.eventsVisible, false);
    assert.match(renderReport(result, stack.context, () => undefined, 'now'), /Events are not readable with your permissions/);
  } finally {
    access.dispose();
    await stack.close();
  }
});

test('What can I do here: SelfSubjectRulesReview gives kubectl auth can-i --list\'s table for the restricted user', async () => {
  const c = cluster();
  const stack = await realStack(c.restrictedKubeconfig);
  try {
    const ours = rulesTable(await fetchRules(stack.transport, RESTRICTED_NAMESPACE)).map((r) => `${r.resource}|${r.nonResourceURL ? `[${r.nonResourceURL}]` : '[]'}|[${r.resourceName}]|[${[...r.verbs].sort().join(' ')}]`);
    const { stdout } = await c.kubectl(['auth', 'can-i', '--list', '-n', RESTRICTED_NAMESPACE], { kubeconfig: c.restrictedKubeconfig });
    const theirs = stdout
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => {
        const [res, urls, names, verbs] = line.trim().split(/\s{2,}/);
        // kubectl prints an empty Resources cell for non-resource rows: the split then shifts.
        const cols = verbs === undefined ? ['', res, urls, names] : [res, urls, names, verbs];
        const v = (cols[3] ?? '').replace(/^\[|\]$/g, '').split(' ').filter(Boolean).sort().join(' ');
        return `${cols[0]}|${cols[1]}|${cols[2]}|[${v}]`;
      });
    assert.ok(ours.some((r) => r.startsWith('pods|') && r.endsWith('[get list watch]')), ours.join('\n'));
    assert.deepEqual([...ours].sort(), [...theirs].sort());
  } finally {
    await stack.close();
  }
});
