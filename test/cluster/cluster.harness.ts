// A real Kubernetes control plane on loopback for tests and benchmarks: etcd, kube-apiserver,
// kube-controller-manager, kube-scheduler and KWOK (simulated kubelets), built from Go modules.
// startCluster() brings one up in a directory; attachCluster() picks it up from another process
// through dir/state.json. Every component binds 127.0.0.1 only, on ports picked per cluster.
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { BINARIES, ensureBinaries } from './harness/binaries';
import { apiserverArgs, controllerManagerArgs, etcdArgs, kwokArgs, type Layout, schedulerArgs, writeSchedulerConfig } from './harness/components';
import { compactToCurrent, etcdHealthy } from './harness/etcd';
import { ApiClient, probe } from './harness/http';
import { generatePki } from './harness/pki';
import { isRunning, logTail, type ProcessRecord, processesUnder, rssKiB, spawnDetached, stopProcess } from './harness/procs';
import { criLogLine, LOOPBACK_SERVER_SOURCE, renderKwokConfig } from './harness/kwok-config';
import { writeKubeconfig } from './harness/kubeconfig';
import { ensureNodes } from './harness/nodes';
import { freePorts } from './harness/ports';
import { RESTRICTED_USER, setupRestrictedUser } from './harness/rbac';
import { seed as seedCluster, type SeedOptions, type SeedResult } from './harness/seed';
import { type ClusterState, COMPONENTS, type Component, OPTIONAL_COMPONENTS, type Ports, readState, statePath, writeState } from './harness/state';
import { waitFor } from './harness/wait';

export { waitFor } from './harness/wait';
export type { SeedOptions, SeedResult } from './harness/seed';
export type { ClusterState, Component, Ports } from './harness/state';
export { RESTRICTED_NAMESPACE, RESTRICTED_USER } from './harness/rbac';
export { nodeName } from './harness/nodes';

const run = promisify(execFile);

export interface StartOptions {
  /** Directory for state.json, kubeconfigs, logs, etcd data; created if missing. */
  dir: string;
  /** Fake nodes to create and wait Ready for. Default 3. */
  nodes?: number;
  /** Cluster and context name in dir/kubeconfig. Default "kube-atlas-local". */
  name?: string;
  /** Per-step readiness timeout. Default 90 s. */
  timeoutMs?: number;
  /**
   * Resources kube-apiserver serves without its watch cache, so that compactEtcd() makes a watch
   * from an older resourceVersion fail with 410 Gone at once. Default ["podtemplates"]: a core
   * kind nothing else here uses; every other kind keeps the watch cache as in real clusters.
   */
  uncachedResources?: string[];
}

export interface ComponentMemory {
  component: Component;
  pid: number;
  rssMiB: number;
}

/** The first lines of the CRI log KWOK serves for every container. */
export const INITIAL_POD_LOG = ['hello from kube-atlas', 'second line from kube-atlas'];

export class Cluster {
  private adminClient?: ApiClient;
  private restrictedClient?: ApiClient;

  constructor(public state: ClusterState) {}

  get dir(): string {
    return this.state.dir;
  }
  get name(): string {
    return this.state.name;
  }
  get server(): string {
    return this.state.server;
  }
  get ports(): Ports {
    return this.state.ports;
  }
  get kubeconfig(): string {
    return this.state.kubeconfig;
  }
  get restrictedKubeconfig(): string {
    return this.state.restrictedKubeconfig;
  }
  /** dir/bin: links to every binary, kubectl included. */
  get binDir(): string {
    return join(this.state.dir, 'bin');
  }
  /** Port of the loopback HTTP server every pod port-forwards to. */
  get portForwardTargetPort(): number {
    return this.state.ports.loopbackHttp;
  }
  get podLogFile(): string {
    return this.state.podLogFile;
  }
  get execScratch(): string {
    return this.state.execScratch;
  }

  /** Admin (system:masters) client over one keep-alive TLS agent. */
  get api(): ApiClient {
    this.adminClient ??= new ApiClient(this.ports.apiserver, { caCert: this.state.pki.caCert, cert: this.state.pki.adminCert, key: this.state.pki.adminKey });
    return this.adminClient;
  }

  /** Client for the `restricted` user (pods in team-a only). */
  get restrictedApi(): ApiClient {
    this.restrictedClient ??= new ApiClient(this.ports.apiserver, { caCert: this.state.pki.caCert, cert: this.state.pki.restrictedCert, key: this.state.pki.restrictedKey });
    return this.restrictedClient;
  }

  /** Runs dir/bin/kubectl against this cluster (admin unless another kubeconfig is given). */
  async kubectl(args: string[], opts: { kubeconfig?: string; timeoutMs?: number } = {}): Promise<{ stdout: string; stderr: string }> {
    return run(join(this.binDir, 'kubectl'), [`--kubeconfig=${opts.kubeconfig ?? this.kubeconfig}`, ...args], { timeout: opts.timeoutMs ?? 60_000, maxBuffer: 64 << 20 });
  }

  /** Appends a line to the CRI log KWOK serves for every container (seen by `logs -f`). */
  appendPodLog(text: string): void {
    appendFileSync(this.podLogFile, criLogLine(text));
  }

  /** Which components are running now. */
  running(): Record<Component, boolean> {
    return Object.fromEntries(COMPONENTS.map((c) => [c, this.state.processes[c] ? isRunning(this.state.processes[c]) : false])) as Record<Component, boolean>;
  }

  memory(): ComponentMemory[] {
    return COMPONENTS.flatMap((component) => {
      const rec = this.state.processes[component];
      const kib = rec && isRunning(rec) ? rssKiB(rec.pid) : undefined;
      return kib === undefined || !rec ? [] : [{ component, pid: rec.pid, rssMiB: Math.round(kib / 102.4) / 10 }];
    });
  }

  /**
   * Kills kube-apiserver, waits for it to exit, starts it again with the same args, waits /readyz;
   * then restarts the controllers that watch it. Why: their client-go reflectors back off
   * exponentially (0.8 s doubling to 30 s, jittered up to 2×, reset only after 2 quiet minutes)
   * while the apiserver is down, so after a few restarts the controller-manager could leave a new
   * Deployment unobserved for a minute. Fresh processes list at once; tests after a restart get
   * a cluster that reacts as a fresh one does.
   */
  async restartApiserver(timeoutMs = 90_000): Promise<void> {
    const rec = this.state.processes['kube-apiserver'];
    if (!rec) throw new Error('kube-apiserver is not in state.json');
    await stopProcess(rec);
    // Old keep-alive sockets point at the dead process.
    this.closeClients();
    const next = this.respawn(rec, 'kube-apiserver');
    await waitComponent(next, 'kube-apiserver /readyz', timeoutMs, async () => (await this.api.request('GET', '/readyz')).status === 200);
    for (const [component, what, check] of this.apiserverWatchers()) {
      const old = this.state.processes[component];
      if (!old) continue;
      await stopProcess(old);
      await waitComponent(this.respawn(old, component), what, timeoutMs, check);
    }
  }

  /**
   * The controllers that keep watches open on kube-apiserver, with the health check that says each
   * is up. Not KWOK: after a KWOK restart here, new pods never became Ready (seen in CI: every later
   * test waiting for ready pods timed out), while a KWOK left running keeps serving them.
   */
  private apiserverWatchers(): [Component, string, () => Promise<boolean>][] {
    const { controllerManager, scheduler } = this.ports;
    return [
      ['kube-controller-manager', 'kube-controller-manager /healthz', async () => (await probe(controllerManager, '/healthz')).status === 200],
      ['kube-scheduler', 'kube-scheduler /healthz', async () => (await probe(scheduler, '/healthz')).status === 200],
    ];
  }

  /** Starts a stopped component again with its recorded command, args, log and env. */
  private respawn(rec: ProcessRecord, component: Component): ProcessRecord {
    const next = spawnDetached(rec.command, rec.args, rec.log, rec.env, this.state.dir);
    this.state.processes[component] = next;
    writeState(this.state);
    return next;
  }

  /**
   * Compacts etcd to its current revision. A watch then started from an older resourceVersion of
   * a resource served from etcd (state.uncachedResources) gets 410 Gone. Resources behind the
   * apiserver's watch cache keep serving such watches from the cache's own window, and an open,
   * caught-up watch is never cut by compaction: use forceWatchExpiry() for those.
   */
  async compactEtcd(): Promise<{ revision: number }> {
    return { revision: await compactToCurrent(this.ports.etcdClient) };
  }

  /**
   * Cuts every open watch and makes resuming from its last resourceVersion fail with 410 Gone,
   * whatever the resource: compacts etcd, then restarts kube-apiserver (whose watch caches start
   * again at the current revision). This is how a client's relist-after-410 path is exercised.
   */
  async forceWatchExpiry(): Promise<{ revision: number }> {
    const compacted = await this.compactEtcd();
    await this.restartApiserver();
    return compacted;
  }

  /** Creates fake nodes up to `count` and waits until they are Ready. */
  ensureNodes(count: number, timeoutMs?: number): Promise<string[]> {
    return ensureNodes(this.api, count, timeoutMs);
  }

  seed(opts: SeedOptions): Promise<SeedResult> {
    return seedCluster(this.api, opts);
  }

  /** Stops every process in state.json (newest first) and waits until none is left. */
  async stop(): Promise<void> {
    this.closeClients();
    for (const c of [...COMPONENTS, ...OPTIONAL_COMPONENTS].reverse()) {
      const rec = this.state.processes[c];
      if (rec) await stopProcess(rec);
    }
    // Components that state.json does not know about (a spawner that died before recording).
    for (const stray of processesUnder(this.binDir)) await stopProcess(stray);
    const left = [
      ...[...COMPONENTS, ...OPTIONAL_COMPONENTS].filter((c) => {
        const rec = this.state.processes[c];
        return rec !== undefined && isRunning(rec);
      }),
      ...processesUnder(this.binDir).map((p) => `${p.command} (pid ${p.pid})`),
    ];
    if (left.length) throw new Error(`Still running after stop: ${left.join(', ')}`);
    this.state.processes = {};
    writeState(this.state);
  }

  /** SIGKILLs every recorded process group without waiting: a last resort for exit handlers. */
  killNow(): void {
    for (const rec of Object.values(this.state.processes)) {
      if (!isRunning(rec)) continue;
      try {
        process.kill(-rec.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  closeClients(): void {
    this.adminClient?.close();
    this.restrictedClient?.close();
    this.adminClient = undefined;
    this.restrictedClient = undefined;
  }
}

async function waitComponent(rec: ProcessRecord, what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  try {
    await waitFor(
      async () => {
        if (!isRunning(rec)) throw new Error('process exited');
        return await check();
      },
      { timeoutMs, what, intervalMs: 100 },
    );
  } catch (err) {
    const exited = !isRunning(rec) ? ' (the process exited)' : '';
    throw new Error(`${(err as Error).message}${exited}\n--- last lines of ${rec.log} ---\n${logTail(rec.log)}`);
  }
}

/** Attaches to a cluster started by startCluster() or `cluster:up`, from any process. */
export function attachCluster(dir: string): Cluster {
  return new Cluster(readState(resolve(dir)));
}

function linkBinaries(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const b of BINARIES) {
    const link = join(to, b);
    rmSync(link, { force: true });
    symlinkSync(join(from, b), link);
  }
}

export async function startCluster(opts: StartOptions): Promise<Cluster> {
  const dir = resolve(opts.dir);
  const name = opts.name ?? 'kube-atlas-local';
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const startedAt = new Date();
  if (existsSync(statePath(dir))) {
    const old = attachCluster(dir);
    const alive = Object.entries(old.running()).filter(([, up]) => up);
    if (alive.length) throw new Error(`A cluster is already running in ${dir} (${alive.map(([c]) => c).join(', ')}): attach to it or stop it first (node test/cluster/cli.mjs down --dir ${dir}).`);
  }
  const strays = processesUnder(join(dir, 'bin'));
  if (strays.length) throw new Error(`Processes of an earlier cluster still run from ${dir}/bin (pids ${strays.map((p) => p.pid).join(', ')}): stop them first (node test/cluster/cli.mjs down --dir ${dir}).`);
  // A fresh cluster every time: old etcd data would hold objects from an earlier run.
  for (const sub of ['etcd', 'pki', 'logs', 'exec-scratch', 'pod-logs']) rmSync(join(dir, sub), { recursive: true, force: true });
  for (const sub of ['logs', 'exec-scratch', 'pod-logs']) mkdirSync(join(dir, sub), { recursive: true });

  const realBinDir = await ensureBinaries();
  linkBinaries(realBinDir, join(dir, 'bin'));
  const bin = (b: string) => join(dir, 'bin', b);

  const [etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok, loopbackHttp] = (await freePorts(7)) as [number, number, number, number, number, number, number];
  const ports: Ports = { etcdClient, etcdPeer, apiserver, controllerManager, scheduler, kwok, loopbackHttp };
  const pki = await generatePki(join(dir, 'pki'));
  const server = `https://127.0.0.1:${apiserver}`;
  const layout: Layout = {
    dir,
    binDir: realBinDir,
    stagesDir: join(dirname(realBinDir), 'stages'),
    ports,
    pki,
    kubeconfig: join(dir, 'kubeconfig'),
    kwokConfig: join(dir, 'kwok.yaml'),
    schedulerConfig: join(dir, 'kube-scheduler.yaml'),
    uncachedResources: opts.uncachedResources ?? ['podtemplates'],
  };
  await writeKubeconfig(layout.kubeconfig, { server, context: name, user: `${name}-admin`, caCertPath: pki.caCert, certPath: pki.adminCert, keyPath: pki.adminKey });
  const restrictedKubeconfig = join(dir, 'restricted.kubeconfig');
  const restrictedContext = `${name}-${RESTRICTED_USER}`;
  await writeKubeconfig(restrictedKubeconfig, { server, context: restrictedContext, user: RESTRICTED_USER, caCertPath: pki.caCert, certPath: pki.restrictedCert, keyPath: pki.restrictedKey });
  await writeSchedulerConfig(layout);
  const podLogFile = join(dir, 'pod-logs', 'container.log');
  const epoch = new Date('2016-10-06T00:00:00Z');
  writeFileSync(podLogFile, INITIAL_POD_LOG.map((l, i) => criLogLine(l, 'stdout', new Date(epoch.getTime() + i * 1000))).join(''));
  const execScratch = join(dir, 'exec-scratch');
  writeFileSync(layout.kwokConfig, renderKwokConfig({ execWorkDir: execScratch, logFile: podLogFile, portForwardPort: loopbackHttp }));

  const state: ClusterState = {
    version: 1,
    name,
    dir,
    binDir: realBinDir,
    server,
    ports,
    kubeconfig: layout.kubeconfig,
    restrictedKubeconfig,
    context: name,
    restrictedContext,
    pki: { caCert: pki.caCert, adminCert: pki.adminCert, adminKey: pki.adminKey, restrictedCert: pki.restrictedCert, restrictedKey: pki.restrictedKey },
    podLogFile,
    execScratch,
    uncachedResources: layout.uncachedResources,
    processes: {},
    startedAt: startedAt.toISOString(),
  };
  const cluster = new Cluster(state);
  const launch = (c: Component, command: string, args: string[]): ProcessRecord => {
    const rec = spawnDetached(command, args, join(dir, 'logs', `${c}.log`), undefined, dir);
    state.processes[c] = rec;
    // Recorded at once, so `down` can clean up even if start-up fails half way.
    writeState(state);
    return rec;
  };

  try {
    const http = launch('loopback-http', process.execPath, ['-e', LOOPBACK_SERVER_SOURCE, String(loopbackHttp)]);
    const etcd = launch('etcd', bin('etcd'), etcdArgs(layout));
    await waitComponent(etcd, 'etcd /health', timeoutMs, () => etcdHealthy(etcdClient));
    const api = launch('kube-apiserver', bin('kube-apiserver'), apiserverArgs(layout));
    await waitComponent(api, 'kube-apiserver /readyz', timeoutMs, async () => (await cluster.api.request('GET', '/readyz')).status === 200);
    const kcm = launch('kube-controller-manager', bin('kube-controller-manager'), controllerManagerArgs(layout));
    const sched = launch('kube-scheduler', bin('kube-scheduler'), schedulerArgs(layout));
    await waitComponent(kcm, 'kube-controller-manager /healthz', timeoutMs, async () => (await probe(controllerManager, '/healthz')).status === 200);
    await waitComponent(sched, 'kube-scheduler /healthz', timeoutMs, async () => (await probe(scheduler, '/healthz')).status === 200);
    // KWOK gives up if the apiserver is not ready within ~30 s, so it starts only now.
    const kwokRec = launch('kwok', bin('kwok'), kwokArgs(layout));
    const caPem = { ca: readFileSync(pki.caCert) };
    await waitComponent(kwokRec, 'kwok /healthz', timeoutMs, async () => (await probe(kwok, '/healthz', caPem)).status === 200);
    await waitComponent(http, 'port-forward target server', timeoutMs, async () => (await fetch(`http://127.0.0.1:${loopbackHttp}/`)).ok);

    await setupRestrictedUser(cluster.api);
    await ensureNodes(cluster.api, opts.nodes ?? 3, timeoutMs);
    await waitFor(async () => (await cluster.api.request('GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200, {
      timeoutMs,
      what: 'ServiceAccount default/default (created by the controller-manager)',
    });
    state.readyAt = new Date().toISOString();
    writeState(state);
    return cluster;
  } catch (err) {
    await cluster.stop().catch(() => undefined);
    throw err;
  }
}
