// The root-cause engine on fixture pods and events (test/unit/fixtures/diagnosisFixtures.ts: the
// kubelet's and scheduler's own message shapes). Every case is diagnosed from the whole object and
// from the cache's projection: both must give the same cause, so the tree (which reads the
// projection) and the report agree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { eventFact } from '../../src/kube/diagnosis/eventFacts';
import { exitCodeMeaning } from '../../src/kube/diagnosis/exitCodes';
import { diagnosePod } from '../../src/kube/diagnosis/podDiagnosis';
import { InternPool } from '../../src/kube/kinds/projection';
import { projectPod } from '../../src/kube/kinds/projection/podProjection';
import { CASES, HEALTHY, event, pod } from './fixtures/diagnosisFixtures';

const NOW = Date.parse('2026-03-02T12:00:00Z');

for (const c of CASES) {
  test(`diagnosis: ${c.name}`, () => {
    const facts = c.events.map(eventFact);
    const full = diagnosePod(c.pod, facts, { now: NOW });
    const kept = diagnosePod(projectPod(c.pod, new InternPool()), facts, { now: NOW });
    assert.ok(full, 'a cause is found');
    assert.equal(full.code, c.code);
    assert.match(full.summary, c.summary);
    if (c.text) assert.match(`${full.detail}\n${full.nextStep}\n${full.evidence.map((e) => e.text).join('\n')}`, c.text);
    if (c.related) assert.ok(full.related?.some((r) => r.kind === c.related?.kind && r.name === c.related.name), JSON.stringify(full.related));
    assert.ok(full.evidence.length > 0, 'evidence is given');
    assert.ok(full.nextStep.length > 10, 'a next step is given');
    assert.deepEqual(kept, full, 'the projection diagnoses like the whole object');
  });
}

test('diagnosis: a healthy pod has no cause', () => {
  assert.equal(diagnosePod(HEALTHY, [], { now: NOW }), undefined);
  assert.equal(diagnosePod(projectPod(HEALTHY, new InternPool()), [], { now: NOW }), undefined);
});

test('diagnosis: evidence carries timestamps (events, terminated states, conditions)', () => {
  const crash = CASES.find((c) => c.name === 'CrashLoopBackOff exit 1')!;
  const d = diagnosePod(crash.pod, crash.events.map(eventFact), { now: NOW })!;
  assert.ok(d.evidence.some((e) => e.source === 'status' && e.at === '2026-03-02T11:57:58Z'), 'finishedAt of the last instance');
  assert.ok(d.evidence.some((e) => e.source === 'event' && e.at === '2026-03-02T11:58:00Z'), 'the BackOff event');
  const sched = CASES.find((c) => c.name === 'unschedulable: resources and taints')!;
  const s = diagnosePod(projectPod(sched.pod, new InternPool()), sched.events.map(eventFact), { now: NOW })!;
  assert.ok(s.evidence.some((e) => e.source === 'condition' && e.at === '2026-03-02T11:00:01Z'), 'the projection keeps a False condition\'s transition time');
});

test('diagnosis: without events permission the cause comes from statuses and says so', () => {
  const auth = CASES.find((c) => c.name === 'image pull auth')!;
  const d = diagnosePod(auth.pod, [], { now: NOW, eventsVisible: false })!;
  assert.equal(d.eventsVisible, false);
  assert.match(d.summary, /ImagePullBackOff/);
  assert.ok(d.evidence.some((e) => /statuses? alone|status alone/.test(e.text)));
  const sched = CASES.find((c) => c.name === 'unschedulable: node selector')!;
  assert.match(diagnosePod(sched.pod, [], { eventsVisible: false })!.summary, /selector\/affinity/, 'the PodScheduled condition carries the scheduler\'s message');
});

test('diagnosis: a terminating pod within its grace period is not stuck', () => {
  const p = pod({ deletionTimestamp: '2026-03-02T11:59:50Z', statuses: [{ name: 'app', ready: true, state: { running: {} } }] });
  assert.equal(diagnosePod(p, [], { now: NOW }), undefined);
});

test('diagnosis: kubelet events about another container are not evidence for this one', () => {
  const p = pod({
    containers: [{ name: 'app' }, { name: 'sidecar' }],
    statuses: [
      { name: 'app', ready: false, restartCount: 0, state: { running: {} } },
      { name: 'sidecar', ready: true, restartCount: 0, state: { running: {} } },
    ],
  });
  const ev = event(p, 'Unhealthy', 'Readiness probe failed: HTTP probe failed with statuscode: 503', { container: 'sidecar' });
  assert.equal(diagnosePod(p, [eventFact(ev)], { now: NOW }), undefined);
});

test('exit codes: signals are 128+n; 126/127 are the shell\'s', () => {
  assert.match(exitCodeMeaning(137), /128\+9: SIGKILL/);
  assert.match(exitCodeMeaning(143), /128\+15: SIGTERM/);
  assert.match(exitCodeMeaning(127), /command not found/);
  assert.match(exitCodeMeaning(126), /not executable/);
  assert.match(exitCodeMeaning(0, 11), /SIGSEGV/);
});

test('events: core/v1 and events.k8s.io/v1 read alike', () => {
  const core = eventFact({ metadata: { uid: 'e1' }, involvedObject: { uid: 'p1', kind: 'Pod', name: 'x', fieldPath: 'spec.containers{app}' }, reason: 'BackOff', message: 'm', count: 4, lastTimestamp: '2026-03-02T11:00:00Z', type: 'Warning', source: { component: 'kubelet' } });
  const v1 = eventFact({ metadata: { uid: 'e1' }, regarding: { uid: 'p1', kind: 'Pod', name: 'x', fieldPath: 'spec.containers{app}' }, reason: 'BackOff', note: 'm', series: { count: 4, lastObservedTime: '2026-03-02T11:00:00Z' }, type: 'Warning', reportingController: 'kubelet' });
  assert.deepEqual(v1, core);
});
