// Manifest parsing for apply: documents with their lines, List kinds, YAML 1.1 scalars as kubectl
// reads them, syntax errors that do not hide the other documents, field paths → lines, pins, order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderForApply, withNamespace } from '../../src/kube/actions/applyPlan';
import { parseFieldPath } from '../../src/kube/actions/fieldPath';
import { lineOfField, type ManifestDocument, parseManifests } from '../../src/kube/actions/manifest';
import { combinePins, readPin } from '../../src/kube/actions/pins';
import { forDiff, renderDiff, sameForDiff } from '../../src/kube/actions/objectDiff';
import { editableObject, editableText } from '../../src/kube/actions/liveEdit';

const src = (text: string, label = 'app.yaml') => ({ id: `file:///w/${label}`, label, text });

const MULTI = `# kube-atlas: context=dev namespace=shop
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app.kubernetes.io/name: web
spec:
  replicas: 2
  template:
    spec:
      containers:
        - name: sidecar
          image: busybox
        - name: web
          image: nginx
          ports:
            - containerPort: 80
              protocol: TCP
---
# only a comment
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: a
    data:
      mode: 0644
      flag: yes
      when: 2024-01-01
  - apiVersion: v1
    kind: ConfigMap
    metadata:
      name: b
`;

test('documents, their lines, List items, and kubectl’s YAML 1.1 scalars', () => {
  const docs = parseManifests(src(MULTI));
  assert.deepEqual(
    docs.map((d) => [d.index, d.item, d.line, d.object?.kind, d.object?.metadata.name]),
    [
      [0, undefined, 2, 'Namespace', 'shop'],
      [1, undefined, 7, 'Deployment', 'web'],
      [2, 0, 31, 'ConfigMap', 'a'],
      [2, 1, 39, 'ConfigMap', 'b'],
    ],
  );
  // go-yaml v2 (kubectl): 0644 is octal, yes is a boolean, timestamps stay strings.
  assert.deepEqual(docs[2]!.object!.data, { mode: 420, flag: true, when: '2024-01-01' });
});

test('field paths of both notations resolve to the line of the field, or of its nearest ancestor', () => {
  const dep = parseManifests(src(MULTI))[1]!;
  assert.equal(lineOfField(dep, 'spec.replicas'), 14);
  assert.equal(lineOfField(dep, '.spec.replicas'), 14);
  assert.equal(lineOfField(dep, 'spec.template.spec.containers[1].image'), 21);
  assert.equal(lineOfField(dep, '.spec.template.spec.containers[name="web"].image'), 21);
  assert.equal(lineOfField(dep, '.spec.template.spec.containers[name="web"].ports[containerPort=80,protocol="TCP"]'), 23);
  assert.equal(lineOfField(dep, 'metadata.labels[app.kubernetes.io/name]'), 12);
  assert.equal(lineOfField(dep, '.metadata.labels.app.kubernetes.io/name'), 12, 'SSA prints label keys with their dots');
  // Missing: spec.selector is required but absent → its parent's line.
  assert.equal(lineOfField(dep, 'spec.selector'), 13);
  assert.equal(lineOfField(dep, 'spec.template.spec.containers[5].image'), 17);
  assert.deepEqual(parseFieldPath('.metadata.finalizers[="a.b/c"]'), [
    { type: 'field', name: 'metadata' },
    { type: 'field', name: 'finalizers' },
    { type: 'value', value: 'a.b/c' },
  ]);
  const list = parseManifests(src(MULTI))[2]!;
  assert.equal(lineOfField(list, 'data.mode'), 36, 'List items resolve within their own subtree');
});

test('a syntax error is reported at its line and the other documents still parse', () => {
  const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok1\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [broken\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok2\n  name: dup\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok3\n';
  const docs = parseManifests(src(text));
  assert.equal(docs.length, 4);
  assert.equal(docs[0]!.object?.metadata.name, 'ok1');
  assert.match(docs[1]!.error!.message, /YAML syntax error/);
  assert.equal(docs[1]!.error!.line, 9, 'an unclosed bracket points at its line, not at the end of the text');
  assert.match(docs[2]!.error!.message, /duplicated mapping key/);
  assert.equal(docs[2]!.error!.line, 15);
  assert.equal(docs[3]!.object?.metadata.name, 'ok3');
  assert.equal(docs[3]!.line, 17);
});

test('documents that are not objects, or lack kind or name, are errors at a useful line', () => {
  const docs = parseManifests(src('- a\n- b\n---\napiVersion: v1\nmetadata:\n  name: x\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  generateName: x-\n'));
  assert.match(docs[0]!.error!.message, /Not a Kubernetes object/);
  assert.match(docs[1]!.error!.message, /kind is missing/);
  assert.equal(docs[1]!.error!.line, 4);
  assert.match(docs[2]!.error!.message, /generateName cannot be applied/);
  assert.equal(docs[2]!.error!.line, 10);
  const norway = parseManifests(src('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n'))[0]!;
  assert.match(norway.error!.message, /metadata\.name must be a string, but YAML reads it as boolean false: quote it/);
  assert.equal(norway.error!.line, 4);
  assert.equal(parseManifests(src('\r\n# nothing\r\n---\r\n')).length, 0, 'comments and separators only');
  const crlf = parseManifests(src('apiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: a\r\n---\r\napiVersion: v1\r\nkind: ConfigMap\r\nmetadata:\r\n  name: b\r\n'));
  assert.deepEqual(crlf.map((d) => [d.line, d.object?.metadata.name]), [[1, 'a'], [6, 'b']]);
});

test('order: Namespaces, then CRDs, then the rest, each in file order', () => {
  const a = parseManifests(src('apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: widgets.example.com\n', 'a.yaml'));
  const b = parseManifests(src('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ns1\n', 'b.yaml'));
  const ordered = orderForApply([...a, ...b] as ManifestDocument[]);
  assert.deepEqual(ordered.map((d) => d.object?.metadata.name), ['ns1', 'widgets.example.com', 'w', 'c']);
});

test('namespace defaulting: namespaced kinds get the default, cluster-scoped never carry one', () => {
  const obj = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };
  assert.equal(withNamespace(obj, true, 'shop').object.metadata.namespace, 'shop');
  assert.equal(withNamespace({ ...obj, metadata: { name: 'x', namespace: 'own' } }, true, 'shop').namespace, 'own');
  const cs = withNamespace({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', namespace: 'oops' } }, false, 'shop');
  assert.equal(cs.object.metadata.namespace, undefined);
  assert.equal(cs.droppedNamespace, 'oops');
  assert.equal(obj.metadata.name, 'x');
  assert.ok(!('namespace' in obj.metadata), 'the document itself is not changed');
});

test('pins: a comment names the context and namespace; files that disagree are refused', () => {
  assert.deepEqual(readPin(MULTI), { line: 1, context: 'dev', namespace: 'shop' });
  assert.equal(readPin('kind: x # kube-atlas: context=no'), undefined, 'only whole-line comments');
  assert.deepEqual(combinePins([src('# kube-atlas: context=dev'), src('a: 1'), src('  # kube-atlas: context="dev"')]).context, 'dev');
  const clash = combinePins([src('# kube-atlas: context=dev', 'a.yaml'), src('# kube-atlas: context=prod', 'b.yaml')]);
  assert.equal(clash.context, undefined);
  assert.match(clash.conflict ?? '', /a\.yaml: dev, b\.yaml: prod/);
});

test('diff sides leave out server bookkeeping, align blocks, and new objects diff against empty', () => {
  const live = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a', uid: 'u', resourceVersion: '5', generation: 1, creationTimestamp: 't', managedFields: [{}] }, data: { x: '1' } };
  const after = { ...live, metadata: { ...live.metadata, resourceVersion: '6' }, data: { x: '2' } };
  assert.deepEqual(forDiff(live).metadata, { name: 'a' });
  assert.ok(sameForDiff(live, { ...live, metadata: { ...live.metadata, resourceVersion: '9', managedFields: [] } }));
  assert.ok(!sameForDiff(live, after));
  const { left, right } = renderDiff([
    { header: 'ConfigMap a — changes', left: 'data: 1\n', right: 'data: 2\n' },
    { header: 'ConfigMap b — new', left: '', right: 'kind: ConfigMap\n' },
  ]);
  assert.equal(left, '# ConfigMap a — changes\ndata: 1\n---\n# ConfigMap b — new\n');
  assert.equal(right, '# ConfigMap a — changes\ndata: 2\n---\n# ConfigMap b — new\nkind: ConfigMap\n');
  const editable = editableObject({ ...live, status: { phase: 'x' } });
  assert.deepEqual(Object.keys(editable), ['apiVersion', 'kind', 'metadata', 'data']);
  assert.equal(editable.metadata.managedFields, undefined);
  assert.equal(editable.metadata.resourceVersion, '5', 'the version stays visible, as in kubectl edit');
});

test('the editable YAML reads back the same: strings YAML 1.1 would take for booleans or octal stay quoted', () => {
  const o = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', labels: { y: 'n' } }, data: { a: 'yes', b: '0644', c: 'on', d: '1_000', e: '2024-01-01' } };
  const back = parseManifests(src(editableText(o)))[0]!.object!;
  assert.deepEqual(back.data, o.data);
  assert.deepEqual(back.metadata.labels, { y: 'n' });
});
