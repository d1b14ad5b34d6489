// Lookup of discovered resource types by id, kind or alias. Immutable: a rediscovery builds a new
// registry, so readers never see a half-updated one.
import { builtinInfo } from './builtinKinds';
import { canWatch, resourceId, type ResourceType, type TreeGroup } from './resourceType';

export class KindRegistry {
  private readonly byId = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();

  constructor(readonly all: readonly ResourceType[]) {
    for (const r of all) {
      this.byId.set(resourceId(r), r);
      // Prefer the built-in group when two groups serve the same Kind name (e.g. Event in core and events.k8s.io).
      const k = r.kind.toLowerCase();
      if (!this.byKind.has(k) || builtinInfo(resourceId(r))) this.byKind.set(k, r);
    }
  }

  get(id: string): ResourceType | undefined {
    return this.byId.get(id);
  }

  /** Resolve what a user or an ownerReference names: a kind (optionally with apiVersion), a plural, or a short name. */
  resolve(nameOrKind: string, apiVersion?: string): ResourceType | undefined {
    const n = nameOrKind.toLowerCase();
    if (apiVersion) {
      const slash = apiVersion.indexOf('/');
      const group = slash < 0 ? '' : apiVersion.slice(0, slash);
      const hit = this.all.find((r) => r.group === group && r.kind.toLowerCase() === n);
      if (hit) return hit;
    }
    return this.byId.get(n) ?? this.byKind.get(n) ?? this.all.find((r) => r.plural === n || r.singular === n || r.shortNames.includes(n));
  }

  /** Watchable kinds for a tree group, in the tree's order. */
  inGroup(group: TreeGroup, namespaced: boolean): ResourceType[] {
    return this.all
      .filter((r) => r.treeGroup === group && r.namespaced === namespaced && canWatch(r))
      .sort((a, b) => (builtinInfo(resourceId(a))?.order ?? 99) - (builtinInfo(resourceId(b))?.order ?? 99) || a.kind.localeCompare(b.kind));
  }
}
