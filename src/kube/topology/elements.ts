// The graph elements that several Services can share: a pod (reached by two Services' slices or
// selectors), a cluster Node (under many pods) and a ghost (an endpoint's pod that is gone). Each
// is a pure function of its own objects plus what the Services add to it (their "extras"), so the
// model (graphModel.ts) recomputes one when one of those changed, not when any Service did.
import type { KubeObject } from '../kinds/types';
import { type Health, nodeId, type TopoNode } from './graphTypes';
import { description, nodeHealth, notReadyReason, podNode, podReady, podState, podStatus } from './readers';
import type { StoreView } from './sources';

const RANK: Record<Health, number> = { ok: 0, info: 1, warning: 2, error: 3 };

/** Adds a problem (once) and raises the element's health to at least `health`. */
export function addProblem(n: TopoNode, health: Health, text: string): void {
  if (!n.problems.includes(text)) n.problems.push(text);
  if (RANK[health] > RANK[n.health]) n.health = health;
}

/** A cluster Node as its pods see it: Ready / NotReady / cordoned, gone, or unknown (not listable). */
export function nodeElement(name: string, nodes: StoreView | undefined): TopoNode {
  const n: TopoNode = { id: nodeId('Node', undefined, name), kind: 'Node', name, health: 'ok', status: 'Ready', problems: [], details: [] };
  if (!nodes) {
    n.status = 'unknown';
    n.health = 'info';
    n.problems.push('Not visible: Nodes cannot be listed, so its state is unknown');
    return n;
  }
  const node = nodes.get(name);
  if (!node) {
    n.status = 'Gone';
    addProblem(n, 'error', 'Pods are bound to this node, but it no longer exists');
    return n;
  }
  const h = nodeHealth(node);
  n.status = [h.ready ? 'Ready' : 'NotReady', h.cordoned ? 'cordoned' : ''].filter(Boolean).join(', ');
  for (const why of h.problems) addProblem(n, h.ready ? 'warning' : 'error', why);
  const kubelet = (node.status as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion;
  if (kubelet) n.details.push(['Kubelet', kubelet]);
  return n;
}

/**
 * A pod: its state, its node's problems, the slices that list it (names, sorted), then what the
 * Services that reach it add (`extras`, warnings, in the order of the Services' keys).
 */
export function podElement(pod: KubeObject, node: TopoNode | undefined, listedIn: readonly string[], extras: readonly string[]): TopoNode {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const nodeName = podNode(pod);
  const st = podStatus(pod);
  const details: [string, string][] = [
    ['Phase', st.phase ?? 'Unknown'],
    ['Pod IP', st.podIP ?? '—'],
    ['Node', nodeName ?? 'not scheduled'],
  ];
  if (listedIn.length) details.push(['Listed in', listedIn.join(', ')]);
  const desc = description(pod);
  if (desc) details.push(['Description', desc]);
  const p: TopoNode = { id: nodeId('Pod', ns, name), kind: 'Pod', name, namespace: ns, health: 'ok', status: podState(pod), problems: [], details };
  if (!podReady(pod)) addProblem(p, 'warning', `Not ready: ${notReadyReason(pod)}`);
  if (node) for (const why of node.problems) if (!why.startsWith('Not visible')) addProblem(p, node.health === 'error' ? 'error' : 'warning', `Runs on node ${nodeName}: ${why}`);
  for (const x of extras) addProblem(p, 'warning', x);
  return p;
}

/** What one slice's endpoint says about a pod that is gone. */
export interface GhostPart {
  name: string;
  namespace: string;
  addresses: string;
  text: string;
}

/** The id of the ghost of pod `namespace/name` (a pod of that name may exist again: its own id differs). */
export function ghostId(podKey: string): string {
  return `Pod:${podKey}#gone`;
}

/** A gone pod, from what the slices pointing at it say (in the order of their Services' keys, then slices'). */
export function ghostElement(id: string, parts: readonly GhostPart[]): TopoNode {
  const first = parts[0]!;
  const g: TopoNode = { id, kind: 'Pod', name: first.name, namespace: first.namespace, health: 'error', status: 'Gone', problems: [], details: [['Addresses', first.addresses]], ghost: true };
  for (const part of parts) addProblem(g, 'error', part.text);
  return g;
}
