// Services, Nodes, Namespaces and the fallback for every other kind (CRDs included).
import type { KubeObject } from '../types';
import type { ObjectSummary } from './types';

type Cond = { type: string; status: string; reason?: string; message?: string };

export function summarizeService(o: KubeObject): ObjectSummary {
  const spec = (o.spec ?? {}) as { type?: string; clusterIP?: string; ports?: { port: number; protocol?: string; targetPort?: unknown; nodePort?: number }[] };
  const ports = (spec.ports ?? []).map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',');
  return {
    status: `${spec.type ?? 'ClusterIP'}${ports ? ` ${ports}` : ''}`,
    severity: 'neutral',
    details: [`Cluster IP: ${spec.clusterIP ?? 'None'}`, `Ports: ${ports || 'none'}`],
  };
}

export function summarizeNode(o: KubeObject): ObjectSummary {
  const status = (o.status ?? {}) as { conditions?: Cond[]; nodeInfo?: { kubeletVersion?: string } };
  const spec = (o.spec ?? {}) as { unschedulable?: boolean };
  const ready = (status.conditions ?? []).find((c) => c.type === 'Ready');
  const pressures = (status.conditions ?? []).filter((c) => c.type !== 'Ready' && c.status === 'True').map((c) => c.type);
  let text = ready?.status === 'True' ? 'Ready' : ready ? 'NotReady' : 'Unknown';
  if (spec.unschedulable) text += ',SchedulingDisabled';
  const roles = Object.keys(o.metadata.labels ?? {})
    .filter((l) => l.startsWith('node-role.kubernetes.io/'))
    .map((l) => l.slice('node-role.kubernetes.io/'.length));
  return {
    status: text,
    severity: ready?.status === 'True' ? (pressures.length || spec.unschedulable ? 'warning' : 'ok') : 'error',
    details: [`Roles: ${roles.join(',') || '<none>'}`, `Version: ${status.nodeInfo?.kubeletVersion ?? '?'}`, ...pressures.map((p) => `Condition: ${p}`)],
  };
}

export function summarizeNamespace(o: KubeObject): ObjectSummary {
  const phase = ((o.status ?? {}) as { phase?: string }).phase ?? 'Active';
  return { status: phase, severity: phase === 'Active' ? 'neutral' : 'progress', details: [] };
}

/** Anything else: a Ready condition if it has one (most CRDs do), else nothing but its age. */
export function summarizeGeneric(o: KubeObject): ObjectSummary {
  const conds = ((o.status ?? {}) as { conditions?: Cond[] }).conditions;
  const ready = Array.isArray(conds) ? conds.find((c) => c.type === 'Ready' || c.type === 'Available') : undefined;
  if (!ready) return { status: '', severity: 'neutral', details: [] };
  const ok = ready.status === 'True';
  return { status: ok ? ready.type : `${ready.type}=${ready.status}${ready.reason ? ` (${ready.reason})` : ''}`, severity: ok ? 'ok' : 'warning', details: ready.message ? [ready.message] : [] };
}
