// Lazy indexes: an index nobody queries is never computed, and one built on first query (then
// kept up to date) equals one maintained from the start through any sequence of changes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { KubeObject } from '../../src/kube/kinds/types';
import { byLabel, byNamespace, byNodeName, byOwnerUid, type IndexFunc, indexFunc, registerIndex } from '../../src/kube/watch/indexes';
import { IndexedStore } from '../../src/kube/watch/store';

const NAMES = ['namespace', 'owner', 'node', 'label'] as const;

function pod(name: string, ns: string, extra: { labels?: Record<string, string>; owner?: string; node?: string; rv?: string } = {}): KubeObject {
  return {
    metadata: { name, namespace: ns, resourceVersion: extra.rv ?? '1', labels: extra.labels, ownerReferences: extra.owner ? [{ uid: extra.owner, kind: 'ReplicaSet', name: 'rs' }] : undefined },
    spec: { nodeName: extra.node },
  };
}

/** A deterministic pseudo-random sequence (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomPod(r: () => number, rv: number): KubeObject {
  const pickOf = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const labels: Record<string, string> = {};
  if (r() < 0.8) labels.app = pickOf(['web', 'db', 'cache']);
  if (r() < 0.5) labels.tier = pickOf(['front', 'back']);
  return pod(`p${Math.floor(r() * 60)}`, pickOf(['a', 'b', 'c']), { labels, owner: r() < 0.7 ? pickOf(['rs1', 'rs2', 'rs3']) : undefined, node: r() < 0.9 ? pickOf(['n1', 'n2']) : undefined, rv: String(rv) });
}

/** Every (index, value) → sorted keys, read through the public API. */
function snapshot(s: IndexedStore, values: Map<string, Set<string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const name of NAMES) {
    for (const v of values.get(name) ?? []) {
      const keys = s.byIndex(name, v).map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort();
      assert.equal(s.countByIndex(name, v), keys.length);
      if (keys.length) out[`${name}:${v}`] = keys;
    }
  }
  return out;
}

test('an index nobody queries is never computed; a query builds it once, then it follows changes', () => {
  const calls: Record<string, number> = { namespace: 0, owner: 0, node: 0, label: 0 };
  const counting = (name: string, fn: IndexFunc): IndexFunc => (o) => {
    calls[name]!++;
    return fn(o);
  };
  const s = new IndexedStore({ indexers: { namespace: counting('namespace', byNamespace), owner: counting('owner', byOwnerUid), node: counting('node', byNodeName), label: counting('label', byLabel) } });
  for (let i = 0; i < 100; i++) s.upsert(pod(`p${i}`, 'ns', { labels: { app: 'web' }, owner: 'rs1', node: 'n1' }));
  s.delete('ns/p0');
  s.replace([...s.list()].slice(0, 50));
  assert.deepEqual(calls, { namespace: 0, owner: 0, node: 0, label: 0 }, 'no index function ran');
  assert.deepEqual(s.builtIndexes, []);
  assert.equal(s.byIndex('owner', 'rs1').length, 50);
  assert.deepEqual(s.builtIndexes, ['owner']);
  assert.equal(calls.owner, 50, 'built once, from what the store holds');
  s.upsert(pod('new', 'ns', { owner: 'rs2' }));
  assert.equal(s.countByIndex('owner', 'rs2'), 1, 'kept up to date after the build');
  assert.equal(calls.node + calls.label + calls.namespace, 0, 'the other indexes still cost nothing');
});

test('a lazily built index equals an eagerly maintained one through adds, updates, deletes and relists', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const r = rng(seed);
    const eager = new IndexedStore({ declare: NAMES });
    const lazy = new IndexedStore();
    const late = new IndexedStore();
    assert.deepEqual(eager.builtIndexes.sort(), [...NAMES].sort());
    const values = new Map<string, Set<string>>(NAMES.map((n) => [n, new Set<string>()]));
    const apply = (fn: (s: IndexedStore) => void): void => {
      for (const s of [eager, lazy, late]) fn(s);
    };
    for (let step = 0; step < 600; step++) {
      const x = r();
      if (x < 0.55) {
        const p = randomPod(r, step);
        for (const name of NAMES) for (const v of indexFunc(name)!(p)) values.get(name)!.add(v);
        apply((s) => s.upsert(p));
      } else if (x < 0.85) {
        const key = `${['a', 'b', 'c'][Math.floor(r() * 3)]}/p${Math.floor(r() * 60)}`;
        apply((s) => s.delete(key));
      } else if (x < 0.9) {
        // A relist: some objects kept (some changed), some gone, some new.
        const next: KubeObject[] = [];
        for (const o of eager.list()) if (r() < 0.7) next.push(r() < 0.3 ? randomPod(r, step) : o);
        for (let i = 0; i < 5; i++) next.push(randomPod(r, step));
        for (const p of next) for (const name of NAMES) for (const v of indexFunc(name)!(p)) values.get(name)!.add(v);
        const dedup = new Map(next.map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, o]));
        apply((s) => s.replace(dedup.values()));
      } else {
        // The lazy store gets queried now and then, which builds that index mid-stream.
        const name = NAMES[Math.floor(r() * NAMES.length)]!;
        lazy.byIndex(name, 'anything');
      }
    }
    assert.ok(eager.size > 0);
    assert.deepEqual(snapshot(lazy, values), snapshot(eager, values), `seed ${seed}: built mid-stream`);
    assert.deepEqual(late.builtIndexes, [], 'the late store built nothing until now');
    assert.deepEqual(snapshot(late, values), snapshot(eager, values), `seed ${seed}: built at the end`);
  }
});

test('views register their own index functions by name; an unknown name is an error', () => {
  registerIndex('test-phase', (o) => [String((o.status as { phase?: string } | undefined)?.phase ?? '')]);
  const s = new IndexedStore();
  s.upsert({ metadata: { name: 'a', namespace: 'n' }, status: { phase: 'Running' } });
  assert.equal(s.countByIndex('test-phase', 'Running'), 1);
  assert.throws(() => registerIndex('owner', () => []), /already registered/);
  assert.throws(() => s.byIndex('no-such-index', 'x'), /no index named/);
});
