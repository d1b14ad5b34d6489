// A namespace's children: one group per tree group that has kinds in this cluster (Workloads,
// Network…), then the namespace groups that are files of their own (Helm Releases, Events), whose
// rows, children and re-descriptions on change come from their NamespaceGroup.
import { TREE_GROUP_ORDER } from '../kinds/builtinKinds';
import type { ResourceType } from '../kinds/resourceType';
import type { ChangeSet } from '../watch/changeSet';
import { eventsGroup } from './eventNodes';
import { helmGroup } from './helmNodes';
import type { NamespaceGroup } from './namespaceGroups';
import { type BrowseNode, ids } from './nodes';
import { groupNode } from './structureNodes';
import type { TreeParts } from './treeParts';

/** Groups under every namespace after the kinds' groups, in this order. */
export const NAMESPACE_GROUPS: readonly NamespaceGroup[] = [helmGroup, eventsGroup];

export async function namespaceChildren(m: TreeParts, node: BrowseNode): Promise<BrowseNode[]> {
  const reg = await m.connectedRegistry(node.context);
  if (!reg) return [];
  const groups = TREE_GROUP_ORDER.filter((g) => reg.inGroup(g, true).length > 0).map((g) => m.keep(groupNode(node, g), node));
  for (const g of NAMESPACE_GROUPS) if (g.offered(reg)) groups.push(m.keep(g.node(node), node));
  return groups;
}

/** The namespace group (Helm Releases, Events) whose own node is this group name, if any. */
export function namespaceGroupNamed(name: string): NamespaceGroup | undefined {
  return NAMESPACE_GROUPS.find((g) => g.name === name);
}

/** Rows a namespace group made (a Helm release) may have children of their own. */
export async function groupRowChildren(m: TreeParts, node: BrowseNode): Promise<BrowseNode[]> {
  const g = NAMESPACE_GROUPS.find((x) => x.rowTypes?.includes(node.type));
  const reg = g?.rowChildren ? await m.connectedRegistry(node.context) : undefined;
  return reg && g?.rowChildren ? (await g.rowChildren(node, reg, m.groupDeps())).map((n) => m.keep(n, node)) : [];
}

/** Namespace groups (Helm Releases, Events) this change set re-renders, re-described first. */
export function markNamespaceGroups(m: TreeParts, ctx: string, type: ResourceType, cs: ChangeSet): void {
  for (const g of NAMESPACE_GROUPS) {
    const affected = g.affected(type, cs);
    if (!affected) continue;
    const suffix = `/g/${encodeURIComponent(g.name)}`;
    const prefix = `${ids.context(ctx)}/`;
    const groupIds = affected === 'all' ? [...m.nodes.ids()].filter((id) => id.endsWith(suffix) && id.startsWith(prefix)) : [...affected].map((ns) => ids.group(ctx, ns, g.name));
    const reg = m.registry(ctx);
    for (const id of groupIds) {
      const n = m.nodes.get(id);
      if (!n) continue;
      if (reg) g.describe?.(n, reg, m.groupDeps());
      m.markChanged(n);
    }
  }
}
