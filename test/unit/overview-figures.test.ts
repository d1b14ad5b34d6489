// The overview's numbers from cached objects: nodes ready/cordoned, pods by phase in kubectl's
// order, what counts as needing attention, and the row's one-line summary (refused layers left out).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/kube/kinds/types';
import { nodeFigures, phaseText, podFigures, summaryLine } from '../../src/kube/overview/overviewFigures';

const node = (name: string, ready: boolean, cordoned = false): KubeObject => ({
  metadata: { name },
  spec: cordoned ? { unschedulable: true } : {},
  status: { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const pod = (name: string, phase: string, waiting?: string): KubeObject => ({
  metadata: { name, namespace: 'shop' },
  status: { phase, ...(waiting ? { containerStatuses: [{ name: 'app', ready: false, restartCount: 3, state: { waiting: { reason: waiting } } }] } : {}) },
});

test('nodes: ready of total, cordoned counted apart', () => {
  assert.deepEqual(nodeFigures([node('a', true), node('b', false), node('c', true, true)]), { total: 3, ready: 2, cordoned: 1 });
  assert.deepEqual(nodeFigures([]), { total: 0, ready: 0, cordoned: 0 });
});

test('pods: by phase in kubectl order, crash loops and failures need attention, a caller may add pending ones', () => {
  const pods = [pod('a', 'Running'), pod('b', 'Running', 'CrashLoopBackOff'), pod('c', 'Pending'), pod('d', 'Failed'), pod('e', 'Succeeded'), pod('f', 'Running')];
  const f = podFigures(pods);
  assert.deepEqual(f.byPhase, { Running: 3, Pending: 1, Failed: 1, Succeeded: 1 });
  assert.equal(f.total, 6);
  assert.equal(f.attention, 2, 'the crash loop and the failed pod');
  assert.equal(phaseText(f), '3 running · 1 pending · 1 succeeded · 1 failed');
  const withPending = podFigures(pods, (p, sev) => sev === 'error' || sev === 'warning' || p.metadata.name === 'c');
  assert.equal(withPending.attention, 3);
});

test('the row summary: version, nodes, pods and attention; refused layers are left out, not shown as zero', () => {
  const pods = podFigures([pod('a', 'Running'), pod('b', 'Running', 'ImagePullBackOff')]);
  assert.equal(summaryLine('v1.36.3', { total: 3, ready: 3, cordoned: 0 }, pods), 'v1.36.3 · 3/3 nodes ready · 2 pods · 1 needs attention');
  assert.equal(summaryLine('v1.36.3', { refused: 'nodes is forbidden' }, podFigures([pod('a', 'Running')])), 'v1.36.3 · 1 pod');
  assert.equal(summaryLine(undefined, undefined, { refused: 'forbidden' }), '');
});
