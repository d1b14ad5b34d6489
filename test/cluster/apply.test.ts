// Server-side apply of manifest files against the real apiserver: results per document (created,
// configured, unchanged), Warning headers, errors mapped to the lines of the file (YAML syntax,
// Strict schema validation, 422 causes, unknown kinds and versions, 403, 409 conflicts then force),
// a partial multi-document failure with its exact summary, cancellation between documents, a CRD
// and its resource in one file, the dry-run preview, and parity with `kubectl apply --server-side`.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { previewTexts } from '../../src/kube/actions/applyPreview';
import { type ApplyTarget, applyManifests, conflicted } from '../../src/kube/actions/applyRun';
import { summarize } from '../../src/kube/actions/applySummary';
import { accessForClusters } from '../../src/kube/access/accessReviewer';
import { applyTargetOf } from '../../src/kube/actions/applyTarget';
import { type ManifestSource, parseManifests } from '../../src/kube/actions/manifest';
import type { KubeObject } from '../../src/kube/kinds/types';
import { type RealStack, realStack } from '../support/realStack';
import { RESTRICTED_NAMESPACE } from './cluster.harness';
import { uniqueName, useCluster } from './harness/use-cluster';

const ns = uniqueName('apply');
const cluster = useCluster({ namespace: ns });

const src = (label: string, text: string): ManifestSource => ({ id: `file:///test/${label}`, label, text });

async function withStack<T>(fn: (stack: RealStack, target: ApplyTarget) => Promise<T>, kubeconfig?: string, defaultNamespace = ns): Promise<T> {
  const stack = await realStack(kubeconfig ?? cluster().kubeconfig);
  try {
    return await fn(stack, await applyTargetOf(stack.clusters.session(stack.context)!, defaultNamespace));
  } finally {
    await stack.close();
  }
}

async function getJson(path: string): Promise<KubeObject> {
  const { stdout } = await cluster().kubectl(['get', '--raw', path]);
  return JSON.parse(stdout) as KubeObject;
}

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
      annotations:
        scheduler.alpha.kubernetes.io/critical-pod: ""
    spec:
      containers:
        - name: web
          image: registry.invalid/web:1
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: settings
    data:
      mode: "a"
  - apiVersion: v1
    kind: Service
    metadata:
      name: web
    spec:
      selector: {app: web}
      ports:
        - port: 80
`;

test('apply creates, re-apply leaves unchanged, an edit configures; each document its own result, with Warning headers', async () => {
  await withStack(async (_stack, target) => {
    const first = await applyManifests(target, parseManifests(src('app.yaml', APP)));
    assert.deepEqual(first.outcomes.map((o) => [o.ref?.resource.kind, o.ref?.namespace, o.ref?.name, o.result]), [
      ['Deployment', ns, 'web', 'created'],
      ['ConfigMap', ns, 'settings', 'created'],
      ['Service', ns, 'web', 'created'],
    ]);
    assert.match(first.outcomes[0]!.warnings.join('\n'), /critical-pod\]: non-functional/, 'the apiserver’s Warning header is reported');
    const dep = await getJson(`/apis/apps/v1/namespaces/${ns}/deployments/web`);
    assert.ok(dep.metadata.managedFields?.some((m) => (m as { manager?: string; operation?: string }).manager === 'kube-atlas' && (m as { operation?: string }).operation === 'Apply'), 'applied by field manager kube-atlas');

    const again = await applyManifests(target, parseManifests(src('app.yaml', APP)));
    assert.deepEqual(again.outcomes.map((o) => o.result), ['unchanged', 'unchanged', 'unchanged']);

    const edited = APP.replace('mode: "a"', 'mode: "b"');
    const preview = await applyManifests(target, parseManifests(src('app.yaml', edited)), { dryRun: true });
    assert.deepEqual(preview.outcomes.map((o) => o.result), ['unchanged', 'configured', 'unchanged']);
    const { left, right } = previewTexts(preview);
    assert.match(left, /mode: a/);
    assert.match(right, /mode: b/);
    assert.doesNotMatch(left + right, /managedFields|resourceVersion|uid:|creationTimestamp|generation:/, 'bookkeeping is left out of the diff');
    assert.deepEqual((await getJson(`/api/v1/namespaces/${ns}/configmaps/settings`)).data, { mode: 'a' }, 'the preview wrote nothing');

    const third = await applyManifests(target, parseManifests(src('app.yaml', edited)));
    assert.deepEqual(third.outcomes.map((o) => o.result), ['unchanged', 'configured', 'unchanged']);
    assert.equal(summarize(third).title, `Applied 3 of 3 documents to context "${target.context}": 1 configured, 2 unchanged`);
  });
});

test('a partial multi-document failure: every document is tried, errors point at their lines, the summary says exactly what was applied', async () => {
  const text = [
    /* 1 */ 'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: partial-ok-1',
    'data: {a: "1"}',
    /* 6 */ '---',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: [unclosed',
    '---',
    /* 12 */ 'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: partial-invalid',
    'spec:',
    '  replicas: -1',
    '  selector:',
    '    matchLabels: {app: x}',
    '  template:',
    '    metadata:',
    '      labels: {app: x}',
    '    spec:',
    '      containers:',
    '        - name: x',
    '          image: ""',
    '---',
    // Plain-word values: `y` is a boolean in YAML 1.1 (kubectl's YAML and ours), and the server's
    // type errors for it came and went beside the one error this document is about.
    /* 28 */ 'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: partial-schema',
    'spec:',
    '  replicasx: 1',
    '  selector:',
    '    matchLabels: {app: web}',
    '  template:',
    '    metadata:',
    '      labels: {app: web}',
    '    spec:',
    '      containers:',
    '        - name: web',
    '          image: registry.invalid/web:1',
    '---',
    /* 44 */ 'apiVersion: example.invalid/v1',
    'kind: Gizmo',
    'metadata:',
    '  name: g',
    '---',
    /* 49 */ 'apiVersion: apps/v1beta9',
    'kind: Deployment',
    'metadata:',
    '  name: partial-version',
    '---',
    /* 54 */ 'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: partial-ok-2',
    'stringData: {k: v}',
    '',
  ].join('\n');
  await withStack(async (_stack, target) => {
    const report = await applyManifests(target, parseManifests(src('mixed.yaml', text)));
    const s = summarize(report);
    assert.equal(s.title, `Applied 2 of 7 documents to context "${target.context}": 2 created, 5 failed`);
    assert.equal(s.complete, false);
    const headlines = s.lines.filter((l) => !l.startsWith('    '));
    assert.deepEqual(headlines, [
      `mixed.yaml:1 ConfigMap ${ns}/partial-ok-1: created`,
      'mixed.yaml:10 document 2: NOT applied: YAML syntax error: unexpected end of the stream within a flow collection',
      `mixed.yaml:12 Deployment ${ns}/partial-invalid: NOT applied: Invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0; spec.template.spec.containers[0].image: Required value`,
      `mixed.yaml:28 Deployment ${ns}/partial-schema: NOT applied: Schema: .spec.replicasx: field not declared in schema`,
      'mixed.yaml:44 Gizmo g: NOT applied: Unknown kind: the cluster serves no Gizmo in example.invalid/v1 (no matches for kind "Gizmo" in version "example.invalid/v1").',
      `mixed.yaml:49 Deployment ${ns}/partial-version: NOT applied: The cluster serves Deployment but not in apps/v1beta9 (it serves apps/v1).`,
      `mixed.yaml:54 Secret ${ns}/partial-ok-2: created`,
    ]);
    // Problems sit on the lines of the fields the server named (Strict validation and 422 causes).
    const lines = (i: number) => report.outcomes[i]!.failure!.problems.map((p) => p.line);
    assert.deepEqual(lines(2), [17, 26], 'spec.replicas and containers[0].image');
    assert.deepEqual(lines(3), [33], '.spec.replicasx, the unknown field');
    assert.deepEqual(lines(4), [45], 'unknown kind → the kind line');
    assert.deepEqual(lines(5), [49], 'unserved version → the apiVersion line');
    // And the cluster holds exactly what the summary says.
    await getJson(`/api/v1/namespaces/${ns}/configmaps/partial-ok-1`);
    await getJson(`/api/v1/namespaces/${ns}/secrets/partial-ok-2`);
    await assert.rejects(getJson(`/apis/apps/v1/namespaces/${ns}/deployments/partial-invalid`), /NotFound|not found/);
  });
});

test('a conflict with another field manager names the field, its manager and line; force takes it over', async () => {
  const c = cluster();
  await c.kubectl(['-n', ns, 'create', 'configmap', 'owned', '--from-literal=a=from-kubectl', '--from-literal=b=2']);
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owned\ndata:\n  a: from-kube-atlas\n';
  await withStack(async (_stack, target) => {
    const docs = parseManifests(src('owned.yaml', text));
    const report = await applyManifests(target, docs);
    const o = report.outcomes[0]!;
    assert.equal(o.result, 'failed');
    assert.deepEqual(o.failure?.conflicts, [{ field: '.data.a', manager: 'kubectl-create', line: 6 }]);
    assert.match(o.failure!.problems[0]!.message, /\.data\.a is owned by field manager "kubectl-create"/);
    assert.deepEqual(conflicted(report), docs);

    const forced = await applyManifests(target, conflicted(report), { force: true });
    assert.equal(forced.outcomes[0]!.result, 'configured');
    assert.match(summarize(forced).title, /\(force\)/);
    const cm = (await getJson(`/api/v1/namespaces/${ns}/configmaps/owned`)) as KubeObject & { data: Record<string, string> };
    assert.deepEqual(cm.data, { a: 'from-kube-atlas', b: '2' });
    const mine = cm.metadata.managedFields?.find((m) => (m as { manager?: string }).manager === 'kube-atlas') as { fieldsV1?: { 'f:data'?: Record<string, unknown> } } | undefined;
    assert.ok(mine?.fieldsV1?.['f:data']?.['f:a'], 'kube-atlas owns .data.a now');
  });
});

test('403 for a user without the right: the document fails with what is missing, at its line', async () => {
  const c = cluster();
  const text = '# kube-atlas: context=ignored-here\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-allowed\ndata: {a: "1"}\n';
  await withStack(
    async (_stack, target) => {
      const report = await applyManifests(target, parseManifests(src('forbidden.yaml', text)));
      const o = report.outcomes[0]!;
      assert.equal(o.result, 'failed');
      assert.equal(o.failure?.status, 403);
      assert.match(o.failure!.message, /forbidden/i);
      assert.match(o.failure!.hint ?? '', /RBAC forbids (patch|get) on configmaps in namespace team-a/);
      assert.equal(o.failure!.problems[0]!.line, 2);
    },
    c.restrictedKubeconfig,
    RESTRICTED_NAMESPACE,
  );
});

test('403 with the shared access cache: the failure names the verb, resource and user that are missing (main\'s access module)', async () => {
  const c = cluster();
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-allowed\ndata: {a: "1"}\n';
  const stack = await realStack(c.restrictedKubeconfig);
  const access = accessForClusters(stack.clusters);
  try {
    const target = await applyTargetOf(stack.clusters.session(stack.context)!, RESTRICTED_NAMESPACE, access);
    for (const dryRun of [true, false]) {
      const o = (await applyManifests(target, parseManifests(src('forbidden.yaml', text)), { dryRun })).outcomes[0]!;
      assert.equal(o.result, 'failed');
      assert.equal(o.failure?.status, 403);
      assert.equal(o.failure!.message, 'Not allowed: user "restricted" may not patch configmaps in namespace "team-a".');
      assert.match(o.failure!.hint ?? '', /kubectl auth can-i patch configmaps -n team-a/);
      assert.equal(o.failure!.problems[0]!.line, 1);
    }
    // The tree's menus read the same cache: the denial is in it now.
    assert.equal(access.peek(stack.context, { verb: 'patch', group: '', resource: 'configmaps', namespace: RESTRICTED_NAMESPACE })?.allowed, false);
  } finally {
    access.dispose();
    await stack.close();
  }
});

test('a CRD and a resource of it in one file: the preview marks the resource pending, the apply waits for the CRD to be served', async () => {
  const group = `${uniqueName('g')}.example.com`;
  const crd = `apiVersion: ${group}/v1
kind: Widget
metadata:
  name: w1
spec:
  size: 3
---
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: widgets.${group}
spec:
  group: ${group}
  scope: Namespaced
  names: {plural: widgets, singular: widget, kind: Widget}
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          properties:
            spec:
              type: object
              properties:
                size: {type: integer}
`;
  try {
    await withStack(async (_stack, target) => {
      const docs = parseManifests(src('widget.yaml', crd));
      const preview = await applyManifests(target, docs, { dryRun: true });
      assert.deepEqual(preview.outcomes.map((o) => [o.ref?.resource.kind, o.result, o.pendingCrd]), [
        ['CustomResourceDefinition', 'created', undefined],
        ['Widget', 'created', `widgets.${group}`],
      ]);
      assert.match(previewTexts(preview).right, /size: 3/);

      const t0 = Date.now();
      const report = await applyManifests(target, docs);
      assert.deepEqual(report.outcomes.map((o) => [o.ref?.resource.kind, o.ref?.namespace, o.result]), [
        ['CustomResourceDefinition', undefined, 'created'],
        ['Widget', ns, 'created'],
      ]);
      console.log(`# CRD + resource in one apply: ${Date.now() - t0} ms`);
      const w = (await getJson(`/apis/${group}/v1/namespaces/${ns}/widgets/w1`)) as KubeObject & { spec: { size: number } };
      assert.equal(w.spec.size, 3);
    });
  } finally {
    await cluster().kubectl(['delete', 'crd', `widgets.${group}`, '--wait=false']).catch(() => undefined);
  }
});

test('cancelling stops before the next document; the rest is reported as not applied', async () => {
  const text = [1, 2, 3, 4].map((i) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cancel-${i}\n`).join('---\n');
  await withStack(async (_stack, target) => {
    const ac = new AbortController();
    const report = await applyManifests(target, parseManifests(src('cancel.yaml', text)), {
      signal: ac.signal,
      onProgress: (done) => {
        if (done === 1) ac.abort(); // while the second document is being applied
      },
    });
    assert.deepEqual(report.outcomes.map((o) => o.result), ['created', 'created', 'skipped', 'skipped']);
    assert.equal(report.cancelled, true);
    assert.equal(summarize(report).title, `Applied 2 of 4 documents to context "${target.context}": 2 created, 2 not applied (cancelled)`);
    await assert.rejects(getJson(`/api/v1/namespaces/${ns}/configmaps/cancel-3`), /NotFound|not found/);
  });
});

test('parity: objects after our apply equal those after kubectl apply --server-side (spec and metadata, field managers aside)', async () => {
  const c = cluster();
  const theirs = uniqueName('parity-kubectl');
  const ours = uniqueName('parity-atlas');
  await c.kubectl(['create', 'namespace', theirs]);
  await c.kubectl(['create', 'namespace', ours]);
  const dir = mkdtempSync(join(tmpdir(), 'kube-atlas-parity-'));
  const manifests = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels: {app: api, tier: backend}
  annotations: {team: payments}
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels: {app: api}
    spec:
      containers:
        - name: api
          image: registry.invalid/api:2
          env:
            - {name: MODE, value: "prod"}
          ports:
            - containerPort: 8080
          volumeMounts:
            - {name: cfg, mountPath: /cfg}
      volumes:
        - name: cfg
          configMap:
            name: api-config
            defaultMode: 0644
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  app.properties: |
    a=1
    b=2
---
apiVersion: v1
kind: Secret
metadata:
  name: api-secret
stringData:
  token: not-a-real-token
---
apiVersion: v1
kind: Service
metadata:
  name: api
spec:
  selector: {app: api}
  ports:
    - {name: http, port: 80, targetPort: 8080}
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: nightly
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: job
              image: registry.invalid/job:1
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources: [pods]
    verbs: [get, list]
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: api
spec:
  rules:
    - host: api.example.invalid
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service: {name: api, port: {number: 80}}
`;
  try {
    const file = join(dir, 'parity.yaml');
    writeFileSync(file, manifests);
    await c.kubectl(['apply', '--server-side', '-n', theirs, '-f', file]);
    await withStack(async (_stack, target) => {
      const report = await applyManifests({ ...target, defaultNamespace: ours }, parseManifests(src('parity.yaml', manifests)));
      assert.ok(summarize(report).complete, summarize(report).lines.join('\n'));
    });
    const paths = [
      ['apis/apps/v1', 'deployments/api'],
      ['api/v1', 'configmaps/api-config'],
      ['api/v1', 'secrets/api-secret'],
      ['api/v1', 'services/api'],
      ['apis/batch/v1', 'cronjobs/nightly'],
      ['apis/rbac.authorization.k8s.io/v1', 'roles/reader'],
      ['apis/networking.k8s.io/v1', 'ingresses/api'],
    ];
    for (const [prefix, rest] of paths) {
      const a = comparable(await getJson(`/${prefix}/namespaces/${theirs}/${rest}`));
      const b = comparable(await getJson(`/${prefix}/namespaces/${ours}/${rest}`));
      assert.deepEqual(b, a, `${rest} differs from kubectl's`);
    }
    const dep = (await getJson(`/apis/apps/v1/namespaces/${ours}/deployments/api`)) as KubeObject & { spec: { template: { spec: { volumes: { configMap: { defaultMode: number } }[] } } } };
    assert.equal(dep.spec.template.spec.volumes[0]!.configMap.defaultMode, 0o644, '0644 read as octal, like kubectl');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await c.kubectl(['delete', 'namespace', theirs, ours, '--wait=false']).catch(() => undefined);
  }
});

/** spec, data and metadata without what differs by nature: namespace, ids, versions, times, field managers, allocated IPs. */
function comparable(o: KubeObject): unknown {
  const { status: _s, metadata, ...rest } = o;
  const { managedFields: _m, uid: _u, resourceVersion: _r, creationTimestamp: _c, namespace: _n, generation: _g, ...meta } = metadata;
  const copy = JSON.parse(JSON.stringify({ ...rest, metadata: meta })) as { spec?: Record<string, unknown> };
  if (o.kind === 'Service' && copy.spec) {
    delete copy.spec.clusterIP;
    delete copy.spec.clusterIPs;
  }
  return copy;
}
