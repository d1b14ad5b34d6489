// The "Top Pods" / "Top Nodes" tables: kubectl top's columns, units and rounding (so a figure can
// be checked against it by eye), kubectl's --sort-by orders (cpu and memory largest first, by
// name otherwise; ties by name, where kubectl's unstable sort leaves them in any order), and for
// pods the usage beside requests and limits. Pure: the document adapter feeds it the last poll.
import type { NodeUsage, PodUsage } from './metricsApi';
import { formatCpu, formatMemoryMi, milliValue, percentOf, wholeValue } from './quantity';
import { type Budget, type CpuMemory, usagePercent } from './usageMath';

export type TopSort = 'cpu' | 'memory' | 'name';

export const TOP_SORTS: readonly TopSort[] = ['cpu', 'memory', 'name'];

interface Named {
  name: string;
  namespace?: string;
}

/** kubectl's PodMetricsSorter/NodeMetricsSorter: by MilliValue (cpu) or Value (memory), largest first. */
export function sortTop<T extends Named & CpuMemory>(rows: readonly T[], sort: TopSort): T[] {
  const byName = (a: T, b: T): number => (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.name.localeCompare(b.name);
  const key = (r: T): bigint => (sort === 'cpu' ? milliValue(r.cpu) : wholeValue(r.memory));
  return [...rows].sort((a, b) => {
    if (sort === 'name') return byName(a, b);
    const ka = key(a);
    const kb = key(b);
    return ka === kb ? byName(a, b) : ka > kb ? -1 : 1;
  });
}

/** Columns padded like kubectl's tabwriter (3 spaces between columns), without trailing blanks. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const r of rows) {
    r.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd((widths[i] ?? 0) + 3)))
      .join('')
      .trimEnd(),
  );
}

const pct = (used: bigint, of: bigint | undefined): string => {
  const p = usagePercent(used, of);
  return p === undefined ? '-' : `${p}%`;
};

/** Usage as a percent of requests and limits, the four columns after kubectl's ("-": none set). */
function budgetColumns(u: CpuMemory, b: Budget | undefined): string[] {
  return [pct(u.cpu, b?.requests.cpu), pct(u.cpu, b?.limits.cpu), pct(u.memory, b?.requests.memory), pct(u.memory, b?.limits.memory)];
}

const BUDGET_HEAD = ['CPU/REQUEST', 'CPU/LIMIT', 'MEMORY/REQUEST', 'MEMORY/LIMIT'];

/**
 * kubectl top pod's table (NAMESPACE when all namespaces are shown, NAME, CPU(cores),
 * MEMORY(bytes)) with usage as a percent of the pod's requests and limits after it ("-": none).
 */
export function topPodsTable(pods: readonly PodUsage[], sort: TopSort, opts: { allNamespaces: boolean; budget?: (p: PodUsage) => Budget | undefined }): string[] {
  const head = [...(opts.allNamespaces ? ['NAMESPACE'] : []), 'NAME', 'CPU(cores)', 'MEMORY(bytes)', ...BUDGET_HEAD];
  const rows = sortTop(pods, sort).map((p) => [...(opts.allNamespaces ? [p.namespace] : []), p.name, formatCpu(p.cpu), formatMemoryMi(p.memory), ...budgetColumns(p, opts.budget?.(p))]);
  return alignColumns([head, ...rows]);
}

/**
 * kubectl top pod --containers: a row per container (NAMESPACE, POD, NAME = the container's,
 * CPU(cores), MEMORY(bytes)), the pods in the pod table's order (by their totals) and each pod's
 * containers sorted the same way within it, as kubectl prints them; then usage as a percent of
 * the container's own requests and limits.
 */
export function topContainersTable(
  pods: readonly PodUsage[],
  sort: TopSort,
  opts: { allNamespaces: boolean; budget?: (p: PodUsage, container: string) => Budget | undefined },
): string[] {
  const head = [...(opts.allNamespaces ? ['NAMESPACE'] : []), 'POD', 'NAME', 'CPU(cores)', 'MEMORY(bytes)', ...BUDGET_HEAD];
  const rows = sortTop(pods, sort).flatMap((p) =>
    sortTop(p.containers, sort).map((c) => [...(opts.allNamespaces ? [p.namespace] : []), p.name, c.name, formatCpu(c.cpu), formatMemoryMi(c.memory), ...budgetColumns(c, opts.budget?.(p, c.name))]),
  );
  return alignColumns([head, ...rows]);
}

/**
 * kubectl top node's table: NAME, CPU(cores), CPU(%), MEMORY(bytes), MEMORY(%) of allocatable;
 * nodes the API has no figures for are listed after, with <unknown>, as kubectl does.
 */
export function topNodesTable(nodes: readonly NodeUsage[], sort: TopSort, allocatable: (name: string) => Partial<CpuMemory> | undefined, allNodeNames: readonly string[] = []): string[] {
  const head = ['NAME', 'CPU(cores)', 'CPU(%)', 'MEMORY(bytes)', 'MEMORY(%)'];
  // kubectl prints 0% against a zero allocatable, and no percentage without one.
  const nodePct = (used: bigint, of: bigint | undefined): string => (of === undefined ? '-' : `${percentOf(used, of)}%`);
  const rows = sortTop(nodes, sort).map((n) => {
    const a = allocatable(n.name);
    return [n.name, formatCpu(n.cpu), nodePct(n.cpu, a?.cpu), formatMemoryMi(n.memory), nodePct(n.memory, a?.memory)];
  });
  const seen = new Set(nodes.map((n) => n.name));
  const missing = allNodeNames.filter((n) => !seen.has(n)).sort();
  const unknown = missing.map((n) => [n, '<unknown>', '<unknown>', '<unknown>', '<unknown>']);
  return alignColumns([head, ...rows, ...unknown]);
}
