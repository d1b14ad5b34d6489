// What a view may see when RBAC stops short of the whole cluster, decided once for every view (the
// tree, the topology graph): many users may not list Namespaces, or list a kind cluster-wide, yet
// may in their own namespace. Both fall back instead of showing an empty panel:
// - the namespaces: the listed ones, or else the context's own namespace (kubeconfig), and why;
// - a kind over all namespaces: one cluster-wide watch, or else one watch per visible namespace.
import type { ResourceType } from '../kinds/resourceType';
import type { SharedWatch } from './sharedWatch';
import type { Acquired, AcquireOptions, ViewLeases } from './viewLeases';

export interface VisibleNamespaces {
  names: string[];
  /** The Namespace watch when listing was allowed (its objects carry the phase). */
  watch?: SharedWatch;
  /** Why only the context's own namespace is shown (listing was refused or failed). */
  refused?: { forbidden: boolean; message: string; own: string };
}

/** The namespaces a context shows: every listed one, or the context's own when listing is refused. */
export async function visibleNamespaces(leases: ViewLeases, holder: string, context: string, nsType: ResourceType, ownNamespace: string): Promise<VisibleNamespaces> {
  const acquired = await leases.acquire(holder, context, nsType, undefined);
  if ('watch' in acquired) return { names: [...acquired.watch.store.list()].map((o) => o.metadata.name ?? '').filter(Boolean), watch: acquired.watch };
  return { names: [ownNamespace], refused: { forbidden: 'forbidden' in acquired, message: acquired.message, own: ownNamespace } };
}

export interface AcrossNamespaces {
  /** The watches that together hold the kind's objects in the namespaces visible to the user. */
  watches: SharedWatch[];
  /** Set when the kind is visible nowhere (every watch refused): the layer is missing, and why. */
  refused?: { forbidden: boolean; message: string };
  /** Set when a cluster-wide watch was refused and per-namespace watches serve instead. */
  narrowed?: string;
}

/**
 * A kind in every namespace the user may see: the cluster-wide watch, or, when that is refused,
 * one watch per namespace of `namespaces()` (asked only then). Cluster-scoped kinds have no
 * fallback: refused means missing.
 */
export async function acquireAcross(
  leases: ViewLeases,
  holder: string,
  context: string,
  type: ResourceType,
  namespaces: () => Promise<string[]>,
  opts: AcquireOptions = {},
): Promise<AcrossNamespaces> {
  const wide = await leases.acquire(holder, context, type, undefined, opts);
  if ('watch' in wide) return { watches: [wide.watch] };
  if (!type.namespaced || !('forbidden' in wide)) return { watches: [], refused: refusal(wide) };
  // The refused cluster-wide watch would keep retrying against the server for nothing: let it go.
  leases.releaseOne(holder, context, type, undefined);
  const per = await Promise.all((await namespaces()).map((ns) => leases.acquire(holder, context, type, ns, opts)));
  const watches = per.flatMap((a) => ('watch' in a ? [a.watch] : []));
  if (!watches.length) return { watches, refused: refusal(per.find((a) => !('watch' in a)) ?? wide) };
  return { watches, narrowed: `listing ${type.plural} in all namespaces is forbidden; showing the namespaces where it is allowed` };
}

function refusal(a: Acquired): { forbidden: boolean; message: string } {
  if ('watch' in a) return { forbidden: false, message: '' };
  return { forbidden: 'forbidden' in a, message: a.message };
}
