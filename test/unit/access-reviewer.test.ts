// The access cache: one review per (context, namespace, verb, resource, subresource), shared by
// concurrent callers, a few in flight at a time, dropped when a context's credentials change,
// "unknown" (not "denied") when the review itself fails, and denials explained with the user.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { AccessReviewer, accessForClusters } from '../../src/kube/access/accessReviewer';
import { accessMarkers, actionQuery, actionsFor } from '../../src/kube/access/objectActions';
import { makeResourceType } from '../../src/kube/kinds/discovery';
import { KubeApiError, type KubeRequest, type KubeTransport } from '../../src/kube/transport/types';
import { objectContextValue } from '../../src/kube/tree/nodeFactory';
import { Emitter } from '../../src/kube/util/emitter';
import { requestTransport } from './fakes/requestTransport';

/** A transport that answers reviews from a rule set and counts what it was asked. */
function fakeTransport(allowed: (attrs: Record<string, string>) => boolean | Error, user = 'restricted'): KubeTransport & { asked: Record<string, string>[]; inFlight: number; maxInFlight: number } {
  const t = Object.assign(
    requestTransport(async <T>(req: KubeRequest): Promise<T> => {
      if (req.path.endsWith('/selfsubjectreviews')) return { status: { userInfo: { username: user, groups: ['team-a-devs', 'system:authenticated'] } } } as T;
      const attrs = (req.body as { spec: { resourceAttributes: Record<string, string> } }).spec.resourceAttributes;
      t.asked.push(attrs);
      t.inFlight++;
      t.maxInFlight = Math.max(t.maxInFlight, t.inFlight);
      await new Promise((r) => setTimeout(r, 5));
      t.inFlight--;
      const a = allowed(attrs);
      if (a instanceof Error) throw a;
      return { status: { allowed: a } } as T;
    }),
    { asked: [] as Record<string, string>[], inFlight: 0, maxInFlight: 0 },
  );
  return t;
}

const deployments = makeResourceType('apps', 'v1', { plural: 'deployments', kind: 'Deployment', namespaced: true, verbs: ['get', 'list', 'watch', 'patch', 'delete', 'update'], subresources: ['scale', 'status'] });
const pods = makeResourceType('', 'v1', { plural: 'pods', kind: 'Pod', namespaced: true, verbs: ['get', 'list', 'watch', 'patch', 'delete'], subresources: ['log', 'exec'] });

test('one review per (context, namespace, verb, resource, subresource), shared by concurrent callers, cached', async () => {
  const t = fakeTransport((a) => a.verb === 'patch' && a.namespace === 'team-a');
  const r = new AccessReviewer({ transport: () => t });
  const q = actionQuery('patch', deployments, 'team-a');
  const [a, b] = await Promise.all([r.review('ctx', q), r.review('ctx', q)]);
  assert.equal(a.allowed, true);
  assert.equal(b, a);
  assert.equal(t.asked.length, 1, 'concurrent callers share one review');
  await r.review('ctx', q);
  assert.equal(t.asked.length, 1, 'answered from the cache');
  assert.equal((await r.review('ctx', actionQuery('patch', deployments, 'team-b'))).allowed, false);
  assert.equal((await r.review('other', q)).allowed, true);
  assert.equal((await r.review('ctx', actionQuery('scale', deployments, 'team-a'))).allowed, true);
  assert.equal(t.asked.length, 4, 'namespace, context and subresource are part of the key');
  assert.deepEqual(t.asked[3], { verb: 'patch', group: 'apps', resource: 'deployments', subresource: 'scale', namespace: 'team-a' });
});

test('a menu\'s reviews go out together, at most `concurrency` at a time', async () => {
  const t = fakeTransport(() => true);
  const r = new AccessReviewer({ transport: () => t }, { concurrency: 2 });
  const qs = ['a', 'b', 'c', 'd', 'e'].map((ns) => actionQuery('delete', pods, ns));
  const ds = await r.reviewAll('ctx', qs);
  assert.equal(ds.length, 5);
  assert.ok(ds.every((d) => d.allowed === true));
  assert.equal(t.maxInFlight, 2);
});

test('answers expire; a failed review is unknown (not denied) and kept only briefly', async () => {
  let now = 0;
  let fail = true;
  const t = fakeTransport(() => (fail ? new KubeApiError('connection refused', { kind: 'network' }) : true));
  const r = new AccessReviewer({ transport: () => t }, { ttlMs: 1000, failureTtlMs: 100, now: () => now });
  const q = actionQuery('delete', pods, 'x');
  const d = await r.review('ctx', q);
  assert.equal(d.allowed, undefined);
  assert.match(d.reason ?? '', /connection refused/);
  assert.equal(accessMarkers(['delete'], [d]), ':can-delete', 'unknown keeps the action offered: the server decides');
  fail = false;
  now = 50;
  assert.equal((await r.review('ctx', q)).allowed, undefined, 'failure still cached');
  now = 200;
  assert.equal((await r.review('ctx', q)).allowed, true, 'asked again after the failure TTL');
  now = 1300;
  assert.equal(r.peek('ctx', q), undefined, 'expired');
  assert.equal(r.peekStale('ctx', q)?.allowed, true, 'the stale answer is still there to show');
});

test('a context reset (kubeconfig entry changed, reconnect) drops its answers and tells the views', async () => {
  const allowedNow = { v: false };
  const t = fakeTransport(() => allowedNow.v);
  const reset = new Emitter<string>();
  const r = accessForClusters({ session: () => ({ transport: t, context: { user: 'dev' } }), onDidResetContext: reset.event });
  const fired: string[] = [];
  r.onDidChange((c) => fired.push(c));
  const q = actionQuery('patch', deployments, 'team-a');
  assert.equal((await r.review('ctx', q)).allowed, false);
  allowedNow.v = true;
  assert.equal((await r.review('ctx', q)).allowed, false, 'cached');
  reset.fire('ctx');
  assert.equal(r.peek('ctx', q), undefined);
  assert.equal((await r.review('ctx', q)).allowed, true);
  assert.deepEqual(fired, ['ctx', 'ctx', 'ctx']);
});

test('require(): a denial names the verb, the resource, the namespace and the user the cluster sees; a cached denial is asked again', async () => {
  let grant = false;
  const t = fakeTransport((a) => grant && a.verb === 'patch');
  const r = new AccessReviewer({ transport: () => t, kubeconfigUser: () => 'restricted-user' });
  const q = actionQuery('scale', deployments, 'team-a');
  await assert.rejects(r.require('ctx', q), (e: unknown) => {
    assert.ok(e instanceof KubeApiError);
    assert.equal(e.status, 403);
    assert.equal(e.message, 'Not allowed: user "restricted" (groups: team-a-devs) may not patch deployments.apps/scale in namespace "team-a".');
    assert.match(e.hint ?? '', /kubectl auth can-i patch deployments\.apps\/scale -n team-a/);
    return true;
  });
  grant = true;
  await r.require('ctx', q);
  assert.equal(r.peek('ctx', q)?.allowed, true, 'the fresh answer updates the cache (and so the menus)');
});

test('menus: the when-clauses of package.json show each action only with its capability and its access marker', () => {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as { contributes: { menus: Record<string, { command: string; when?: string }[]> } };
  const shown = (contextValue: string): string[] =>
    pkg.contributes.menus['view/item/context']!
      .filter((m) => {
        const re = /viewItem =~ \/(.*)\/$/.exec(m.when ?? '');
        return re && new RegExp(re[1]!).test(contextValue);
      })
      .map((m) => m.command)
      // Read-only entries shown on every object row of their kinds (Diagnose copes with missing read rights itself; a plugin's own rights are its business).
      .filter((c) => !['kubeAtlas.openYaml', 'kubeAtlas.copyName', 'kubeAtlas.portForward', 'kubeAtlas.diagnose', 'kubeAtlas.runPlugin'].includes(c));
  const dep = { metadata: { name: 'web' }, spec: {} };
  const acts = actionsFor(deployments);
  assert.deepEqual(acts, ['delete', 'patch', 'scale', 'history', 'logs', 'exec']);
  const all = objectContextValue(deployments, dep, accessMarkers(acts, acts.map(() => ({ allowed: true }))));
  assert.deepEqual(shown(all).sort(), ['kubeAtlas.delete', 'kubeAtlas.editObject', 'kubeAtlas.rolloutHistory', 'kubeAtlas.rolloutPause', 'kubeAtlas.rolloutRestart', 'kubeAtlas.rolloutStatus', 'kubeAtlas.rolloutUndo', 'kubeAtlas.runInPods', 'kubeAtlas.scale', 'kubeAtlas.showWorkloadLogs']);
  const paused = objectContextValue(deployments, { metadata: { name: 'web' }, spec: { paused: true } }, accessMarkers(acts, acts.map(() => ({ allowed: true }))));
  assert.ok(shown(paused).includes('kubeAtlas.rolloutResume') && !shown(paused).includes('kubeAtlas.rolloutPause'));
  // The restricted user: nothing but the read-only status.
  const denied = objectContextValue(deployments, dep, accessMarkers(acts, acts.map(() => ({ allowed: false }))));
  assert.deepEqual(shown(denied), ['kubeAtlas.rolloutStatus']);
  // While the answers are out, nothing that writes is offered.
  assert.deepEqual(shown(objectContextValue(deployments, dep, accessMarkers(acts, [undefined, undefined, undefined, undefined, undefined, undefined]) ?? '')), ['kubeAtlas.rolloutStatus']);
  // Only scale allowed.
  const scaleOnly = objectContextValue(deployments, dep, accessMarkers(acts, [{ allowed: false }, { allowed: false }, { allowed: true }, { allowed: false }, { allowed: false }, { allowed: false }]));
  assert.deepEqual(shown(scaleOnly).sort(), ['kubeAtlas.rolloutStatus', 'kubeAtlas.scale']);
  // A pod: edit (it needs patch, like every change to an object), delete and logs; logs only with `get pods/log`.
  const pa = actionsFor(pods);
  assert.deepEqual(pa, ['delete', 'patch', 'logs', 'exec', 'debug']);
  assert.deepEqual(actionQuery('debug', pods, 'shop'), { verb: 'patch', group: '', resource: 'pods', subresource: 'ephemeralcontainers', namespace: 'shop' });
  assert.deepEqual(actionQuery('logs', pods, 'shop'), { verb: 'get', group: '', resource: 'pods', subresource: 'log', namespace: 'shop' });
  assert.deepEqual(actionQuery('exec', pods, 'team-a'), { verb: 'create', group: '', resource: 'pods', subresource: 'exec', namespace: 'team-a' });
  const podMenu = (allowed: boolean[]) => shown(objectContextValue(pods, { metadata: { name: 'p' } }, accessMarkers(pa, allowed.map((a) => ({ allowed: a }))))).sort();
  assert.deepEqual(podMenu([true, true, true, true, true]), ['kubeAtlas.debugPod', 'kubeAtlas.delete', 'kubeAtlas.editObject', 'kubeAtlas.openShell', 'kubeAtlas.showLogs', 'kubeAtlas.showLogsWithOptions']);
  assert.deepEqual(podMenu([true, true, false, true, false]), ['kubeAtlas.delete', 'kubeAtlas.editObject', 'kubeAtlas.openShell']);
  assert.deepEqual(podMenu([true, false, true, true, false]), ['kubeAtlas.delete', 'kubeAtlas.openShell', 'kubeAtlas.showLogs', 'kubeAtlas.showLogsWithOptions']);
  // Exec denied: no Open Shell on the pod nor on its containers (they carry the pod's markers).
  assert.deepEqual(podMenu([true, true, true, false, false]), ['kubeAtlas.delete', 'kubeAtlas.editObject', 'kubeAtlas.showLogs', 'kubeAtlas.showLogsWithOptions']);
  // Debug needs patch pods/ephemeralcontainers, nothing else.
  assert.deepEqual(podMenu([false, false, false, false, true]), ['kubeAtlas.debugPod']);
  const noExec = accessMarkers(pa, [{ allowed: true }, { allowed: true }, { allowed: true }, { allowed: false }, { allowed: false }]) ?? '';
  assert.deepEqual(shown(`kubeAtlas.container:exec:logs${noExec}`).sort(), ['kubeAtlas.showLogs', 'kubeAtlas.showLogsWithOptions']);
  assert.deepEqual(shown('kubeAtlas.container:exec:logs:can-delete:can-patch:can-exec'), ['kubeAtlas.openShell']);
  assert.deepEqual(shown('kubeAtlas.container:init:logs:can-exec'), [], 'no shell in an init container');
  // Logs of a workload's pods need the same permission.
  const logsOnly = objectContextValue(deployments, dep, accessMarkers(acts, [{ allowed: false }, { allowed: false }, { allowed: false }, { allowed: false }, { allowed: true }, { allowed: false }]));
  assert.deepEqual(shown(logsOnly).sort(), ['kubeAtlas.rolloutStatus', 'kubeAtlas.showWorkloadLogs']);
  // Run Command in Pods on a workload needs create pods/exec, like Open Shell.
  const execOnly = objectContextValue(deployments, dep, accessMarkers(acts, [{ allowed: false }, { allowed: false }, { allowed: false }, { allowed: false }, { allowed: false }, { allowed: true }]));
  assert.deepEqual(shown(execOnly).sort(), ['kubeAtlas.rolloutStatus', 'kubeAtlas.runInPods']);
  assert.ok(shown('kubeAtlas.namespace').includes('kubeAtlas.runInPods'), 'namespace rows offer it (checked when run)');
  // Container rows carry their pod's markers.
  assert.deepEqual(shown('kubeAtlas.container:exec:logs:can-delete:can-logs').sort(), ['kubeAtlas.showLogs', 'kubeAtlas.showLogsWithOptions']);
  assert.deepEqual(shown('kubeAtlas.container:exec:logs:can-delete'), []);
  // Port Forward: on pod, Service and Deployment/StatefulSet/DaemonSet rows (the server decides; its refusal is explained).
  const forwardable = (cv: string) =>
    pkg.contributes.menus['view/item/context']!.filter((m) => m.command === 'kubeAtlas.portForward' && new RegExp(/viewItem =~ \/(.*)\/$/.exec(m.when ?? '')![1]!).test(cv)).length > 0;
  assert.deepEqual(
    ['kubeAtlas.object.pod:logs:exec', 'kubeAtlas.object.service', 'kubeAtlas.object.serviceaccount', 'kubeAtlas.object.deployment:scalable'].map(forwardable),
    [true, true, false, true],
  );
  assert.ok(['kubeAtlas.object.statefulset:scalable', 'kubeAtlas.object.daemonset'].every(forwardable), 'workloads forward to one of their ready pods');
  assert.ok(!forwardable('kubeAtlas.object.replicaset:scalable'));
});
