// Usage beside requests and limits: what a pod's (or container's) CPU and memory use is measured
// against, and the sentences and short figures the tree and the top view show. Pure.
//
// Which containers count for a pod: the ones that run beside each other, i.e. the app containers
// and the restartable init containers ("sidecars", restartPolicy: Always). metrics.k8s.io reports
// exactly those (a finished init container has no usage), so usage and budget cover the same set.
// The scheduler's request (kubectl describe node) is max(that sum, the largest one-shot init
// container + the sidecars started before it) + overhead: that is what reserves room on a node,
// not what the running containers were given, so it is not the figure usage is compared with.
import type { KubeObject } from '../kinds/types';
import { formatCpu, formatMemory, type Nanos, parseQuantity, percentOf, sumNanos } from './quantity';

export interface CpuMemory<T = Nanos> {
  cpu: T;
  memory: T;
}

/** Requests and limits of a container or pod; a resource left out has none. */
export interface Budget {
  requests: Partial<CpuMemory>;
  limits: Partial<CpuMemory>;
}

interface ContainerSpec {
  name?: string;
  restartPolicy?: string;
  resources?: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } };
}

export function containerBudget(c: ContainerSpec | undefined): Budget {
  const r = c?.resources;
  const pick = (o: { cpu?: string; memory?: string } | undefined): Partial<CpuMemory> => {
    const out: Partial<CpuMemory> = {};
    const cpu = parseQuantity(o?.cpu);
    const memory = parseQuantity(o?.memory);
    if (cpu !== undefined) out.cpu = cpu;
    if (memory !== undefined) out.memory = memory;
    return out;
  };
  return { requests: pick(r?.requests), limits: pick(r?.limits) };
}

/** The containers that run side by side: app containers and restartable init containers. */
export function runningContainers(pod: KubeObject): ContainerSpec[] {
  const spec = (pod.spec ?? {}) as { containers?: ContainerSpec[]; initContainers?: ContainerSpec[] };
  return [...(spec.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'), ...(spec.containers ?? [])];
}

/**
 * A pod's budget over its running containers. Requests add up (a container without one asks for
 * nothing); a limit exists only if every running container has one (one unlimited container
 * makes the pod unlimited), as the kubelet sizes the pod cgroup.
 */
export function podBudget(pod: KubeObject): Budget {
  const budgets = runningContainers(pod).map(containerBudget);
  const out: Budget = { requests: {}, limits: {} };
  for (const r of ['cpu', 'memory'] as const) {
    const req = budgets.flatMap((b) => (b.requests[r] === undefined ? [] : [b.requests[r]]));
    if (req.length) out.requests[r] = sumNanos(req);
    const lim = budgets.map((b) => b.limits[r]);
    if (lim.length && lim.every((l) => l !== undefined)) out.limits[r] = sumNanos(lim as Nanos[]);
  }
  return out;
}

/** Usage as a whole percent of `of` (truncated, as kubectl top node does), or undefined without a positive `of`. */
export function usagePercent(used: Nanos, of: Nanos | undefined): number | undefined {
  return of === undefined || of <= 0n ? undefined : percentOf(used, of);
}

const FORMAT = { cpu: formatCpu, memory: formatMemory } as const;
const TITLE = { cpu: 'CPU', memory: 'Memory' } as const;

/**
 * "cpu 12m · mem 34Mi": the suffix a pod or container row gets. Named, because a row also shows
 * its age ("5m") and a bare "12m" beside it would read as minutes.
 */
export function usageShort(u: CpuMemory): string {
  return `cpu ${formatCpu(u.cpu)} · mem ${formatMemory(u.memory)}`;
}

/** "CPU: 12m — 12% of request 100m, 2% of limit 500m" and the memory line. */
export function usageLines(u: CpuMemory, budget: Budget): string[] {
  return (['cpu', 'memory'] as const).map((r) => {
    const parts: string[] = [];
    for (const [what, of] of [
      ['request', budget.requests[r]],
      ['limit', budget.limits[r]],
    ] as const) {
      const pct = usagePercent(u[r], of);
      parts.push(pct === undefined || of === undefined ? `no ${what}` : `${pct}% of ${what} ${FORMAT[r](of)}`);
    }
    return `${TITLE[r]}: ${FORMAT[r](u[r])} — ${parts.join(', ')}`;
  });
}

/** "cpu 250m (3%) · mem 1200Mi (4%)": a node row's suffix, percent of allocatable as kubectl top node. */
export function nodeUsageShort(u: CpuMemory, allocatable: Partial<CpuMemory>): string {
  const one = (r: 'cpu' | 'memory'): string => {
    const pct = usagePercent(u[r], allocatable[r]);
    return `${FORMAT[r](u[r])}${pct === undefined ? '' : ` (${pct}%)`}`;
  };
  return `cpu ${one('cpu')} · mem ${one('memory')}`;
}

export function nodeUsageLines(u: CpuMemory, allocatable: Partial<CpuMemory>): string[] {
  return (['cpu', 'memory'] as const).map((r) => {
    const of = allocatable[r];
    const pct = usagePercent(u[r], of);
    return `${TITLE[r]}: ${FORMAT[r](u[r])}${pct === undefined || of === undefined ? '' : ` — ${pct}% of allocatable ${FORMAT[r](of)}`}`;
  });
}

/** A node's allocatable CPU and memory (what kubectl top node divides by). */
export function nodeAllocatable(node: KubeObject): Partial<CpuMemory> {
  const a = (node.status as { allocatable?: { cpu?: string; memory?: string } } | undefined)?.allocatable;
  const out: Partial<CpuMemory> = {};
  const cpu = parseQuantity(a?.cpu);
  const memory = parseQuantity(a?.memory);
  if (cpu !== undefined) out.cpu = cpu;
  if (memory !== undefined) out.memory = memory;
  return out;
}
