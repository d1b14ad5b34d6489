// The namespace's "Events" group against the real apiserver and scheduler: the scheduler's own
// FailedScheduling warning for an unschedulable pod shows under the group (the group row counts it,
// the row names and targets the pod), an Event another client writes appears without a call from
// us, and a deleted one goes. Newest first, like `kubectl events`.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BrowseModel, type BrowseState } from '../../src/kube/tree/browseModel';
import type { BrowseNode } from '../../src/kube/tree/nodes';
import { realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('events');
const cluster = useCluster({ namespace: ns });
const state: BrowseState = { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined };

test('the Events group: the scheduler\'s warning for a pod, then an event written elsewhere and its deletion, live and newest first', async () => {
  const c = cluster();
  const stack = await realStack(c.kubeconfig);
  const model = new BrowseModel(stack.clusters, state, { pageSize: 50, refreshDelayMs: 20 });
  const changed: (BrowseNode[] | undefined)[] = [];
  model.onDidChange((nodes) => changed.push(nodes));
  try {
    const ctx = model.roots().find((n) => n.type === 'context')!;
    const nsNode = await waitFor(async () => (await model.children(ctx)).find((n) => n.type === 'namespace' && n.label === ns), { what: `namespace ${ns}`, timeoutMs: 30_000 });
    const groups = await model.children(nsNode);
    assert.deepEqual(groups.slice(-2).map((g) => g.label), ['Helm Releases', 'Events'], 'Events comes last, after the kinds\' groups and Helm');
    const group = groups.at(-1)!;
    const rows = async () => (await model.children(group)).filter((n) => n.type === 'event');
    assert.deepEqual((await model.children(group)).map((n) => n.label), ['No events'], 'an empty namespace says so');

    await c.api.create(`/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'nowhere' },
      spec: { nodeSelector: { disktype: 'none-such' }, containers: [{ name: 'app', image: 'registry.invalid/app:1' }] },
    });
    const warning = await waitFor(async () => (await rows()).find((r) => r.label === 'FailedScheduling'), { what: 'the scheduler\'s FailedScheduling row', timeoutMs: 60_000 });
    assert.equal(warning.severity, 'warning');
    assert.match(warning.description, /^Pod\/nowhere · .*didn't match Pod's node affinity\/selector/);
    assert.deepEqual(warning.target, { resource: 'pods', namespace: ns, name: 'nowhere' });
    assert.match(warning.tooltip, /Reported by default-scheduler/);
    // The group row was re-described before it was announced: VS Code reads it first.
    await waitFor(() => changed.some((n) => n?.some((x) => x.id === group.id)) && /^\d+ warnings?$/.test(group.description), { what: `the group counting the warning (${group.description})`, timeoutMs: 30_000 });

    // An event written by another client (as a controller would), newer than the scheduler's.
    changed.length = 0;
    const now = new Date(Date.now() + 5_000).toISOString().replace(/\.\d+Z$/, 'Z');
    await c.api.create(`/api/v1/namespaces/${ns}/events`, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: 'nowhere.kube-atlas-test' },
      involvedObject: { kind: 'Pod', name: 'nowhere', namespace: ns, apiVersion: 'v1' },
      reason: 'KubeAtlasProbe',
      message: 'written by the test, not by us',
      type: 'Normal',
      count: 3,
      firstTimestamp: now,
      lastTimestamp: now,
      source: { component: 'kube-atlas-test' },
    });
    await waitFor(() => changed.some((n) => n?.some((x) => x.id === group.id)), { what: 'a change event for the Events group', timeoutMs: 30_000 });
    const probe = await waitFor(async () => {
      const r = await rows();
      return r[0]?.label === 'KubeAtlasProbe' ? r[0] : undefined;
    }, { what: 'the new event first (newest first)', timeoutMs: 30_000 });
    assert.equal(probe.severity, undefined);
    assert.match(probe.description, /^Pod\/nowhere · written by the test, not by us · ×3 · /);

    await c.kubectl(['-n', ns, 'delete', 'event', 'nowhere.kube-atlas-test']);
    await waitFor(async () => !(await rows()).some((r) => r.label === 'KubeAtlasProbe'), { what: 'the deleted event gone', timeoutMs: 30_000 });
  } finally {
    model.dispose();
    await stack.close();
  }
});
