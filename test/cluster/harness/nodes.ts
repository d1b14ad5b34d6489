// Fake Nodes for KWOK. Each gets its own /24 pod CIDR so KWOK's pod IPs stay unique across
// tens of thousands of pods (its single default pool is one /24).
import { FAKE_NODE_ANNOTATION } from './components';
import type { ApiClient } from './http';
import { waitFor } from './wait';

/** metrics-server reads a node's resource-metrics path from this annotation (pkg/scraper/client/resource). */
export const RESOURCE_METRICS_PATH_ANNOTATION = 'metrics.k8s.io/resource-metrics-path';

export function nodeName(index: number): string {
  return `kwok-node-${index}`;
}

export function podCidr(index: number): string {
  if (index >= 32 * 256) throw new Error(`node index ${index} is beyond the 10.128.0.0/11 pod range`);
  return `10.${128 + (index >> 8)}.${index & 255}.0/24`;
}

export function fakeNode(index: number): object {
  const name = nodeName(index);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      annotations: {
        [FAKE_NODE_ANNOTATION]: 'fake',
        'node.alpha.kubernetes.io/ttl': '0',
        // Where metrics-server (>= 0.7) scrapes this node's resource metrics instead of the kubelet's
        // /metrics/resource: KWOK's server, which simulates them (kwok-config.ts, Metric).
        [RESOURCE_METRICS_PATH_ANNOTATION]: `/metrics/nodes/${name}/metrics/resource`,
      },
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node-role.kubernetes.io/agent': '',
        type: 'kwok',
        'topology.kubernetes.io/zone': `zone-${index % 3}`,
      },
    },
    spec: { podCIDR: podCidr(index), podCIDRs: [podCidr(index)] },
  };
}

interface NodeList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

/** Runs `fn` over `items` with at most `limit` in flight. */
export async function inParallel<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Creates kwok-node-0..count-1 (existing ones are kept) and waits until all are Ready. */
export async function ensureNodes(api: ApiClient, count: number, timeoutMs = 120_000): Promise<string[]> {
  const indexes = Array.from({ length: count }, (_, i) => i);
  await inParallel(indexes, 32, (i) => api.create('/api/v1/nodes', fakeNode(i)));
  const names = new Set(indexes.map(nodeName));
  await waitFor(
    async () => {
      const list = await api.ok<NodeList>('GET', '/api/v1/nodes?labelSelector=type%3Dkwok');
      const ready = list.items.filter((n) => names.has(n.metadata.name) && n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True'));
      return ready.length === names.size || undefined;
    },
    { timeoutMs, what: `${count} fake nodes to become Ready` },
  );
  return [...names];
}
