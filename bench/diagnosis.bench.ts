// Diagnosis over the watch cache at scale: 20,000 pods (a fifth failing) and 50,000 Events in
// synthetic stores built as the watches build them (each object projected on arrival with the
// watch's intern pool; pods indexed by owner, events by involvedUid), then:
//   - every pod's root cause as the tree computes it (CacheDiagnosis.causeFor: the health gate,
//     the pod's events from the index, remembered evidence), against two references measured in
//     the same run: JSON.parse of the same pods and events (what receiving them once costs), and
//     the same diagnosis with each unhealthy pod's events found by scanning all 50,000 (no index);
//   - one workload's roll-up (a 2,000-pod Deployment, through its ReplicaSet), against
//     JSON.parse of those 2,000 pods;
//   - heap: per cached pod now that the projection keeps what diagnosis reads (conditions,
//     container states, restartPolicy, memory limits), per cached event with its index, and the
//     evidence kept per failing pod — each against whole objects held the same way.
// Prints, never asserts. `npm run bench diagnosis`.
import { loadavg } from 'node:os';
import { CacheDiagnosis } from '../src/kube/diagnosis/cacheDiagnosis';
import { eventFact } from '../src/kube/diagnosis/eventFacts';
import { diagnosePod } from '../src/kube/diagnosis/podDiagnosis';
import { makeResourceType } from '../src/kube/kinds/discovery';
import { KindRegistry } from '../src/kube/kinds/kindRegistry';
import { InternPool, projectionFor } from '../src/kube/kinds/projection';
import { summarize } from '../src/kube/kinds/summary';
import type { KubeObject } from '../src/kube/kinds/types';
import { IndexedStore } from '../src/kube/watch/store';
import type { ViewLeases } from '../src/kube/watch/viewLeases';
import type { WatchHub } from '../src/kube/watch/watchHub';
import { buildWorld } from './diagnosisWorld';
import { median, note, report, runBench, since } from './report';

const gc = (globalThis as { gc?: () => void }).gc;
const NOW = Date.parse('2026-03-02T12:00:00Z');

const type = (group: string, plural: string, kind: string) => makeResourceType(group, 'v1', { plural, kind, namespaced: true, verbs: ['get', 'list', 'watch'], subresources: [] });
const POD = type('', 'pods', 'Pod');
const EVENT = type('', 'events', 'Event');
const RS = type('apps', 'replicasets', 'ReplicaSet');
const DEPLOY = type('apps', 'deployments', 'Deployment');
const registry = new KindRegistry([POD, EVENT, RS, DEPLOY]);

function heap(): number {
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Parses `text` (a JSON array, as a list's items arrive) into a store, projected as the watch of `t` does, or whole. */
function load(text: string, t: typeof POD, indexes: string[], projected: boolean): IndexedStore {
  const store = new IndexedStore({ declare: indexes });
  const project = projectionFor(t);
  const pool = new InternPool();
  for (const o of JSON.parse(text) as KubeObject[]) store.upsert(projected ? project(o, pool) : o);
  return store;
}

function timeMedian(runs: number, fn: () => void): number {
  const out: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = process.hrtime.bigint();
    fn();
    out.push(since(t));
  }
  return median(out);
}

async function main(): Promise<void> {
  if (!gc) note('run with --expose-gc (npm run bench does): heap figures need a full GC');
  note(`load average at start: ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  const world = buildWorld();
  const podsText = JSON.stringify(world.pods);
  const eventsText = JSON.stringify(world.events);
  const bigText = JSON.stringify(world.pods.filter((p) => p.metadata.ownerReferences?.[0]?.uid === 'rs-ns-0-big'));
  note(`${world.pods.length} pods (${world.failing} failing), ${world.events.length} events; JSON ${(podsText.length / 1e6).toFixed(1)} MB of pods, ${(eventsText.length / 1e6).toFixed(1)} MB of events`);
  world.pods.length = 0;
  world.events.length = 0;

  // Heap: whole objects first (the reference), dropped, then what the watches keep.
  const h0 = heap();
  let whole: IndexedStore | undefined = load(podsText, POD, ['owner'], false);
  const wholePods = (heap() - h0) / whole.size;
  whole = undefined;
  const h1 = heap();
  const pods = load(podsText, POD, ['owner'], true);
  const podHeap = (heap() - h1) / pods.size;
  report({ name: 'heap per cached pod (projection with the diagnosis fields, pooled; owner index)', value: podHeap, unit: 'B', reference: { name: 'whole objects, same store and index', value: wholePods } });
  const h2 = heap();
  whole = load(eventsText, EVENT, ['involvedUid'], false);
  const wholeEvents = (heap() - h2) / whole.size;
  whole = undefined;
  const h3 = heap();
  const events = load(eventsText, EVENT, ['involvedUid'], true);
  const eventHeap = (heap() - h3) / events.size;
  report({ name: 'heap per cached event (projection + involvedUid index)', value: eventHeap, unit: 'B', reference: { name: 'whole events, same store and index', value: wholeEvents } });
  note(`events store + index: ${((eventHeap * events.size) / 1e6).toFixed(1)} MB for ${events.size} events`);

  // The tree's engine over these stores, as one cluster-wide watch per kind serves them.
  const replicaSets = new IndexedStore({ declare: ['owner'] });
  for (const rs of world.replicaSets) replicaSets.upsert(rs);
  const stores = new Map([
    [POD, pods],
    [EVENT, events],
    [RS, replicaSets],
  ]);
  const leases = { serving: (_c: string, t: typeof POD) => ({ watch: { store: stores.get(t) }, namespaced: false }) } as unknown as ViewLeases;
  const hub = { peek: () => undefined } as unknown as WatchHub;
  const engine = new CacheDiagnosis(leases, hub, () => registry, () => NOW);
  const all = [...pods.list()];
  let causes = 0;
  const everyPod = (): void => {
    causes = 0;
    for (const p of all) if (engine.causeFor('ctx', POD, p)) causes++;
  };
  const h4 = heap();
  const t0 = process.hrtime.bigint();
  everyPod();
  const first = since(t0);
  const memoryPerFailing = (heap() - h4) / Math.max(1, engine.pods.memory.size);
  const ours = timeMedian(5, everyPod);
  note(`${causes} root causes found for ${all.length} pods; first pass ${first.toFixed(0)} ms (evidence memory filling), then median of 5 below`);
  const parse = timeMedian(3, () => {
    JSON.parse(podsText);
    JSON.parse(eventsText);
  });
  report({ name: 'root cause of every pod, 20,000 pods × 50,000 events (median of 5)', value: ours, unit: 'ms', reference: { name: 'JSON.parse of the same pods and events', value: parse } });
  const allEvents = [...events.list()];
  const t1 = process.hrtime.bigint();
  let naiveCauses = 0;
  for (const p of all) {
    if (!['error', 'warning', 'progress'].includes(summarize('Pod', p).severity ?? '')) continue;
    const uid = p.metadata.uid;
    const facts = allEvents.filter((e) => (e.involvedObject as { uid?: string } | undefined)?.uid === uid).map(eventFact);
    if (diagnosePod(p, facts, { now: NOW })) naiveCauses++;
  }
  const naive = since(t1);
  report({ name: '  same, against a scan of all events per unhealthy pod (no index)', value: ours, unit: 'ms', reference: { name: `the scan (${naiveCauses} causes)`, value: naive } });
  report({ name: 'evidence kept per failing pod (EvidenceMemory: its events, in case they expire)', value: memoryPerFailing, unit: 'B', reference: { name: 'its 8 events as the events watch caches them', value: 8 * eventHeap } });

  // One workload: the 2,000-pod Deployment, through its ReplicaSet's pods.
  let summary = '';
  const rollUp = timeMedian(20, () => {
    summary = engine.rollUpFor('ctx', DEPLOY, world.big)?.summary ?? 'none';
  });
  const parseBig = timeMedian(5, () => JSON.parse(bigText));
  note(`roll-up: ${summary}`);
  report({ name: 'roll-up of one 2,000-pod Deployment (median of 20)', value: rollUp, unit: 'ms', reference: { name: 'JSON.parse of its 2,000 pods', value: parseBig } });
}

runBench(main);
