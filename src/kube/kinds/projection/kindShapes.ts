// The fields each kind's tree row reads (kinds/summary/*), plus the few the next features are
// known to need (selectors for the topology graph, taints and addresses for diagnosis). Keyed by
// resource id; a kind not listed keeps its status conditions (summarizeGeneric reads the
// Ready/Available one: most custom resources have it).
import type { Shape } from './pick';

const COND: Shape = [{ type: 'str', status: 'str', reason: 'str', message: 'str' }];
const ROLLING: Shape = { type: 'str', rollingUpdate: { partition: 'keep' } };

export const KIND_SHAPES: Readonly<Record<string, { spec?: Shape; status?: Shape }>> = {
  // Workloads also keep what `kubectl rollout status` reads (kinds/summary/rolloutProgress.ts):
  // observedGeneration, the update strategy, and the StatefulSet's revisions.
  'deployments.apps': {
    spec: { replicas: 'keep', paused: 'keep', selector: 'share' },
    status: { observedGeneration: 'keep', replicas: 'keep', readyReplicas: 'keep', updatedReplicas: 'keep', availableReplicas: 'keep', conditions: COND },
  },
  'statefulsets.apps': {
    spec: { replicas: 'keep', selector: 'share', updateStrategy: ROLLING },
    status: {
      observedGeneration: 'keep',
      replicas: 'keep',
      readyReplicas: 'keep',
      availableReplicas: 'keep',
      updatedReplicas: 'keep',
      currentReplicas: 'keep',
      currentRevision: 'str',
      updateRevision: 'str',
    },
  },
  'replicasets.apps': { spec: { replicas: 'keep', selector: 'share' }, status: { replicas: 'keep', readyReplicas: 'keep', availableReplicas: 'keep' } },
  'daemonsets.apps': {
    spec: { selector: 'share', updateStrategy: ROLLING },
    status: { observedGeneration: 'keep', desiredNumberScheduled: 'keep', currentNumberScheduled: 'keep', numberReady: 'keep', numberAvailable: 'keep', updatedNumberScheduled: 'keep' },
  },
  'jobs.batch': {
    spec: { completions: 'keep', parallelism: 'keep', suspend: 'keep' },
    status: { active: 'keep', succeeded: 'keep', failed: 'keep', conditions: COND },
  },
  'cronjobs.batch': { spec: { schedule: 'str', suspend: 'keep' }, status: { active: 'keep', lastScheduleTime: 'keep' } },
  services: { spec: { type: 'str', clusterIP: 'keep', ports: 'share', selector: 'share', externalName: 'keep' } },
  nodes: {
    spec: { unschedulable: 'keep', taints: 'share' },
    // allocatable: what usage is a percentage of (kubectl top node).
    status: { conditions: COND, nodeInfo: { kubeletVersion: 'str' }, addresses: 'keep', allocatable: 'share' },
  },
  namespaces: { status: { phase: 'str' } },
  // ClusterManager follows CRDs to rediscover kinds: names, group, scope, versions, Established.
  'customresourcedefinitions.apiextensions.k8s.io': {
    spec: { group: 'keep', names: 'keep', scope: 'keep', versions: [{ name: 'keep', served: 'keep', storage: 'keep' }] },
    status: { conditions: COND },
  },
};

export const GENERIC_SHAPE: { spec?: Shape; status?: Shape } = { status: { conditions: COND } };
