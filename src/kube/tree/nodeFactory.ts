// Pure constructors for browse nodes: label, description, tooltip, icon and contextValue from
// the cached object and its kind. No I/O, so rendering rules are unit-testable on fixtures.
import type { ResourceType } from '../kinds/resourceType';
import { resourceId } from '../kinds/resourceType';
import { formatAge, summarize } from '../kinds/summary';
import { containerStateText, type ContainerStatus } from '../kinds/summary/podSummary';
import type { KubeObject } from '../kinds/types';
import type { Diagnosis, EventFact } from '../diagnosis/types';
import type { NodeUsage, PodUsage } from '../metrics/metricsApi';
import { containerBudget, nodeAllocatable, nodeUsageLines, nodeUsageShort, podBudget, usageLines, usageShort } from '../metrics/usageMath';
import { causeIcon } from './treeDiagnosis';
import type { BrowseNode, MessageKind } from './nodes';
import { ids } from './nodes';

/** Kinds whose objects expand to the pods (or jobs) they own. */
export const OWNER_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob']);

/**
 * `kubeAtlas.object.<kind>` + capabilities of the kind + state the menus care about (`paused`)
 * + the access markers (`:can-delete`…) once the access cache knows them.
 */
export function objectContextValue(type: ResourceType, obj?: KubeObject, accessMarkers = ''): string {
  const caps = [
    type.scalable ? 'scalable' : '',
    type.restartable ? 'restartable' : '',
    type.hasLogs ? 'logs' : '',
    type.hasExec ? 'exec' : '',
    type.kind === 'Deployment' && (obj?.spec as { paused?: boolean } | undefined)?.paused === true ? 'paused' : '',
  ].filter(Boolean);
  return [`kubeAtlas.object.${type.kind.toLowerCase()}`, ...caps].join(':') + accessMarkers;
}

/** CPU and memory a row shows while its usage is held (kube/metrics): a pod's or a node's. */
export type RowUsage = { pod: PodUsage } | { node: NodeUsage };

/** The usage suffix and tooltip lines of a pod or node row. */
function usageText(obj: KubeObject, usage: RowUsage | undefined): { short: string; lines: string[] } {
  if (!usage) return { short: '', lines: [] };
  const u = 'pod' in usage ? usage.pod : usage.node;
  const sampled = u.timestamp ? `Usage sampled ${u.timestamp}${u.window ? ` over ${u.window}` : ''} (metrics.k8s.io)` : '';
  if ('pod' in usage) {
    const perContainer = usage.pod.containers.length > 1 ? usage.pod.containers.map((c) => `  ${c.name}: ${usageShort(c)}`) : [];
    return { short: usageShort(usage.pod), lines: [...usageLines(usage.pod, podBudget(obj)), ...perContainer, sampled] };
  }
  const alloc = nodeAllocatable(obj);
  return { short: nodeUsageShort(usage.node, alloc), lines: [...nodeUsageLines(usage.node, alloc), sampled] };
}

/**
 * `cause`: the row's root cause (tree/treeDiagnosis.ts), shown instead of the status word.
 * `events`: its newest events, listed in the tooltip.
 * `usage`: CPU and memory (pods and nodes, while shown), appended to the description.
 */
export function applyObject(
  node: BrowseNode,
  type: ResourceType,
  obj: KubeObject,
  now: number = Date.now(),
  cause?: Diagnosis,
  events: readonly EventFact[] = [],
  usage?: RowUsage,
): BrowseNode {
  const s = summarize(type.kind, obj);
  const age = formatAge(obj.metadata.creationTimestamp, now);
  const used = usageText(obj, usage);
  const parts = [cause ? cause.summary : s.status, type.kind === 'Pod' && s.ready ? s.ready : '', s.restarts ? `${s.restarts}↻` : '', age, used.short].filter(Boolean);
  node.object = obj;
  node.contextValue = objectContextValue(type, obj, node.accessMarkers);
  node.label = obj.metadata.name ?? '?';
  node.description = parts.join(' · ');
  node.severity = cause ? cause.severity : s.severity;
  node.icon = cause ? causeIcon(cause) : iconFor(type, s.severity);
  node.cause = cause;
  node.tooltip = [
    `${type.kind} ${obj.metadata.namespace ? `${obj.metadata.namespace}/` : ''}${obj.metadata.name}`,
    s.status ? `Status: ${s.status}` : '',
    s.ready ? `Ready: ${s.ready}` : '',
    s.restarts !== undefined ? `Restarts: ${s.restarts}` : '',
    ...s.details,
    cause ? `Cause: ${cause.detail}` : '',
    cause ? `Next: ${cause.nextStep}` : '',
    ...used.lines,
    obj.metadata.creationTimestamp ? `Created: ${obj.metadata.creationTimestamp} (${age} ago)` : '',
    ...(events.length ? ['Recent events:', ...events.map((e) => `  ${e.type ?? 'Normal'} ${e.reason}${e.count > 1 ? ` ×${e.count}` : ''}${e.at ? ` (${formatAge(e.at, now)} ago)` : ''}: ${e.message.replace(/\s+/g, ' ').slice(0, 160)}`)] : []),
  ]
    .filter(Boolean)
    .join('\n');
  return node;
}

export function makeObjectNode(
  id: string,
  parent: BrowseNode,
  type: ResourceType,
  obj: KubeObject,
  now?: number,
  accessMarkers?: string,
  cause?: Diagnosis,
  events?: readonly EventFact[],
  usage?: RowUsage,
): BrowseNode {
  const node: BrowseNode = {
    id,
    type: 'object',
    parent,
    context: parent.context,
    namespace: obj.metadata.namespace,
    resource: type,
    label: '',
    description: '',
    tooltip: '',
    severity: undefined,
    icon: '',
    contextValue: '',
    accessMarkers,
    collapsible: OWNER_KINDS.has(type.kind) || type.kind === 'Pod',
  };
  return applyObject(node, type, obj, now, cause, events, usage);
}

export function makeKindNode(parent: BrowseNode, type: ResourceType, namespace: string | undefined): BrowseNode {
  return {
    id: ids.kind(parent.id, resourceId(type)),
    type: 'kind',
    parent,
    context: parent.context,
    namespace,
    resource: type,
    label: pluralTitle(type),
    description: '',
    tooltip: kindTooltip(type),
    severity: undefined,
    icon: 'symbol-class',
    contextValue: `kubeAtlas.kind:${type.kind.toLowerCase()}`,
    collapsible: true,
  };
}

/** A message row; without a parent it is a top-level row (a kubeconfig problem of no context). */
export function makeMessageNode(parent: BrowseNode | undefined, kind: MessageKind, label: string, detail: string, slug: string = kind): BrowseNode {
  return {
    id: ids.message(parent?.id ?? '', slug),
    type: 'message',
    parent,
    context: parent?.context ?? '',
    namespace: parent?.namespace,
    messageKind: kind,
    label,
    description: '',
    tooltip: detail ? `${label}\n\n${detail}` : label,
    severity: kind === 'error' ? 'error' : kind === 'forbidden' ? 'warning' : 'neutral',
    icon: kind === 'error' ? 'error' : kind === 'forbidden' ? 'lock' : kind === 'loading' ? 'loading~spin' : 'info',
    contextValue: `kubeAtlas.message.${kind}`,
    collapsible: false,
  };
}

/** `usage`: the pod's figures (kube/metrics), each container row showing its own beside its requests and limits. */
export function makeContainerNodes(pod: BrowseNode, obj: KubeObject, usage?: PodUsage): BrowseNode[] {
  type Spec = { name: string; image?: string; resources?: { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } } }[] | undefined;
  type Kind = 'init' | 'app' | 'ephemeral';
  const spec = (obj.spec ?? {}) as { containers?: Spec; initContainers?: Spec; ephemeralContainers?: Spec };
  const status = (obj.status ?? {}) as { containerStatuses?: ContainerStatus[]; initContainerStatuses?: ContainerStatus[]; ephemeralContainerStatuses?: ContainerStatus[] };
  const make = (c: NonNullable<Spec>[number], kind: Kind): BrowseNode => {
    const init = kind === 'init';
    const st = (init ? status.initContainerStatuses : kind === 'ephemeral' ? status.ephemeralContainerStatuses : status.containerStatuses)?.find((x) => x.name === c.name);
    // A restartable init container (sidecar) or a debug container runs beside the app containers and has usage too.
    const used = usage?.containers.find((u) => u.name === c.name);
    const text = st ? containerStateText(st) : 'Waiting';
    // An ephemeral container is never "ready" (it has no probes): running is as good as it gets.
    const sev = !st ? 'progress' : st.state?.running ? (st.ready || kind !== 'app' ? 'ok' : 'warning') : st.state?.terminated ? (st.state.terminated.exitCode === 0 ? 'done' : 'error') : 'warning';
    return {
      id: `${pod.id}/ct/${encodeURIComponent(c.name)}`,
      type: 'container',
      parent: pod,
      context: pod.context,
      namespace: obj.metadata.namespace,
      containerName: c.name,
      object: obj,
      label: c.name,
      description: `${init ? 'init · ' : kind === 'ephemeral' ? 'debug · ' : ''}${text}${st?.restartCount ? ` · ${st.restartCount}↻` : ''}${used ? ` · ${usageShort(used)}` : ''}`,
      tooltip: [
        `Container ${c.name}${init ? ' (init)' : kind === 'ephemeral' ? ' (ephemeral debug container)' : ''}`,
        `Image: ${c.image ?? '?'}`,
        `State: ${text}`,
        ...(used ? usageLines(used, containerBudget(c)) : []),
      ].join('\n'),
      severity: sev,
      icon: kind === 'ephemeral' ? 'debug' : 'package',
      // The pod's access markers (`:can-logs`, `:can-exec`…) apply to its containers: the menus read them
      // here too (Open Shell is offered on `container:exec` rows only, never on init containers).
      contextValue: `${init ? 'kubeAtlas.container:init:logs' : 'kubeAtlas.container:exec:logs'}${pod.accessMarkers ?? ''}`,
      collapsible: false,
    };
  };
  return [...(spec.initContainers ?? []).map((c) => make(c, 'init')), ...(spec.containers ?? []).map((c) => make(c, 'app')), ...(spec.ephemeralContainers ?? []).map((c) => make(c, 'ephemeral'))];
}

export function iconFor(type: ResourceType, severity: string | undefined): string {
  if (type.kind === 'Pod' || type.kind === 'Node') {
    switch (severity) {
      case 'ok':
        return 'pass-filled';
      case 'error':
        return 'error';
      case 'warning':
        return 'warning';
      case 'progress':
        return 'sync';
      case 'done':
        return 'check';
      default:
        return 'circle-outline';
    }
  }
  if (severity === 'error') return 'error';
  if (severity === 'warning') return 'warning';
  if (severity === 'progress') return 'sync';
  return KIND_ICONS[type.kind] ?? 'symbol-object';
}

const KIND_ICONS: Readonly<Record<string, string>> = {
  Deployment: 'layers',
  StatefulSet: 'database',
  DaemonSet: 'server-process',
  ReplicaSet: 'layers',
  Job: 'run-all',
  CronJob: 'clock',
  Service: 'plug',
  Ingress: 'globe',
  ConfigMap: 'settings',
  Secret: 'key',
  PersistentVolumeClaim: 'database',
  Namespace: 'symbol-namespace',
  Node: 'server',
};

export function kindTooltip(type: ResourceType): string {
  return `${type.kind} (${resourceId(type)}, ${type.group ? `${type.group}/` : ''}${type.version})`;
}

function pluralTitle(t: ResourceType): string {
  // "Deployments", "EndpointSlices", "Widgets": the Kind pluralised reads better than the plural resource.
  const k = t.kind;
  if (/(s|x|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}
