// The packaged extension in the real VS Code (code-server + Chromium), on the seeded cluster,
// measured to what the user sees (rows rendered in the page's DOM), each figure with a reference
// measured in the same run:
//   first    from a cold extension host: activation, first click on the context → namespace rows,
//            expanding a namespace's Workloads → kind counts, first click → a namespace's pods;
//            the extension host's RSS before/after Workloads; sockets with 10 kinds × 5 namespaces
//   change   apiserver write → row rendered (p50/p95) at random intervals, vs `kubectl get pods -w`
//            and the BrowseModel event in Node, with where the time goes (a probe extension in
//            the host stamps watch delivery, model event and getChildren); `kubectl create
//            deployment` → row visible
// KUBE_ATLAS_VSIX=path measures another build (e.g. the main branch's); KUBE_ATLAS_BENCH_FIGURES
// picks figures (first,change). Not part of `npm test`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { attachCluster, type Cluster } from '../test/cluster/cluster.harness';
import { repoRoot } from '../test/e2e/harness/paths';
import { connectionsTo, extensionHostPid, rssMiB } from '../test/e2e/harness/processes';
import { type RowClock, type RowEvent, startRowClock } from '../test/e2e/harness/rowClock';
import { ensureVsix, openWorkbench, type WorkbenchSession } from '../test/e2e/harness/session';
import { waitFor } from '../test/e2e/harness/wait';
import { addSamples, clearReasons, emptySamples, explainMisses, hostNow, kubectlWatchLatency, modelLatency, OP_KINDS, type Op, plan, randomIntervals, type Samples } from './latency';
import { jitter, median, note, pause, percentile, report, reportPercentiles, runBench } from './report';
import { kubectlMs, seededNamespace } from './support';

const VIEW = 'Clusters';

/** Every row event of a session, collected from the page every 20 ms, with waiters. */
class EventLog {
  readonly events: RowEvent[] = [];
  private readonly waiters = new Set<{ from: number; pred: (e: RowEvent) => boolean; resolve: (e: RowEvent) => void }>();
  private stopped = false;
  private readonly loop: Promise<void>;

  constructor(private readonly clock: RowClock) {
    this.loop = (async () => {
      while (!this.stopped) {
        const batch = await this.clock.drain().catch(() => [] as RowEvent[]);
        for (const e of batch) {
          this.events.push(e);
          for (const w of [...this.waiters]) {
            if (w.pred(e)) {
              this.waiters.delete(w);
              w.resolve(e);
            }
          }
        }
        await pause(20);
      }
    })();
  }

  /** The first event from now on (or since index `from`) that matches. */
  next(pred: (e: RowEvent) => boolean, timeoutMs = 30_000, from = this.events.length, what = 'a row event'): Promise<RowEvent> {
    const hit = this.events.slice(from).find(pred);
    if (hit) return Promise.resolve(hit);
    return new Promise((resolve, reject) => {
      const w = { from, pred, resolve };
      this.waiters.add(w);
      setTimeout(() => {
        if (this.waiters.delete(w)) reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
    await this.clock.stop().catch(() => undefined);
  }
}

const LOG_TIME = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/;

/** Host-clock ms of the first line of a server log file (by name) matching `re`. */
function logTime(s: WorkbenchSession, file: string, re: RegExp): number | undefined {
  for (const f of s.server.serverLogs(file)) {
    for (const line of f.text.split('\n')) {
      if (!re.test(line)) continue;
      const m = LOG_TIME.exec(line);
      if (m) return new Date(`${m[1]}T${m[2]}`).getTime();
    }
  }
  return undefined;
}

/**
 * When activate() returned: the time the line itself names ("done at 17:17:41.902"), else the
 * line's stamp. The Output channel stamps lines once the channel is ready, which under load is
 * seconds after activation (the main branch's line has no "done at").
 */
function activatedAt(s: WorkbenchSession): number | undefined {
  const stamped = logTime(s, 'Kube Atlas.log', /Kube Atlas activated/);
  if (stamped === undefined) return undefined;
  const line = s.server.serverLogs('Kube Atlas.log').map((f) => /^(\d{4}-\d\d-\d\d) .*Kube Atlas activated.*done at (\d\d:\d\d:\d\d\.\d{3})/m.exec(f.text)).find(Boolean);
  return line ? new Date(`${line[1]}T${line[2]}`).getTime() : stamped;
}

/** RSS once it stops moving (two reads 500 ms apart within 1 MiB), or after 20 s. */
/**
 * The extension host's RSS once it stops moving. The host is looked up again on every read: if it
 * was restarted meanwhile (code-server does when the browser reconnects), the figure says so.
 */
async function settledRss(s: WorkbenchSession, pid: number): Promise<number> {
  const read = (): number => {
    try {
      return rssMiB(pid);
    } catch {
      const now = extensionHostPid(s.server);
      if (!now) throw new Error('the extension host is gone');
      note(`the extension host was restarted (pid ${pid} → ${now}): this run's RSS growth is not comparable`);
      pid = now;
      return rssMiB(pid);
    }
  };
  let last = read();
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    await pause(500);
    const now = read();
    if (Math.abs(now - last) < 1) return now;
    last = now;
  }
  return last;
}

async function vsix(): Promise<string> {
  return process.env.KUBE_ATLAS_VSIX ?? (await ensureVsix());
}

/** KUBE_ATLAS_VSIX_VARIANTS="name=path,name=path" compares builds in one run; default: one build. */
async function buildVariants(): Promise<{ name: string; path: string }[]> {
  const spec = process.env.KUBE_ATLAS_VSIX_VARIANTS;
  if (!spec) return [{ name: 'this build', path: await vsix() }];
  return spec.split(',').map((v) => {
    const [name, path] = v.split('=') as [string, string];
    return { name, path };
  });
}

/**
 * Expands rows by label from the top of the tree, each as soon as it shows, and returns the
 * events of each step. A namespace inside a range ("a … b (1–200 of 205)") is reached through it.
 */
interface Path {
  ctx: RowEvent;
  ns: RowEvent;
}

async function openNamespace(s: WorkbenchSession, log: EventLog, ctxLabel: string, ns: string): Promise<{ path: Path; clickCtx: RowEvent; firstChildren: RowEvent }> {
  const from = log.events.length;
  await s.wb.expand(VIEW, ctxLabel, 1);
  const clickCtx = await log.next((e) => e.kind === 'click' && e.level === 1, 10_000, from, 'the click on the context');
  const firstChildren = await log.next((e) => e.kind === 'shown' && e.level === 2, 60_000, from, 'the context’s children');
  // Ranges show when there are more namespaces than the page size.
  const nsAt2 = await waitFor(async () => {
    const rows = await s.wb.treeItems(VIEW);
    const direct = rows.find((r) => r.level === 2 && r.label === ns);
    if (direct) return { level: 2 };
    // A range row: label "first … last", description "1–200 of 205 namespaces".
    const range = rows.find((r) => r.level === 2 && /^\d+–\d+ of \d+/.test(r.description) && r.label.split(' … ')[0]! <= ns && ns <= (r.label.split(' … ')[1] ?? ''));
    return range ? { level: 3, range: range.label } : undefined;
  }, { what: `namespace ${ns} or its range` });
  if (nsAt2.range) await s.wb.expand(VIEW, nsAt2.range, 2);
  const nsRow = await log.next((e) => e.label === ns && e.level === nsAt2.level && e.kind !== 'gone', 30_000, from, `namespace ${ns}`);
  return { path: { ctx: clickCtx, ns: nsRow }, clickCtx, firstChildren };
}

// ---- first open, activation, footprint, sockets ---------------------------------------------

interface FirstOpenRun {
  activationMs?: number;
  /** What the extension itself logged about its start-up. */
  activationLine?: string;
  /** "activate() called N ms after" the bundle was evaluated: the host preparing the context. */
  hostDelayMs?: number;
  /** Ours alone: evaluating the bundle + activate() (what the extension logged). */
  ownMs?: number;
  /** The same figure as activationMs for an empty extension activated by the same view, same host. */
  referenceMs?: number;
  requireMs?: number[];
  namespacesMs: number;
  groupsMs: number;
  countsMs: number;
  podsMs: number;
  totalMs: number;
  rssBefore: number;
  rssAfter: number;
  sockets?: number;
  kinds?: number;
}

async function firstOpenRun(c: Cluster, ns: string, vsixPath: string, withSockets: boolean): Promise<FirstOpenRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'kube-atlas-reference-'));
  const referenceFile = join(tmp, 'reference.jsonl');
  const s = await openWorkbench({
    vsix: vsixPath,
    navigationTimeoutMs: 180_000,
    env: { KUBECONFIG: c.kubeconfig, KUBE_ATLAS_REFERENCE_FILE: referenceFile },
    // An empty extension activated by the same view, in the same host: the activation reference.
    smokeTestDriver: true,
    payload: (server) => [['extensionDevelopmentPath', server.remoteUri(join(repoRoot, 'bench/reference'))]],
  });
  let log: EventLog | undefined;
  try {
    await s.wb.openView('Kube Atlas', 180_000);
    const ctxRow = await waitFor(async () => (await s.wb.treeItems(VIEW)).find((r) => r.level === 1 && /v1\.\d+/.test(r.description)), { what: 'the context connected (version shown)', timeoutMs: 60_000 });
    const activated = await waitFor(() => activatedAt(s), { what: '"Kube Atlas activated" in the log', timeoutMs: 30_000 });
    const started = logTime(s, 'exthost', /_doActivateExtension kube-atlas\.kube-atlas\b/);
    const host = extensionHostPid(s.server);
    if (!host) throw new Error('no extension host process found');
    const rssBefore = await settledRss(s, host);
    log = new EventLog(await startRowClock(s.page, VIEW));
    const { path, clickCtx, firstChildren } = await openNamespace(s, log, ctxRow.label, ns);
    const L = path.ns.level;
    let from = log.events.length;
    await s.wb.expand(VIEW, ns, L);
    const clickNs = await log.next((e) => e.kind === 'click' && e.label === ns, 10_000, from);
    const groupsShown = await log.next((e) => e.kind === 'shown' && e.label === 'Workloads' && e.level === L + 1, 60_000, from, 'Workloads');
    from = log.events.length;
    await s.wb.expand(VIEW, 'Workloads', L + 1);
    const clickW = await log.next((e) => e.kind === 'click' && e.label === 'Workloads', 10_000, from);
    const counts = await log.next((e) => e.kind !== 'gone' && e.kind !== 'click' && e.label === 'Pods' && e.level === L + 2 && /^\d/.test(e.description), 120_000, from, 'the Pods count');
    const rssAfter = await settledRss(s, host);
    from = log.events.length;
    await s.wb.expand(VIEW, 'Pods', L + 2);
    const clickP = await log.next((e) => e.kind === 'click' && e.label === 'Pods', 10_000, from);
    const pods = await log.next((e) => e.kind === 'shown' && e.level === L + 3, 120_000, from, 'the first pod row');
    const run: FirstOpenRun = {
      activationMs: started !== undefined ? activated - started : undefined,
      activationLine: s.server.serverLogs('Kube Atlas.log').map((f) => /Kube Atlas activated.*/.exec(f.text)?.[0]).find(Boolean),
      requireMs: requireMs(s),
      namespacesMs: firstChildren.t - clickCtx.t,
      groupsMs: groupsShown.t - clickNs.t,
      countsMs: counts.t - clickW.t,
      podsMs: pods.t - clickP.t,
      totalMs: pods.t - clickCtx.t,
      rssBefore,
      rssAfter,
    };
    const delay = /activate\(\) called (\d+) ms after/.exec(run.activationLine ?? '');
    if (delay) run.hostDelayMs = Number(delay[1]);
    const own = /activated in (\d+) ms \(bundle evaluated in (\d+) ms/.exec(run.activationLine ?? '');
    if (own) run.ownMs = Number(own[1]) + Number(own[2]);
    const refStarted = logTime(s, 'exthost', /_doActivateExtension kube-atlas-bench\.reference\b/);
    const refDone = existsSync(referenceFile) ? (JSON.parse(readFileSync(referenceFile, 'utf8').split('\n')[0]!) as { activated: number }).activated : undefined;
    if (refStarted !== undefined && refDone !== undefined) run.referenceMs = refDone - refStarted;
    // The socket count opens many more rows; a failure there must not lose this run's timings.
    if (withSockets) {
      try {
        Object.assign(run, await socketsWithTreeOpen(c, s, ns, L, host));
      } catch (e) {
        note(`socket count skipped in this run: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return run;
  } finally {
    await log?.stop();
    await s.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Opens Workloads and Network in 5 namespaces and counts the extension host's connections to the
 * apiserver. The window is made tall so every row stays rendered (only rows in view exist).
 */
async function socketsWithTreeOpen(c: Cluster, s: WorkbenchSession, ns: string, L: number, host: number): Promise<{ sockets: number; kinds: number }> {
  await s.page.setViewportSize({ width: 1440, height: 4000 });
  await s.wb.collapse(VIEW, 'Pods', L + 2);
  const rows = await s.wb.treeItems(VIEW);
  const names = rows.filter((r) => r.level === L && r.label >= ns).map((r) => r.label).slice(0, 5);
  for (const name of names) {
    await s.wb.expand(VIEW, name, L);
    await s.wb.expandUnder(VIEW, { label: name, level: L }, 'Workloads');
    await s.wb.expandUnder(VIEW, { label: name, level: L }, 'Network');
  }
  // Every kind row of the open groups shows its count once its watch has listed.
  const kindRows = await waitFor(async () => {
    const kinds = (await s.wb.treeItems(VIEW)).filter((r) => r.level === L + 2);
    return kinds.length >= names.length * 8 && kinds.every((r) => /^\d/.test(r.description)) ? kinds : undefined;
  }, { what: 'counts on every open kind', timeoutMs: 120_000 });
  const kinds = new Set(kindRows.map((r) => r.label)).size;
  const sockets = connectionsTo(host, c.ports.apiserver).length;
  note(`${names.length} namespaces (${names.join(', ')}) with Workloads and Network open: ${kinds} kinds, ${kindRows.length} kind rows with counts`);
  return { sockets, kinds };
}

/** `require()` of the installed bundle in the extension host's Node (24), in a fresh process, 5 times. */
function requireMs(s: WorkbenchSession): number[] {
  const extDir = readdirSync(s.server.dirs.extensions).find((d) => d.startsWith('kube-atlas.kube-atlas-'));
  if (!extDir) return [];
  const bundle = join(s.server.dirs.extensions, extDir, 'dist/extension.js');
  const script = `
    const Module = require('node:module');
    const resolve = Module._resolveFilename;
    Module._resolveFilename = function (r, ...a) { return r === 'vscode' ? 'vscode' : resolve.call(this, r, ...a); };
    require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: {} };
    const t = process.hrtime.bigint();
    require(${JSON.stringify(bundle)});
    console.log(Number(process.hrtime.bigint() - t) / 1e6);`;
  const out: number[] = [];
  for (let i = 0; i < 5; i++) {
    const r = spawnSync(s.server.install.node, ['-e', script], { encoding: 'utf8' });
    if (r.status === 0) out.push(Number(r.stdout.trim()));
  }
  return out;
}

async function countPods(c: Cluster): Promise<number> {
  let n = 0;
  let cont = '';
  do {
    const page = await c.api.ok<{ items: unknown[]; metadata: { continue?: string } }>('GET', `/api/v1/pods?limit=5000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    n += page.items.length;
    cont = page.metadata.continue ?? '';
  } while (cont);
  return n;
}

async function firstOpen(c: Cluster, ns: string): Promise<void> {
  const variants = await buildVariants();
  const runs = new Map<string, FirstOpenRun[]>(variants.map((v) => [v.name, []]));
  const ref = { ns: [] as number[], pods: [] as number[], all: [] as number[] };
  const n = Number(process.env.KUBE_ATLAS_BENCH_RUNS ?? 3);
  for (let i = 0; i < n; i++) {
    ref.ns.push(await kubectlMs(c, ['get', 'namespaces', '-o', 'name']));
    ref.pods.push(await kubectlMs(c, ['-n', ns, 'get', 'pods', '-o', 'name']));
    ref.all.push(await kubectlMs(c, ['get', 'pods', '-A', '-o', 'name']));
    // Builds alternate their order from run to run; sockets are counted in each build's last run.
    for (const v of i % 2 === 0 ? variants : [...variants].reverse()) runs.get(v.name)!.push(await firstOpenRun(c, ns, v.path, i === n - 1));
  }
  const pods = await countPods(c);
  for (const v of variants) {
    const rs = runs.get(v.name)!;
    const tag = variants.length > 1 ? ` [${v.name}]` : '';
    const m = (f: (r: FirstOpenRun) => number | undefined) => median(rs.map(f).filter((x): x is number => x !== undefined));
    const list = (f: (r: FirstOpenRun) => number | undefined) => rs.map((r) => Math.round(f(r) ?? Number.NaN)).join('/');
    const req = rs.flatMap((r) => r.requireMs ?? []);
    const refs = rs.flatMap((r) => (r.referenceMs !== undefined ? [r.referenceMs] : []));
    report({ name: `activation in the extension host (host starts it → activate() returned)${tag}`, value: m((r) => r.activationMs), unit: 'ms', ...(refs.length ? { reference: { name: 'an empty extension activated by the same view, same host', value: median(refs) } } : {}) });
    report({ name: `of which ours: evaluating the bundle + activate()${tag}`, value: m((r) => r.ownMs), unit: 'ms', ...(req.length ? { reference: { name: 'require() of its dist/extension.js alone (read + compile + evaluate), Node 24', value: median(req) } } : {}), goal: '< 100' });
    report({ name: `of which the host preparing the extension context after our bundle ran${tag}`, value: m((r) => r.hostDelayMs), unit: 'ms' });
    report({ name: `first click on the context → its children rendered${tag}`, value: m((r) => r.namespacesMs), unit: 'ms', reference: { name: 'kubectl get namespaces -o name', value: median(ref.ns) }, goal: '< 500' });
    report({ name: `click a namespace → its groups rendered${tag}`, value: m((r) => r.groupsMs), unit: 'ms' });
    report({ name: `expand Workloads → kind counts rendered${tag}`, value: m((r) => r.countsMs), unit: 'ms', reference: { name: 'kubectl get pods -A -o name', value: median(ref.all) }, goal: '< 2000' });
    report({ name: `click Pods → the namespace’s pods rendered${tag}`, value: m((r) => r.podsMs), unit: 'ms', reference: { name: `kubectl -n ${ns} get pods -o name`, value: median(ref.pods) } });
    report({ name: `first click on the context → a namespace’s pods rendered (4 clicks)${tag}`, value: m((r) => r.totalMs), unit: 'ms', reference: { name: `kubectl -n ${ns} get pods -o name`, value: median(ref.pods) }, goal: '< 1500' });
    report({ name: `extension host RSS before opening Workloads${tag}`, value: m((r) => r.rssBefore), unit: 'MiB' });
    const growth = m((r) => r.rssAfter - r.rssBefore);
    report({ name: `extension host RSS growth, namespace Workloads open (${pods} pods)${tag}`, value: growth, unit: 'MiB', goal: '≤ 60' });
    report({ name: `extension host RSS growth per pod in the cluster${tag}`, value: (growth * 1024 * 1024) / pods, unit: 'bytes' });
    const last = rs.at(-1);
    if (last?.sockets !== undefined) report({ name: `TCP connections of the extension host to the apiserver, ${last.kinds} kinds × 5 namespaces open${tag}`, value: last.sockets, unit: 'sockets', reference: { name: 'kinds shown with counts', value: last.kinds ?? 0 } });
    note(`${tag || 'build'}: ${n} cold runs (fresh code-server each): activation ${list((r) => r.activationMs)} ms (empty extension ${list((r) => r.referenceMs)}; ours alone ${list((r) => r.ownMs)}); children ${list((r) => r.namespacesMs)}; groups ${list((r) => r.groupsMs)}; counts ${list((r) => r.countsMs)}; pods ${list((r) => r.podsMs)}; total ${list((r) => r.totalMs)} ms (total includes the harness's reaction between clicks); RSS ${list((r) => r.rssBefore)} → ${list((r) => r.rssAfter)} MiB; require() ${req.map(Math.round).join('/')} ms`);
    for (const r of rs) if (r.activationLine) note(`logged${tag}: ${r.activationLine}`);
  }
}

// ---- change → row ---------------------------------------------------------------------------

interface ProbeRecord {
  k: 'ready' | 'model' | 'tree' | 'gc' | 'watch';
  t?: number;
  t0?: number;
  t1?: number;
  id?: string;
  ids?: string[] | null;
  names?: string[];
  kind?: string;
}

function readProbe(file: string): ProbeRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as ProbeRecord);
}

/** Splits each op's time at the probe's stamps: write → watch → model → (getChildren) → DOM. */
function splitTimes(ops: Op[], probe: ProbeRecord[], tag = ''): void {
  const seg: Record<string, number[]> = {};
  const push = (k: string, v: number) => {
    if (!Number.isFinite(v) || v < 0) return;
    seg[k] = [...(seg[k] ?? []), v];
  };
  // Records are in the order they happened. The provider's event for a model change is sent from
  // inside the model's dispatch, before the probe's own model listener runs: same turn, one earlier.
  const deliveryOf = (mi: number): number => {
    const prev = probe[mi - 1];
    if (prev?.k === 'tree' && prev.t === probe[mi]!.t) return mi - 1;
    return probe.findIndex((r, i) => i > mi && r.k === 'tree');
  };
  for (const op of ops) {
    if (op.t0 === undefined || op.seenAt === undefined) continue;
    const wi = probe.findIndex((r) => r.k === 'watch' && r.kind === 'Pod' && r.t! >= op.t0! - 1 && r.names?.includes(op.name));
    if (wi < 0) continue;
    const watch = probe[wi]!;
    push('write → watch delivery in the extension host', watch.t! - op.t0);
    // The model event that refreshes this op's row: the pod's own node (updates), the Pods kind, or everything.
    const covers = (ids: string[] | null | undefined): boolean =>
      !ids || ids.some((id) => /\/k\/pods$/.test(id) || (op.kind === 'update' && id.endsWith(`/o/${op.name}`)));
    const mi = probe.findIndex((r, i) => i > wi && r.k === 'model' && covers(r.ids));
    if (mi < 0) continue;
    const model = probe[mi]!;
    push('watch delivery → model change event', model.t! - watch.t!);
    const ti = deliveryOf(mi);
    if (ti < 0) continue;
    const tree = probe[ti]!;
    push('model change event → tree provider event (to VS Code)', tree.t! - model.t!);
    if (op.kind === 'update') {
      push('update: tree provider event → row re-rendered in the page', op.seenAt - tree.t!);
      continue;
    }
    const gc = probe.find((r, i) => i > ti && r.k === 'gc' && /\/k\/pods$/.test(r.id ?? ''));
    if (!gc) continue;
    push('create/delete: tree provider event → workbench asks getChildren', gc.t0! - tree.t!);
    push('create/delete: getChildren in the extension host', gc.t1! - gc.t0!);
    push('create/delete: getChildren resolved → row shown/gone in the page', op.seenAt - gc.t1!);
  }
  for (const [k, v] of Object.entries(seg)) report({ name: `change → row${tag}, split: ${k}, median`, value: median(v), unit: 'ms' });
  note(`split p95: ${Object.entries(seg).map(([k, v]) => `${k} ${Math.round(percentile(v, 95))}`).join('; ')}`);
  // VS Code debounces tree events 200 ms (leading edge, timer restarted by every event): events
  // closer than that to the previous one wait for a 200 ms pause.
  for (const k of ['model', 'tree'] as const) {
    const fired = probe.filter((r) => r.k === k).map((r) => r.t!);
    const gaps = fired.slice(1).map((t, i) => t - fired[i]!);
    if (gaps.length) note(`${k} events${tag}: ${fired.length}, ${Math.round((100 * gaps.filter((g) => g < 200).length) / gaps.length)}% < 200 ms after the previous one (median gap ${Math.round(median(gaps))} ms)`);
  }
}

interface UiRun {
  ui: Samples;
  ops: Op[];
  probe: ProbeRecord[];
  missed: number;
  deploy: { toRow: number[]; kubectl: number[] };
}

/** One code-server session (with the probe) on `vsix`: pod changes at random intervals, then deployments. */
async function uiSession(c: Cluster, ns: string, vsixPath: string, opsPerSession: number): Promise<UiRun> {
  const tmp = mkdtempSync(join(tmpdir(), 'kube-atlas-probe-'));
  const probeFile = join(tmp, 'probe.jsonl');
  const s = await openWorkbench({
    vsix: vsixPath,
    navigationTimeoutMs: 180_000,
    env: { KUBECONFIG: c.kubeconfig, KUBE_ATLAS_PROBE_FILE: probeFile },
    // The workbench loads a development extension from the payload only with the smoke-test driver.
    smokeTestDriver: true,
    payload: (server) => [['extensionDevelopmentPath', server.remoteUri(join(repoRoot, 'bench/probe'))]],
  });
  let log: EventLog | undefined;
  const ui = emptySamples();
  const ops: Op[] = [];
  try {
    await s.wb.openView('Kube Atlas', 180_000);
    const ctxRow = await waitFor(async () => (await s.wb.treeItems(VIEW)).find((r) => r.level === 1 && /v1\.\d+/.test(r.description)), { what: 'the context connected', timeoutMs: 60_000 });
    await waitFor(() => readProbe(probeFile).some((r) => r.k === 'ready'), { what: 'the probe extension', timeoutMs: 30_000 });
    log = new EventLog(await startRowClock(s.page, VIEW));
    const { path } = await openNamespace(s, log, ctxRow.label, ns);
    const L = path.ns.level;
    await s.wb.expand(VIEW, ns, L);
    await s.wb.expand(VIEW, 'Workloads', L + 1);
    // Kind rows show once every kind of the group has listed (all pods cluster-wide).
    await s.wb.waitForItem(VIEW, 'Pods', { level: L + 2, timeoutMs: 180_000 });
    await s.wb.expand(VIEW, 'Pods', L + 2);
    const podLevel = L + 3;
    const visible = await waitFor(async () => {
      const rows = (await s.wb.treeItems(VIEW)).filter((r) => r.level === podLevel && !r.label.startsWith('aaa-'));
      return rows.length >= 10 ? rows.map((r) => r.label) : undefined;
    }, { what: 'pod rows in view' });
    ops.push(...plan(visible.slice(0, 12), opsPerSession, `w${Date.now().toString(36)}`));
    addSamples(
      ui,
      await randomIntervals(c, ns, ops, (op) =>
        log!
          .next(
            (e) =>
              e.label === op.name &&
              e.level === podLevel &&
              (op.kind === 'update' ? e.kind !== 'gone' && e.kind !== 'click' && e.description.startsWith(op.stamp) : op.kind === 'create' ? e.kind === 'shown' : e.kind === 'gone'),
            20_000,
          )
          .then((e) => e.t, () => Number.NaN),
      ),
    );
    await c.api.request('DELETE', `/api/v1/namespaces/${ns}/pods?labelSelector=kube-atlas.dev%2Fbench&gracePeriodSeconds=0`);
    const deploy = await createDeploymentToRow(c, s, log, ns, L);
    return { ui, ops, probe: readProbe(probeFile), missed: ops.filter((o) => o.seenAt === undefined).length, deploy };
  } finally {
    await log?.stop();
    await s.close();
    await c.api.request('DELETE', `/api/v1/namespaces/${ns}/pods?labelSelector=kube-atlas.dev%2Fbench&gracePeriodSeconds=0`);
    await clearReasons(c, ns, ops);
    rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Change → row for each build in KUBE_ATLAS_VSIX_VARIANTS ("name=path,name=path"; default: this
 * checkout), sessions alternating between builds, with `kubectl get pods -w` and the BrowseModel
 * event in Node measured between sessions: every figure has its references from the same minutes.
 */
async function changeToRow(c: Cluster, ns: string): Promise<void> {
  const variants = await buildVariants();
  const rounds = Number(process.env.KUBE_ATLAS_BENCH_ROUNDS ?? 2);
  const pods = (await c.api.ok<{ items: { metadata: { name: string } }[] }>('GET', `/api/v1/namespaces/${ns}/pods`)).items.map((p) => p.metadata.name).sort();
  const ref = emptySamples();
  const model = emptySamples();
  const runs = new Map<string, UiRun[]>(variants.map((v) => [v.name, []]));
  for (let round = 0; round < rounds; round++) {
    addSamples(ref, await kubectlWatchLatency(c, ns, pods, 40));
    addSamples(model, await modelLatency(c, ns, 40));
    const order = round % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) runs.get(v.name)!.push(await uiSession(c, ns, v.path, 40));
  }
  const all = (x: Samples) => OP_KINDS.flatMap((k) => x[k]);
  for (const v of variants) {
    const rs = runs.get(v.name)!;
    const ui = emptySamples();
    for (const r of rs) addSamples(ui, r.ui);
    const tag = variants.length > 1 ? ` [${v.name}]` : '';
    for (const k of OP_KINDS) reportPercentiles(`apiserver pod ${k} → row rendered in code-server${tag}`, ui[k], { name: 'kubectl get pods -w prints it', samples: ref[k] }, { p95: '< 300' });
    reportPercentiles(`apiserver pod change (all kinds) → row rendered in code-server${tag}`, all(ui), { name: 'BrowseModel change event in Node', samples: all(model) }, { p95: '< 300' });
    const why = explainMisses(rs.flatMap((r) => r.ops));
    note(
      `${tag || 'code-server'}: ${OP_KINDS.map((k) => `${ui[k].length} ${k}`).join(', ')} samples, ${rs.reduce((n, r) => n + r.missed, 0)} changes never shown within 20 s: ` +
        `${why.shortLived} of them a pod created and deleted within 1 s (no row while it lived, by design), ${why.unexplained.length} unexplained${why.unexplained.length ? ` (${why.unexplained.join('; ')})` : ''}`,
    );
    splitTimes(rs.flatMap((r) => r.ops), rs.flatMap((r) => r.probe), tag);
    const toRow = rs.flatMap((r) => r.deploy.toRow);
    const kubectl = rs.flatMap((r) => r.deploy.kubectl);
    reportPercentiles(`kubectl create deployment → its row rendered in code-server${tag}`, toRow, { name: 'kubectl create deployment itself (exit)', samples: kubectl }, { p95: '< 300' });
  }
  note(`references: kubectl -w ${OP_KINDS.map((k) => `${ref[k].length} ${k}`).join(', ')}; model ${OP_KINDS.map((k) => `${model[k].length} ${k}`).join(', ')}; ${rounds} rounds, sessions alternating; random intervals 50–700 ms; rows stamped in the page by a MutationObserver; deployments created with kubectl (timed from the spawn, kubectl start-up included), each deleted before the next`);
}

/** What a user does: `kubectl create deployment` in a terminal, then looks for its row. */
async function createDeploymentToRow(c: Cluster, s: WorkbenchSession, log: EventLog, ns: string, L: number): Promise<{ toRow: number[]; kubectl: number[] }> {
  await s.wb.collapse(VIEW, 'Pods', L + 2);
  await s.wb.expand(VIEW, 'Deployments', L + 2);
  await s.wb.waitForItem(VIEW, /^app-/, { level: L + 3 });
  const toRow: number[] = [];
  const kubectl: number[] = [];
  const runId = Date.now().toString(36);
  try {
    for (let i = 0; i < 15; i++) {
      const name = `aaa-dep-${runId}-${i}`;
      const shown = log.next((e) => e.kind === 'shown' && e.label === name && e.level === L + 3, 20_000, log.events.length, `deployment ${name}`);
      const t0 = hostNow();
      const done = new Promise<number>((resolve, reject) => {
        const p = spawn(join(c.binDir, 'kubectl'), [`--kubeconfig=${c.kubeconfig}`, '-n', ns, 'create', 'deployment', name, '--image=registry.invalid/kube-atlas/x:1', '--replicas=1'], { stdio: 'ignore' });
        p.on('close', (code) => (code === 0 ? resolve(hostNow()) : reject(new Error(`kubectl create deployment exited ${code}`))));
      });
      const [row, end] = await Promise.all([shown, done]);
      toRow.push(row.t - t0);
      kubectl.push(end - t0);
      const gone = log.next((e) => e.kind === 'gone' && e.label === name && e.level === L + 3, 20_000, log.events.length, `deployment ${name} gone`);
      await c.api.ok('DELETE', `/apis/apps/v1/namespaces/${ns}/deployments/${name}?propagationPolicy=Background`);
      await gone;
      await pause(jitter(50, 700));
    }
  } finally {
    // `kubectl create deployment` labels them app=<name>: remove any this run left behind.
    const left = (await c.api.ok<{ items: { metadata: { name: string } }[] }>('GET', `/apis/apps/v1/namespaces/${ns}/deployments`)).items.filter((d) => d.metadata.name.startsWith(`aaa-dep-${runId}`));
    for (const d of left) await c.api.request('DELETE', `/apis/apps/v1/namespaces/${ns}/deployments/${d.metadata.name}?propagationPolicy=Background`);
  }
  return { toRow, kubectl };
}

async function main(): Promise<void> {
  const dir = process.env.KUBE_ATLAS_CLUSTER_DIR;
  if (!dir) throw new Error('run through bench/run.mjs (it starts or attaches a cluster)');
  const c = attachCluster(dir);
  const only = process.env.KUBE_ATLAS_BENCH_FIGURES?.split(',').filter(Boolean);
  const want = (f: string): boolean => !only?.length || only.includes(f);
  const ns = await seededNamespace(c);
  note(`extension: ${process.env.KUBE_ATLAS_VSIX ?? 'this checkout (packed when src/ changed)'}`);
  if (want('first')) await firstOpen(c, ns);
  if (want('change')) await changeToRow(c, ns);
  c.closeClients();
}

runBench(main);
