// The topology graph as plain data: what the host computes from the watch cache and the webview
// draws. No functions, no class instances: it crosses postMessage as is. Every string in it that
// comes from the cluster (names, reasons, descriptions) is untrusted and drawn as text only.

export type TopoKind = 'Service' | 'EndpointSlice' | 'Pod' | 'Node' | 'PodGroup';
export type Health = 'ok' | 'info' | 'warning' | 'error';
/** The columns of the layered layout, in traffic order. */
export const LAYERS: readonly TopoKind[] = ['Service', 'EndpointSlice', 'Pod', 'Node'];

export interface TopoNode {
  /** `Kind:namespace/name` (Nodes `Node:name`, groups `PodGroup:namespace/slice` or `PodGroup:node`): stable across updates. */
  id: string;
  kind: TopoKind;
  name: string;
  namespace?: string;
  health: Health;
  /** A short state under the name: "Running", "3/4 ready", "cordoned". */
  status: string;
  /** Problems, each a reason in words. */
  problems: string[];
  /** Hover details, label → value. */
  details: [string, string][];
  /** Groups: how many pods it stands for. */
  count?: number;
  /** Groups: the slice or Node whose pods it folds (what "expand" names). */
  groupOf?: string;
  /** An endpoint's target that no longer exists. */
  ghost?: boolean;
}

export type EdgeKind = 'slice' | 'endpoint' | 'selects' | 'runs-on';

export interface TopoEdge {
  /** `from>to`: unique, since two elements have at most one edge between them. */
  id: string;
  from: string;
  to: string;
  kind: EdgeKind;
  /** Endpoint conditions (endpoint edges; a group edge: all of its endpoints). */
  ready?: boolean;
  serving?: boolean;
  terminating?: boolean;
  /** "http 80/TCP, metrics 9090/TCP" (endpoint edges), or a group's "37/40 ready". */
  label?: string;
}

/** A layer the user may not see (RBAC) or that failed: drawn as a named gap, not an empty panel. */
export interface TopoMissing {
  layer: Exclude<TopoKind, 'PodGroup'>;
  reason: string;
}

export interface TopoGraph {
  nodes: TopoNode[];
  edges: TopoEdge[];
  missing: TopoMissing[];
  /** Scope-wide remarks (a narrowed fallback, a truncated scope). */
  notes: string[];
}

/** What a graph is drawn for: a whole context, one namespace, or one Service. */
export interface TopoScope {
  namespace?: string;
  service?: string;
}

export function nodeId(kind: TopoKind, namespace: string | undefined, name: string): string {
  return namespace ? `${kind}:${namespace}/${name}` : `${kind}:${name}`;
}

export function edgeId(from: string, to: string): string {
  return `${from}>${to}`;
}
