// Which pod and port a Service forward reaches: the Service port by number or name, then a ready,
// non-terminating pod from the EndpointSlices with the resolved target port (named targetPorts
// are numbers there), skipping pods that just went.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/kube/kinds/types';
import { pickServicePort, readyPodsOf } from '../../src/kube/portforward/serviceTarget';
import { pickWorkloadPod } from '../../src/kube/portforward/workloadTarget';
import { IndexedStore } from '../../src/kube/watch/store';

const ports = [
  { name: 'web', port: 80, targetPort: 'http' },
  { name: 'metrics', port: 9090, targetPort: 9090 },
];

test('the Service port by number, by name, or the only one', () => {
  assert.equal(pickServicePort(ports, 80)?.name, 'web');
  assert.equal(pickServicePort(ports, 'metrics')?.port, 9090);
  assert.equal(pickServicePort(ports, undefined), undefined, 'several ports: the user must pick');
  assert.equal(pickServicePort([ports[0]!], undefined)?.port, 80);
  assert.equal(pickServicePort(ports, 81), undefined);
});

test('ready pods with the resolved target port, from every slice', () => {
  const slices = [
    {
      ports: [
        { name: 'web', port: 8080, protocol: 'TCP' },
        { name: 'metrics', port: 9090, protocol: 'TCP' },
      ],
      endpoints: [
        { conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'a' } },
        { conditions: { ready: false }, targetRef: { kind: 'Pod', name: 'not-ready' } },
        { conditions: { ready: true, terminating: true }, targetRef: { kind: 'Pod', name: 'going' } },
        { conditions: { ready: true } },
      ],
    },
    { ports: [{ name: 'web', port: 8080 }], endpoints: [{ conditions: {}, targetRef: { kind: 'Pod', name: 'b' } }] },
    { ports: null, endpoints: [{ conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'no-ports' } }] },
  ];
  assert.deepEqual(readyPodsOf(slices, ports[0]!), [
    { pod: 'a', port: 8080 },
    { pod: 'b', port: 8080 },
  ]);
  assert.deepEqual(readyPodsOf(slices, ports[1]!), [{ pod: 'a', port: 9090 }]);
});

test('a workload forward picks a ready pod of its selector from the cache, and another when that one goes', () => {
  const store = new IndexedStore();
  const pod = (name: string, labels: Record<string, string>, ready: boolean, extra: Partial<KubeObject['metadata']> = {}): KubeObject => ({
    metadata: { name, namespace: 'shop', uid: name, labels, ...extra },
    status: { phase: 'Running', conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
  });
  store.upsert(pod('web-c', { app: 'web' }, true));
  store.upsert(pod('web-a', { app: 'web' }, false));
  store.upsert(pod('web-b', { app: 'web' }, true));
  store.upsert(pod('web-d', { app: 'web' }, true, { deletionTimestamp: '2026-11-30T00:00:00Z' }));
  store.upsert(pod('api-a', { app: 'api' }, true));
  const sel = { matchLabels: { app: 'web' } };
  assert.deepEqual(pickWorkloadPod(store, sel, 'shop', 8080, new Set()), { namespace: 'shop', pod: 'web-b', port: 8080 }, 'ready, not terminating, first by name');
  assert.equal(pickWorkloadPod(store, sel, 'shop', 8080, new Set(['web-b']))?.pod, 'web-c', 'the one that went is skipped');
  assert.equal(pickWorkloadPod(store, sel, 'shop', 8080, new Set(['web-b', 'web-c'])), undefined, 'no ready pod left');
  assert.equal(pickWorkloadPod(store, sel, 'other', 8080, new Set()), undefined, 'another namespace');
});
