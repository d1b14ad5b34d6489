// Nodes that structure the tree (contexts, namespaces, groups, ranges) as opposed to objects.
import type { SessionState } from '../clusters/clusterSession';
import type { ContextEntry, KubeconfigProblem } from '../config/types';
import type { KubeObject } from '../kinds/types';
import type { TreeGroup } from '../kinds/resourceType';
import { redactUrl } from '../util/redact';
import { type BrowseNode, ids } from './nodes';

export function contextNode(
  ctx: ContextEntry,
  current: boolean,
  state: SessionState | undefined,
  problems: KubeconfigProblem[],
  filter: string | undefined,
  server: string | undefined,
  production = false,
): BrowseNode {
  const parts: string[] = [];
  if (production) parts.push('production');
  if (current) parts.push('current');
  let severity: BrowseNode['severity'];
  let icon = current ? 'vm-active' : 'vm';
  if (problems.length) {
    parts.push('kubeconfig problem');
    severity = 'error';
    icon = 'error';
  } else if (state?.phase === 'ready') {
    parts.push(state.version);
  } else if (state?.phase === 'connecting') {
    parts.push('connecting…');
    icon = 'loading~spin';
  } else if (state?.phase === 'error') {
    parts.push(state.error.kind === 'http' && state.error.status === 401 ? 'credentials rejected' : state.error.kind === 'credentials' ? 'credentials failed' : 'unreachable');
    severity = 'error';
    icon = 'vm-outline';
  }
  if (filter) parts.push(`filter: ${filter}`);
  if (production && !severity) severity = 'warning';
  return {
    id: ids.context(ctx.name),
    type: 'context',
    parent: undefined,
    context: ctx.name,
    label: ctx.name,
    description: parts.join(' · '),
    tooltip: [
      `Context: ${ctx.name}${current ? ' (current in Kube Atlas)' : ''}${production ? '\nProduction (kubeAtlas.productionContexts): destructive actions ask twice' : ''}`,
      `Cluster: ${ctx.cluster}${server ? ` (${redactUrl(server)})` : ''}`,
      `User: ${ctx.user}`,
      ctx.namespace ? `Namespace: ${ctx.namespace}` : '',
      `From: ${ctx.file}`,
      state?.phase === 'error' ? `\n${state.error.message}${state.error.hint ? `\n${state.error.hint}` : ''}` : '',
    ]
      .filter(Boolean)
      .join('\n'),
    severity,
    icon,
    contextValue: `kubeAtlas.context${current ? ':current' : ''}${state?.phase === 'error' || problems.length ? ':error' : ''}${production ? ':production' : ''}`,
    collapsible: true,
  };
}

export function namespaceNode(parent: BrowseNode, name: string, obj: KubeObject | undefined, selected: boolean): BrowseNode {
  const phase = (obj?.status as { phase?: string } | undefined)?.phase;
  return {
    id: ids.namespace(parent.context, name),
    type: 'namespace',
    parent,
    context: parent.context,
    namespace: name,
    object: obj,
    label: name,
    description: [selected ? 'selected' : '', phase && phase !== 'Active' ? phase : ''].filter(Boolean).join(' · '),
    tooltip: `Namespace ${name}${phase ? `\nPhase: ${phase}` : ''}`,
    severity: phase === 'Terminating' ? 'progress' : undefined,
    icon: selected ? 'symbol-namespace' : 'symbol-namespace',
    contextValue: `kubeAtlas.namespace${selected ? ':selected' : ''}`,
    collapsible: true,
  };
}

export function groupNode(parent: BrowseNode, group: TreeGroup | 'Helm Releases' | 'Events'): BrowseNode {
  return {
    id: ids.group(parent.context, parent.namespace ?? '', group),
    type: 'group',
    parent,
    context: parent.context,
    namespace: parent.namespace,
    group,
    label: group,
    description: '',
    tooltip: `${group} in namespace ${parent.namespace}`,
    severity: undefined,
    icon: GROUP_ICONS[group as TreeGroup] ?? 'folder',
    contextValue: 'kubeAtlas.group',
    collapsible: true,
  };
}

export function clusterFolderNode(parent: BrowseNode): BrowseNode {
  return {
    id: ids.clusterFolder(parent.context),
    type: 'group',
    parent,
    context: parent.context,
    group: 'Cluster',
    label: 'Cluster Resources',
    description: '',
    tooltip: 'Cluster-scoped resources: persistent volumes, storage classes, cluster roles, CRDs…',
    severity: undefined,
    icon: 'globe',
    contextValue: 'kubeAtlas.group',
    collapsible: true,
  };
}

export function chunk(parent: BrowseNode, index: number, start: number, end: number, first: string, last: string, total: number, what?: string): BrowseNode {
  return {
    id: ids.chunk(parent.id, index),
    type: 'chunk',
    parent,
    context: parent.context,
    namespace: parent.namespace,
    resource: parent.resource,
    range: { start, end },
    label: `${first} … ${last}`,
    description: `${start + 1}–${end} of ${total}${what ? ` ${what}` : ''}`,
    tooltip: `Items ${start + 1} to ${end} of ${total}, by name`,
    severity: undefined,
    icon: 'list-flat',
    contextValue: 'kubeAtlas.chunk',
    collapsible: true,
  };
}

const GROUP_ICONS: Partial<Record<TreeGroup, string>> = {
  Workloads: 'server-process',
  Network: 'plug',
  Config: 'settings-gear',
  Storage: 'database',
  Access: 'shield',
  'Custom Resources': 'extensions',
};
