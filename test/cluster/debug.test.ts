// Debug containers against the real apiserver, with kubectl debug as the reference (KWOK simulates
// the kubelet: the harness's stage reports ephemeral containers running, and its attach handler
// streams the pod log file). An ephemeral container we add equals the one `kubectl debug -it
// --target` adds; it starts, shows in the tree under its pod, and an attach through the apiserver
// carries the container's output. A debug copy equals `kubectl debug --copy-to`'s.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addEphemeralContainer, createDebugCopy } from '../../src/kube/debug/debugPod';
import { waitForContainer } from '../../src/kube/debug/waitContainer';
import { ExecSession } from '../../src/kube/exec/execSession';
import type { KubeObject } from '../../src/kube/kinds/types';
import { channelsOf } from '../../src/kube/transport/channel/channelSocket';
import { BrowseModel, type BrowseState } from '../../src/kube/tree/browseModel';
import { realStack } from '../support/realStack';
import { waitFor } from '../support/waitFor';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('debug');
const cluster = useCluster({ namespace: ns });
const state: BrowseState = { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined };

function pod(name: string, extra: Record<string, unknown> = {}): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: 'shop' }, annotations: { note: 'original' } },
    spec: { containers: [{ name: 'app', image: 'registry.invalid/app:1', readinessProbe: { httpGet: { path: '/', port: 8080 } } }], ...extra },
  };
}

type Container = Record<string, unknown> & { name: string };
const withoutName = ({ name: _n, ...rest }: Container) => rest;

test('an ephemeral container equal to kubectl debug\'s: it starts, shows under its pod, and attach carries its output', async () => {
  const c = cluster();
  for (const name of ['ours', 'theirs']) await c.api.create(`/api/v1/namespaces/${ns}/pods`, pod(name));
  await c.kubectl(['-n', ns, 'wait', '--for=condition=Ready', 'pod/ours', 'pod/theirs', '--timeout=60s']);
  const stack = await realStack(c.kubeconfig);
  const model = new BrowseModel(stack.clusters, state, { pageSize: 50, refreshDelayMs: 20 });
  try {
    const name = await addEphemeralContainer(stack.transport, ns, 'ours', { image: 'busybox:1.36', target: 'app' });
    assert.match(name, /^debugger-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    await c.kubectl(['-n', ns, 'debug', 'theirs', '--image=busybox:1.36', '--target=app', '-c', 'dbg', '-i', '-t', '--attach=false']);
    const get = async (p: string) => JSON.parse((await c.kubectl(['-n', ns, 'get', 'pod', p, '-o', 'json'])).stdout) as KubeObject;
    const ephemeral = async (p: string) => ((await get(p)).spec as { ephemeralContainers: Container[] }).ephemeralContainers;
    const [mine] = await ephemeral('ours');
    const [kubectls] = await ephemeral('theirs');
    assert.equal(mine!.name, name);
    assert.deepEqual(withoutName(mine!), withoutName(kubectls!), 'the same container as kubectl debug makes');

    // It starts (the simulated kubelet reports it), and the wait reads that from the pod watch.
    const waited: string[] = [];
    const r = await waitForContainer(stack.clusters, { context: stack.context, namespace: ns, pod: 'ours', container: name }, { timeoutMs: 60_000, onWaiting: (w) => waited.push(w) });
    assert.deepEqual(r, { running: true }, `waited through: ${waited.join(', ')}`);

    // The tree lists it under the pod, marked as a debug container.
    const ctx = model.roots().find((n) => n.type === 'context')!;
    const nsNode = await waitFor(async () => (await model.children(ctx)).find((n) => n.type === 'namespace' && n.label === ns), { what: `namespace ${ns}` });
    const workloads = (await model.children(nsNode)).find((g) => g.label === 'Workloads')!;
    const pods = (await model.children(workloads)).find((k) => k.resource?.kind === 'Pod')!;
    const ours = await waitFor(async () => (await model.children(pods)).find((n) => n.label === 'ours'), { what: 'the pod row' });
    const rows = await waitFor(async () => {
      const kids = await model.children(ours);
      return kids.some((k) => k.label === name && /^debug · Running/.test(k.description)) ? kids : undefined;
    }, { what: 'the debug container row running', timeoutMs: 30_000 });
    assert.deepEqual(rows.map((k) => k.label), ['app', name]);
    assert.equal(rows[1]!.icon, 'debug');

    // Attach through the apiserver: what the container writes arrives (KWOK streams its log file).
    let out = '';
    const session = await ExecSession.open(channelsOf(stack.transport), { namespace: ns, pod: 'ours', container: name, command: [], attach: true, tty: true, stdin: true }, (_s, text) => {
      out += text;
    });
    try {
      const marker = `debug-attach-${Date.now()}`;
      // Appended until seen: the stream starts at the end of the file, after the handshake.
      await waitFor(() => {
        if (out.includes(marker)) return true;
        c.appendPodLog(marker);
        return false;
      }, { what: 'the container output through attach', timeoutMs: 30_000, intervalMs: 500 });
    } finally {
      session.close();
    }
  } finally {
    model.dispose();
    await stack.close();
  }
});

test('a debug copy equal to kubectl debug --copy-to\'s: labels, annotations and probes dropped, init containers kept, processes shared', async () => {
  const c = cluster();
  await c.api.create(`/api/v1/namespaces/${ns}/pods`, pod('source', { initContainers: [{ name: 'setup', image: 'registry.invalid/setup:1' }] }));
  const stack = await realStack(c.kubeconfig);
  try {
    const made = await createDebugCopy(stack.transport, ns, 'source', { image: 'busybox:1.36', name: 'dbg' }, 'source-ours');
    assert.deepEqual(made, { pod: 'source-ours', container: 'dbg' });
    await c.kubectl(['-n', ns, 'debug', 'source', '--image=busybox:1.36', '--copy-to=source-kubectl', '-c', 'dbg', '-i', '-t', '--attach=false']);
    const get = async (p: string) => JSON.parse((await c.kubectl(['-n', ns, 'get', 'pod', p, '-o', 'json'])).stdout) as KubeObject;
    const shape = (o: KubeObject) => {
      const spec = o.spec as { containers: Container[]; initContainers?: unknown; shareProcessNamespace?: boolean };
      // Volume names carry a random suffix (the service-account token volume): compare the rest.
      const strip = (cs: Container[] | undefined) => cs?.map(({ volumeMounts: _v, ...c2 }) => c2);
      // The harness labels scheduled pods with their node's zone: not part of the copy.
      const labels = Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !k.startsWith('topology.kubernetes.io/')));
      return { labels, annotations: o.metadata.annotations, containers: strip(spec.containers)!, initContainers: strip(spec.initContainers as Container[] | undefined), shareProcessNamespace: spec.shareProcessNamespace };
    };
    const [ours, kubectls] = [await get('source-ours'), await get('source-kubectl')];
    assert.deepEqual(shape(ours), shape(kubectls));
    assert.deepEqual(shape(ours).initContainers?.map((x) => x.name), ['setup']);
    assert.deepEqual(shape(ours).labels, {}, 'the source\'s labels are dropped (no Service selects the copy)');
    assert.equal(shape(ours).shareProcessNamespace, true);
    assert.equal((shape(ours).containers[0] as { readinessProbe?: unknown }).readinessProbe, undefined);
  } finally {
    await stack.close();
  }
});
