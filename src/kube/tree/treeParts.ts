// What the pieces of the tree (children of each node type, ranges, change routing, reveal) use of
// BrowseModel: its nodes, leases and listings, and the few helpers that keep rows consistent. One
// model owns them; the pieces are functions over this, so each stays small and readable alone.
import type { ClusterManager } from '../clusters/clusterManager';
import type { KindRegistry } from '../kinds/kindRegistry';
import type { ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import type { Acquired, ViewLeases } from '../watch/viewLeases';
import type { BrowseState } from './browseModel';
import type { KindListings } from './kindListings';
import type { GroupDeps } from './namespaceGroups';
import type { NodeRegistry } from './nodeRegistry';
import type { BrowseNode } from './nodes';
import type { TreeDiagnosis } from './treeDiagnosis';
import type { TreeUsage } from './treeUsage';

export interface TreeParts {
  readonly clusters: ClusterManager;
  readonly state: BrowseState;
  readonly leases: ViewLeases;
  readonly listings: KindListings;
  readonly nodes: NodeRegistry;
  readonly usage: TreeUsage;
  readonly diagnosis: TreeDiagnosis;
  /** `kubeAtlas.tree.pageSize` as it is now (it applies without a reload). */
  pageSize(): number;
  now(): number;
  /** NodeRegistry.keep: the node's existing instance, updated, or this one registered. */
  keep(fresh: BrowseNode, parent: BrowseNode | undefined): BrowseNode;
  /** An object row (existing instance re-rendered, or a new one), with its cause, events and usage. */
  objectNode(id: string, parent: BrowseNode, type: ResourceType, obj: KubeObject, now: number): BrowseNode;
  /** Re-renders an object row's text (cause, events, usage as they are now). */
  render(n: BrowseNode, type: ResourceType, obj: KubeObject, now: number): void;
  /** A watch lease held by `holder` (released when it collapses or leaves the tree). */
  acquire(holder: BrowseNode, context: string, type: ResourceType, namespace: string | undefined): Promise<Acquired>;
  /** The namespace's events, held by a row that explains causes from them. */
  acquireEvents(holder: BrowseNode, namespace: string | undefined): Promise<void>;
  /** The context's kinds if it is connected now. */
  registry(context: string): KindRegistry | undefined;
  /** The context's kinds, connecting it first. */
  connectedRegistry(context: string): Promise<KindRegistry | undefined>;
  groupDeps(): GroupDeps;
  markChanged(n: BrowseNode): void;
  markId(id: string): void;
  /** Re-describes a kind row (its count) and announces it. */
  markKind(id: string): void;
}
