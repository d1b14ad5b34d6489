// One Service's part of the graph: the Service, its EndpointSlices (the service-name label, same
// namespace), the edges Service → slice → pod (each endpoint's targetRef, with its conditions and
// the slice's ports) and Service → pod ("selects": matched by the selector, in no slice). Pods and
// ghosts are only referenced, with what this Service says about them: they may be shared, and
// graphModel.ts composes them. Pure: a function of the Service and what the layers hold for it.
// It comes in parts, a head (the Service) and one part per slice, so a change to one slice of a
// 2,000-pod Service (20 slices of 100 endpoints) rebuilds that slice's part and the head only.
import type { KubeObject } from '../kinds/types';
import { addProblem, type GhostPart, ghostId } from './elements';
import { edgeId, nodeId, type TopoEdge, type TopoNode } from './graphTypes';
import { description, endpointsOf, MANAGED_BY_LABEL, notReadyReason, podReady, podStatus, selectorOf, selectorText, serviceSpec, slicePorts } from './readers';
import { podsMatching, type TopologyInput } from './sources';

/** What a Service says about one pod it selects but no slice of it lists. */
export interface PodRef {
  /** Problems this Service adds to the pod (warnings). */
  extras: string[];
}

/** The Service element and its "selects" edges: depends on the Service, its slices' counts and its selector's pods. */
export interface HeadPart {
  nodes: TopoNode[];
  edges: TopoEdge[];
  /** Pods reached by the selector only, by `namespace/name`: the fragment describes them. */
  pods: Map<string, PodRef>;
}

/** One slice: its element, the Service → slice edge and its endpoint edges. Depends on the slice and whether its target pods exist. */
export interface SlicePart {
  /** The object it was built from (a part is reused while the slice and its targets stay). */
  slice: KubeObject;
  nodes: TopoNode[];
  edges: TopoEdge[];
  /** Pods it lists that exist, by `namespace/name`. */
  pods: Set<string>;
  /** Ghosts its endpoints point at, by ghost id. */
  ghosts: Map<string, GhostPart[]>;
  total: number;
  ready: number;
  /** Uids of the pods it lists (they are not "selected but missing"). */
  podUids: string[];
}

export interface Fragment {
  head: HeadPart;
  /** By slice key, in name order. */
  slices: Map<string, SlicePart>;
}

type Layer = 'Service' | 'EndpointSlice' | 'Pod' | 'Node';

/**
 * The fragment of `svc` (a Service in scope). `missing` names the layers that could not be read;
 * `reuse` may hand back a slice's part from before when nothing it reads has changed.
 */
export function serviceFragment(input: TopologyInput, svc: KubeObject, missing: ReadonlySet<Layer>, reuse: (slice: KubeObject) => SlicePart | undefined = () => undefined): Fragment {
  const head: HeadPart = { nodes: [], edges: [], pods: new Map() };
  const out: Fragment = { head, slices: new Map() };
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
  const s: TopoNode = { id: nodeId('Service', ns, name), kind: 'Service', name, namespace: ns, health: 'ok', status: type, problems: [], details };
  head.nodes.push(s);
  if (type === 'ExternalName') {
    s.status = `ExternalName → ${spec.externalName ?? '?'}`;
    addProblem(s, 'info', `ExternalName: a DNS alias for ${spec.externalName ?? '(no name)'}; it has no endpoints and no pods`);
    return out;
  }
  if (headless) addProblem(s, 'info', 'Headless: no cluster IP; DNS answers with the ready pods’ own IPs');
  if (!selector) addProblem(s, 'info', 'No selector: its EndpointSlices are managed by hand or by another controller, not from pods');

  // Sorted, so what several slices say about one ghost comes in the same order however the store
  // happens to hold them (a full build and an incremental one agree).
  const slices = (input.slices?.byIndex('topology.service', `${ns}/${name}`) ?? []).sort(byName);
  let total = 0;
  let ready = 0;
  const inSlices = new Set<string>();
  for (const slice of slices) {
    const part = reuse(slice) ?? slicePart(input, s.id, slice);
    out.slices.set(`${ns}/${slice.metadata.name ?? ''}`, part);
    total += part.total;
    ready += part.ready;
    for (const uid of part.podUids) inSlices.add(uid);
  }

  const selected = selector && input.pods ? podsMatching(input.pods, ns, selector) : [];
  if (selector && input.pods && !selected.length) addProblem(s, 'error', `Selector ${selectorText(selector)} matches no pods in namespace ${ns}`);
  for (const pod of selected) {
    if (inSlices.has(pod.metadata.uid ?? '')) continue;
    const key = `${ns}/${pod.metadata.name ?? ''}`;
    const ref: PodRef = { extras: [] };
    head.pods.set(key, ref);
    head.edges.push({ id: edgeId(s.id, `Pod:${key}`), from: s.id, to: `Pod:${key}`, kind: 'selects' });
    // Without the slices layer we cannot say the pod is missing from them: the edge says "selected".
    const why = podReady(pod) && podStatus(pod).podIP ? 'it is ready; the EndpointSlice controller has not listed it yet' : notReadyReason(pod);
    if (!missing.has('EndpointSlice')) ref.extras.push(`Selected by Service ${name} but not in its EndpointSlices: ${why}`);
  }
  if (missing.has('EndpointSlice')) {
    s.status = selector ? `${selected.length} pods selected` : s.status;
    return out;
  }
  s.status = `${ready}/${total} endpoints ready`;
  if (total === 0 && (selected.length || !selector)) addProblem(s, 'error', 'No endpoints: no EndpointSlice lists any address for this Service');
  else if (total > 0 && ready === 0) addProblem(s, 'error', `No ready endpoints: none of its ${total} endpoints is ready`);
  return out;
}

function slicePart(input: TopologyInput, serviceId: string, slice: KubeObject): SlicePart {
  const ns = slice.metadata.namespace ?? '';
  const name = slice.metadata.name ?? '';
  const ports = slicePorts(slice);
  const eps = endpointsOf(slice);
  const managedBy = slice.metadata.labels?.[MANAGED_BY_LABEL];
  const sl: TopoNode = {
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
  };
  const part: SlicePart = { slice, nodes: [sl], edges: [], pods: new Set(), ghosts: new Map(), total: eps.length, ready: 0, podUids: [] };
  const edges = new EdgeList(part.edges);
  edges.add({ from: serviceId, to: sl.id, kind: 'slice' });
  let unlinked = 0;
  for (const ep of eps) {
    const c = ep.conditions ?? {};
    // EndpointSlice API: a nil ready means ready (unknown state is taken as ready).
    const isReady = c.ready !== false;
    if (isReady) part.ready++;
    const ref = ep.targetRef;
    if (ref?.kind !== 'Pod' || !ref.name) {
      unlinked++;
      continue;
    }
    const key = `${ref.namespace ?? ns}/${ref.name}`;
    const pod = input.pods?.get(key);
    let target: string;
    if (pod && (!ref.uid || pod.metadata.uid === ref.uid)) {
      part.pods.add(key);
      target = `Pod:${key}`;
      // Listed, so not "selected but missing" (a targetRef without a uid names the pod all the same).
      const uid = pod.metadata.uid ?? ref.uid;
      if (uid) part.podUids.push(uid);
    } else if (input.pods) {
      target = ghostId(key);
      const parts = part.ghosts.get(target) ?? [];
      parts.push({ name: ref.name, namespace: ref.namespace ?? ns, addresses: (ep.addresses ?? []).join(', '), text: `Endpoint of ${name} points at pod ${ref.name}, which no longer exists` });
      part.ghosts.set(target, parts);
      addProblem(sl, 'warning', `An endpoint points at pod ${ref.name}, which no longer exists`);
    } else continue;
    edges.add({ from: sl.id, to: target, kind: 'endpoint', ready: isReady, serving: c.serving !== false, terminating: c.terminating === true, label: ports });
  }
  sl.status = `${part.ready}/${eps.length} ready`;
  if (unlinked) sl.details.push(['Endpoints without a pod', String(unlinked)]);
  if (eps.length && !part.ready) addProblem(sl, 'warning', `None of its ${eps.length} endpoints is ready`);
  return part;
}

/** Edges, once per (from, to): a slice that lists a pod twice draws one edge (the first). */
class EdgeList {
  private readonly ids = new Set<string>();

  constructor(private readonly out: TopoEdge[]) {}

  add(e: Omit<TopoEdge, 'id'>): void {
    const id = edgeId(e.from, e.to);
    if (this.ids.has(id)) return;
    this.ids.add(id);
    this.out.push({ id, ...e });
  }
}

function byName(a: KubeObject, b: KubeObject): number {
  const x = a.metadata.name ?? '';
  const y = b.metadata.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}
