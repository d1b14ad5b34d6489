// Events in the cache: projected (what diagnosis reads survives, the rest goes), indexed by the
// pod they are about, and remembered once expired while the pod still fails.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PodDiagnoser } from '../../src/kube/diagnosis/podDiagnoser';
import { InternPool } from '../../src/kube/kinds/projection';
import { projectEvent } from '../../src/kube/kinds/projection/eventProjection';
import { projectPod } from '../../src/kube/kinds/projection/podProjection';
import { objectKey } from '../../src/kube/kinds/types';
import { IndexedStore } from '../../src/kube/watch/store';
import { CASES, HEALTHY } from './fixtures/diagnosisFixtures';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const sched = CASES.find((c) => c.name === 'unschedulable: resources and taints')!;
const pull = CASES.find((c) => c.name === 'image pull auth')!;

test('event projection keeps what diagnosis reads and drops the rest', () => {
  const raw = { ...pull.events[0]!, metadata: { ...pull.events[0]!.metadata, managedFields: [{ manager: 'kubelet' }] } };
  const kept = projectEvent(raw, new InternPool());
  assert.equal((kept.involvedObject as { uid: string }).uid, pull.pod.metadata.uid);
  assert.equal((kept.involvedObject as { fieldPath: string }).fieldPath, 'spec.containers{app}');
  assert.equal(kept.reason, 'Failed');
  assert.match(String(kept.message), /401 Unauthorized/);
  assert.equal(kept.lastTimestamp, '2026-03-02T11:58:00Z');
  assert.ok(!JSON.stringify(kept).includes('managedFields'));
  assert.ok(!JSON.stringify(kept).includes('"host"'), 'source.host is dropped');
  assert.ok(Object.isFrozen(kept));
});

test('events are found by the pod they are about (involvedUid index); the cause uses them', () => {
  const store = new IndexedStore();
  const pool = new InternPool();
  for (const e of [...pull.events, ...sched.events]) store.upsert(projectEvent(e, pool));
  assert.equal(store.byIndex('involvedUid', pull.pod.metadata.uid!).length, 1);
  const d = new PodDiagnoser({ now: () => NOW }).diagnose(projectPod(pull.pod, pool), { store });
  assert.equal(d?.code, 'ImagePull:auth', 'the 401 is only in the event');
});

test('evidence of an expired event is kept while the pod still fails, and dropped once it is healthy', () => {
  const store = new IndexedStore();
  const pool = new InternPool();
  const ev = projectEvent(sched.events[0]!, pool);
  store.upsert(ev);
  const dx = new PodDiagnoser({ now: () => NOW });
  const p = projectPod(sched.pod, pool);
  const first = dx.diagnose(p, { store })!;
  assert.ok(first.evidence.some((e) => e.source === 'event' && /FailedScheduling/.test(e.text)));
  store.delete(objectKey(ev)); // the event's TTL ran out
  const later = dx.diagnose(p, { store })!;
  const kept = later.evidence.find((e) => e.source === 'event');
  assert.ok(kept, 'still shown');
  assert.match(kept.text, /since expired/);
  assert.equal(kept.at, '2026-03-02T11:58:00Z');
  // Healthy again (same uid): forgotten, so a later failure does not show stale evidence.
  assert.equal(dx.diagnose({ ...HEALTHY, metadata: { ...HEALTHY.metadata, uid: p.metadata.uid } }, { store }), undefined);
  assert.equal(dx.memory.size, 0);
});

test('without events permission: statuses alone, and the diagnosis says so', () => {
  const d = new PodDiagnoser({ now: () => NOW }).diagnose(pull.pod, { forbidden: true })!;
  assert.equal(d.eventsVisible, false);
  assert.equal(d.code, 'ImagePull:unknown', 'without the event the registry\'s answer is unknown');
  assert.ok(d.evidence.some((e) => /not readable/.test(e.text)));
});
