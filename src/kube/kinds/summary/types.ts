// What the tree shows about one object, computed by pure functions from the object alone (tested
// on JSON fixtures), so every view renders a Pod or a Deployment the same way.

export type Severity = 'ok' | 'progress' | 'warning' | 'error' | 'done' | 'neutral';

export interface ObjectSummary {
  /** Short state, e.g. `Running`, `CrashLoopBackOff`, `2/3`, `Active`. */
  status: string;
  severity: Severity;
  /** e.g. `2/3` ready containers or replicas. */
  ready?: string;
  restarts?: number;
  /** Extra facts for the tooltip, one per line (`Node: kwok-node-0`). */
  details: string[];
}
