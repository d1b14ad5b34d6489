// metrics-server as an optional part of the test cluster, started only by the tests that need the
// metrics API (test/cluster/metrics.test.ts) and stopped by them. Built from its Go module
// (build-metrics-server.sh, cached), it runs on 127.0.0.1 and scrapes KWOK's simulated kubelet
// resource metrics: every fake node names KWOK's path in its metrics.k8s.io/resource-metrics-path
// annotation (nodes.ts), its InternalIP is 127.0.0.1 and its kubelet port is KWOK's, so nothing
// but loopback is dialled. It is registered through the real kube-apiserver's aggregation layer:
// an APIService v1beta1.metrics.k8s.io pointing at a Service of type ExternalName 127.0.0.1 (how
// kwokctl registers a metrics-server running as a host process), its serving cert verified with
// the cluster CA, and kube-apiserver's front-proxy client cert authenticating the users it
// forwards (components.ts).
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from '../cluster.harness';
import { repoRoot } from './binaries';
import { probe } from './http';
import { issueServing } from './pki';
import { freePorts } from './ports';
import { isRunning, logTail, spawnDetached, stopProcess } from './procs';
import { writeState } from './state';
import { waitFor } from './wait';

export const METRICS_SERVER_ENV = 'KUBE_ATLAS_METRICS_SERVER';
export const APISERVICE_PATH = '/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io';
const SERVICE_PATH = '/api/v1/namespaces/kube-system/services/metrics-server';

/** The cached metrics-server: given by the test runner (built beside the unit tier), or built now. */
export function metricsServerBinary(): string {
  const given = process.env[METRICS_SERVER_ENV];
  if (given) return given;
  const script = join(repoRoot(), 'test', 'cluster', 'build-metrics-server.sh');
  const r = spawnSync('bash', [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const path = r.stdout.trim().split('\n').pop();
  if (r.status !== 0 || !path) throw new Error(`${script} failed (exit ${r.status})`);
  return path;
}

export interface MetricsServerOptions {
  /** metrics-server's --metric-resolution (its minimum is 10 s). */
  resolutionSeconds?: number;
  timeoutMs?: number;
}

export interface RunningMetricsServer {
  port: number;
  log: string;
  /** Stops the process; the APIService and Service go too unless kept (to see the API turn unavailable). */
  stop(opts?: { keepApiService?: boolean }): Promise<void>;
}

interface ApiServiceStatus {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/** The APIService's Available condition, or undefined when it does not exist. */
export async function apiServiceAvailable(cluster: Cluster): Promise<{ status: string; reason?: string; message?: string } | undefined> {
  const res = await cluster.api.request<ApiServiceStatus>('GET', APISERVICE_PATH);
  if (res.status === 404) return undefined;
  return res.body.status?.conditions?.find((c) => c.type === 'Available') ?? { status: 'Unknown' };
}

export async function startMetricsServer(cluster: Cluster, opts: MetricsServerOptions = {}): Promise<RunningMetricsServer> {
  const timeoutMs = opts.timeoutMs ?? 90_000;
  const state = cluster.state;
  if (state.processes['metrics-server'] && isRunning(state.processes['metrics-server'])) throw new Error('metrics-server already runs in this cluster');
  const binary = metricsServerBinary();
  // Linked under dir/bin, so stop() finds it even if state.json lost track of it.
  const link = join(state.dir, 'bin', 'metrics-server');
  rmSync(link, { force: true });
  symlinkSync(binary, link);
  const pkiDir = join(state.dir, 'pki');
  const serving = await issueServing(pkiDir, 'metrics-server', 'DNS:metrics-server.kube-system.svc,DNS:localhost,IP:127.0.0.1');
  const [port] = (await freePorts(1)) as [number];
  const args = [
    '--bind-address=127.0.0.1',
    `--secure-port=${port}`,
    `--cert-dir=${join(pkiDir, 'metrics-server-generated')}`,
    `--tls-cert-file=${serving.cert}`,
    `--tls-private-key-file=${serving.key}`,
    `--kubeconfig=${state.kubeconfig}`,
    `--authentication-kubeconfig=${state.kubeconfig}`,
    `--authorization-kubeconfig=${state.kubeconfig}`,
    // The fake nodes' InternalIP is 127.0.0.1 and their status names KWOK's port.
    '--kubelet-preferred-address-types=InternalIP',
    '--kubelet-use-node-status-port',
    `--kubelet-certificate-authority=${state.pki.caCert}`,
    `--metric-resolution=${opts.resolutionSeconds ?? 10}s`,
    '--kubelet-request-timeout=5s',
  ];
  const log = join(state.dir, 'logs', 'metrics-server.log');
  const rec = spawnDetached(link, args, log, undefined, state.dir);
  state.processes['metrics-server'] = rec;
  writeState(state);
  const stop = async (o: { keepApiService?: boolean } = {}): Promise<void> => {
    await stopProcess(rec);
    if (state.processes['metrics-server'] === rec) {
      delete state.processes['metrics-server'];
      writeState(state);
    }
    if (!o.keepApiService) {
      await cluster.api.request('DELETE', APISERVICE_PATH);
      await cluster.api.request('DELETE', SERVICE_PATH);
    }
  };
  try {
    const ca = readFileSync(state.pki.caCert);
    await waitFor(
      async () => {
        if (!isRunning(rec)) throw new Error('metrics-server exited');
        return (await probe(port, '/livez', { ca }).catch(() => ({ status: 0 }))).status === 200;
      },
      { timeoutMs, what: 'metrics-server /livez', intervalMs: 200 },
    );
    await registerApiService(cluster, port, ca);
    await waitFor(async () => (await apiServiceAvailable(cluster))?.status === 'True', { timeoutMs, what: 'APIService v1beta1.metrics.k8s.io Available', intervalMs: 250 });
    return { port, log, stop };
  } catch (err) {
    const tail = logTail(log);
    await stop().catch(() => undefined);
    throw new Error(`${(err as Error).message}\n--- last lines of ${log} ---\n${tail}`);
  }
}

/**
 * metrics-server's own count of the LIST requests it has served for metrics.k8s.io (its
 * apiserver_request_total, read from its /metrics with the admin cert): how the tests see the
 * polling from the server's side.
 */
export async function listsServed(cluster: Cluster, server: Pick<RunningMetricsServer, 'port'>): Promise<number> {
  const pki = cluster.state.pki;
  const res = await probe(server.port, '/metrics', { ca: readFileSync(pki.caCert), cert: readFileSync(pki.adminCert), key: readFileSync(pki.adminKey) });
  if (res.status !== 200) throw new Error(`metrics-server /metrics answered ${res.status}: ${res.text.slice(0, 300)}`);
  let total = 0;
  for (const line of res.text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{') || !line.includes('group="metrics.k8s.io"') || !line.includes('verb="LIST"')) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function registerApiService(cluster: Cluster, port: number, ca: Buffer): Promise<void> {
  // Server-side apply: a rerun on the same cluster moves the registration to the new port.
  const apply = (path: string, body: object) => cluster.api.ok('PATCH', `${path}?fieldManager=kube-atlas-harness&force=true`, body, 'application/apply-patch+yaml');
  await apply(SERVICE_PATH, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'metrics-server', namespace: 'kube-system', labels: { 'k8s-app': 'metrics-server' } },
    // kube-apiserver resolves an ExternalName Service to externalName:port (apiserver/pkg/util/proxy).
    spec: { type: 'ExternalName', externalName: '127.0.0.1' },
  });
  await apply(APISERVICE_PATH, {
    apiVersion: 'apiregistration.k8s.io/v1',
    kind: 'APIService',
    metadata: { name: 'v1beta1.metrics.k8s.io', labels: { 'k8s-app': 'metrics-server' } },
    spec: {
      group: 'metrics.k8s.io',
      version: 'v1beta1',
      service: { namespace: 'kube-system', name: 'metrics-server', port },
      // Verified against the cluster CA, for the name metrics-server.kube-system.svc.
      caBundle: ca.toString('base64'),
      groupPriorityMinimum: 100,
      versionPriority: 100,
    },
  });
}
