// The scheduler's reason a pod does not fit, from its FailedScheduling message or the PodScheduled
// condition's (the same text): "0/3 nodes are available: 1 node(s) had untolerated taint
// {node-role.kubernetes.io/control-plane: }, 2 Insufficient memory. preemption: 0/3 nodes are
// available: …" (kube-scheduler's FitError.Error(), plugins' reason strings: NodeResourcesFit
// "Insufficient cpu", TaintToleration "node(s) had untolerated taint {k: v}", NodeAffinity
// "node(s) didn't match Pod's node affinity/selector", VolumeBinding "pod has unbound immediate
// PersistentVolumeClaims" / "node(s) didn't find available persistent volumes to bind",
// NodeUnschedulable "node(s) were unschedulable", NodePorts "node(s) didn't have free ports …").

export type SchedulingProblem = 'resources' | 'taints' | 'affinity' | 'volumes' | 'cordoned' | 'ports' | 'no-nodes' | 'other';

export interface SchedulingReason {
  problems: SchedulingProblem[];
  /** The per-node reasons, without the preemption part ("1 node(s) had untolerated taint …"). */
  reasons: string[];
  summary: string;
  next: string;
}

const NEXT: Readonly<Record<SchedulingProblem, string>> = {
  resources: 'Lower the pod\'s requests, free capacity (scale down other workloads) or add nodes; `kubectl describe nodes` shows what is allocated.',
  taints: 'Add a toleration for the taint to the pod, or schedule onto nodes without it.',
  affinity: 'No node has the labels the pod\'s nodeSelector/affinity asks for: fix the selector or label a node (`kubectl label node NODE key=value`).',
  volumes: 'A PersistentVolumeClaim is not bound: check the claim (`kubectl describe pvc`), its StorageClass and provisioner, or that a matching PersistentVolume exists.',
  cordoned: 'The nodes are cordoned: `kubectl uncordon NODE` once maintenance is over, or add nodes.',
  ports: 'The requested hostPort is taken on every node: drop hostPort or use another port.',
  'no-nodes': 'The cluster has no nodes the scheduler can use: add nodes or check that they are Ready.',
  other: 'Read the scheduler\'s message below.',
};

export function schedulingReason(message: string): SchedulingReason {
  // The preemption part repeats the counts and only says whether evicting others would help.
  const main = message.split(/\.\s*preemption:/i)[0] ?? message;
  const afterColon = main.includes(':') ? main.slice(main.indexOf(':') + 1) : main;
  const reasons = afterColon
    .split(/,\s*(?=\d+\s)/)
    .map((s) => s.trim().replace(/\.$/, ''))
    .filter(Boolean);
  const problems = new Set<SchedulingProblem>();
  const m = message;
  if (/Insufficient \w+|Too many pods/i.test(m)) problems.add('resources');
  if (/untolerated taint|had taint/i.test(m)) problems.add('taints');
  if (/node affinity|selector|didn't match Pod's node/i.test(m)) problems.add('affinity');
  if (/PersistentVolumeClaim|persistentvolumeclaim|persistent volumes|volume node affinity|unbound/i.test(m)) problems.add('volumes');
  if (/were unschedulable/i.test(m)) problems.add('cordoned');
  if (/free ports/i.test(m)) problems.add('ports');
  if (/no nodes available|0\/0 nodes/i.test(m)) problems.add('no-nodes');
  if (!problems.size) problems.add('other');
  const list = [...problems];
  const words: Readonly<Record<SchedulingProblem, string>> = {
    resources: 'not enough resources',
    taints: 'untolerated taints',
    affinity: 'no node matches the selector/affinity',
    volumes: 'volume not bound',
    cordoned: 'nodes cordoned',
    ports: 'host port taken',
    'no-nodes': 'no nodes',
    other: 'no node fits',
  };
  return {
    problems: list,
    reasons: reasons.length ? reasons : [message],
    summary: list.map((p) => words[p]).join(', '),
    next: list.map((p) => NEXT[p]).join(' '),
  };
}
