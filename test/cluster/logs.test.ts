// Logs through the real apiserver to KWOK's kubelet-like server, which serves the harness's CRI
// log file for every container (appendPodLog() writes to it, so a followed stream sees the new
// line): follow, previous instance, the clear messages of a missing container and of a 403, a
// follow that survives an apiserver restart without repeating lines, and a workload's pods
// followed through a rollout (new pods picked up, old ones marked deleted).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { LogBuffer } from '../../src/kube/logs/logBuffer';
import { containerLogSession, podSetLogSession, workloadSelector } from '../../src/kube/logs/logSession';
import { DEFAULT_LOG_OPTIONS } from '../../src/kube/logs/logOptions';
import { realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { INITIAL_POD_LOG } from './cluster.harness';
import { uniqueName, useCluster } from './harness/use-cluster';
import { createNamespace, deleteNamespace, deployWebApp } from './harness/workloads';

const ns = uniqueName('t-logs');
let pod = '';
const cluster = useCluster({
  setup: async (c) => {
    await createNamespace(c.api, ns);
    pod = (await deployWebApp(c.api, ns, 'web', 2))[0]?.metadata.name ?? '';
    // The restricted user may see pods here, but not their logs.
    await c.kubectl(['-n', ns, 'create', 'role', 'pod-lister', '--verb=get,list,watch', '--resource=pods']);
    await c.kubectl(['-n', ns, 'create', 'rolebinding', 'restricted-pods', '--role=pod-lister', '--user=restricted']);
  },
  teardown: async (c) => deleteNamespace(c.api, ns),
});

const marker = (what: string) => `${what}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
const count = (lines: readonly string[], text: string) => lines.filter((l) => l.includes(text)).length;

test('follow one container: the existing lines, then a line appended later, without a click; stop releases it', async () => {
  const stack = await realStack(cluster().kubeconfig);
  try {
    const buffer = new LogBuffer();
    const session = containerLogSession(stack.transport, { namespace: ns, pod, container: 'web' }, DEFAULT_LOG_OPTIONS, buffer);
    await waitFor(() => buffer.snapshot().includes(INITIAL_POD_LOG[0]!), { what: 'the existing lines', timeoutMs: 20_000 });
    const m = marker('followed');
    cluster().appendPodLog(m);
    await waitFor(() => buffer.snapshot().includes(m), { what: `the appended line ${m}`, timeoutMs: 20_000 });
    session.stop();
    assert.deepEqual(await session.done, { reason: 'aborted' });
    assert.equal(buffer.snapshot().at(-1), '— stopped');

    // With timestamps: the kubelet's RFC 3339 stamp in front of the text.
    const stamped = new LogBuffer();
    const once = containerLogSession(stack.transport, { namespace: ns, pod, container: 'web' }, { ...DEFAULT_LOG_OPTIONS, follow: false, timestamps: true, tailLines: 1 }, stamped);
    assert.equal((await once.done).reason, 'ended');
    assert.equal(stamped.lineCount, 1, 'tailLines=1 gives one line and a snapshot ends by itself');
    assert.match(stamped.snapshot()[0]!, new RegExp(`^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z ${m}$`));
  } finally {
    await stack.close();
  }
});

test('previous instance, a missing container and a user without pods/log get clear messages', async () => {
  const stack = await realStack(cluster().kubeconfig);
  try {
    // KWOK serves a previous log for every container (previousLogsFile): the request shape is what matters.
    const prev = new LogBuffer();
    const p = containerLogSession(stack.transport, { namespace: ns, pod, container: 'web' }, { ...DEFAULT_LOG_OPTIONS, previous: true }, prev);
    assert.equal((await p.done).reason, 'ended', 'a previous instance is not followed: the stream ends');
    assert.ok(prev.snapshot().includes(INITIAL_POD_LOG[0]!));

    const missing = new LogBuffer();
    const end = await containerLogSession(stack.transport, { namespace: ns, pod, container: 'nope' }, DEFAULT_LOG_OPTIONS, missing, { containers: ['web'] }).done;
    assert.equal(end.reason, 'failed');
    assert.equal(end.reason === 'failed' && end.error.problem, 'container-not-found');
    assert.equal(missing.snapshot().at(-1), `— Container "nope" not found in pod ${ns}/${pod}. Its containers: web.`);
  } finally {
    await stack.close();
  }

  const file = join(cluster().dir, `restricted-${ns}.kubeconfig`);
  writeFileSync(file, readFileSync(cluster().restrictedKubeconfig, 'utf8').replace(/(\n\s+user: "restricted")/, `$1\n    namespace: "${ns}"`));
  const restricted = await realStack(file);
  try {
    const buffer = new LogBuffer();
    const end = await containerLogSession(restricted.transport, { namespace: ns, pod, container: 'web' }, DEFAULT_LOG_OPTIONS, buffer).done;
    assert.equal(end.reason, 'failed', 'a 403 is not retried');
    assert.equal(end.reason === 'failed' && end.error.problem, 'forbidden');
    assert.match(buffer.text(), new RegExp(`Not allowed to read the logs of pod ${ns}/${pod}: RBAC forbids get pods/log in namespace "${ns}"`));
    assert.match(buffer.text(), /cannot get resource "pods\/log"/, 'the server’s own words are kept in the hint');
  } finally {
    await restricted.close();
  }
});

test('a follow survives an apiserver restart: it resumes from the last timestamp, no line lost or repeated', async () => {
  const stack = await realStack(cluster().kubeconfig);
  try {
    const buffer = new LogBuffer();
    const before = marker('before-restart');
    cluster().appendPodLog(before);
    const session = containerLogSession(stack.transport, { namespace: ns, pod, container: 'web' }, { ...DEFAULT_LOG_OPTIONS, tailLines: 5 }, buffer);
    await waitFor(() => buffer.snapshot().includes(before), { what: 'the line before the restart', timeoutMs: 20_000 });
    await cluster().restartApiserver();
    const after = marker('after-restart');
    cluster().appendPodLog(after);
    await waitFor(() => buffer.snapshot().includes(after), { what: 'the line written after the restart', timeoutMs: 60_000 });
    session.stop();
    await session.done;
    const lines = buffer.snapshot();
    assert.ok(lines.some((l) => l.includes('reconnecting in')), `the drop was seen and retried:\n${lines.join('\n')}`);
    assert.equal(count(lines, before), 1, 'the line shown before the drop is not repeated');
    assert.equal(count(lines, after), 1);
  } finally {
    await stack.close();
  }
});

test('a workload’s pods: prefixed lines, a rollout’s new pods picked up and the old ones marked deleted', async () => {
  const stack = await realStack(cluster().kubeconfig);
  try {
    const deployments = stack.registry.get('deployments.apps')!;
    const podType = stack.registry.get('pods')!;
    const selector = await workloadSelector(stack.transport, deployments, ns, 'web');
    assert.deepEqual(selector, { matchLabels: { app: 'web' } });
    const buffer = new LogBuffer();
    const session = await podSetLogSession(stack.transport, { hub: stack.clusters.hub, context: stack.context, podType, namespace: ns, selector }, { ...DEFAULT_LOG_OPTIONS, maxStreams: 10 }, buffer);
    assert.ok(!('error' in session));
    const oldPods = (await cluster().api.ok<{ items: { metadata: { name: string } }[] }>('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dweb`)).items.map((p) => p.metadata.name);
    assert.equal(oldPods.length, 2);
    for (const p of oldPods) await waitFor(() => buffer.snapshot().includes(`[${p}/web] ${INITIAL_POD_LOG[0]}`), { what: `prefixed lines of ${p}`, timeoutMs: 20_000 });

    await cluster().kubectl(['-n', ns, 'rollout', 'restart', 'deployment/web']);
    await cluster().kubectl(['-n', ns, 'rollout', 'status', 'deployment/web', '--timeout=90s'], { timeoutMs: 100_000 });
    for (const p of oldPods) await waitFor(() => buffer.snapshot().includes(`— pod ${p} deleted`), { what: `${p} marked deleted`, timeoutMs: 60_000 });
    const newPods = await waitFor(
      async () => {
        const items = (await cluster().api.ok<{ items: { metadata: { name: string; deletionTimestamp?: string } }[] }>('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3Dweb`)).items;
        const fresh = items.filter((p) => !oldPods.includes(p.metadata.name)).map((p) => p.metadata.name);
        return fresh.length === 2 && items.length === 2 ? fresh : undefined;
      },
      { what: 'two new pods and no old ones', timeoutMs: 60_000 },
    );
    for (const p of newPods) {
      await waitFor(() => buffer.snapshot().includes(`— pod ${p} appeared`), { what: `${p} announced`, timeoutMs: 20_000 });
      // A new pod is shown from its first line.
      await waitFor(() => buffer.snapshot().includes(`[${p}/web] ${INITIAL_POD_LOG[0]}`), { what: `first lines of the new pod ${p}`, timeoutMs: 20_000 });
    }
    const m = marker('after-rollout');
    cluster().appendPodLog(m);
    for (const p of newPods) await waitFor(() => buffer.snapshot().includes(`[${p}/web] ${m}`), { what: `${m} from ${p}`, timeoutMs: 20_000 });
    assert.equal(count(buffer.snapshot(), m), 2, 'only the live pods stream: the deleted ones were released');
    session.stop();
    assert.deepEqual(await session.done, { reason: 'aborted' });
    assert.equal(buffer.snapshot().at(-1), '— stopped');
  } finally {
    await stack.close();
  }
});
