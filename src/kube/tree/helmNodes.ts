// The "Helm Releases" group of a namespace: one row per release, made from the metadata of Helm's
// storage objects the namespace's Secret and ConfigMap watches already hold (metadata only: no
// Secret value reaches the cache). A change to one of them re-renders the group.
import { type ReleaseRevisionRef, type ReleaseSummary, revisionRef, summarizeReleases } from '../helm/releaseIndex';
import type { Severity } from '../kinds/summary';
import type { KubeObject } from '../kinds/types';
import { readRevision } from '../helm/releaseReader';
import { releaseObjects } from '../helm/releaseObjects';
import { makeMessageNode } from './nodeFactory';
import { type NamespaceGroup, namespacesOf } from './namespaceGroups';
import { type BrowseNode, ids } from './nodes';
import { groupNode } from './structureNodes';

export const HELM_GROUP = 'Helm Releases' as const;

/** Whether a changed Secret or ConfigMap is a Helm release record (so the group re-renders). */
export function isHelmRecord(o: KubeObject): boolean {
  return o.metadata.labels?.owner === 'helm';
}

export function helmGroupNode(parent: BrowseNode): BrowseNode {
  return {
    ...groupNode(parent, HELM_GROUP),
    tooltip: `Helm releases in namespace ${parent.namespace}, read from Helm's storage (no helm needed)`,
    icon: 'package',
    contextValue: 'kubeAtlas.group:helm',
  };
}

/** The releases among a namespace's storage objects (Secrets and ConfigMaps). */
export function releasesIn(secrets: Iterable<KubeObject>, configMaps: Iterable<KubeObject>): ReleaseSummary[] {
  const refs: ReleaseRevisionRef[] = [];
  for (const o of secrets) {
    const r = isHelmRecord(o) ? revisionRef(o, 'Secret') : undefined;
    if (r) refs.push(r);
  }
  for (const o of configMaps) {
    const r = isHelmRecord(o) ? revisionRef(o, 'ConfigMap') : undefined;
    if (r) refs.push(r);
  }
  return summarizeReleases(refs);
}

const STATUS_SEVERITY: Record<string, Severity> = {
  deployed: 'ok',
  failed: 'error',
  'pending-install': 'progress',
  'pending-upgrade': 'progress',
  'pending-rollback': 'progress',
  uninstalling: 'progress',
  uninstalled: 'done',
  superseded: 'done',
};

export function releaseNode(group: BrowseNode, r: ReleaseSummary): BrowseNode {
  const { latest } = r;
  return {
    id: ids.child(group.id, 'release', r.name),
    type: 'release',
    parent: group,
    context: group.context,
    namespace: r.namespace,
    release: r,
    label: r.name,
    description: `revision ${latest.revision} · ${latest.status}`,
    tooltip: [`Helm release ${r.namespace}/${r.name}`, `Revision ${latest.revision}: ${latest.status}`, latest.updated ? `Updated ${latest.updated}` : '', `${r.revisions.length} stored revision${r.revisions.length === 1 ? '' : 's'} (${latest.storage.kind}s)`].filter(Boolean).join('\n'),
    severity: STATUS_SEVERITY[latest.status] ?? 'warning',
    icon: 'package',
    contextValue: 'kubeAtlas.helmRelease',
    // Expanding shows the objects the release made (from its manifest), as live tree rows.
    collapsible: true,
  };
}

/** The group in a namespace: offered where Secrets are served (Helm's default driver). */
export const helmGroup: NamespaceGroup = {
  name: HELM_GROUP,
  offered: (reg) => !!reg.get('secrets'),
  node: helmGroupNode,
  async children(group, reg, deps) {
    const secrets = reg.get('secrets');
    if (!secrets) return [];
    const configMaps = reg.get('configmaps');
    const [s, c] = await Promise.all([deps.acquire(group, secrets), configMaps ? deps.acquire(group, configMaps) : undefined]);
    if (!('watch' in s)) {
      const forbidden = 'forbidden' in s;
      return [makeMessageNode(group, forbidden ? 'forbidden' : 'error', forbidden ? 'Forbidden: cannot list secrets' : 'Cannot list secrets', `${s.message}\nHelm keeps its releases in Secrets: listing them (metadata only) is needed to show releases.`)];
    }
    const releases = releasesIn(deps.objects(s, group.namespace), deps.objects(c, group.namespace));
    if (!releases.length) return [makeMessageNode(group, 'info', 'No Helm releases', `No Helm release records (owner=helm) in namespace ${group.namespace}.`, 'none')];
    return releases.map((r) => releaseNode(group, r));
  },
  rowTypes: ['release'],
  async rowChildren(row, reg, deps) {
    const t = deps.transport(row.context);
    if (row.type !== 'release' || !row.release || !t) return [];
    let manifest: string | undefined;
    try {
      manifest = (await readRevision(t, row.release.latest)).manifest;
    } catch (e) {
      return [makeMessageNode(row, 'error', 'Cannot read the release record', e instanceof Error ? e.message : String(e))];
    }
    const out: BrowseNode[] = [];
    for (const [i, o] of releaseObjects(manifest).entries()) {
      const type = reg.resolve(o.kind, o.apiVersion);
      const ns = type?.namespaced ? (o.namespace ?? row.namespace) : undefined;
      const key = `${o.kind}/${ns ? `${ns}/` : ''}${o.name}`;
      if (!type) {
        out.push(makeMessageNode(row, 'info', `${o.kind} ${o.name}`, `${o.apiVersion} ${o.kind} is not served by this cluster now.`, `obj-${i}`));
        continue;
      }
      const a = await deps.acquire(row, type, ns);
      const obj = 'watch' in a ? deps.objects(a, ns).find((x) => x.metadata.name === o.name) : undefined;
      if (obj) out.push(deps.objectNode(ids.child(row.id, 'obj', key), row, type, obj));
      else out.push(makeMessageNode(row, 'watch' in a ? 'info' : 'forbidden', `${o.kind} ${o.name}`, 'watch' in a ? `In the release's manifest${o.source ? ` (${o.source})` : ''}, but not in the cluster now.` : a.message, `obj-${i}`));
    }
    if (!out.length) out.push(makeMessageNode(row, 'info', 'No objects in the manifest', 'The release rendered no Kubernetes objects.', 'none'));
    return out;
  },
  affected(type, cs) {
    // A release record added, changed (status label) or removed: its namespace's group re-renders.
    if (type.kind !== 'Secret' && type.kind !== 'ConfigMap') return undefined;
    return cs.relisted ? 'all' : namespacesOf(cs, isHelmRecord);
  },
};
