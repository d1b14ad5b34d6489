// What a cached Pod keeps: everything the tree row, its tooltip, the container rows, the kind
// counts and the indexes read (kinds/summary/podSummary.ts, tree/nodeFactory.ts, watch/indexes.ts),
// and what diagnosis reads (kube/diagnosis/podShape.ts: phase and conditions, container states and
// last states with reasons, exit codes and the times a container finished, restarts, node, owners,
// deletion, container names, images and memory limits — "OOMKilled at the 64Mi limit" — and the
// restart policy), and the CPU and memory requests and limits resource usage is shown beside
// (kube/metrics/usageMath.ts). Everything else (volumes, env, probes, other resources,
// tolerations, container and image ids, annotations) is read by GETting the pod when the user
// opens it.
//
// Timestamps are kept only where they do not break sharing: a terminated state's start/finish
// (healthy pods have running states, kept as `{}`) and the transition time of a condition that is
// not True, or of DisruptionTarget (a healthy pod's conditions are all True, shared by every pod
// of its ReplicaSet; a pod with DisruptionTarget is being evicted or preempted).
//
// Per pod only its own values remain (name, uid, resourceVersion, pod IP, message); the rest is
// pooled: pods of one ReplicaSet share their container list, owner reference, label set,
// conditions and (while healthy) container statuses.
import type { KubeObject } from '../types';
import type { Pool } from './internPool';
import { projectMeta } from './metaProjection';

interface State {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: { reason?: string; exitCode?: number; signal?: number; message?: string; startedAt?: string; finishedAt?: string };
}
interface ContainerStatusIn {
  name?: string;
  ready?: boolean;
  restartCount?: number;
  image?: string;
  started?: boolean;
  state?: State;
  lastState?: State;
}
interface CpuMemoryIn {
  cpu?: string;
  memory?: string;
}
interface ContainerIn {
  name?: string;
  image?: string;
  restartPolicy?: string;
  resources?: { requests?: CpuMemoryIn; limits?: CpuMemoryIn };
}
interface CondIn {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export function projectPod(o: KubeObject, pool: Pool): KubeObject {
  const spec = (o.spec ?? {}) as { nodeName?: string; restartPolicy?: string; containers?: ContainerIn[]; initContainers?: ContainerIn[]; ephemeralContainers?: ContainerIn[] };
  const st = (o.status ?? {}) as {
    phase?: string;
    reason?: string;
    message?: string;
    podIP?: string;
    hostIP?: string;
    conditions?: CondIn[];
    containerStatuses?: ContainerStatusIn[];
    initContainerStatuses?: ContainerStatusIn[];
    ephemeralContainerStatuses?: ContainerStatusIn[];
  };
  const outSpec: Record<string, unknown> = {};
  if (spec.nodeName) outSpec.nodeName = pool.str(spec.nodeName);
  if (spec.restartPolicy) outSpec.restartPolicy = pool.str(spec.restartPolicy);
  if (Array.isArray(spec.containers)) outSpec.containers = pool.share(spec.containers.map((c) => container(c, pool)));
  if (Array.isArray(spec.initContainers) && spec.initContainers.length) outSpec.initContainers = pool.share(spec.initContainers.map((c) => container(c, pool)));
  // Debug containers (kubectl debug): rare, kept so the tree lists them and a debug session sees them start.
  if (Array.isArray(spec.ephemeralContainers) && spec.ephemeralContainers.length) outSpec.ephemeralContainers = spec.ephemeralContainers.map((c) => container(c, pool));
  const status: Record<string, unknown> = {};
  if (st.phase !== undefined) status.phase = pool.str(st.phase);
  if (st.reason !== undefined) status.reason = pool.str(st.reason);
  if (st.message !== undefined) status.message = st.message;
  if (st.podIP !== undefined) status.podIP = st.podIP;
  if (st.hostIP !== undefined) status.hostIP = pool.str(st.hostIP);
  if (Array.isArray(st.conditions)) status.conditions = pool.share(st.conditions.map((c) => condition(c, pool)));
  if (Array.isArray(st.containerStatuses)) status.containerStatuses = pool.share(st.containerStatuses.map((c) => containerStatus(c, pool)));
  if (Array.isArray(st.initContainerStatuses) && st.initContainerStatuses.length) status.initContainerStatuses = pool.share(st.initContainerStatuses.map((c) => containerStatus(c, pool)));
  if (Array.isArray(st.ephemeralContainerStatuses) && st.ephemeralContainerStatuses.length) status.ephemeralContainerStatuses = st.ephemeralContainerStatuses.map((c) => containerStatus(c, pool));
  return Object.freeze({ metadata: projectMeta(o.metadata, pool), spec: Object.freeze(outSpec), status: Object.freeze(status) });
}

function container(c: ContainerIn, pool: Pool): ContainerIn {
  const out: ContainerIn = { name: pool.str(c.name), image: pool.str(c.image) };
  if (c.restartPolicy !== undefined) out.restartPolicy = pool.str(c.restartPolicy);
  // Container lists are shared per ReplicaSet, so keeping these costs nothing per pod.
  const requests = cpuMemory(c.resources?.requests, pool);
  const limits = cpuMemory(c.resources?.limits, pool);
  if (requests || limits) out.resources = { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) };
  return out;
}

function cpuMemory(r: CpuMemoryIn | undefined, pool: Pool): CpuMemoryIn | undefined {
  const out: CpuMemoryIn = {};
  // Quantities arrive as strings; a number (hand-written YAML through another client) is kept as its text.
  if (r?.cpu !== undefined && r.cpu !== null) out.cpu = pool.str(String(r.cpu));
  if (r?.memory !== undefined && r.memory !== null) out.memory = pool.str(String(r.memory));
  return out.cpu === undefined && out.memory === undefined ? undefined : out;
}

/** type/status/reason/message (transition and probe times are read in the YAML view). */
export function condition(c: CondIn, pool: Pool): CondIn {
  const out: CondIn = { type: pool.str(c.type), status: pool.str(c.status) };
  if (c.reason) out.reason = pool.str(c.reason);
  if (c.message) out.message = pool.str(c.message);
  if (c.lastTransitionTime && (c.status !== 'True' || c.type === 'DisruptionTarget')) out.lastTransitionTime = pool.str(c.lastTransitionTime);
  return out;
}

function containerStatus(c: ContainerStatusIn, pool: Pool): ContainerStatusIn {
  const out: ContainerStatusIn = { name: pool.str(c.name), ready: c.ready === true, restartCount: c.restartCount ?? 0, image: pool.str(c.image) };
  if (c.started !== undefined) out.started = c.started;
  const s = state(c.state, pool);
  if (s) out.state = s;
  const last = state(c.lastState, pool);
  if (last) out.lastState = last;
  return out;
}

function state(s: State | undefined, pool: Pool): State | undefined {
  if (!s || typeof s !== 'object') return undefined;
  if (s.running) return { running: {} };
  if (s.terminated) {
    const t = s.terminated;
    const out: NonNullable<State['terminated']> = {};
    if (t.reason !== undefined) out.reason = pool.str(t.reason);
    if (t.exitCode !== undefined) out.exitCode = t.exitCode;
    if (t.signal !== undefined) out.signal = t.signal;
    if (t.message !== undefined) out.message = pool.str(t.message);
    if (t.startedAt !== undefined) out.startedAt = pool.str(t.startedAt);
    if (t.finishedAt !== undefined) out.finishedAt = pool.str(t.finishedAt);
    return { terminated: out };
  }
  if (s.waiting) {
    const w = s.waiting;
    const out: NonNullable<State['waiting']> = {};
    if (w.reason !== undefined) out.reason = pool.str(w.reason);
    if (w.message !== undefined) out.message = pool.str(w.message);
    return { waiting: out };
  }
  return undefined;
}
