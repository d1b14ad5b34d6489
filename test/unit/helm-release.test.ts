// Helm 3 storage read without helm: a revision record (base64 of gzip of JSON, base64 once more in
// a Secret) decoded; the list built from labels alone; computed values as `helm get values --all`
// coalesces them. Fixtures are written the way Helm's storage driver writes them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { KubeObject } from '../../src/kube/kinds/types';
import { computedValues, decodeRelease, HelmDecodeError, type HelmRelease } from '../../src/kube/helm/releaseDecode';
import { revisionRef, summarizeReleases } from '../../src/kube/helm/releaseIndex';

const release: HelmRelease = {
  name: 'shop',
  namespace: 'team-a',
  version: 2,
  info: { status: 'deployed', description: 'Upgrade complete', last_deployed: '2026-11-30T10:00:00Z', notes: 'Visit <b>http://shop</b>' },
  chart: { metadata: { name: 'shop', version: '0.2.0', appVersion: '1.4' }, values: { replicas: 1, image: { repo: 'shop', tag: '1.0' }, debug: true } },
  config: { image: { tag: '1.4' }, debug: null },
  manifest: '---\nkind: Deployment\n',
};

/** What Helm stores: base64(gzip(JSON)); a Secret's data holds that base64-encoded again. */
function stored(rel: unknown, gzip = true): string {
  const json = Buffer.from(JSON.stringify(rel));
  return (gzip ? gzipSync(json) : json).toString('base64');
}

test('a Secret revision record decodes (double base64, gzip) and a ConfigMap one (single base64)', async () => {
  const fromSecret = await decodeRelease({ kind: 'Secret', metadata: { name: 'sh.helm.release.v1.shop.v2', namespace: 'team-a' }, data: { release: Buffer.from(stored(release)).toString('base64') } });
  assert.deepEqual(fromSecret, release);
  const fromConfigMap = await decodeRelease({ kind: 'ConfigMap', metadata: { name: 'sh.helm.release.v1.shop.v2', namespace: 'team-a' }, data: { release: stored(release) } });
  assert.deepEqual(fromConfigMap, release);
  // Helm reads records written before it compressed them: plain JSON in base64.
  const plain = await decodeRelease({ kind: 'ConfigMap', metadata: { name: 'x' }, data: { release: stored(release, false) } });
  assert.equal(plain.chart.metadata.appVersion, '1.4');
});

test('a record that is not a release says which object and why', async () => {
  await assert.rejects(decodeRelease({ kind: 'Secret', metadata: { name: 'other', namespace: 'ns' }, data: {} }), (e: Error) => e instanceof HelmDecodeError && /Secret ns\/other has no "release" key/.test(e.message));
  await assert.rejects(decodeRelease({ kind: 'ConfigMap', metadata: { name: 'bad', namespace: 'ns' }, data: { release: Buffer.from('{not json').toString('base64') } }), /ConfigMap ns\/bad: the release record is not JSON/);
  await assert.rejects(decodeRelease({ kind: 'ConfigMap', metadata: { name: 'half', namespace: 'ns' }, data: { release: stored({ name: 'x' }) } }), /lacks name, chart or info/);
});

test('computed values: user values over chart defaults, maps merged, null deletes the default', () => {
  assert.deepEqual(computedValues(release), { replicas: 1, image: { repo: 'shop', tag: '1.4' } });
  assert.deepEqual(computedValues({ chart: { metadata: { name: 'c', version: '1' }, values: null }, config: null }), {});
  // A list replaces, never merges.
  assert.deepEqual(computedValues({ chart: { metadata: { name: 'c', version: '1' }, values: { ports: [80, 443] } }, config: { ports: [8080] } }), { ports: [8080] });
});

function storageObject(name: string, labels: Record<string, string>, ns = 'team-a'): KubeObject {
  return { apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns, labels, creationTimestamp: '2026-11-30T09:00:00Z' } };
}

test('the release list comes from labels alone: newest revision per release, history oldest first', () => {
  const objects = [
    storageObject('sh.helm.release.v1.shop.v1', { owner: 'helm', name: 'shop', version: '1', status: 'superseded', modifiedAt: '1764496800' }),
    storageObject('sh.helm.release.v1.shop.v10', { owner: 'helm', name: 'shop', version: '10', status: 'deployed' }),
    storageObject('sh.helm.release.v1.shop.v2', { owner: 'helm', name: 'shop', version: '2', status: 'superseded' }),
    storageObject('sh.helm.release.v1.api.v1', { owner: 'helm', name: 'api', version: '1', status: 'failed' }),
    storageObject('sh.helm.release.v1.gone.v3', { owner: 'helm', name: 'gone', version: '3', status: 'uninstalled' }, 'team-b'),
    // Not release records: another owner, another name scheme, a broken revision label.
    storageObject('sh.helm.release.v1.x.v1', { owner: 'someone', name: 'x', version: '1' }),
    storageObject('db-password', { owner: 'helm', name: 'db', version: '1' }),
    storageObject('sh.helm.release.v1.y.vX', { owner: 'helm', name: 'y', version: 'X' }),
  ];
  const refs = objects.flatMap((o) => revisionRef(o, 'Secret') ?? []);
  const list = summarizeReleases(refs);
  assert.deepEqual(
    list.map((r) => [r.namespace, r.name, r.latest.revision, r.latest.status]),
    [
      ['team-a', 'api', 1, 'failed'],
      ['team-a', 'shop', 10, 'deployed'],
      ['team-b', 'gone', 3, 'uninstalled'],
    ],
  );
  const shop = list.find((r) => r.name === 'shop')!;
  assert.deepEqual(shop.revisions.map((r) => r.revision), [1, 2, 10]);
  assert.equal(shop.revisions[0]!.updated, '2025-11-30T10:00:00.000Z');
  assert.equal(shop.revisions[1]!.updated, '2026-11-30T09:00:00Z');
  assert.deepEqual(shop.latest.storage, { kind: 'Secret', name: 'sh.helm.release.v1.shop.v10' });
});

test('helm command lines are argument arrays pinned to the context and namespace; KUBECONFIG lists the merged files', async () => {
  const { findExecutable, kubeconfigEnv, rollbackArgs, uninstallArgs, upgradeArgs } = await import('../../src/kube/helm/helmCli');
  const t = { context: 'prod; rm -rf /', namespace: 'shop', release: 'web' };
  assert.deepEqual(rollbackArgs(t, 3), ['rollback', 'web', '3', '--kube-context', 'prod; rm -rf /', '--namespace', 'shop', '--wait']);
  assert.deepEqual(uninstallArgs(t), ['uninstall', 'web', '--kube-context', 'prod; rm -rf /', '--namespace', 'shop', '--wait']);
  assert.deepEqual(upgradeArgs(t, 'repo/web', '/tmp/v.yaml'), ['upgrade', 'web', 'repo/web', '--kube-context', 'prod; rm -rf /', '--namespace', 'shop', '--values', '/tmp/v.yaml', '--wait']);
  assert.equal(kubeconfigEnv([{ path: '/a', exists: true }, { path: '/missing', exists: false }, { path: '/b', exists: true }], ':'), '/a:/b');
  // On PATH (the first directory that has it, executable), an absolute path as it is, else nothing.
  assert.equal(findExecutable('sh', `/nonexistent:/bin:/usr/bin`, ':'), '/bin/sh');
  assert.equal(findExecutable('/bin/sh', '', ':'), '/bin/sh');
  assert.equal(findExecutable('no-such-helm-here', '/bin:/usr/bin', ':'), undefined);
  const dir = mkdtempSync(join(tmpdir(), 'kube-atlas-helm-path-'));
  try {
    writeFileSync(join(dir, 'helm'), '#!/bin/sh\n', { mode: 0o644 });
    assert.equal(findExecutable(join(dir, 'helm'), '', ':'), undefined, 'not executable');
    assert.equal(findExecutable('helm', dir, ':'), undefined, 'not executable on PATH');
    chmodSync(join(dir, 'helm'), 0o755);
    assert.equal(findExecutable('helm', `/nonexistent:${dir}`, ':'), join(dir, 'helm'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the helm command line shown above its output redacts secrets, in flags and in --set values', async () => {
  const { helmCommandLine, rollbackArgs } = await import('../../src/kube/helm/helmCli');
  const t = { context: 'dev', namespace: 'shop', release: 'web' };
  assert.equal(helmCommandLine(rollbackArgs(t, 3)), 'helm rollback web 3 --kube-context dev --namespace shop --wait');
  assert.equal(
    helmCommandLine(['upgrade', 'web', 'repo/web', '--set', 'db.password=hunter22,replicas=2', '--set-string', 'apiToken=abcd1234', '--password', 's3cr3t!', '--values', '/tmp/v.yaml']),
    'helm upgrade web repo/web --set db.password=***,replicas=2 --set-string apiToken=*** --password *** --values /tmp/v.yaml',
  );
});

test('tree rows: one per release from Secrets and ConfigMaps, status as severity, non-Helm objects ignored', async () => {
  const { releaseNode, releasesIn, helmGroupNode } = await import('../../src/kube/tree/helmNodes');
  const ns = { id: 'c/x/ns/team-a', type: 'namespace', parent: undefined, context: 'x', namespace: 'team-a', label: 'team-a', description: '', tooltip: '', severity: undefined, icon: '', contextValue: '', collapsible: true } as const;
  const group = helmGroupNode({ ...ns });
  assert.equal(group.id, 'c/x/ns/team-a/g/Helm%20Releases');
  const cm = (name: string, labels: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'team-a', labels } });
  const releases = releasesIn(
    [storageObject('sh.helm.release.v1.web.v1', { owner: 'helm', name: 'web', version: '1', status: 'failed' }), storageObject('plain-secret', { app: 'web' })],
    [cm('sh.helm.release.v1.api.v2', { owner: 'helm', name: 'api', version: '2', status: 'pending-upgrade' }), cm('kube-root-ca.crt', {})],
  );
  const rows = releases.map((r) => releaseNode(group, r));
  assert.deepEqual(rows.map((r) => [r.label, r.description, r.severity, r.release?.latest.storage.kind]), [
    ['api', 'revision 2 · pending-upgrade', 'progress', 'ConfigMap'],
    ['web', 'revision 1 · failed', 'error', 'Secret'],
  ]);
});

test('a release\'s objects from its manifest: kind, name, namespace and Source comment per document, a broken document skipped', async () => {
  const { releaseObjects } = await import('../../src/kube/helm/releaseObjects');
  const manifest = [
    '---',
    '# Source: shop/templates/configmap.yaml',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: shop-settings',
    '---',
    '# Source: shop/templates/role.yaml',
    'apiVersion: rbac.authorization.k8s.io/v1',
    'kind: ClusterRole',
    'metadata: {name: shop-reader}',
    '---',
    'kind: [broken',
    '---',
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata: {name: web, namespace: other}',
    '',
  ].join('\n');
  assert.deepEqual(releaseObjects(manifest), [
    { apiVersion: 'v1', kind: 'ConfigMap', name: 'shop-settings', source: 'shop/templates/configmap.yaml' },
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'shop-reader', source: 'shop/templates/role.yaml' },
    { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', namespace: 'other' },
  ]);
  assert.deepEqual(releaseObjects(undefined), []);
});
