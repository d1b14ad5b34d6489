import type { KubeObject } from '../types';
import { summarizeGeneric, summarizeNamespace, summarizeNode, summarizeService } from './otherSummary';
import { summarizePod } from './podSummary';
import type { ObjectSummary } from './types';
import { summarizeCronJob, summarizeDaemonSet, summarizeDeployment, summarizeJob, summarizeReplicated, summarizeStatefulSet } from './workloadSummary';

export type { ObjectSummary, Severity } from './types';
export { formatAge } from './age';
export { type RolloutProgress, rolloutProgress } from './rolloutProgress';

const BY_KIND: Readonly<Record<string, (o: KubeObject) => ObjectSummary>> = {
  Pod: summarizePod,
  Deployment: summarizeDeployment,
  StatefulSet: summarizeStatefulSet,
  ReplicaSet: summarizeReplicated,
  DaemonSet: summarizeDaemonSet,
  Job: summarizeJob,
  CronJob: summarizeCronJob,
  Service: summarizeService,
  Node: summarizeNode,
  Namespace: summarizeNamespace,
};

/** Summary of any object; `kind` is passed because list items may lack their own kind field. */
export function summarize(kind: string, o: KubeObject): ObjectSummary {
  return (BY_KIND[kind] ?? summarizeGeneric)(o);
}
