// The browse hierarchy as plain data: contexts → namespaces → groups → kinds → objects → pods →
// containers. The VS Code adapter turns these into TreeItems; cluster tests read them directly.
import type { ReleaseSummary } from '../helm/releaseIndex';
import type { ResourceType, TreeGroup } from '../kinds/resourceType';
import type { Severity } from '../kinds/summary';
import type { KubeObject } from '../kinds/types';
import type { Diagnosis } from '../diagnosis/types';

export type NodeType = 'context' | 'namespace' | 'group' | 'kind' | 'chunk' | 'object' | 'container' | 'message' | 'release' | 'event';

export type MessageKind = 'error' | 'forbidden' | 'info' | 'loading';

export interface BrowseNode {
  readonly id: string;
  readonly type: NodeType;
  parent: BrowseNode | undefined;
  readonly context: string;
  readonly namespace?: string;
  readonly group?: TreeGroup | 'Cluster' | 'Helm Releases' | 'Events';
  readonly resource?: ResourceType;
  /** Object nodes: the latest cached object (frozen; never mutate). */
  object?: KubeObject;
  readonly containerName?: string;
  /** Chunk nodes: the range of the parent's sorted children they hold. */
  range?: { start: number; end: number };
  messageKind?: MessageKind;
  /** Release nodes: the Helm release, from its storage objects' labels. */
  release?: ReleaseSummary;
  /** Event nodes: the object the event is about, to reveal on click (resource id as the registry has it). */
  target?: { resource: string; namespace?: string; name: string };
  label: string;
  description: string;
  tooltip: string;
  severity: Severity | undefined;
  /** A codicon id; the adapter adds the theme colour from severity. */
  icon: string;
  /** Composed like `kubeAtlas.object.pod:logs:exec` so menus match with regexes. */
  contextValue: string;
  /** Object nodes: the root cause shown (unhealthy pods, workloads rolled up from their pods). */
  cause?: Diagnosis;
  /** Object nodes: the `:can-…` access markers last known for the row (see kube/access/objectActions.ts). */
  accessMarkers?: string;
  collapsible: boolean;
}

const enc = encodeURIComponent;

export const ids = {
  context: (ctx: string): string => `c/${enc(ctx)}`,
  namespace: (ctx: string, ns: string): string => `c/${enc(ctx)}/ns/${enc(ns)}`,
  clusterFolder: (ctx: string): string => `c/${enc(ctx)}/cluster`,
  group: (ctx: string, ns: string, g: string): string => `c/${enc(ctx)}/ns/${enc(ns)}/g/${enc(g)}`,
  kind: (parentId: string, resourceId: string): string => `${parentId}/k/${enc(resourceId)}`,
  chunk: (parentId: string, index: number): string => `${parentId}/chunk/${index}`,
  object: (kindId: string, name: string): string => `${kindId}/o/${enc(name)}`,
  child: (parentId: string, kind: string, name: string): string => `${parentId}/${kind}/${enc(name)}`,
  message: (parentId: string, slug: string): string => `${parentId}/msg/${enc(slug)}`,
};
