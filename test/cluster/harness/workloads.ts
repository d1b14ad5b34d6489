// Small workloads for tests: a namespace with a Deployment and its Service, awaited through the
// real controllers (rollout → scheduled pods → KWOK Running → EndpointSlices).
import type { ApiClient } from './http';
import { waitFor } from './wait';

export interface Pod {
  metadata: { name: string; namespace: string; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] };
  spec: { nodeName?: string; containers: { name: string }[] };
  status: { phase?: string; podIP?: string; conditions?: { type: string; status: string }[] };
}

export interface EndpointSlice {
  metadata: { name: string; labels?: Record<string, string> };
  endpoints?: { addresses: string[]; conditions?: { ready?: boolean }; targetRef?: { kind: string; name: string }; nodeName?: string }[];
}

export function isReady(pod: Pod): boolean {
  return pod.status.phase === 'Running' && (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

export async function createNamespace(api: ApiClient, name: string): Promise<void> {
  await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

/** Deletes the namespace without waiting: the namespace controller finishes in the background. */
export async function deleteNamespace(api: ApiClient, name: string): Promise<void> {
  await api.request('DELETE', `/api/v1/namespaces/${name}`);
}

/** Creates Deployment + Service `name` in `ns` and waits until `replicas` pods are ready. */
export async function deployWebApp(api: ApiClient, ns: string, name: string, replicas: number, timeoutMs = 60_000): Promise<Pod[]> {
  const labels = { app: name };
  await api.ok('POST', `/api/v1/namespaces/${ns}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace: ns },
    spec: { selector: labels, ports: [{ name: 'http', port: 80, targetPort: 8080 }] },
  });
  await api.ok('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns, labels },
    spec: {
      replicas,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'web', image: 'registry.invalid/kube-atlas/web:1.0', ports: [{ name: 'http', containerPort: 8080 }] }] } },
    },
  });
  return waitFor(
    async () => {
      const list = await api.ok<{ items: Pod[] }>('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=app%3D${name}`);
      const ready = list.items.filter(isReady);
      return ready.length === replicas && list.items.length === replicas ? ready : undefined;
    },
    { timeoutMs, what: `${replicas} ready pods of Deployment ${ns}/${name}` },
  );
}
