// Shared by the benchmarks: kubectl runs timed from outside, pods made for a measurement, and the
// namespace of 20,000 pods for the tree-at-scale figures.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Cluster } from '../test/cluster/cluster.harness';
import { inParallel, nodeName } from '../test/cluster/harness/nodes';
import { waitFor } from '../test/support/waitFor';
import { note } from './report';

/** Runs kubectl to the end with its output discarded; resolves with the wall-clock ms it took. */
export function kubectlMs(c: Cluster, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const p = spawn(join(c.binDir, 'kubectl'), [`--kubeconfig=${c.kubeconfig}`, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    p.stderr.on('data', (d) => {
      err += d;
    });
    p.on('close', (code) => (code === 0 ? resolve(Number(process.hrtime.bigint() - t) / 1e6) : reject(new Error(`kubectl ${args.join(' ')} failed: ${err}`))));
  });
}

/** A pod for a measurement: sorts first in its namespace ("aaa-…"), never pulled (KWOK runs it). */
export function benchPod(ns: string, name: string, nodeIndex?: number): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels: { 'kube-atlas.dev/bench': 'latency' } },
    spec: {
      ...(nodeIndex === undefined ? {} : { nodeName: nodeName(nodeIndex) }),
      containers: [{ name: 'app', image: 'registry.invalid/kube-atlas/bench:1.0' }],
      terminationGracePeriodSeconds: 0,
    },
  };
}

/** Removes what a latency run created (pods labelled kube-atlas.dev/bench), without waiting. */
export async function deleteBenchPods(c: Cluster, ns: string): Promise<void> {
  await c.api.request('DELETE', `/api/v1/namespaces/${ns}/pods?labelSelector=kube-atlas.dev%2Fbench&gracePeriodSeconds=0`);
}

export const BIG_NAMESPACE = 'bench-big';

const BIG_NODE = 'bench-big-node';

/**
 * Makes `count` pods in one namespace (bench-big), bound directly to a node KWOK does not manage
 * (no controllers, no kubelet status writes: 20,000 creates and nothing else). They stay Pending;
 * tolerations keep the node lifecycle controller from evicting them off that never-ready node.
 * Idempotent.
 */
export async function ensureBigNamespace(c: Cluster, count: number): Promise<void> {
  await c.api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: BIG_NAMESPACE } });
  const have = async (): Promise<number> => {
    let n = 0;
    let cont = '';
    do {
      const page = await c.api.ok<{ items: unknown[]; metadata: { continue?: string } }>('GET', `/api/v1/namespaces/${BIG_NAMESPACE}/pods?limit=5000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      n += page.items.length;
      cont = page.metadata.continue ?? '';
    } while (cont);
    return n;
  };
  const existing = await have();
  if (existing >= count) return;
  await c.api.create('/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: BIG_NODE, labels: { 'kube-atlas.dev/bench': 'big' } } });
  const t = Date.now();
  const width = String(count - 1).length;
  const indexes = Array.from({ length: count }, (_, i) => i);
  const forever = (key: string) => ({ key, operator: 'Exists', effect: 'NoExecute' });
  await inParallel(indexes, 64, async (i) => {
    await c.api.create(`/api/v1/namespaces/${BIG_NAMESPACE}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `big-${String(i).padStart(width, '0')}`, namespace: BIG_NAMESPACE, labels: { app: 'big' } },
      spec: {
        nodeName: BIG_NODE,
        containers: [{ name: 'app', image: 'registry.invalid/kube-atlas/big:1.0' }],
        tolerations: [forever('node.kubernetes.io/not-ready'), forever('node.kubernetes.io/unreachable')],
        terminationGracePeriodSeconds: 0,
      },
    });
  });
  await waitFor(async () => (await have()) >= count, { what: `${count} pods in ${BIG_NAMESPACE}`, timeoutMs: 600_000, intervalMs: 2000 });
  note(`made ${count} pods in ${BIG_NAMESPACE} in ${((Date.now() - t) / 1000).toFixed(0)} s`);
}

/** Deletes the namespace of 20,000 pods so the shared cluster keeps its documented shape. */
export async function removeBigNamespace(c: Cluster): Promise<void> {
  await c.api.request('DELETE', `/api/v1/namespaces/${BIG_NAMESPACE}/pods?gracePeriodSeconds=0`, undefined, 'application/json', 600_000);
  await c.api.request('DELETE', `/api/v1/namespaces/${BIG_NAMESPACE}`);
  await c.api.request('DELETE', `/api/v1/nodes/${BIG_NODE}`);
}

/** Establishes which seeded namespace to use: the first by name. */
export async function seededNamespace(c: Cluster): Promise<string> {
  const list = await c.api.ok<{ items: { metadata: { name?: string } }[] }>('GET', '/api/v1/namespaces?labelSelector=kube-atlas.dev%2Fseed');
  return list.items.map((n) => n.metadata.name ?? '').sort()[0] ?? 'default';
}
