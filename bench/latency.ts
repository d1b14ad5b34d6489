// Change → seen, the same way for every observer (BrowseModel in Node, `kubectl get pods -w`, the
// rendered row in code-server): a random mix of pod changes sent at random intervals (uniform
// 50–700 ms, not paced to any throttle, the next one sent without waiting for the last to show),
// each timed from the start of its apiserver request to the moment the observer shows it, on the
// host clock (performance.timeOrigin + performance.now(), the same clock the page stamps with).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { Cluster } from '../test/cluster/cluster.harness';
import { realStack } from '../test/support/realStack';
import { waitFor } from '../test/support/waitFor';
import { BrowseModel, type BrowseState } from '../src/kube/tree/browseModel';
import type { BrowseNode } from '../src/kube/tree/nodes';
import { jitter, note, pause } from './report';
import { benchPod, deleteBenchPods } from './support';

export const NO_STATE: BrowseState = { selectedContext: () => undefined, selectedNamespace: () => undefined, namespaceFilter: () => undefined };

export type OpKind = 'update' | 'create' | 'delete';
export interface Op {
  kind: OpKind;
  /** Pod name. */
  name: string;
  /** Unique value an update writes (status.reason, shown first in the row's description). */
  stamp: string;
  /** Host-clock ms when the request started. */
  t0?: number;
  /** Host-clock ms when the observer showed it. */
  seenAt?: number;
}

export type Samples = Record<OpKind, number[]>;
export const OP_KINDS: readonly OpKind[] = ['update', 'create', 'delete'];

export const hostNow = (): number => performance.timeOrigin + performance.now();

/**
 * A random mix: status updates of `pods` (round robin), creations of pods named "aaa-…" (they
 * sort first, so their rows are in view), and deletions of those.
 */
export function plan(pods: string[], count: number, runId: string): Op[] {
  const ops: Op[] = [];
  const created: string[] = [];
  let u = 0;
  for (let i = 0; ops.length < count; i++) {
    const r = Math.random();
    const stamp = `B${runId}-${i}`;
    if (r < 0.2) {
      const name = `aaa-${runId}-${i}`;
      created.push(name);
      ops.push({ kind: 'create', name, stamp });
    } else if (r < 0.35 && created.length) ops.push({ kind: 'delete', name: created.shift()!, stamp });
    else ops.push({ kind: 'update', name: pods[u++ % pods.length]!, stamp });
  }
  for (const name of created) ops.push({ kind: 'delete', name, stamp: `B${runId}-end-${name}` });
  return ops;
}

/**
 * Says why each op that was never shown was not: a pod created and deleted again within a few
 * hundred ms may never get a row (the model's throttle and VS Code's 200 ms tree debounce fold the
 * pair into one refresh in which the pod is already gone), so a missed create or delete is named
 * with the gap to its partner. Anything else is listed as unexplained.
 */
export function explainMisses(ops: Op[]): { shortLived: number; unexplained: string[] } {
  let shortLived = 0;
  const unexplained: string[] = [];
  for (const op of ops) {
    if (op.seenAt !== undefined) continue;
    const partner = op.kind === 'create' ? ops.find((o) => o.kind === 'delete' && o.name === op.name) : op.kind === 'delete' ? ops.find((o) => o.kind === 'create' && o.name === op.name) : undefined;
    const gap = partner?.t0 !== undefined && op.t0 !== undefined ? Math.abs(partner.t0 - op.t0) : undefined;
    // Both halves of a pair the tree folded away are missed together.
    if (gap !== undefined && gap < 1_000 && partner?.seenAt === undefined) shortLived++;
    else unexplained.push(`${op.kind} ${op.name}${gap !== undefined ? ` (${Math.round(gap)} ms from its ${partner?.kind})` : ''}`);
  }
  return { shortLived, unexplained };
}

/** Sends one op to the apiserver; resolves when the request returned. */
export async function send(c: Cluster, ns: string, op: Op): Promise<void> {
  if (op.kind === 'update') {
    await c.api.ok('PATCH', `/api/v1/namespaces/${ns}/pods/${op.name}/status`, { status: { reason: op.stamp } }, 'application/merge-patch+json');
  } else if (op.kind === 'create') {
    await c.api.ok('POST', `/api/v1/namespaces/${ns}/pods`, benchPod(ns, op.name));
  } else {
    await c.api.ok('DELETE', `/api/v1/namespaces/${ns}/pods/${op.name}?gracePeriodSeconds=0`);
  }
}

/** Takes the stamps updates wrote (status.reason) off the pods again. */
export async function clearReasons(c: Cluster, ns: string, ops: Op[]): Promise<void> {
  const names = new Set(ops.filter((o) => o.kind === 'update').map((o) => o.name));
  for (const name of names) await c.api.request('PATCH', `/api/v1/namespaces/${ns}/pods/${name}/status`, { status: { reason: null } }, 'application/merge-patch+json');
}

export function emptySamples(): Samples {
  return { update: [], create: [], delete: [] };
}

export function addSamples(into: Samples, s: Samples): void {
  for (const k of OP_KINDS) into[k].push(...s[k]);
}

/**
 * Fires `ops` at random intervals and resolves with each kind's latencies. `watchFor(op)` is
 * called before the op is sent and resolves with the host-clock time it was seen.
 */
export async function randomIntervals(c: Cluster, ns: string, ops: Op[], watchFor: (op: Op) => Promise<number>, timeoutMs = 15_000): Promise<Samples> {
  const out = emptySamples();
  const pending: Promise<void>[] = [];
  for (const op of ops) {
    const seen = watchFor(op);
    op.t0 = hostNow();
    pending.push(
      (async () => {
        await send(c, ns, op);
        const at = await Promise.race([seen, pause(timeoutMs).then(() => Number.NaN)]);
        if (Number.isFinite(at)) {
          op.seenAt = at;
          out[op.kind].push(at - op.t0!);
        } else note(`${op.kind} ${op.name} not seen within ${timeoutMs / 1000} s`);
      })(),
    );
    await pause(jitter(50, 700));
  }
  await Promise.all(pending);
  return out;
}

/** BrowseModel in Node, namespace's Pods open: seen = the model fired a node whose rendering shows the change. */
export async function modelLatency(c: Cluster, ns: string, count = 60): Promise<Samples> {
  const stack = await realStack(c.kubeconfig, {});
  let ops: Op[] = [];
  const model = new BrowseModel(stack.clusters, NO_STATE);
  try {
    const ctx = model.roots().find((n) => n.context === stack.context)!;
    const nsNode = (await model.findChild(ctx, (n) => n.type === 'namespace' && n.label === ns))!;
    const workloads = (await model.findChild(nsNode, (n) => n.label === 'Workloads'))!;
    const podsKind = (await model.findChild(workloads, (n) => n.resource?.kind === 'Pod'))!;
    const podNodes = (await model.children(podsKind)).filter((n) => n.type === 'object');
    const covers = (target: BrowseNode, n: BrowseNode): boolean => {
      for (let p: BrowseNode | undefined = target; p; p = p.parent) if (p === n) return true;
      return false;
    };
    const runId = Date.now().toString(36);
    ops = plan(podNodes.slice(0, 30).map((n) => n.label), count, runId);
    return await randomIntervals(c, ns, ops, (op) =>
      new Promise<number>((resolve) => {
        // VS Code re-reads what the model fires: for an update the pod's node (or an ancestor),
        // for a row that comes or goes the kind's children.
        const target = op.kind === 'update' ? podNodes.find((n) => n.label === op.name) : podsKind;
        const sub = model.onDidChange(async (nodes) => {
          if (!target || (nodes && !nodes.some((n) => covers(target, n)))) return;
          const t = hostNow();
          const shows =
            op.kind === 'update'
              ? target.description.startsWith(op.stamp)
              : (await model.children(podsKind)).some((n) => n.label === op.name) === (op.kind === 'create');
          if (!shows) return;
          sub.dispose();
          resolve(t);
        });
      }),
    );
  } finally {
    model.dispose();
    await stack.close();
    await deleteBenchPods(c, ns);
    await clearReasons(c, ns, ops);
  }
}

/** `kubectl get pods -w` printing the same kinds of change: the reference. */
export async function kubectlWatchLatency(c: Cluster, ns: string, pods: string[], count = 60): Promise<Samples> {
  const p = spawn(join(c.binDir, 'kubectl'), [`--kubeconfig=${c.kubeconfig}`, '-n', ns, 'get', 'pods', '-w', '--output-watch-events', '--no-headers'], { stdio: ['ignore', 'pipe', 'ignore'] });
  const waiters = new Map<string, (t: number) => void>();
  let ops: Op[] = [];
  let lines = 0;
  let buf = '';
  p.stdout.on('data', (d: Buffer) => {
    const t = hostNow();
    buf += d.toString();
    let nl = buf.indexOf('\n');
    while (nl >= 0) {
      const line = buf.slice(0, nl).trim();
      buf = buf.slice(nl + 1);
      lines++;
      // "MODIFIED   name   1/1   Running   0   60m" (-o name would not say the event type)
      const [type = '', name = ''] = line.split(/\s+/);
      const key = `${type}|${name}`;
      const w = waiters.get(key);
      if (w) {
        waiters.delete(key);
        w(t);
      }
      nl = buf.indexOf('\n');
    }
  });
  try {
    await waitFor(() => lines >= pods.length, { what: 'kubectl -w to print the initial pods', timeoutMs: 30_000, intervalMs: 20 });
    const runId = `k${Date.now().toString(36)}`;
    ops = plan(pods.slice(0, 30), count, runId);
    return await randomIntervals(c, ns, ops, (op) =>
      new Promise<number>((resolve) => {
        const type = op.kind === 'update' ? 'MODIFIED' : op.kind === 'create' ? 'ADDED' : 'DELETED';
        waiters.set(`${type}|${op.name}`, resolve);
      }),
    );
  } finally {
    p.kill();
    await deleteBenchPods(c, ns);
    await clearReasons(c, ns, ops);
  }
}
