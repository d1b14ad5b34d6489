// A synthetic cluster for the diagnosis bench, as the apiserver would send it (list items with
// managedFields, annotations, volumes, probes, container ids: test/unit/fixtures/objects.ts's
// running pod): 20,000 pods — one Deployment of 2,000 pods in ns-0, then 180 namespaces of five
// 20-pod Deployments — a fifth of them failing in five ways as the kubelet and scheduler report
// them (image pull not found, CrashLoopBackOff after OOMKilled, unschedulable, missing ConfigMap,
// CrashLoopBackOff exit 1), and 50,000 core/v1 Events: 8 per failing pod (the Warning that
// explains it and the kubelet's Normal ones), 4 per healthy pod for the first 4,500 healthy pods.
import type { KubeObject } from '../src/kube/kinds/types';
import { runningPod } from '../test/unit/fixtures/objects';

export interface World {
  pods: KubeObject[];
  events: KubeObject[];
  replicaSets: KubeObject[];
  deployments: KubeObject[];
  /** The 2,000-pod Deployment the roll-up figure diagnoses. */
  big: KubeObject;
  failing: number;
}

const FAILURES = ['pull', 'oom', 'unschedulable', 'config', 'crash'] as const;
type Failure = (typeof FAILURES)[number];

function meta(name: string, ns: string, uid: string): Record<string, unknown> {
  return { name, namespace: ns, uid, resourceVersion: '1000', creationTimestamp: '2026-03-02T10:00:00Z' };
}

function deployment(ns: string, name: string, replicas: number): { d: KubeObject; rs: KubeObject } {
  const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(name, ns, `dep-${ns}-${name}`), spec: { replicas }, status: { replicas, readyReplicas: Math.round(replicas * 0.8) } } as unknown as KubeObject;
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { ...meta(`${name}-7d9f8c6b5d`, ns, `rs-${ns}-${name}`), ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, uid: `dep-${ns}-${name}`, controller: true }] } } as unknown as KubeObject;
  return { d, rs };
}

function pod(ns: string, rs: KubeObject, k: number, n: number, failure: Failure | undefined): KubeObject {
  const name = `${rs.metadata.name}-${k.toString(36).padStart(5, '0')}`;
  const p = structuredClone(runningPod(name, { uid: `pod-${ns}-${name}`, node: `node-${n % 500}`, ip: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}` })) as unknown as { metadata: Record<string, unknown>; spec: Record<string, unknown>; status: Record<string, unknown> };
  p.metadata.namespace = ns;
  p.metadata.ownerReferences = [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }];
  const st = p.status as { phase: string; conditions: { type: string; status: string; reason?: string; message?: string }[]; containerStatuses: Record<string, unknown>[] };
  const app = st.containerStatuses[0] as Record<string, unknown>;
  const notReady = (): void => {
    for (const c of st.conditions) if (c.type === 'Ready' || c.type === 'ContainersReady') Object.assign(c, { status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [app]' });
    app.ready = false;
    app.started = false;
  };
  if (failure === 'pull') {
    st.phase = 'Pending';
    notReady();
    app.state = { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example.com/shop/web:1.4.3"' } };
  } else if (failure === 'oom' || failure === 'crash') {
    notReady();
    app.restartCount = 7;
    app.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off 5m0s restarting failed container=app pod=${name}_${ns}(x)` } };
    app.lastState = { terminated: { exitCode: failure === 'oom' ? 137 : 1, reason: failure === 'oom' ? 'OOMKilled' : 'Error', startedAt: '2026-03-02T11:57:50Z', finishedAt: '2026-03-02T11:57:58Z', containerID: `containerd://${'e'.repeat(64)}` } };
  } else if (failure === 'unschedulable') {
    delete p.spec.nodeName;
    st.phase = 'Pending';
    st.conditions = [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: "0/500 nodes are available: 500 node(s) didn't match Pod's node affinity/selector. preemption: 0/500 nodes are available: 500 Preemption is not helpful for scheduling." }];
    delete (st as Record<string, unknown>).containerStatuses;
    delete (st as Record<string, unknown>).podIP;
  } else if (failure === 'config') {
    st.phase = 'Pending';
    notReady();
    app.state = { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "web-config" not found' } };
  }
  return p as unknown as KubeObject;
}

function event(p: KubeObject, i: number, reason: string, message: string, type: string, component: string, container: boolean, at: string): KubeObject {
  const ns = p.metadata.namespace ?? '';
  const name = `${p.metadata.name}.${(0x17f00000 + i).toString(16)}`;
  return {
    metadata: { ...meta(name, ns, `ev-${i}`), managedFields: [{ manager: component, operation: 'Update', apiVersion: 'v1', time: at, fieldsType: 'FieldsV1', fieldsV1: { 'f:count': {}, 'f:lastTimestamp': {}, 'f:message': {} } }] },
    involvedObject: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid, apiVersion: 'v1', resourceVersion: '1000', ...(container ? { fieldPath: 'spec.containers{app}' } : {}) },
    reason,
    message,
    source: { component, ...(component === 'kubelet' ? { host: (p.spec as { nodeName?: string }).nodeName } : {}) },
    firstTimestamp: '2026-03-02T10:00:05Z',
    lastTimestamp: at,
    count: type === 'Warning' ? 14 : 1,
    type,
    eventTime: null,
    reportingComponent: component,
    reportingInstance: component === 'kubelet' ? (p.spec as { nodeName?: string }).nodeName ?? '' : '',
  } as unknown as KubeObject;
}

const NORMAL: [string, string][] = [
  ['Scheduled', 'Successfully assigned shop/{pod} to {node}'],
  ['Pulled', 'Container image "registry.example.com/shop/web:1.4.2" already present on machine'],
  ['Created', 'Created container: app'],
  ['Started', 'Started container app'],
];

function eventsFor(p: KubeObject, failure: Failure | undefined, next: () => number): KubeObject[] {
  const node = (p.spec as { nodeName?: string }).nodeName ?? '';
  const normal = NORMAL.map(([r, m]) => event(p, next(), r, m.replace('{pod}', p.metadata.name ?? '').replace('{node}', node), 'Normal', r === 'Scheduled' ? 'default-scheduler' : 'kubelet', r !== 'Scheduled', '2026-03-02T10:00:06Z'));
  if (!failure) return normal;
  const warn = (reason: string, message: string, container = true, component = 'kubelet') => event(p, next(), reason, message, 'Warning', component, container, '2026-03-02T11:58:00Z');
  const w: KubeObject[] =
    failure === 'pull'
      ? [warn('Failed', 'Failed to pull image "registry.example.com/shop/web:1.4.3": rpc error: code = NotFound desc = failed to pull and unpack image "registry.example.com/shop/web:1.4.3": failed to resolve reference "registry.example.com/shop/web:1.4.3": registry.example.com/shop/web:1.4.3: not found'), warn('Failed', 'Error: ErrImagePull'), warn('BackOff', 'Back-off pulling image "registry.example.com/shop/web:1.4.3"'), warn('Failed', 'Error: ImagePullBackOff')]
      : failure === 'unschedulable'
        ? [warn('FailedScheduling', "0/500 nodes are available: 500 node(s) didn't match Pod's node affinity/selector. preemption: 0/500 nodes are available: 500 Preemption is not helpful for scheduling.", false, 'default-scheduler'), warn('FailedScheduling', '0/500 nodes are available: 500 node(s) were unschedulable.', false, 'default-scheduler'), warn('FailedScheduling', "0/499 nodes are available: 499 node(s) didn't match Pod's node affinity/selector.", false, 'default-scheduler'), warn('NotTriggerScaleUp', "pod didn't trigger scale-up", false, 'cluster-autoscaler')]
        : failure === 'config'
          ? [warn('Failed', 'Error: configmap "web-config" not found'), warn('Failed', 'Error: configmap "web-config" not found'), warn('FailedMount', 'MountVolume.SetUp failed for volume "config" : configmap "web-config" not found', false), warn('Failed', 'Error: configmap "web-config" not found')]
          : [warn('BackOff', `Back-off restarting failed container app in pod ${p.metadata.name}_${p.metadata.namespace}(x)`), warn('Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503'), warn('Killing', 'Container app failed liveness probe, will be restarted'), warn('BackOff', 'Back-off restarting failed container app')];
  return [...normal, ...w];
}

export function buildWorld(): World {
  const w: World = { pods: [], events: [], replicaSets: [], deployments: [], big: undefined as unknown as KubeObject, failing: 0 };
  let n = 0;
  let healthyWithEvents = 0;
  let ev = 0;
  const next = (): number => ev++;
  const add = (ns: string, name: string, replicas: number): KubeObject => {
    const { d, rs } = deployment(ns, name, replicas);
    w.deployments.push(d);
    w.replicaSets.push(rs);
    for (let k = 0; k < replicas; k++, n++) {
      // Every fifth pod fails, the five ways in turn.
      const failure = n % 5 === 4 ? FAILURES[(n / 5) % 5 | 0] : undefined;
      const p = pod(ns, rs, k, n, failure);
      w.pods.push(p);
      if (failure) {
        w.failing++;
        w.events.push(...eventsFor(p, failure, next));
      } else if (healthyWithEvents < 4_500) {
        healthyWithEvents++;
        w.events.push(...eventsFor(p, undefined, next));
      }
    }
    return d;
  };
  w.big = add('ns-0', 'big', 2_000);
  for (let s = 1; s <= 180; s++) for (let d = 0; d < 5; d++) add(`ns-${s}`, `web-${d}`, 20);
  return w;
}
