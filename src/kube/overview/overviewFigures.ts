// One context's line in the cross-cluster overview, computed from cached objects: nodes ready of
// total (and cordoned), pods by phase the way `kubectl get pods` words them, pods that need
// attention with their root cause, and counts of kinds the user picked. Pure, so the numbers are
// checked against kubectl in the cluster tier and against fixtures here.
import { summarize } from '../kinds/summary';
import type { KubeObject } from '../kinds/types';

export interface NodeFigures {
  total: number;
  ready: number;
  cordoned: number;
}

export interface PodFigures {
  total: number;
  /** By status.phase: Running, Pending, Succeeded, Failed, Unknown. */
  byPhase: Record<string, number>;
  /** Pods whose row is a warning or an error (CrashLoopBackOff, ImagePullBackOff, Unschedulable…). */
  attention: number;
}

/** A layer the user may not list, or that failed: why, instead of a number. */
export interface Refused {
  refused: string;
}

export function nodeFigures(nodes: Iterable<KubeObject>): NodeFigures {
  const out: NodeFigures = { total: 0, ready: 0, cordoned: 0 };
  for (const n of nodes) {
    out.total++;
    const ready = ((n.status as { conditions?: { type?: string; status?: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
    if (ready) out.ready++;
    if ((n.spec as { unschedulable?: boolean } | undefined)?.unschedulable) out.cordoned++;
  }
  return out;
}

/** Pods a row counts as needing attention: warnings and errors (a caller may add, e.g., diagnosed pending pods). */
export type AttentionTest = (pod: KubeObject, severity: string | undefined) => boolean;

const warnOrError: AttentionTest = (_pod, sev) => sev === 'error' || sev === 'warning';

export function podFigures(pods: Iterable<KubeObject>, needsAttention: AttentionTest = warnOrError): PodFigures {
  const out: PodFigures = { total: 0, byPhase: {}, attention: 0 };
  for (const p of pods) {
    out.total++;
    const phase = (p.status as { phase?: string } | undefined)?.phase ?? 'Unknown';
    out.byPhase[phase] = (out.byPhase[phase] ?? 0) + 1;
    if (needsAttention(p, summarize('Pod', p).severity)) out.attention++;
  }
  return out;
}

const PHASE_ORDER = ['Running', 'Pending', 'Succeeded', 'Failed', 'Unknown'];

/** `40 running · 1 pending · 1 failed`: phases in kubectl's order, empty ones left out. */
export function phaseText(f: PodFigures): string {
  const phases = Object.keys(f.byPhase).sort((a, b) => (PHASE_ORDER.indexOf(a) + 1 || 99) - (PHASE_ORDER.indexOf(b) + 1 || 99));
  return phases.map((p) => `${f.byPhase[p]} ${p.toLowerCase()}`).join(' · ');
}

/** The context row's description: version, nodes, pods, attention. */
export function summaryLine(version: string | undefined, nodes: NodeFigures | Refused | undefined, pods: PodFigures | Refused | undefined): string {
  const parts: string[] = [];
  if (version) parts.push(version);
  if (nodes && !('refused' in nodes)) parts.push(`${nodes.ready}/${nodes.total} nodes ready`);
  if (pods && !('refused' in pods)) {
    parts.push(`${pods.total} pod${pods.total === 1 ? '' : 's'}`);
    if (pods.attention) parts.push(`${pods.attention} need${pods.attention === 1 ? 's' : ''} attention`);
  }
  return parts.join(' · ');
}
