// A Service's port → a ready pod and the port number on it, the way the Service's own traffic is
// routed: the EndpointSlices of the Service (label kubernetes.io/service-name) list the ready pods
// and the resolved target port (a named targetPort is already a number there). The watch cache
// keeps EndpointSlices as metadata only, so they are read (GET) when a forward needs a pod.
import type { KubeTransport } from '../transport/types';
import type { PodPort } from './portForwardStream';

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}

interface EndpointSlice {
  ports?: { name?: string; port?: number; protocol?: string }[] | null;
  endpoints?: { conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean }; targetRef?: { kind?: string; name?: string; namespace?: string } }[] | null;
}

/** The Service port a user asked for (its number or name), or its only port. */
export function pickServicePort(ports: readonly ServicePort[], wanted: number | string | undefined): ServicePort | undefined {
  if (wanted === undefined) return ports.length === 1 ? ports[0] : undefined;
  return ports.find((p) => p.port === wanted || (p.name !== undefined && p.name === wanted));
}

/** The ready pods behind one Service port, from its EndpointSlices (pure, for tests). */
export function readyPodsOf(slices: readonly EndpointSlice[], port: ServicePort): { pod: string; port: number }[] {
  const out: { pod: string; port: number }[] = [];
  for (const s of slices) {
    const p = (s.ports ?? []).find((x) => (x.name ?? '') === (port.name ?? '') && (x.protocol ?? 'TCP') === (port.protocol ?? 'TCP'));
    if (!p?.port) continue;
    for (const e of s.endpoints ?? []) {
      if (e.conditions?.ready === false || e.conditions?.terminating) continue;
      if (e.targetRef?.kind !== 'Pod' || !e.targetRef.name) continue;
      out.push({ pod: e.targetRef.name, port: p.port });
    }
  }
  return out;
}

export async function resolveServicePod(transport: KubeTransport, namespace: string, service: string, wanted: number | string | undefined, avoid: ReadonlySet<string> = new Set()): Promise<PodPort> {
  const ns = encodeURIComponent(namespace);
  const svc = await transport.request<{ spec?: { ports?: ServicePort[]; selector?: Record<string, string> } }>({ path: `/api/v1/namespaces/${ns}/services/${encodeURIComponent(service)}` });
  const port = pickServicePort(svc.spec?.ports ?? [], wanted);
  if (!port) throw new Error(`Service ${namespace}/${service} has no port ${wanted ?? '(it has several: pick one)'}`);
  const list = await transport.request<{ items?: EndpointSlice[] }>({
    path: `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices`,
    query: { labelSelector: `kubernetes.io/service-name=${service}` },
  });
  const ready = readyPodsOf(list.items ?? [], port).filter((p) => !avoid.has(p.pod));
  const chosen = ready[0];
  if (!chosen) throw new Error(`No ready pod behind Service ${namespace}/${service} port ${port.name ?? port.port}`);
  return { namespace, pod: chosen.pod, port: chosen.port };
}
