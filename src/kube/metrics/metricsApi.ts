// The metrics API (metrics.k8s.io/v1beta1, served by metrics-server through the apiserver's
// aggregation layer): one list call per scope, parsed into exact figures. It has list and get,
// no watch: the figures are a window over the last scrapes, so polling is the only way to follow
// them (kube/metrics/metricsHub.ts decides when).
import { KubeApiError, type KubeTransport } from '../transport/types';
import { type Nanos, parseQuantity } from './quantity';
import type { CpuMemory } from './usageMath';

export const METRICS_GROUP_VERSION = 'metrics.k8s.io/v1beta1';
/** The APIService that registers the metrics API (metrics-server's manifest names it so). */
export const METRICS_APISERVICE = 'v1beta1.metrics.k8s.io';

/** What one list covers: pods of a namespace, pods of every namespace, or nodes. */
export type MetricsScope = { kind: 'pods'; namespace?: string } | { kind: 'nodes' };

export function scopeKey(s: MetricsScope): string {
  return s.kind === 'nodes' ? 'nodes' : `pods/${s.namespace ?? '*'}`;
}

export function scopePath(s: MetricsScope): string {
  const base = `/apis/${METRICS_GROUP_VERSION}`;
  if (s.kind === 'nodes') return `${base}/nodes`;
  return s.namespace ? `${base}/namespaces/${encodeURIComponent(s.namespace)}/pods` : `${base}/pods`;
}

export interface ContainerUsage extends CpuMemory {
  name: string;
}

export interface PodUsage extends CpuMemory {
  namespace: string;
  name: string;
  /** When metrics-server sampled it, and over which window ("15s"). */
  timestamp?: string;
  window?: string;
  containers: ContainerUsage[];
}

export interface NodeUsage extends CpuMemory {
  name: string;
  timestamp?: string;
  window?: string;
}

interface UsageIn {
  cpu?: string;
  memory?: string;
}
interface PodMetricsIn {
  metadata?: { name?: string; namespace?: string };
  timestamp?: string;
  window?: string;
  containers?: { name?: string; usage?: UsageIn }[];
}
interface NodeMetricsIn {
  metadata?: { name?: string };
  timestamp?: string;
  window?: string;
  usage?: UsageIn;
}

const q = (v: string | undefined): Nanos => parseQuantity(v) ?? 0n;

/** A PodMetricsList → usage per pod, the pod's figures the exact sum of its containers' (as kubectl top pod adds them). */
export function parsePodMetrics(body: { items?: PodMetricsIn[] }): PodUsage[] {
  return (body.items ?? []).flatMap((m) => {
    const name = m.metadata?.name;
    const namespace = m.metadata?.namespace;
    if (!name || !namespace) return [];
    const containers = (m.containers ?? []).map((c) => ({ name: c.name ?? '', cpu: q(c.usage?.cpu), memory: q(c.usage?.memory) }));
    let cpu = 0n;
    let memory = 0n;
    for (const c of containers) {
      cpu += c.cpu;
      memory += c.memory;
    }
    return [{ namespace, name, timestamp: m.timestamp, window: m.window, containers, cpu, memory }];
  });
}

export function parseNodeMetrics(body: { items?: NodeMetricsIn[] }): NodeUsage[] {
  return (body.items ?? []).flatMap((m) => {
    const name = m.metadata?.name;
    if (!name) return [];
    return [{ name, timestamp: m.timestamp, window: m.window, cpu: q(m.usage?.cpu), memory: q(m.usage?.memory) }];
  });
}

export type ScopeData = { kind: 'pods'; items: PodUsage[] } | { kind: 'nodes'; items: NodeUsage[] };

/** One list call for a scope. Rejects with the transport's KubeApiError (404: no metrics API; 503: its server is down). */
export async function listUsage(transport: KubeTransport, scope: MetricsScope, signal?: AbortSignal, timeoutMs = 10_000): Promise<ScopeData> {
  const body = await transport.request<{ items?: unknown[] }>({ path: scopePath(scope), signal, timeoutMs });
  return scope.kind === 'nodes' ? { kind: 'nodes', items: parseNodeMetrics(body as { items?: NodeMetricsIn[] }) } : { kind: 'pods', items: parsePodMetrics(body as { items?: PodMetricsIn[] }) };
}

/** Why there are no figures, in the user's terms. */
export type MetricsAvailability =
  | { state: 'checking' }
  | { state: 'available' }
  /** No metrics.k8s.io API: nothing is asked until discovery (the APIServices) changes. */
  | { state: 'missing'; message: string }
  /** The APIService exists but its server does not answer: nothing is asked until it changes. */
  | { state: 'unavailable'; message: string }
  /** RBAC forbids listing metrics: nothing is asked until the context reconnects. */
  | { state: 'forbidden'; message: string };

export const METRICS_MISSING =
  'metrics API not available: this cluster serves no metrics.k8s.io (install metrics-server to see CPU and memory usage)';

/** A failed list → the availability it implies, or undefined for a transient failure (kept polling). */
export function availabilityFromError(e: unknown): MetricsAvailability | undefined {
  if (!(e instanceof KubeApiError) || e.kind !== 'http') return undefined;
  if (e.status === 404) return { state: 'missing', message: METRICS_MISSING };
  if (e.status === 503) return { state: 'unavailable', message: `metrics API not available: ${METRICS_APISERVICE} does not answer (${e.message})` };
  if (e.status === 403) return { state: 'forbidden', message: `metrics API: not allowed to list ${e.message.includes('nodes') ? 'nodes' : 'pods'}.metrics.k8s.io (${e.message})` };
  return undefined;
}
