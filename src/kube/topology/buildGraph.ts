// The topology graph as a pure function of the watch cache: Service → EndpointSlice (the
// service-name label) → Pod (each endpoint's targetRef, with its conditions and the slice's ports)
// → Node (spec.nodeName). Problems are found on the way and said in words. Cheap enough to
// recompute on every change batch (bench/topology.bench.ts): lookups go through indexes, never a
// scan of pods, and the diff (graphDiff.ts) keeps what reaches the webview small.
import type { KubeObject } from '../kinds/types';
import { edgeId, type Health, nodeId, type TopoEdge, type TopoGraph, type TopoMissing, type TopoNode, type TopoScope } from './graphTypes';
import { groupPods } from './grouping';
import {
  description,
  endpointsOf,
  MANAGED_BY_LABEL,
  nodeHealth,
  notReadyReason,
  podNode,
  podReady,
  podState,
  podStatus,
  selectorOf,
  selectorText,
  serviceSpec,
  slicePorts,
} from './readers';
import { podsMatching, type StoreView } from './sources';

export interface TopologyInput {
  services?: StoreView;
  slices?: StoreView;
  pods?: StoreView;
  nodes?: StoreView;
  /** Layers that could not be read, and why (forbidden, failing). */
  missing?: TopoMissing[];
  notes?: string[];
}

export interface BuildOptions {
  /** Pods per EndpointSlice above which healthy pods are drawn as one group. */
  groupAbove?: number;
  /** Groups the user expanded (slice ids): their pods are drawn one by one. */
  expanded?: ReadonlySet<string>;
}

const RANK: Record<Health, number> = { ok: 0, info: 1, warning: 2, error: 3 };

class GraphBuilder {
  readonly nodes = new Map<string, TopoNode>();
  readonly edges = new Map<string, TopoEdge>();

  node(n: TopoNode): TopoNode {
    const had = this.nodes.get(n.id);
    if (had) return had;
    this.nodes.set(n.id, n);
    return n;
  }

  edge(e: Omit<TopoEdge, 'id'>): void {
    const id = edgeId(e.from, e.to);
    if (!this.edges.has(id)) this.edges.set(id, { id, ...e });
  }

  problem(n: TopoNode, health: Health, text: string): void {
    if (!n.problems.includes(text)) n.problems.push(text);
    if (RANK[health] > RANK[n.health]) n.health = health;
  }
}

/** Builds the graph of `scope` from the layers in `input` (any of them may be missing). */
export function buildGraph(input: TopologyInput, scope: TopoScope = {}, opts: BuildOptions = {}): TopoGraph {
  const b = new GraphBuilder();
  const missing = new Set((input.missing ?? []).map((m) => m.layer));
  for (const svc of servicesInScope(input.services, scope)) addService(b, input, svc, missing);
  const graph: TopoGraph = {
    nodes: [...b.nodes.values()].sort(byId),
    edges: [...b.edges.values()].sort(byId),
    missing: [...(input.missing ?? [])],
    notes: [...(input.notes ?? [])],
  };
  return groupPods(graph, opts.groupAbove ?? 50, opts.expanded ?? new Set());
}

function servicesInScope(services: StoreView | undefined, scope: TopoScope): KubeObject[] {
  if (!services) return [];
  if (scope.namespace && scope.service) {
    const s = services.get(`${scope.namespace}/${scope.service}`);
    return s ? [s] : [];
  }
  if (scope.namespace) return services.byIndex('namespace', scope.namespace);
  return [...services.list()];
}

function addService(b: GraphBuilder, input: TopologyInput, svc: KubeObject, missing: ReadonlySet<string>): void {
  const ns = svc.metadata.namespace ?? '';
  const name = svc.metadata.name ?? '';
  const spec = serviceSpec(svc);
  const selector = selectorOf(svc);
  const type = spec.type ?? 'ClusterIP';
  const headless = spec.clusterIP === 'None';
  const details: [string, string][] = [
    ['Type', headless ? `${type} (headless)` : type],
    ['Cluster IP', spec.clusterIP ?? '—'],
    ['Selector', selector ? selectorText(selector) : 'none'],
    ['Ports', (spec.ports ?? []).map((p) => `${p.name ? `${p.name} ` : ''}${p.port ?? '?'}/${p.protocol ?? 'TCP'}`).join(', ') || '—'],
  ];
  const desc = description(svc);
  if (desc) details.push(['Description', desc]);
  const s = b.node({ id: nodeId('Service', ns, name), kind: 'Service', name, namespace: ns, health: 'ok', status: type, problems: [], details });
  if (type === 'ExternalName') {
    s.status = `ExternalName → ${spec.externalName ?? '?'}`;
    b.problem(s, 'info', `ExternalName: a DNS alias for ${spec.externalName ?? '(no name)'}; it has no endpoints and no pods`);
    return;
  }
  if (headless) b.problem(s, 'info', 'Headless: no cluster IP; DNS answers with the ready pods’ own IPs');
  if (!selector) b.problem(s, 'info', 'No selector: its EndpointSlices are managed by hand or by another controller, not from pods');

  const slices = input.slices?.byIndex('topology.service', `${ns}/${name}`) ?? [];
  let total = 0;
  let ready = 0;
  const inSlices = new Set<string>();
  for (const slice of slices) {
    const sl = addSlice(b, input, s, slice);
    total += sl.total;
    ready += sl.ready;
    for (const uid of sl.podUids) inSlices.add(uid);
  }

  const selected = selector && input.pods ? podsMatching(input.pods, ns, selector) : [];
  if (selector && input.pods && !selected.length) b.problem(s, 'error', `Selector ${selectorText(selector)} matches no pods in namespace ${ns}`);
  for (const pod of selected) {
    if (inSlices.has(pod.metadata.uid ?? '')) continue;
    const p = addPod(b, input, pod);
    b.edge({ from: s.id, to: p.id, kind: 'selects' });
    // Without the slices layer we cannot say the pod is missing from them: the edge says "selected".
    const why = podReady(pod) && podStatus(pod).podIP ? 'it is ready; the EndpointSlice controller has not listed it yet' : notReadyReason(pod);
    if (!missing.has('EndpointSlice')) b.problem(p, 'warning', `Selected by Service ${name} but not in its EndpointSlices: ${why}`);
  }
  if (missing.has('EndpointSlice')) {
    s.status = selector ? `${selected.length} pods selected` : s.status;
    return;
  }
  s.status = `${ready}/${total} endpoints ready`;
  if (total === 0 && (selected.length || !selector)) b.problem(s, 'error', 'No endpoints: no EndpointSlice lists any address for this Service');
  else if (total > 0 && ready === 0) b.problem(s, 'error', `No ready endpoints: none of its ${total} endpoints is ready`);
}

function addSlice(b: GraphBuilder, input: TopologyInput, s: TopoNode, slice: KubeObject): { total: number; ready: number; podUids: string[] } {
  const ns = slice.metadata.namespace ?? '';
  const name = slice.metadata.name ?? '';
  const ports = slicePorts(slice);
  const eps = endpointsOf(slice);
  const managedBy = slice.metadata.labels?.[MANAGED_BY_LABEL];
  const sl = b.node({
    id: nodeId('EndpointSlice', ns, name),
    kind: 'EndpointSlice',
    name,
    namespace: ns,
    health: 'ok',
    status: '',
    problems: [],
    details: [
      ['Ports', ports || '—'],
      ['Address type', String(slice.addressType ?? '—')],
      ['Managed by', managedBy ?? 'unknown (made by hand?)'],
    ],
  });
  b.edge({ from: s.id, to: sl.id, kind: 'slice' });
  let ready = 0;
  let unlinked = 0;
  const podUids: string[] = [];
  for (const ep of eps) {
    const c = ep.conditions ?? {};
    // EndpointSlice API: a nil ready means ready (unknown state is taken as ready).
    const isReady = c.ready !== false;
    if (isReady) ready++;
    const ref = ep.targetRef;
    if (ref?.kind !== 'Pod' || !ref.name) {
      unlinked++;
      continue;
    }
    const refNs = ref.namespace ?? ns;
    const pod = input.pods?.get(`${refNs}/${ref.name}`);
    let target: TopoNode;
    if (pod && (!ref.uid || pod.metadata.uid === ref.uid)) {
      target = addPod(b, input, pod);
      if (ref.uid) podUids.push(ref.uid);
    } else if (input.pods) {
      // A pod of the same name may exist again (a StatefulSet's): the ghost gets an id of its own.
      target = b.node({ id: `${nodeId('Pod', refNs, ref.name)}#gone`, kind: 'Pod', name: ref.name, namespace: refNs, health: 'error', status: 'Gone', problems: [], details: [['Addresses', (ep.addresses ?? []).join(', ')]], ghost: true });
      b.problem(target, 'error', `Endpoint of ${name} points at pod ${ref.name}, which no longer exists`);
      b.problem(sl, 'warning', `An endpoint points at pod ${ref.name}, which no longer exists`);
    } else continue;
    b.edge({ from: sl.id, to: target.id, kind: 'endpoint', ready: isReady, serving: c.serving !== false, terminating: c.terminating === true, label: ports });
  }
  sl.status = `${ready}/${eps.length} ready`;
  if (unlinked) sl.details.push(['Endpoints without a pod', String(unlinked)]);
  if (eps.length && !ready) b.problem(sl, 'warning', `None of its ${eps.length} endpoints is ready`);
  return { total: eps.length, ready, podUids };
}

function addPod(b: GraphBuilder, input: TopologyInput, pod: KubeObject): TopoNode {
  const ns = pod.metadata.namespace ?? '';
  const name = pod.metadata.name ?? '';
  const id = nodeId('Pod', ns, name);
  const had = b.nodes.get(id);
  if (had) return had;
  const nodeName = podNode(pod);
  const st = podStatus(pod);
  const details: [string, string][] = [
    ['Phase', st.phase ?? 'Unknown'],
    ['Pod IP', st.podIP ?? '—'],
    ['Node', nodeName ?? 'not scheduled'],
  ];
  // Which slices list it, whatever Service they belong to (the slice watch's targetRef index).
  const listedIn = input.slices?.byIndex('topology.target', pod.metadata.uid ?? '').map((sl) => sl.metadata.name ?? '') ?? [];
  if (listedIn.length) details.push(['Listed in', listedIn.sort().join(', ')]);
  const desc = description(pod);
  if (desc) details.push(['Description', desc]);
  const p = b.node({ id, kind: 'Pod', name, namespace: ns, health: 'ok', status: podState(pod), problems: [], details });
  if (!podReady(pod)) b.problem(p, 'warning', `Not ready: ${notReadyReason(pod)}`);
  if (nodeName) {
    const n = addNode(b, input, nodeName);
    b.edge({ from: p.id, to: n.id, kind: 'runs-on' });
    for (const why of n.problems) if (!why.startsWith('Not visible')) b.problem(p, n.health === 'error' ? 'error' : 'warning', `Runs on node ${nodeName}: ${why}`);
  }
  return p;
}

function addNode(b: GraphBuilder, input: TopologyInput, name: string): TopoNode {
  const id = nodeId('Node', undefined, name);
  const had = b.nodes.get(id);
  if (had) return had;
  const n = b.node({ id, kind: 'Node', name, health: 'ok', status: 'Ready', problems: [], details: [] });
  if (!input.nodes) {
    n.status = 'unknown';
    n.health = 'info';
    n.problems.push('Not visible: Nodes cannot be listed, so its state is unknown');
    return n;
  }
  const node = input.nodes.get(name);
  if (!node) {
    n.status = 'Gone';
    b.problem(n, 'error', 'Pods are bound to this node, but it no longer exists');
    return n;
  }
  const h = nodeHealth(node);
  n.status = [h.ready ? 'Ready' : 'NotReady', h.cordoned ? 'cordoned' : ''].filter(Boolean).join(', ');
  for (const why of h.problems) b.problem(n, h.ready ? 'warning' : 'error', why);
  const kubelet = (node.status as { nodeInfo?: { kubeletVersion?: string } } | undefined)?.nodeInfo?.kubeletVersion;
  if (kubelet) n.details.push(['Kubelet', kubelet]);
  return n;
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
