// Finding a row by what it shows (for reveal and commands): walk from the context down the path an
// object's row lives on, opening each level (and the ranges in it) as VS Code would.
import { resourceId, type ResourceType } from '../kinds/resourceType';
import type { BrowseNode } from './nodes';

export interface TreeWalk {
  roots(): BrowseNode[];
  children(node: BrowseNode): Promise<BrowseNode[]>;
}

/** Walks to an object's node, expanding what is needed. */
export async function findObjectNode(t: TreeWalk, context: string, type: ResourceType, namespace: string | undefined, name: string): Promise<BrowseNode | undefined> {
  const ctxNode = t.roots().find((n) => n.type === 'context' && n.context === context);
  if (!ctxNode) return undefined;
  let level = await t.children(ctxNode);
  const path: ((n: BrowseNode) => boolean)[] = [];
  if (type.namespaced && namespace) {
    path.push((n) => n.type === 'namespace' && n.namespace === namespace);
    path.push((n) => n.type === 'group' && n.group === type.treeGroup);
  } else if (type.kind !== 'Node') {
    path.push((n) => n.type === 'group' && n.group === 'Cluster');
  }
  path.push((n) => n.type === 'kind' && n.resource !== undefined && resourceId(n.resource) === resourceId(type));
  path.push((n) => n.type === 'object' && n.label === name);
  for (const step of path) {
    const hit = await findIn(t, level, step);
    if (!hit) return undefined;
    if (hit.type === 'object') return hit;
    level = await t.children(hit);
  }
  return undefined;
}

/** The first row of `level` (looking inside ranges) that matches. */
export async function findIn(t: TreeWalk, level: BrowseNode[], pred: (n: BrowseNode) => boolean): Promise<BrowseNode | undefined> {
  const direct = level.find(pred);
  if (direct) return direct;
  for (const c of level.filter((n) => n.type === 'chunk')) {
    const hit = await findIn(t, await t.children(c), pred);
    if (hit) return hit;
  }
  return undefined;
}
