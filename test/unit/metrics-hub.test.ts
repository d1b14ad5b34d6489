// MetricsHub's polling rules on our own seam (a fake MetricsSource and a manual clock): one list
// per held scope per interval, none once released, none while the metrics API is missing (and
// again when the source says it came), a failed list that stops the asking only when nothing
// watches the APIService, and the all-namespaces list serving every namespace.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MetricsScope, ScopeData } from '../../src/kube/metrics/metricsApi';
import { METRICS_MISSING, scopeKey } from '../../src/kube/metrics/metricsApi';
import { MetricsHub, type MetricsSource, type SourceAvailability, type Timers } from '../../src/kube/metrics/metricsHub';
import { KubeApiError } from '../../src/kube/transport/types';
import { Emitter } from '../../src/kube/util/emitter';

/** Timers that run only when the test advances the clock. */
class ManualClock implements Timers {
  t = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.t + ms, fn });
    return id;
  }
  clear(h: unknown): void {
    this.pending.delete(h as number);
  }
  now(): number {
    return this.t;
  }
  get scheduled(): number {
    return this.pending.size;
  }
  /** Moves time forward, running what falls due (and letting the fetches they start settle). */
  async advance(ms: number): Promise<void> {
    const end = this.t + ms;
    for (;;) {
      const next = [...this.pending.entries()].sort((a, b) => a[1].at - b[1].at)[0];
      if (!next || next[1].at > end) break;
      this.pending.delete(next[0]);
      this.t = Math.max(this.t, next[1].at);
      next[1].fn();
      await settle();
    }
    this.t = end;
    await settle();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
}

class FakeSource implements MetricsSource {
  readonly calls: string[] = [];
  readonly reset = new Emitter<string>();
  readonly onDidReset = this.reset.event;
  followers = 0;
  private tellers = new Set<(a: SourceAvailability) => void>();
  availability: SourceAvailability = { availability: { state: 'available' }, watched: true };
  fail: unknown;

  list(context: string, scope: MetricsScope): Promise<ScopeData> {
    this.calls.push(`${context}:${scopeKey(scope)}`);
    if (this.fail) return Promise.reject(this.fail);
    if (scope.kind === 'nodes') return Promise.resolve({ kind: 'nodes', items: [{ name: 'n1', cpu: 1n, memory: 2n }] });
    const ns = scope.namespace ?? 'shop';
    return Promise.resolve({ kind: 'pods', items: [{ namespace: ns, name: 'web', cpu: 3n, memory: 4n, containers: [] }] });
  }
  follow(_context: string, changed: (a: SourceAvailability) => void): { release(): void } {
    this.followers++;
    this.tellers.add(changed);
    changed(this.availability);
    return {
      release: () => {
        this.followers--;
        this.tellers.delete(changed);
      },
    };
  }
  set(a: SourceAvailability): void {
    this.availability = a;
    for (const t of this.tellers) t(a);
  }
}

function setup(intervalMs = 15_000) {
  const clock = new ManualClock();
  const source = new FakeSource();
  const hub = new MetricsHub(source, { intervalMs, timers: clock });
  return { clock, source, hub };
}

test('one list per held scope per interval, at once for the first figures', async () => {
  const { clock, source, hub } = setup();
  hub.acquire('kind-pods', 'ctx', { kind: 'pods', namespace: 'shop' });
  hub.acquire('workload', 'ctx', { kind: 'pods', namespace: 'shop' });
  hub.acquire('kind-nodes', 'ctx', { kind: 'nodes' });
  await clock.advance(0);
  assert.deepEqual(source.calls.sort(), ['ctx:nodes', 'ctx:pods/shop'], 'two holders of one scope share its list');
  assert.equal(hub.podUsage('ctx', 'shop', 'web')?.cpu, 3n);
  assert.equal(hub.nodeUsage('ctx', 'n1')?.memory, 2n);
  await clock.advance(60_000);
  assert.equal(source.calls.length, 2 + 2 * 4, '4 more intervals → 4 more lists per scope');
  assert.equal(hub.listCalls('ctx'), 10);
  hub.dispose();
});

test('a scope nobody holds is not asked; the last holder gone stops it, and the context’s source is let go', async () => {
  const { clock, source, hub } = setup();
  hub.acquire('a', 'ctx', { kind: 'pods', namespace: 'shop' });
  hub.acquire('b', 'ctx', { kind: 'pods', namespace: 'shop' });
  await clock.advance(0);
  hub.release((h) => h === 'a');
  await clock.advance(15_000);
  assert.equal(source.calls.length, 2, 'still held by b');
  hub.release((h) => h === 'b');
  assert.equal(clock.scheduled, 0, 'no timer left');
  assert.equal(source.followers, 0, 'nothing follows the metrics API any more');
  await clock.advance(120_000);
  assert.equal(source.calls.length, 2, 'no list after the release');
  assert.equal(hub.podUsage('ctx', 'shop', 'web'), undefined, 'figures of a released scope are gone');
  assert.deepEqual(hub.held(), {});
  hub.dispose();
});

test('no metrics API: nothing is asked until the source says it came, then figures come at once', async () => {
  const { clock, source, hub } = setup();
  source.availability = { availability: { state: 'missing', message: METRICS_MISSING }, watched: true };
  const changes: unknown[] = [];
  hub.onDidChange((c) => changes.push(c));
  hub.acquire('kind-pods', 'ctx', { kind: 'pods', namespace: 'shop' });
  await clock.advance(120_000);
  assert.equal(source.calls.length, 0);
  assert.equal(hub.availability('ctx').state, 'missing');
  source.set({ availability: { state: 'available' }, watched: true });
  await clock.advance(0);
  assert.equal(source.calls.length, 1);
  assert.ok(changes.some((c) => (c as { scope?: unknown }).scope === undefined), 'the availability change is announced');
  source.set({ availability: { state: 'unavailable', message: 'metrics API not available: down' }, watched: true });
  assert.equal(hub.podUsage('ctx', 'shop', 'web'), undefined, 'no figures from before it went, as if current');
  await clock.advance(120_000);
  assert.equal(source.calls.length, 1, 'stopped asking while unavailable');
  hub.dispose();
});

test('from discovery alone, a 404 or 503 stops the asking until the source changes', async () => {
  const { clock, source, hub } = setup();
  source.availability = { availability: { state: 'available' }, watched: false };
  source.fail = new KubeApiError('the server could not find the requested resource', { kind: 'http', status: 404 });
  hub.acquire('kind-pods', 'ctx', { kind: 'pods', namespace: 'shop' });
  await clock.advance(120_000);
  assert.equal(source.calls.length, 1, 'one list, then silence');
  assert.equal(hub.availability('ctx').state, 'missing');
  source.fail = undefined;
  source.set({ availability: { state: 'available' }, watched: false });
  await clock.advance(0);
  assert.equal(source.calls.length, 2, 'discovery changed: asked again');
  assert.equal(hub.availability('ctx').state, 'available');
  hub.dispose();
});

test('with the APIService watched, a failed list is passing: retried each interval, its error shown', async () => {
  const { clock, source, hub } = setup();
  source.fail = new KubeApiError('service unavailable', { kind: 'http', status: 503 });
  hub.acquire('kind-pods', 'ctx', { kind: 'pods', namespace: 'shop' });
  await clock.advance(45_000);
  assert.equal(source.calls.length, 4);
  assert.equal(hub.availability('ctx').state, 'available');
  assert.match(hub.scopeStatus('ctx', { kind: 'pods', namespace: 'shop' })?.error ?? '', /service unavailable/);
  hub.dispose();
});

test('forbidden stops the asking until the context reconnects', async () => {
  const { clock, source, hub } = setup();
  source.fail = new KubeApiError('pods.metrics.k8s.io is forbidden', { kind: 'http', status: 403 });
  hub.acquire('kind-pods', 'ctx', { kind: 'pods', namespace: 'shop' });
  await clock.advance(60_000);
  assert.equal(source.calls.length, 1);
  assert.equal(hub.availability('ctx').state, 'forbidden');
  source.set({ availability: { state: 'available' }, watched: true });
  await clock.advance(60_000);
  assert.equal(source.calls.length, 1, 'an APIService change does not lift forbidden');
  source.fail = undefined;
  source.reset.fire('ctx');
  await clock.advance(0);
  assert.equal(source.calls.length, 2, 'a reconnect (new credentials) asks again');
  hub.dispose();
});

test('while every pod is held, namespaces read that list instead of asking for themselves', async () => {
  const { clock, source, hub } = setup();
  hub.acquire('ns-view', 'ctx', { kind: 'pods', namespace: 'shop' });
  await clock.advance(0);
  hub.acquire('all-view', 'ctx', { kind: 'pods' });
  await clock.advance(45_000);
  assert.deepEqual(
    source.calls.filter((c) => c.endsWith('pods/shop')),
    ['ctx:pods/shop'],
    'the namespace stopped asking once all pods were held',
  );
  assert.equal(source.calls.filter((c) => c.endsWith('pods/*')).length, 4);
  assert.ok(hub.scopeStatus('ctx', { kind: 'pods', namespace: 'shop' })?.servedByAll);
  assert.equal(hub.pods('ctx', 'shop')?.length, 1);
  hub.release((h) => h === 'all-view');
  await clock.advance(0);
  assert.equal(source.calls.at(-1), 'ctx:pods/shop', 'the namespace asks for itself again at once');
  hub.dispose();
});

test('a new interval applies to the next list', async () => {
  const { clock, source, hub } = setup(15_000);
  hub.acquire('a', 'ctx', { kind: 'nodes' });
  await clock.advance(0);
  hub.setIntervalMs(60_000);
  await clock.advance(59_000);
  assert.equal(source.calls.length, 1);
  await clock.advance(1_000);
  assert.equal(source.calls.length, 2);
  hub.dispose();
});
