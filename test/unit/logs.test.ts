// Pure logic of log following, against our own seams (a scripted transport, a scripted pod
// source): timestamps and their order, resuming a dropped follow without losing or repeating
// lines, error messages, the size cap, and the multi-pod follower's prefixes, stream cap,
// new pods and deleted pods.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/kube/kinds/types';
import { containerLiveness, streamContainerLogs } from '../../src/kube/logs/containerLogs';
import { LogBuffer } from '../../src/kube/logs/logBuffer';
import { describeLogError } from '../../src/kube/logs/logErrors';
import { DEFAULT_LOG_OPTIONS, type LogOptions, logQuery, parseDuration } from '../../src/kube/logs/logOptions';
import { PodSetLogs } from '../../src/kube/logs/podSetLogs';
import { type PodSource, parseLabelSelector } from '../../src/kube/logs/podSource';
import { ResumePoint } from '../../src/kube/logs/resumePoint';
import { splitTimestamp, timestampKey } from '../../src/kube/logs/timestampedLine';
import { KubeApiError } from '../../src/kube/transport/types';
import { Emitter } from '../../src/kube/util/emitter';
import { matchesSelector } from '../../src/kube/watch/labelSelector';
import { waitFor } from '../support/waitFor';
import { FakeLogTransport } from './fakes/fakeLogTransport';

const ref = { namespace: 'shop', pod: 'web-1', container: 'app' };
const follow: LogOptions = { follow: true, timestamps: false, previous: false, tailLines: 10 };
const noSleep = { sleep: async () => {} };

function httpError(status: number, serverText: string): KubeApiError {
  return new KubeApiError(`GET pods/log web-1 failed: HTTP ${status} — ${serverText}`, { kind: 'http', status });
}

test('timestamps: split from the text, ordered to the nanosecond and across offsets', () => {
  assert.deepEqual(splitTimestamp('2026-11-30T10:00:00.123456789Z hello world'), { timestamp: '2026-11-30T10:00:00.123456789Z', text: 'hello world' });
  assert.deepEqual(splitTimestamp('no timestamp here'), { timestamp: undefined, text: 'no timestamp here' });
  assert.deepEqual(splitTimestamp('2026-11-30T10:00:00Z '), { timestamp: '2026-11-30T10:00:00Z', text: '' });
  const k = (s: string) => timestampKey(s)!;
  assert.ok(k('2026-11-30T10:00:00.000000001Z') > k('2026-11-30T10:00:00Z'), 'one nanosecond later sorts later');
  assert.ok(k('2026-11-30T10:00:00.1Z') < k('2026-11-30T10:00:00.100000001Z'));
  assert.equal(k('2026-11-30T11:00:00+01:00'), k('2026-11-30T10:00:00Z'), 'offsets are honoured');
  assert.equal(timestampKey('yesterday'), undefined);
});

test('resume point: after a reconnect, earlier lines and the lines already shown at the last timestamp are dropped', () => {
  const r = new ResumePoint();
  const a = '2026-11-30T10:00:00.100Z';
  const b = '2026-11-30T10:00:00.500Z';
  assert.equal(r.sinceTime(), undefined);
  for (const ts of [a, b, b]) assert.ok(r.accept(ts));
  assert.equal(r.sinceTime(), b);
  r.reconnecting();
  // The server resends from the whole second: a, then the two b lines, then a third b and new ones.
  assert.deepEqual(
    [a, b, b, b, '2026-11-30T10:00:01Z'].map((ts) => r.accept(ts)),
    [false, false, false, true, true],
  );
  // Without a reconnect, equal timestamps are distinct lines.
  const fresh = new ResumePoint();
  assert.deepEqual([a, a, a].map((ts) => fresh.accept(ts)), [true, true, true]);
});

test('query: tail/since for the first request, sinceTime (and no tail) on resume; previous never follows', () => {
  assert.deepEqual(logQuery(ref, { ...follow, sinceSeconds: 300 }), { container: 'app', follow: true, timestamps: true, previous: undefined, sinceTime: undefined, sinceSeconds: 300, tailLines: 10 });
  const r = new ResumePoint();
  r.accept('2026-11-30T10:00:00.5Z');
  const q = logQuery(ref, follow, r);
  assert.equal(q.sinceTime, '2026-11-30T10:00:00.5Z');
  assert.equal(q.tailLines, undefined);
  const prev = logQuery(ref, { ...follow, previous: true });
  assert.equal(prev.previous, true);
  assert.equal(prev.follow, undefined);
  assert.equal(parseDuration('1h30m'), 5400);
  assert.equal(parseDuration('45s'), 45);
  assert.equal(parseDuration('soon'), undefined);
  assert.equal(DEFAULT_LOG_OPTIONS.follow, true);
});

test('follow: a dropped connection reconnects from the last timestamp and shows every line exactly once', async () => {
  const t = new FakeLogTransport((req, feed) => {
    if (t.calls.length === 1) {
      feed.push('2026-11-30T10:00:00.100Z one', '2026-11-30T10:00:00.200Z two', '2026-11-30T10:00:00.200Z two-bis');
      feed.fail(new KubeApiError('connection reset', { kind: 'network' }));
    } else {
      assert.equal(req.query?.sinceTime, '2026-11-30T10:00:00.200Z');
      assert.equal(req.query?.tailLines, undefined, 'a resumed follow does not tail again');
      feed.push('2026-11-30T10:00:00.100Z one', '2026-11-30T10:00:00.200Z two', '2026-11-30T10:00:00.200Z two-bis', '2026-11-30T10:00:01.000Z three');
      feed.end();
    }
  });
  const lines: string[] = [];
  const notices: string[] = [];
  const abort = new AbortController();
  const end = await streamContainerLogs(t, ref, follow, { line: (x) => lines.push(x), reconnecting: (e) => notices.push(e?.problem ?? 'clean end') }, abort.signal, {
    ...noSleep,
    liveness: async () => ({ state: 'stopped', reason: 'terminated (Completed, exit code 0)' }),
  });
  assert.deepEqual(lines, ['one', 'two', 'two-bis', 'three']);
  assert.deepEqual(notices, ['network']);
  assert.deepEqual(end, { reason: 'ended', message: 'container app of pod web-1 terminated (Completed, exit code 0)' });
  assert.equal(t.calls[0]?.path, '/api/v1/namespaces/shop/pods/web-1/log');
  assert.equal(t.calls[0]?.query?.timestamps, true, 'timestamps are always asked for: they are the resume point');
});

test('follow: a clean end while the container still runs is a cut connection (resume); abort releases the stream', async () => {
  const t = new FakeLogTransport((_req, feed) => {
    if (t.calls.length === 1) {
      feed.push('2026-11-30T10:00:00Z a');
      feed.end();
    } else feed.push('2026-11-30T10:00:00Z a', '2026-11-30T10:00:02Z b');
  });
  const lines: string[] = [];
  const abort = new AbortController();
  const done = streamContainerLogs(t, ref, follow, { line: (x) => lines.push(x) }, abort.signal, { ...noSleep, liveness: async () => ({ state: 'running' }) });
  await waitFor(() => lines.length === 2, { what: 'the resumed line' });
  abort.abort();
  assert.deepEqual(await done, { reason: 'aborted' });
  assert.deepEqual(lines, ['a', 'b']);
  assert.equal(t.feeds[1]?.aborted, true, 'the open request saw the abort');
});

test('errors: 403, missing container, missing previous instance end at once with a clear message', async () => {
  const forbidden = describeLogError(httpError(403, 'pods "web-1" is forbidden: User "restricted" cannot get resource "pods/log" in API group "" in the namespace "shop"'), ref);
  assert.equal(forbidden.problem, 'forbidden');
  assert.match(forbidden.message, /RBAC forbids get pods\/log in namespace "shop"/);
  assert.match(forbidden.hint ?? '', /kubectl auth can-i get pods\/log -n shop/);
  const missing = describeLogError(httpError(400, 'container nope is not valid for pod web-1'), { ...ref, container: 'nope' }, ['app', 'sidecar']);
  assert.equal(missing.message, 'Container "nope" not found in pod shop/web-1. Its containers: app, sidecar.');
  const noPrev = describeLogError(httpError(400, 'previous terminated container "app" in pod "web-1" not found'), ref);
  assert.equal(noPrev.problem, 'no-previous');
  assert.match(noPrev.message, /has no previous instance/);
  assert.equal(describeLogError(httpError(404, 'pods "web-1" not found'), ref).problem, 'pod-not-found');
  assert.equal(describeLogError(httpError(503, 'unavailable'), ref).retryable, true);

  // A non-retryable error is not retried, even while following.
  const t = new FakeLogTransport(() => httpError(403, 'forbidden'));
  const end = await streamContainerLogs(t, ref, follow, { line: () => {} }, new AbortController().signal, noSleep);
  assert.equal(end.reason, 'failed');
  assert.equal(t.calls.length, 1);
});

test('liveness from a container status: running, terminated with its reason, waiting', () => {
  assert.deepEqual(containerLiveness({ name: 'a', state: { running: {} } }), { state: 'running' });
  assert.deepEqual(containerLiveness({ name: 'a', state: { terminated: { reason: 'Error', exitCode: 2 } } }), { state: 'stopped', reason: 'terminated (Error, exit code 2)' });
  assert.deepEqual(containerLiveness({ name: 'a', state: { waiting: { reason: 'CrashLoopBackOff' } } }), { state: 'stopped', reason: 'is waiting (CrashLoopBackOff)' });
});

test('buffer: the size cap drops the oldest lines in chunks and says how many went; long lines are cut', () => {
  const b = new LogBuffer({ maxLines: 100, maxLineChars: 20 });
  let changes = 0;
  b.onDidChange(() => changes++);
  for (let i = 0; i < 1000; i++) b.append(`line ${i}`);
  assert.ok(b.lineCount <= 100 && b.lineCount >= 90, `kept ${b.lineCount}`);
  assert.equal(b.droppedCount + b.lineCount, 1000);
  assert.equal(b.snapshot().at(-1), 'line 999');
  assert.match(b.text().split('\n')[0]!, new RegExp(`^… ${b.droppedCount} earlier lines dropped`));
  b.append('x'.repeat(50));
  assert.equal(b.snapshot().at(-1), `${'x'.repeat(20)} … (30 more characters)`);
  assert.equal(changes, 1001);
});

test('label selectors as kubectl -l writes them', () => {
  const sel = parseLabelSelector('app=web, tier!=db,env in (a, b),!legacy,debug');
  assert.ok(!('error' in sel));
  assert.ok(matchesSelector({ app: 'web', env: 'a', debug: '' }, sel));
  assert.ok(!matchesSelector({ app: 'web', env: 'a', debug: '', tier: 'db' }, sel));
  assert.ok(!matchesSelector({ app: 'web', env: 'c', debug: '' }, sel));
  assert.ok(!matchesSelector({ app: 'web', env: 'a', debug: '', legacy: 'y' }, sel));
  assert.ok('error' in parseLabelSelector(''));
  assert.ok('error' in parseLabelSelector('a=b=c'));
});

// ---- the multi-pod follower -------------------------------------------------------------------

class FakePods implements PodSource {
  list: KubeObject[] = [];
  private readonly changed = new Emitter<void>();
  readonly onDidChange = this.changed.event;
  pods(): readonly KubeObject[] {
    return this.list;
  }
  set(list: KubeObject[]): void {
    this.list = list;
    this.changed.fire();
  }
  dispose(): void {}
}

function pod(name: string, created: string, state: 'running' | 'waiting' = 'running', containers = ['app']): KubeObject {
  return {
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, creationTimestamp: created },
    spec: { containers: containers.map((n) => ({ name: n })) },
    status: { containerStatuses: containers.map((n) => ({ name: n, restartCount: 0, state: state === 'running' ? { running: {} } : { waiting: { reason: 'ContainerCreating' } } })) },
  };
}

test('pod set: lines prefixed pod/container, new pods picked up from their start, deleted pods marked and released', async () => {
  const t = new FakeLogTransport();
  const pods = new FakePods();
  pods.list = [pod('web-1', '2026-11-30T10:00:00Z'), pod('web-2', '2026-11-30T10:00:01Z', 'running', ['app', 'proxy'])];
  const out: string[] = [];
  const set = new PodSetLogs(t, pods, { ...follow, maxStreams: 10, streamDeps: noSleep }, { line: (l) => out.push(l) });
  await waitFor(() => t.feeds.length === 3, { what: 'three streams' });
  assert.equal(t.feedFor('web-1')?.req.query?.tailLines, 10, 'pods there at the start get the user tail');
  t.feedFor('web-1')!.push('2026-11-30T10:00:02Z hello from one');
  t.feedFor('web-2', 'proxy')!.push('2026-11-30T10:00:02Z hello from the proxy');
  await waitFor(() => out.length === 2, { what: 'two lines' });
  assert.deepEqual(out, ['[web-1/app] hello from one', '[web-2/proxy] hello from the proxy']);

  // A rollout: web-3 appears (still creating), then runs; web-1 goes.
  pods.set([...pods.list, pod('web-3', '2026-11-30T10:01:00Z', 'waiting')]);
  assert.equal(t.feeds.length, 3, 'a container that has not started is not asked for logs');
  pods.set([pods.list[0]!, pods.list[1]!, pod('web-3', '2026-11-30T10:01:00Z')]);
  await waitFor(() => t.feedFor('web-3'), { what: 'the new pod streamed' });
  assert.equal(t.feedFor('web-3')?.req.query?.tailLines, undefined, 'a new pod is shown from its first line');
  const oldFeed = t.feedFor('web-1')!;
  pods.set(pods.list.slice(1));
  assert.ok(oldFeed.aborted, 'the deleted pod’s stream is released');
  t.feedFor('web-3')!.push('2026-11-30T10:01:01Z starting');
  await waitFor(() => out.includes('[web-3/app] starting'), { what: 'the new pod’s line' });
  assert.deepEqual(out.slice(2), ['— pod web-3 appeared', '— pod web-1 deleted', '[web-3/app] starting']);
  assert.equal(set.activeStreams, 3);

  set.stop();
  await set.settled();
  assert.ok(t.feeds.every((f) => f.aborted), 'stop releases every stream');
});

test('pod set: at most maxStreams at once, a notice for the rest, which start as others end', async () => {
  const t = new FakeLogTransport();
  const pods = new FakePods();
  pods.list = ['a', 'b', 'c', 'd'].map((n, i) => pod(n, `2026-11-30T10:00:0${i}Z`));
  const out: string[] = [];
  const set = new PodSetLogs(t, pods, { ...follow, maxStreams: 2, streamDeps: noSleep }, { line: (l) => out.push(l) });
  await waitFor(() => t.feeds.length === 2, { what: 'two streams' });
  assert.deepEqual(t.feeds.map((f) => f.req.path.split('/')[6]), ['a', 'b'], 'oldest pods first');
  assert.ok(out.some((l) => /^— 2 containers not followed yet: at most 2 streams run at once \(setting kubeAtlas\.logs\.maxStreams\)/.test(l)), out.join('\n'));
  pods.set(pods.list.slice(1)); // a goes: c takes its place
  await waitFor(() => t.feedFor('c'), { what: 'c started' });
  assert.equal(set.activeStreams, 2);
  assert.equal(t.feedFor('d'), undefined);
  set.stop();
  await set.settled();
});
