// Large namespaces stay readable: above a threshold, the healthy pods of an EndpointSlice are drawn
// as one group ("48 pods") with an edge per node they run on, and expand on demand. Pods with a
// problem, pods listed by several slices and pods only selected (not in a slice) stay visible on
// their own: what needs attention is never folded away.
import { edgeId, type TopoEdge, type TopoGraph, type TopoNode } from './graphTypes';

export function groupId(sliceId: string): string {
  return `PodGroup:${sliceId.slice(sliceId.indexOf(':') + 1)}`;
}

export function groupPods(g: TopoGraph, above: number, expanded: ReadonlySet<string>): TopoGraph {
  const incoming = new Map<string, TopoEdge[]>();
  const runsOn = new Map<string, string>();
  for (const e of g.edges) {
    if (e.kind === 'runs-on') runsOn.set(e.from, e.to);
    const list = incoming.get(e.to);
    if (list) list.push(e);
    else incoming.set(e.to, [e]);
  }
  const nodeById = new Map(g.nodes.map((n) => [n.id, n]));
  // Members per slice: healthy pods whose only way in is one ready endpoint of that slice.
  const members = new Map<string, TopoNode[]>();
  for (const n of g.nodes) {
    if (n.kind !== 'Pod' || n.health !== 'ok' || n.ghost) continue;
    const ins = incoming.get(n.id) ?? [];
    const only = ins.length === 1 ? ins[0] : undefined;
    if (only?.kind !== 'endpoint' || only.ready === false || only.terminating) continue;
    const list = members.get(only.from);
    if (list) list.push(n);
    else members.set(only.from, [n]);
  }
  const folded = new Set<string>();
  const added: TopoNode[] = [];
  const addedEdges: TopoEdge[] = [];
  for (const [sliceId, pods] of members) {
    if (pods.length <= above || expanded.has(sliceId)) continue;
    const slice = nodeById.get(sliceId);
    const id = groupId(sliceId);
    const onNode = new Map<string, number>();
    const ports = incoming.get(pods[0]?.id ?? '')?.[0]?.label ?? '';
    for (const p of pods) {
      folded.add(p.id);
      const node = runsOn.get(p.id);
      if (node) onNode.set(node, (onNode.get(node) ?? 0) + 1);
    }
    added.push({
      id,
      kind: 'PodGroup',
      name: `${pods.length} pods`,
      namespace: slice?.namespace,
      health: 'ok',
      status: 'all ready',
      problems: [],
      details: [
        ['Slice', slice?.name ?? sliceId],
        ['Nodes', String(onNode.size)],
      ],
      count: pods.length,
    });
    addedEdges.push({ id: edgeId(sliceId, id), from: sliceId, to: id, kind: 'endpoint', ready: true, serving: true, terminating: false, label: ports });
    for (const [node, n] of onNode) addedEdges.push({ id: edgeId(id, node), from: id, to: node, kind: 'runs-on', label: `${n} pods` });
  }
  if (!folded.size) return g;
  return {
    ...g,
    nodes: [...g.nodes.filter((n) => !folded.has(n.id)), ...added].sort(byId),
    edges: [...g.edges.filter((e) => !folded.has(e.from) && !folded.has(e.to)), ...addedEdges].sort(byId),
  };
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
