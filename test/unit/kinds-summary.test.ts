import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAge, summarize } from '../../src/kube/kinds/summary';
import { fromAggregated, fromLegacy } from '../../src/kube/kinds/discovery';
import { KindRegistry } from '../../src/kube/kinds/kindRegistry';
import { collectionPath } from '../../src/kube/kinds/resourceType';
import type { KubeObject } from '../../src/kube/kinds/types';

const pod = (status: unknown, extra: Partial<KubeObject> = {}): KubeObject => ({
  metadata: { name: 'p', namespace: 'default', ...extra.metadata },
  spec: { nodeName: 'n1', containers: [{ name: 'app' }], ...(extra.spec as object) },
  status,
});

test('pod status follows kubectl: running, crashloop, image pull, init, terminating, completed', () => {
  const running = summarize('Pod', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: { running: {} } }] }));
  assert.deepEqual([running.status, running.severity, running.ready], ['Running', 'ok', '1/1']);
  const crash = summarize('Pod', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 7, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }));
  assert.deepEqual([crash.status, crash.severity, crash.restarts], ['CrashLoopBackOff', 'error', 7]);
  const pull = summarize('Pod', pod({ phase: 'Pending', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'ImagePullBackOff' } } }] }));
  assert.deepEqual([pull.status, pull.severity], ['ImagePullBackOff', 'error']);
  const init = summarize(
    'Pod',
    pod(
      { phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 0 } } }, { name: 'i2', state: { running: {} } }] },
      { spec: { initContainers: [{ name: 'i1' }, { name: 'i2' }] } },
    ),
  );
  assert.deepEqual([init.status, init.severity], ['Init:1/2', 'progress']);
  const initFail = summarize('Pod', pod({ phase: 'Pending', initContainerStatuses: [{ name: 'i1', state: { terminated: { exitCode: 3 } } }] }, { spec: { initContainers: [{ name: 'i1' }] } }));
  assert.deepEqual([initFail.status, initFail.severity], ['Init:ExitCode:3', 'error']);
  const term = summarize('Pod', pod({ phase: 'Running' }, { metadata: { name: 'p', deletionTimestamp: '2026-01-01T00:00:00Z' } }));
  assert.equal(term.status, 'Terminating');
  const done = summarize('Pod', pod({ phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { reason: 'Completed', exitCode: 0 } } }] }));
  assert.deepEqual([done.status, done.severity], ['Completed', 'done']);
  // kubectl prints Pending for both; only the one the scheduler cannot place needs attention.
  const waiting = summarize('Pod', pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }));
  assert.deepEqual([waiting.status, waiting.severity], ['Pending', 'progress']);
  const unschedulable = summarize('Pod', pod({ phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/3 nodes are available' }] }));
  assert.deepEqual([unschedulable.status, unschedulable.severity], ['Pending', 'warning']);
  const notReady = summarize('Pod', pod({ phase: 'Running', containerStatuses: [{ name: 'app', ready: false, state: { running: {} } }] }));
  assert.equal(notReady.severity, 'warning');
});

test('workloads: ready/desired, rollout failure, jobs and cronjobs', () => {
  const d = summarize('Deployment', { metadata: { name: 'd' }, spec: { replicas: 3 }, status: { readyReplicas: 2, updatedReplicas: 3, replicas: 3, availableReplicas: 2 } });
  assert.deepEqual([d.status, d.severity], ['2/3 · rolling out 2/3 available', 'progress']);
  const ok = summarize('Deployment', { metadata: { name: 'd' }, spec: { replicas: 2 }, status: { readyReplicas: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 } });
  assert.equal(ok.severity, 'ok');
  const stuck = summarize('Deployment', {
    metadata: { name: 'd' },
    spec: { replicas: 1 },
    status: { conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'timed out' }] },
  });
  assert.equal(stuck.severity, 'error');
  assert.match(stuck.status, /ProgressDeadlineExceeded/);
  const job = summarize('Job', { metadata: { name: 'j' }, spec: { completions: 1 }, status: { conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] } });
  assert.equal(job.severity, 'error');
  assert.equal(summarize('Job', { metadata: { name: 'j' }, status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } }).status, 'Complete');
  assert.equal(summarize('CronJob', { metadata: { name: 'c' }, spec: { schedule: '*/5 * * * *', suspend: true } }).status, 'Suspended');
  assert.equal(summarize('DaemonSet', { metadata: { name: 'ds' }, spec: { updateStrategy: { type: 'RollingUpdate' } }, status: { numberReady: 3, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 } }).status, '3/3');
  const node = summarize('Node', { metadata: { name: 'n', labels: { 'node-role.kubernetes.io/agent': '' } }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
  assert.deepEqual([node.status, node.severity], ['Ready', 'ok']);
  assert.equal(summarize('Service', { metadata: { name: 's' }, spec: { type: 'ClusterIP', ports: [{ port: 80 }] } }).status, 'ClusterIP 80/TCP');
  assert.equal(summarize('Widget', { metadata: { name: 'w' }, status: { conditions: [{ type: 'Ready', status: 'False', reason: 'Waiting' }] } }).status, 'Ready=False (Waiting)');
});

test('age is formatted like kubectl', () => {
  const now = Date.parse('2026-01-10T00:00:00Z');
  assert.equal(formatAge('2026-01-09T23:59:30Z', now), '30s');
  assert.equal(formatAge('2026-01-09T23:00:00Z', now), '60m');
  assert.equal(formatAge('2026-01-09T00:00:00Z', now), '24h');
  assert.equal(formatAge('2026-01-01T00:00:00Z', now), '9d');
  assert.equal(formatAge(undefined, now), '');
});

test('discovery documents become a registry: CRDs land in Custom Resources, scale subresources mark scalable', () => {
  const agg = fromAggregated([
    {
      items: [
        {
          metadata: { name: 'apps' },
          versions: [
            {
              version: 'v1',
              resources: [
                { resource: 'deployments', responseKind: { kind: 'Deployment' }, scope: 'Namespaced', verbs: ['list', 'watch', 'get'], shortNames: ['deploy'], subresources: [{ subresource: 'scale' }, { subresource: 'status' }] },
              ],
            },
          ],
        },
        {
          metadata: { name: 'example.com' },
          versions: [{ version: 'v1alpha1', resources: [{ resource: 'widgets', responseKind: { kind: 'Widget' }, scope: 'Namespaced', verbs: ['list', 'watch'] }] }],
        },
      ],
    },
  ]);
  const legacy = fromLegacy('', 'v1', [
    { name: 'pods', namespaced: true, kind: 'Pod', verbs: ['list', 'watch'], shortNames: ['po'] },
    { name: 'pods/log', namespaced: true, kind: 'Pod' },
    { name: 'pods/exec', namespaced: true, kind: 'PodExecOptions' },
    { name: 'nodes', namespaced: false, kind: 'Node', verbs: ['list', 'watch'] },
  ]);
  const reg = new KindRegistry([...agg, ...legacy]);
  const deploy = reg.resolve('deploy')!;
  assert.equal(deploy.kind, 'Deployment');
  assert.equal(deploy.scalable, true);
  assert.equal(deploy.restartable, true);
  assert.equal(reg.resolve('Widget')!.treeGroup, 'Custom Resources');
  assert.equal(reg.resolve('po')!.hasExec, true);
  assert.equal(reg.get('pods')!.hasLogs, true);
  assert.deepEqual(reg.inGroup('Workloads', true).map((r) => r.kind), ['Deployment', 'Pod']);
  assert.equal(collectionPath(reg.get('deployments.apps')!, 'ns-1'), '/apis/apps/v1/namespaces/ns-1/deployments');
  assert.equal(collectionPath(reg.get('nodes')!), '/api/v1/nodes');
});
