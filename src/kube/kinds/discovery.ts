// Builds the kind registry from API discovery, so every served resource (CRDs included) is known
// without code changes. Prefers aggregated discovery (one request for /api plus one for /apis,
// GA since 1.30) and falls back to the legacy per-group-version walk on older servers.
import type { KubeTransport } from '../transport/types';
import { builtinInfo, isBuiltinGroup } from './builtinKinds';
import { isMetadataOnly } from './metadataOnly';
import type { ResourceType } from './resourceType';
import { KindRegistry } from './kindRegistry';

const AGGREGATED_ACCEPT =
  'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json';

interface DiscoveryResource {
  resource: string;
  responseKind?: { group?: string; version?: string; kind?: string };
  scope?: 'Cluster' | 'Namespaced';
  singularResource?: string;
  verbs?: string[];
  shortNames?: string[];
  subresources?: { subresource: string; verbs?: string[] }[];
}
interface DiscoveryGroup {
  metadata?: { name?: string };
  versions?: { version: string; resources?: DiscoveryResource[] }[];
}
interface AggregatedList {
  kind?: string;
  items?: DiscoveryGroup[];
}

interface LegacyResource {
  name: string;
  singularName?: string;
  namespaced: boolean;
  kind: string;
  verbs?: string[];
  shortNames?: string[];
}

export function makeResourceType(
  group: string,
  version: string,
  r: { plural: string; singular?: string; kind: string; namespaced: boolean; verbs?: readonly string[]; shortNames?: readonly string[]; subresources: readonly string[] },
): ResourceType {
  const id = group ? `${r.plural}.${group}` : r.plural;
  const info = builtinInfo(id);
  return {
    group,
    version,
    kind: r.kind,
    plural: r.plural,
    singular: r.singular || r.kind.toLowerCase(),
    namespaced: r.namespaced,
    verbs: r.verbs ?? [],
    shortNames: r.shortNames ?? [],
    treeGroup: info?.group ?? (isBuiltinGroup(group) ? 'Other' : 'Custom Resources'),
    scalable: r.subresources.includes('scale'),
    restartable: info?.restartable === true,
    hasLogs: r.subresources.includes('log'),
    hasExec: r.subresources.includes('exec'),
    metadataOnly: isMetadataOnly(id),
  };
}

/** Pure: aggregated discovery documents → resource types (first listed version = preferred). */
export function fromAggregated(lists: AggregatedList[]): ResourceType[] {
  const out: ResourceType[] = [];
  for (const list of lists) {
    for (const g of list.items ?? []) {
      const group = g.metadata?.name ?? '';
      const preferred = g.versions?.[0];
      if (!preferred) continue;
      for (const r of preferred.resources ?? []) {
        out.push(
          makeResourceType(group, preferred.version, {
            plural: r.resource,
            singular: r.singularResource,
            kind: r.responseKind?.kind ?? r.resource,
            namespaced: r.scope === 'Namespaced',
            verbs: r.verbs,
            shortNames: r.shortNames,
            subresources: (r.subresources ?? []).map((s) => s.subresource),
          }),
        );
      }
    }
  }
  return out;
}

/** Pure: a legacy APIResourceList → resource types (subresources are `pods/log` style entries). */
export function fromLegacy(group: string, version: string, resources: LegacyResource[]): ResourceType[] {
  const subs = new Map<string, string[]>();
  for (const r of resources) {
    const [base, sub] = r.name.split('/');
    if (base && sub) subs.set(base, [...(subs.get(base) ?? []), sub]);
  }
  return resources
    .filter((r) => !r.name.includes('/'))
    .map((r) =>
      makeResourceType(group, version, {
        plural: r.name,
        singular: r.singularName,
        kind: r.kind,
        namespaced: r.namespaced,
        verbs: r.verbs,
        shortNames: r.shortNames,
        subresources: subs.get(r.name) ?? [],
      }),
    );
}

export async function discover(transport: KubeTransport, signal?: AbortSignal): Promise<KindRegistry> {
  const [core, groups] = await Promise.all([
    transport.request<AggregatedList & { versions?: string[] }>({ path: '/api', accept: AGGREGATED_ACCEPT, signal, timeoutMs: 30_000 }),
    transport.request<AggregatedList & { groups?: { name: string; preferredVersion?: { version: string } }[] }>({
      path: '/apis',
      accept: AGGREGATED_ACCEPT,
      signal,
      timeoutMs: 30_000,
    }),
  ]);
  if (core.kind === 'APIGroupDiscoveryList' && groups.kind === 'APIGroupDiscoveryList') {
    return new KindRegistry(fromAggregated([core, groups]));
  }
  // Legacy walk: one request per group version; failures of one aggregated API must not hide the rest.
  const jobs: Promise<ResourceType[]>[] = [];
  const coreVersion = core.versions?.[0] ?? 'v1';
  jobs.push(transport.request<{ resources: LegacyResource[] }>({ path: `/api/${coreVersion}`, signal }).then((l) => fromLegacy('', coreVersion, l.resources)));
  for (const g of groups.groups ?? []) {
    const v = g.preferredVersion?.version;
    if (!v) continue;
    jobs.push(
      transport
        .request<{ resources: LegacyResource[] }>({ path: `/apis/${g.name}/${v}`, signal })
        .then((l) => fromLegacy(g.name, v, l.resources))
        .catch(() => []),
    );
  }
  return new KindRegistry((await Promise.all(jobs)).flat());
}
