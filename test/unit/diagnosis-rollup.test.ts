// Workload roll-up (worst pod cause + count; ProgressDeadlineExceeded explained by the new
// ReplicaSet's pods), owner chains and dependents from an owner lookup, finalizer owners.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventFact } from '../../src/kube/diagnosis/eventFacts';
import { finalizerController } from '../../src/kube/diagnosis/finalizers';
import { blockingDependents, dependentTree, type OwnerLookup, ownerChain } from '../../src/kube/diagnosis/owners';
import { diagnosePod } from '../../src/kube/diagnosis/podDiagnosis';
import { rollUp } from '../../src/kube/diagnosis/workloadDiagnosis';
import type { KubeObject } from '../../src/kube/kinds/types';
import { CASES, HEALTHY, pod } from './fixtures/diagnosisFixtures';

const NOW = Date.parse('2026-03-02T12:00:00Z');

function deployment(progressDeadline: boolean): KubeObject {
  return {
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', uid: 'uid-web' },
    status: {
      conditions: progressDeadline
        ? [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-new" has timed out progressing.', lastTransitionTime: '2026-03-02T11:50:00Z' }]
        : [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }],
    },
  };
}

test('roll-up: the worst pod cause with how many pods share it', () => {
  const oom = CASES.find((c) => c.name === 'OOMKilled with limit')!.pod;
  const pods = [HEALTHY, oom, { ...oom, metadata: { ...oom.metadata, name: 'web-2', uid: 'u2' } }].map((p) => ({ pod: p, diagnosis: diagnosePod(p, [], { now: NOW }) }));
  const d = rollUp(deployment(false), pods)!;
  assert.equal(d.code, 'OOMKilled');
  assert.match(d.summary, /OOMKilled \(limit 64Mi\) \(2\/3 pods\)/);
  assert.equal(rollUp(deployment(false), [{ pod: HEALTHY, diagnosis: undefined }]), undefined);
});

test('roll-up: ProgressDeadlineExceeded is explained by the new ReplicaSet\'s pods only', () => {
  const pullCase = CASES.find((c) => c.name === 'image not found')!;
  const newPod = pod({ ...{ name: 'web-new-1', owner: 'web-new', phase: 'Pending' }, statuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "registry.example.com/shop/web:1.4.3"' } } }], containers: [{ name: 'app', image: 'registry.example.com/shop/web:1.4.3' }] });
  const oldCrash = { ...CASES.find((c) => c.name === 'CrashLoopBackOff exit 1')!.pod };
  oldCrash.metadata = { ...oldCrash.metadata, ownerReferences: [{ kind: 'ReplicaSet', name: 'web-old', uid: 'x', controller: true }] };
  const events = pullCase.events.map((e) => eventFact({ ...e, involvedObject: { ...(e.involvedObject as object), uid: newPod.metadata.uid } }));
  const d = rollUp(deployment(true), [
    { pod: oldCrash, diagnosis: diagnosePod(oldCrash, [], { now: NOW }) },
    { pod: newPod, diagnosis: diagnosePod(newPod, events, { now: NOW }) },
  ])!;
  assert.equal(d.code, 'ProgressDeadlineExceeded:ImagePull:not-found');
  assert.match(d.summary, /rollout stuck: ImagePullBackOff: image or tag not found \(1\/1 pods\)/);
  assert.match(d.detail, /web-new/);
  assert.ok(d.evidence.some((e) => e.source === 'condition' && e.at === '2026-03-02T11:50:00Z'));
  assert.match(d.nextStep, /Undo/);
});

test('owners: chain up from a pod, dependents down, blockers of foreground deletion', () => {
  const dep: KubeObject = { kind: 'Deployment', metadata: { name: 'web', namespace: 'shop', uid: 'd1', finalizers: ['foregroundDeletion'] } };
  const rs: KubeObject = { kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'shop', uid: 'r1', ownerReferences: [{ kind: 'Deployment', name: 'web', uid: 'd1', controller: true, blockOwnerDeletion: true }] } };
  const p: KubeObject = { kind: 'Pod', metadata: { name: 'web-1-a', namespace: 'shop', uid: 'p1', ownerReferences: [{ kind: 'ReplicaSet', name: 'web-1', uid: 'r1', controller: true, blockOwnerDeletion: true }] } };
  const all = [dep, rs, p];
  const lookup: OwnerLookup = {
    owner: (ref) => all.find((o) => o.metadata.uid === ref.uid),
    dependents: (uid) => all.filter((o) => o.metadata.ownerReferences?.some((r) => r.uid === uid)),
  };
  assert.deepEqual(ownerChain(p, lookup).map((l) => `${l.kind}/${l.name}:${l.found}`), ['ReplicaSet/web-1:true', 'Deployment/web:true']);
  const tree = dependentTree(dep, lookup);
  assert.equal(tree[0]?.object.metadata.name, 'web-1');
  assert.equal(tree[0]?.children[0]?.object.metadata.name, 'web-1-a');
  assert.deepEqual(blockingDependents(tree).map((o) => o.metadata.name), ['web-1', 'web-1-a']);
  const orphan: KubeObject = { kind: 'Pod', metadata: { name: 'x', uid: 'x', ownerReferences: [{ kind: 'ReplicaSet', name: 'gone', uid: 'g' }] } };
  assert.deepEqual(ownerChain(orphan, lookup).map((l) => l.found), [false]);
});

test('finalizers: the controller expected to remove each', () => {
  assert.match(finalizerController('kubernetes.io/pvc-protection'), /pvc-protection controller/);
  assert.match(finalizerController('kubernetes.io/pv-protection'), /pv-protection/);
  assert.match(finalizerController('foregroundDeletion'), /garbage collector.*blockOwnerDeletion/);
  assert.match(finalizerController('orphan'), /orphaned/);
  assert.match(finalizerController('external-attacher/csi.example.com'), /csi\.example\.com/);
  assert.match(finalizerController('shop.example.com/cleanup'), /shop\.example\.com/);
});
