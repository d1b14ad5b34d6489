// The rollout actions' pure parts against kubectl's rules (k8s.io/kubectl v0.36
// polymorphichelpers): which revision undo picks and what it sends, the restart patch and its
// timestamp, rollout status wording, failing new pods, replica input, selectors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { controllerRevisionTemplate, revisionsOf } from '../../src/kube/actions/rollout/history';
import { restartPatch, RestartError, rfc3339Local } from '../../src/kube/actions/rollout/restart';
import { newRevisionPods, rolloutState } from '../../src/kube/actions/rollout/status';
import { planUndo, UndoError } from '../../src/kube/actions/rollout/undo';
import { equalIgnoreHash, selectorQuery, semanticEqual } from '../../src/kube/actions/rollout/workload';
import { parseReplicas } from '../../src/kube/actions/scale';
import { makeResourceType } from '../../src/kube/kinds/discovery';
import { InternPool, projectionFor } from '../../src/kube/kinds/projection';
import { rolloutProgress, summarize } from '../../src/kube/kinds/summary';
import type { KubeObject } from '../../src/kube/kinds/types';

const tpl = (image: string, hash?: string) => ({
  metadata: { creationTimestamp: null, labels: { app: 'web', ...(hash ? { 'pod-template-hash': hash } : {}) } },
  spec: { containers: [{ name: 'web', image, resources: {} }] },
});
const dep = (image: string, extra: Partial<{ paused: boolean; annotations: Record<string, string> }> = {}): KubeObject => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'd1', generation: 3, annotations: extra.annotations ?? { 'deployment.kubernetes.io/revision': '3' } },
  spec: { replicas: 2, paused: extra.paused, selector: { matchLabels: { app: 'web' } }, template: tpl(image) },
});
const rs = (name: string, revision: string | undefined, image: string, created: string, annotations: Record<string, string> = {}): KubeObject => ({
  metadata: {
    name,
    namespace: 'ns',
    uid: `u-${name}`,
    creationTimestamp: created,
    annotations: { ...(revision === undefined ? {} : { 'deployment.kubernetes.io/revision': revision }), ...annotations },
    ownerReferences: [{ uid: 'd1', controller: true, kind: 'Deployment', name: 'web' }],
  },
  spec: { template: tpl(image, name.slice(-3)) },
});

const replicaSets = [
  rs('web-aaa', '1', 'web:1', '2026-01-01T00:00:00Z', { 'kubernetes.io/change-cause': 'first', 'deployment.kubernetes.io/desired-replicas': '2' }),
  rs('web-bbb', '2', 'web:2', '2026-01-02T00:00:00Z', { 'kubernetes.io/change-cause': 'second' }),
  rs('web-ccc', '3', 'web:3', '2026-01-03T00:00:00Z'),
];

test('undo of a Deployment: previous = second-highest revision; JSON patch of the template (no hash label) and the annotations', () => {
  const owner = dep('web:3', { annotations: { 'deployment.kubernetes.io/revision': '3', 'kubectl.kubernetes.io/last-applied-configuration': '{}', team: 'a' } });
  const plan = planUndo({ kind: 'Deployment', owner, sources: replicaSets }, 0);
  assert.equal(plan.action, 'patch');
  if (plan.action !== 'patch') return;
  assert.equal(plan.revision, 2);
  assert.equal(plan.contentType, 'application/json-patch+json');
  assert.deepEqual(plan.body, [
    { op: 'replace', path: '/spec/template', value: tpl('web:2') },
    // The Deployment's own bookkeeping (revision, last-applied) kept; the rest from the ReplicaSet ("team" dropped, change-cause taken).
    { op: 'replace', path: '/metadata/annotations', value: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'second' } },
  ]);
  const to1 = planUndo({ kind: 'Deployment', owner, sources: replicaSets }, 1);
  assert.equal(to1.action === 'patch' && to1.revision, 1);
  // desired-replicas of the ReplicaSet is skipped.
  assert.deepEqual(to1.action === 'patch' && (to1.body as { value: unknown }[])[1]!.value, { 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '3', 'kubernetes.io/change-cause': 'first' });
});

test('undo of a Deployment: kubectl\'s refusals and the skip', () => {
  const owner = dep('web:3');
  assert.throws(() => planUndo({ kind: 'Deployment', owner, sources: replicaSets }, 7), new UndoError('unable to find specified revision 7 in history'));
  assert.throws(() => planUndo({ kind: 'Deployment', owner, sources: replicaSets }, -1), /unable to find specified revision -1/);
  assert.throws(() => planUndo({ kind: 'Deployment', owner, sources: [replicaSets[2]!] }, 0), /no rollout history found for deployment "web"/);
  assert.throws(() => planUndo({ kind: 'Deployment', owner: dep('web:3', { paused: true }), sources: replicaSets }, 0), /paused deployment/);
  // A revision that is not found is reported before the pause (kubectl's order).
  assert.throws(() => planUndo({ kind: 'Deployment', owner: dep('web:3', { paused: true }), sources: replicaSets }, 9), /unable to find specified revision 9/);
  const skip = planUndo({ kind: 'Deployment', owner: dep('web:2'), sources: replicaSets }, 2);
  assert.deepEqual(skip, { action: 'skip', revision: 2, message: 'skipped rollback (current template already matches revision 2)' });
  // Ties and unparsable revisions as kubectl: a non-number annotation is ignored, a missing one is 0.
  const odd = [rs('web-x1', 'abc', 'web:9', '2026-01-01T00:00:00Z'), rs('web-x2', undefined, 'web:8', '2026-01-01T00:00:00Z'), ...replicaSets];
  const p = planUndo({ kind: 'Deployment', owner, sources: odd }, 0);
  assert.equal(p.action === 'patch' && p.revision, 2);
});

const cr = (name: string, revision: number, image: string): KubeObject => ({
  metadata: { name, namespace: 'ns', uid: `u-${name}`, ownerReferences: [{ uid: 's1', controller: true }] },
  revision,
  data: { spec: { template: { ...tpl(image), $patch: 'replace' } } },
});

test('undo of a StatefulSet/DaemonSet: second-highest ControllerRevision, its data as a strategic merge patch; skip when it matches', () => {
  const owner: KubeObject = { metadata: { name: 'db', namespace: 'ns', uid: 's1' }, spec: { template: tpl('db:3') } };
  const history = [cr('db-3', 3, 'db:3'), cr('db-1', 1, 'db:1'), cr('db-2', 2, 'db:2')];
  const plan = planUndo({ kind: 'StatefulSet', owner, sources: history }, 0);
  assert.equal(plan.action === 'patch' && plan.revision, 2);
  assert.equal(plan.action === 'patch' && plan.contentType, 'application/strategic-merge-patch+json');
  assert.deepEqual(plan.action === 'patch' && plan.body, history[2]!.data);
  assert.deepEqual(plan.action === 'patch' && plan.template, tpl('db:2'));
  assert.equal(planUndo({ kind: 'DaemonSet', owner, sources: history }, 3).action, 'skip');
  assert.throws(() => planUndo({ kind: 'StatefulSet', owner, sources: [history[0]!] }, 0), /no last revision to roll back to/);
  assert.throws(() => planUndo({ kind: 'StatefulSet', owner, sources: history }, 5), /unable to find specified revision 5/);
  assert.deepEqual(controllerRevisionTemplate(history[1]!), tpl('db:1'));
  const revs = revisionsOf('StatefulSet', owner, history);
  assert.deepEqual(revs.map((r) => [r.revision, r.current, r.images.join()]), [[1, false, 'db:1'], [2, false, 'db:2'], [3, true, 'db:3']]);
});

test('history of a Deployment: revisions with change-cause and images, current by template', () => {
  const revs = revisionsOf('Deployment', dep('web:2'), replicaSets);
  assert.deepEqual(revs.map((r) => [r.revision, r.changeCause, r.images, r.current]), [[1, 'first', ['web:1'], false], [2, 'second', ['web:2'], true], [3, undefined, ['web:3'], false]]);
  assert.equal(revs[0]!.template.metadata?.labels?.['pod-template-hash'], undefined, 'the hash label is not part of the template shown');
});

test('restart: kubectl\'s annotation, RFC 3339 local time, refused when paused or within the same second', () => {
  const now = new Date('2026-11-30T17:45:09.123Z');
  const stamp = rfc3339Local(now);
  assert.match(stamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
  if (now.getTimezoneOffset() === 0) assert.equal(stamp, '2026-11-30T17:45:09Z');
  const p = restartPatch('StatefulSet', { metadata: { name: 'db' }, spec: { template: tpl('db:1') } }, now);
  assert.deepEqual(p.body, { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': stamp } } } } });
  assert.equal(p.contentType, 'application/strategic-merge-patch+json');
  assert.throws(() => restartPatch('Deployment', dep('web:1', { paused: true }), now), RestartError);
  const again: KubeObject = { metadata: { name: 'db' }, spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': stamp } } } } };
  assert.throws(() => restartPatch('DaemonSet', again, now), /within the past second/);
});

test('rollout status: kubectl\'s wording, observedGeneration first, deadline exceeded, StatefulSet partitions', () => {
  const d = (status: object, generation = 2): KubeObject => ({ metadata: { name: 'web', generation }, spec: { replicas: 3 }, status });
  assert.equal(rolloutProgress('Deployment', d({ observedGeneration: 1 }))?.message, 'Waiting for deployment spec update to be observed...');
  assert.equal(rolloutProgress('Deployment', d({ observedGeneration: 2, updatedReplicas: 1, replicas: 3 }))?.message, 'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...');
  assert.equal(rolloutProgress('Deployment', d({ observedGeneration: 2, updatedReplicas: 3, replicas: 4 }))?.message, 'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...');
  assert.equal(rolloutProgress('Deployment', d({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 }))?.message, 'Waiting for deployment "web" rollout to finish: 2 of 3 updated replicas are available...');
  const ok = rolloutProgress('Deployment', d({ observedGeneration: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 3 }));
  assert.deepEqual([ok?.done, ok?.message], [true, 'deployment "web" successfully rolled out']);
  const late = rolloutProgress('Deployment', d({ observedGeneration: 2, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }] }));
  assert.equal(late?.failed?.reason, 'ProgressDeadlineExceeded');
  const sts = (status: object, partition?: number): KubeObject => ({ metadata: { name: 'db', generation: 1 }, spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: partition === undefined ? undefined : { partition } } }, status });
  assert.equal(rolloutProgress('StatefulSet', sts({ observedGeneration: 0 }))?.message, 'Waiting for statefulset spec update to be observed...');
  assert.equal(rolloutProgress('StatefulSet', sts({ observedGeneration: 1, readyReplicas: 1 }))?.message, 'Waiting for 2 pods to be ready...');
  assert.equal(rolloutProgress('StatefulSet', sts({ observedGeneration: 1, readyReplicas: 3, updatedReplicas: 1 }, 0))?.message, 'Waiting for partitioned roll out to finish: 1 out of 3 new pods have been updated...');
  assert.equal(rolloutProgress('StatefulSet', sts({ observedGeneration: 1, readyReplicas: 3, updatedReplicas: 3 }, 0))?.done, true);
  assert.equal(rolloutProgress('StatefulSet', sts({ observedGeneration: 1, readyReplicas: 3, currentRevision: 'a', updateRevision: 'b', updatedReplicas: 1 }))?.message, 'waiting for statefulset rolling update to complete 1 pods at revision b...');
  assert.equal(rolloutProgress('DaemonSet', { metadata: { name: 'ds' }, spec: { updateStrategy: { type: 'OnDelete' } } })?.failed?.message, 'rollout status is only available for RollingUpdate strategy type');
});

test('rollout state: our change not yet in the cache never reads done; failing new pods make it stuck with their reasons', () => {
  const done: KubeObject = { metadata: { name: 'web', generation: 4, uid: 'd1', annotations: { 'deployment.kubernetes.io/revision': '5' } }, spec: { replicas: 1 }, status: { observedGeneration: 4, updatedReplicas: 1, replicas: 1, availableReplicas: 1 } };
  assert.equal(rolloutState('Deployment', done, [], 5).phase, 'waiting');
  assert.equal(rolloutState('Deployment', done, [], 4).phase, 'complete');
  assert.equal(rolloutState('Deployment', undefined, []).phase, 'failed');
  const progressing: KubeObject = { ...done, status: { observedGeneration: 4, updatedReplicas: 1, replicas: 2, availableReplicas: 1 } };
  const crash: KubeObject = { metadata: { name: 'web-5-x' }, status: { containerStatuses: [{ name: 'web', state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container' } } }] } };
  const s = rolloutState('Deployment', progressing, [crash]);
  assert.equal(s.phase, 'stuck');
  assert.equal(s.message, 'new pods are failing: web-5-x CrashLoopBackOff (web: back-off 10s restarting failed container)');
  const pending: KubeObject = { metadata: { name: 'web-5-y' }, status: { conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] } };
  const p = rolloutState('Deployment', progressing, [pending]);
  assert.equal(p.phase, 'progressing', 'unschedulable may still resolve: reported, not final');
  assert.match(p.message, /web-5-y Unschedulable \(0\/3 nodes are available\)/);
  // The pods of the new revision: the ReplicaSet with the Deployment's revision.
  const rsNew: KubeObject = { metadata: { name: 'web-5', uid: 'rs5', annotations: { 'deployment.kubernetes.io/revision': '5' }, ownerReferences: [{ uid: 'd1', controller: true }] } };
  const rsOld: KubeObject = { metadata: { name: 'web-4', uid: 'rs4', annotations: { 'deployment.kubernetes.io/revision': '4' }, ownerReferences: [{ uid: 'd1', controller: true }] } };
  const owned = (uid: string): KubeObject[] => (uid === 'rs5' ? [crash] : uid === 'rs4' ? [pending] : []);
  assert.deepEqual(newRevisionPods('Deployment', done, [rsOld, rsNew], owned), [crash]);
  const ds: KubeObject = { metadata: { name: 'ds', uid: 'ds1', generation: 2 } };
  const dsPods: KubeObject[] = [{ metadata: { name: 'a', labels: { 'pod-template-generation': '1' } } }, { metadata: { name: 'b', labels: { 'pod-template-generation': '2' } } }];
  assert.deepEqual(newRevisionPods('DaemonSet', ds, [], () => dsPods).map((x) => x.metadata.name), ['b']);
});

test('replica input, label selectors, semantic equality', () => {
  assert.deepEqual(parseReplicas(' 3 '), { replicas: 3 });
  assert.deepEqual(parseReplicas('0'), { replicas: 0 });
  for (const bad of ['-1', '1.5', 'three', '', '1e3', '2147483648']) assert.ok('error' in parseReplicas(bad), bad);
  assert.equal(selectorQuery({ matchLabels: { app: 'web', tier: 'fe' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod', 'dev'] }, { key: 'x', operator: 'DoesNotExist' }] }), '!x,app=web,env in (dev,prod),tier=fe');
  assert.ok(semanticEqual({ a: null, b: [], c: {}, d: 1 }, { d: 1 }));
  assert.ok(!semanticEqual({ d: 1 }, { d: 2 }));
  assert.ok(equalIgnoreHash(tpl('x', 'abc'), tpl('x')));
  assert.ok(!equalIgnoreHash(tpl('x', 'abc'), tpl('y')));
});

test('the cache\'s projections keep what rollout status reads: a projected workload judges like the whole object', () => {
  const full: Record<string, KubeObject[]> = {
    'deployments.apps': [
      { metadata: { name: 'web', generation: 5, annotations: { 'deployment.kubernetes.io/revision': '4', other: 'x' } }, spec: { replicas: 3, template: tpl('web:4') }, status: { observedGeneration: 4, replicas: 3, updatedReplicas: 3, availableReplicas: 3, readyReplicas: 3 } },
      { metadata: { name: 'web', generation: 5 }, spec: { replicas: 3 }, status: { observedGeneration: 5, replicas: 4, updatedReplicas: 2, availableReplicas: 3, readyReplicas: 3 } },
    ],
    'statefulsets.apps': [
      { metadata: { name: 'db', generation: 2 }, spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } } }, status: { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1, currentReplicas: 2, currentRevision: 'db-1', updateRevision: 'db-2' } },
      { metadata: { name: 'db', generation: 2 }, spec: { replicas: 3, updateStrategy: { type: 'RollingUpdate' } }, status: { observedGeneration: 2, readyReplicas: 3, updatedReplicas: 1, currentReplicas: 2, currentRevision: 'db-1', updateRevision: 'db-2' } },
      { metadata: { name: 'db', generation: 2 }, spec: { replicas: 3, updateStrategy: { type: 'OnDelete' } }, status: { observedGeneration: 2 } },
    ],
    'daemonsets.apps': [
      { metadata: { name: 'ds', generation: 3 }, spec: { updateStrategy: { type: 'RollingUpdate' } }, status: { observedGeneration: 3, desiredNumberScheduled: 3, updatedNumberScheduled: 2, numberAvailable: 3, numberReady: 3 } },
      { metadata: { name: 'ds', generation: 3 }, spec: { updateStrategy: { type: 'OnDelete' } }, status: { observedGeneration: 3, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3, numberReady: 3 } },
    ],
  };
  for (const [id, objects] of Object.entries(full)) {
    const [plural, group] = id.split('.') as [string, string];
    const kind = { deployments: 'Deployment', statefulsets: 'StatefulSet', daemonsets: 'DaemonSet' }[plural]!;
    const project = projectionFor(makeResourceType(group, 'v1', { plural, kind, namespaced: true, verbs: ['list', 'watch'], subresources: [] }));
    for (const o of objects) {
      const kept = project(o, new InternPool());
      assert.deepEqual(rolloutProgress(kind, kept), rolloutProgress(kind, o), `${kind} ${JSON.stringify(o.status)}`);
      assert.deepEqual(summarize(kind, kept), summarize(kind, o));
    }
  }
});
