// Fills a cluster with a realistic shape fast: fake nodes, namespaces, Deployments with Services.
// Pods come from the Deployments through the real controllers (ReplicaSet → Pods, scheduler
// binds, KWOK runs them, EndpointSlice controller fills endpoints), so every pod has owner
// references, a node, an IP and ready endpoints, as in a real cluster. Creating pods directly
// would skip the controllers but not KWOK's status writes, so it would save little.
import type { ApiClient } from './http';
import { ensureNodes, inParallel } from './nodes';
import { waitFor } from './wait';

export const SEED_LABEL = 'kube-atlas.dev/seed';

export interface SeedOptions {
  namespaces: number;
  pods: number;
  /** Total fake nodes wanted (existing kwok-node-N are kept). */
  nodes: number;
  /** Pods per Deployment; the last one of a namespace takes the remainder. Default 10. */
  replicasPerDeployment?: number;
  /** Namespace name prefix; default "seed". */
  prefix?: string;
  /** Wait until every seeded pod is ready; default true. */
  waitReady?: boolean;
  timeoutMs?: number;
  /** Requests in flight; default 64. */
  concurrency?: number;
}

export interface SeedResult {
  namespaces: string[];
  deployments: number;
  services: number;
  pods: number;
  nodes: number;
  createSeconds: number;
  readySeconds: number;
}

function deployment(ns: string, name: string, replicas: number, prefix: string): object {
  const labels = { app: name, [SEED_LABEL]: prefix };
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels },
        spec: {
          containers: [
            {
              name: 'app',
              // Never pulled: KWOK only pretends to run containers.
              image: `registry.invalid/kube-atlas/${name}:1.0`,
              ports: [{ name: 'http', containerPort: 8080 }],
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
            },
          ],
        },
      },
    },
  };
}

function service(ns: string, name: string, prefix: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns, labels: { [SEED_LABEL]: prefix } },
    spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
  };
}

/** Splits `total` into `parts` near-equal integers (first ones larger). */
function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

interface DeploymentList {
  items: { status?: { readyReplicas?: number } }[];
}

export async function seed(api: ApiClient, opts: SeedOptions): Promise<SeedResult> {
  const { namespaces: nsCount, pods, nodes, replicasPerDeployment = 10, prefix = 'seed', waitReady = true, concurrency = 64 } = opts;
  const timeoutMs = opts.timeoutMs ?? Math.max(120_000, pods * 60);
  const started = Date.now();
  await ensureNodes(api, nodes, Math.max(120_000, nodes * 500));

  const width = String(nsCount - 1).length;
  const namespaces = Array.from({ length: nsCount }, (_, i) => `${prefix}-${String(i).padStart(width, '0')}`);
  await inParallel(namespaces, concurrency, (name) => api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { [SEED_LABEL]: prefix } } }));

  const work: { ns: string; name: string; replicas: number }[] = [];
  split(pods, nsCount).forEach((nsPods, i) => {
    const ns = namespaces[i] as string;
    const count = Math.max(1, Math.ceil(nsPods / replicasPerDeployment));
    split(nsPods, count).forEach((replicas, k) => {
      work.push({ ns, name: `app-${k}`, replicas });
    });
  });
  await inParallel(work, concurrency, (w) => api.create(`/apis/apps/v1/namespaces/${w.ns}/deployments`, deployment(w.ns, w.name, w.replicas, prefix)));
  // Services after, fewer at once: each one allocates a ClusterIP (an IPAddress object), and on a
  // loaded 2-core machine 64 of those at once ran past the apiserver's 60 s request timeout (504)
  // while the controllers were creating pods. The EndpointSlice controller fills their slices from
  // the pods already there.
  await inParallel(work, Math.min(concurrency, 8), (w) => api.create(`/api/v1/namespaces/${w.ns}/services`, service(w.ns, w.name, prefix)));
  const created = Date.now();

  if (waitReady) {
    await waitFor(
      async () => {
        const list = await api.ok<DeploymentList>('GET', `/apis/apps/v1/deployments?labelSelector=${encodeURIComponent(`${SEED_LABEL}=${prefix}`)}`);
        const ready = list.items.reduce((sum, d) => sum + (d.status?.readyReplicas ?? 0), 0);
        return ready >= pods || undefined;
      },
      { timeoutMs, what: `${pods} seeded pods to be ready`, intervalMs: pods > 1000 ? 2000 : 200 },
    );
  }
  return {
    namespaces,
    deployments: work.length,
    services: work.length,
    pods,
    nodes,
    createSeconds: (created - started) / 1000,
    readySeconds: (Date.now() - started) / 1000,
  };
}
