// dir/state.json: everything another process needs to attach to a running cluster (pids with
// start times, ports, the exact args to respawn a component) without re-deriving anything.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ProcessRecord } from './procs';

export const COMPONENTS = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kwok', 'loopback-http'] as const;
export type Component = (typeof COMPONENTS)[number];
/** Started only by the tests that need them (harness/metricsServer.ts), stopped with the cluster. */
export const OPTIONAL_COMPONENTS = ['metrics-server'] as const;
export type OptionalComponent = (typeof OPTIONAL_COMPONENTS)[number];

export interface Ports {
  etcdClient: number;
  etcdPeer: number;
  apiserver: number;
  controllerManager: number;
  scheduler: number;
  kwok: number;
  /** The loopback HTTP server every pod port-forwards to. */
  loopbackHttp: number;
}

export interface ClusterState {
  version: 1;
  name: string;
  dir: string;
  binDir: string;
  server: string;
  ports: Ports;
  kubeconfig: string;
  restrictedKubeconfig: string;
  /** Context names in the two kubeconfigs. */
  context: string;
  restrictedContext: string;
  pki: { caCert: string; adminCert: string; adminKey: string; restrictedCert: string; restrictedKey: string };
  /** CRI-format log file KWOK serves as every container's log. */
  podLogFile: string;
  execScratch: string;
  /** Resources the apiserver serves without its watch cache (see components.ts). */
  uncachedResources: string[];
  processes: Partial<Record<Component | OptionalComponent, ProcessRecord>>;
  startedAt: string;
  readyAt?: string;
}

export function statePath(dir: string): string {
  return join(dir, 'state.json');
}

export function readState(dir: string): ClusterState {
  const path = statePath(dir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new Error(`No cluster state at ${path}: start one with \`npm run cluster:up\` or startCluster().`);
  }
  return JSON.parse(text) as ClusterState;
}

/** Write-then-rename so a concurrent reader never sees half a file. */
export function writeState(state: ClusterState): void {
  const path = statePath(state.dir);
  writeFileSync(`${path}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${path}.tmp`, path);
}
