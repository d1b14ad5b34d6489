// Groups under a namespace that are not a list of one kind ("Helm Releases", "Events"): each reads
// watches the tree already knows how to hold and says which change sets re-render it. BrowseModel
// keeps the nodes and the leases; a group only computes rows, so a new one is a file, not more of
// the model.
import type { KindRegistry } from '../kinds/kindRegistry';
import type { ResourceType } from '../kinds/resourceType';
import type { KubeObject } from '../kinds/types';
import type { KubeTransport } from '../transport/types';
import type { ChangeSet } from '../watch/changeSet';
import type { Acquired } from '../watch/viewLeases';
import type { BrowseNode } from './nodes';

export interface GroupDeps {
  /** Holds a watch of `type` in the holder's context and namespace (or `namespace`) for as long as the holder shows. */
  acquire(holder: BrowseNode, type: ResourceType, namespace?: string): Promise<Acquired>;
  /** The objects of an acquired watch in this namespace (a cluster-wide watch is filtered). */
  objects(a: Acquired | undefined, namespace: string | undefined): KubeObject[];
  /** A watch of `type` that already serves the namespace, without starting one. */
  serving(context: string, type: ResourceType, namespace: string | undefined): KubeObject[] | undefined;
  /** An object row kept live by the model (re-rendered when the object changes), under `parent` with this id. */
  objectNode(id: string, parent: BrowseNode, type: ResourceType, obj: KubeObject): BrowseNode;
  /** The context's transport, to read what no watch holds (a Helm release record). */
  transport(context: string): KubeTransport | undefined;
  /** No node gets more children than this. */
  readonly pageSize: number;
  now(): number;
}

export interface NamespaceGroup {
  readonly name: string;
  /** Whether the context serves what the group reads. */
  offered(reg: KindRegistry): boolean;
  node(parent: BrowseNode): BrowseNode;
  /** The group's rows (fresh nodes: the model keeps them under the group). */
  children(group: BrowseNode, reg: KindRegistry, deps: GroupDeps): Promise<BrowseNode[]>;
  /** The namespaces whose group a change set re-renders; 'all' after a relist. */
  affected(type: ResourceType, cs: ChangeSet): Set<string> | 'all' | undefined;
  /**
   * Re-describes the group row from what is cached, before it is announced: VS Code asks for the
   * row itself before its children, so a count in the description must already be current.
   */
  describe?(group: BrowseNode, reg: KindRegistry, deps: GroupDeps): void;
  /** Children of the group's own rows (a release's objects), for the row types it makes. */
  rowChildren?(row: BrowseNode, reg: KindRegistry, deps: GroupDeps): Promise<BrowseNode[]>;
  /** The row types `rowChildren` answers for. */
  readonly rowTypes?: readonly BrowseNode['type'][];
}

/** The namespaces of the objects a change set touches. */
export function namespacesOf(cs: ChangeSet, keep: (o: KubeObject) => boolean = () => true): Set<string> {
  const out = new Set<string>();
  for (const o of [...cs.added, ...cs.deleted, ...cs.updated.map((u) => u.new)]) if (o.metadata.namespace && keep(o)) out.add(o.metadata.namespace);
  return out;
}
