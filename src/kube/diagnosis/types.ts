// What a diagnosis says: one root cause (not a list of symptoms), the evidence that shows it with
// its timestamps, and the next step. Pure data: the tree row, the report and tests read it.

export type DiagnosisSeverity = 'error' | 'warning';

/** Where a piece of evidence was read. */
export type EvidenceSource = 'status' | 'condition' | 'event' | 'owner';

export interface Evidence {
  source: EvidenceSource;
  /** RFC 3339 time the fact was observed (event last seen, state finished, condition transition). */
  at?: string;
  text: string;
}

export interface Diagnosis {
  /** A stable code (`ImagePullNotFound`, `OOMKilled`, `Unschedulable`…) tests and icons key on. */
  code: string;
  severity: DiagnosisSeverity;
  /** One short line for the tree row (`OOMKilled: limit 64Mi`). */
  summary: string;
  /** The cause in a sentence or two. */
  detail: string;
  /** What to do next. */
  nextStep: string;
  evidence: Evidence[];
  /** The container it is about, if any (`init:` containers are named so). */
  container?: string;
  /** Objects involved (ConfigMap, Secret, PVC, node), for the report's links. */
  related?: RelatedObject[];
  /** False when events could not be read (RBAC): the cause rests on statuses alone. */
  eventsVisible?: boolean;
}

export interface RelatedObject {
  kind: string;
  name: string;
  namespace?: string;
}

/** A Kubernetes Event reduced to what diagnosis reads (core/v1 and events.k8s.io/v1 alike). */
export interface EventFact {
  uid?: string;
  /** Normal or Warning. */
  type?: string;
  reason: string;
  message: string;
  /** The newest time the event was seen (lastTimestamp, series.lastObservedTime or eventTime). */
  at?: string;
  count: number;
  /** Who reported it (default-scheduler, kubelet…). */
  source?: string;
  involvedUid?: string;
  involvedKind?: string;
  involvedName?: string;
  /** `spec.containers{app}` when the event is about one container. */
  fieldPath?: string;
  /** The event has expired from the cluster; diagnosis remembered it (evidenceMemory.ts). */
  expired?: boolean;
}
