// Command lines of the control-plane components. Everything binds to 127.0.0.1 on ports picked
// for this cluster; the comments say why a flag departs from the defaults.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stagePaths } from './kwok-config';
import type { Pki } from './pki';
import type { Ports } from './state';

export interface Layout {
  dir: string;
  binDir: string;
  stagesDir: string;
  ports: Ports;
  pki: Pki;
  /** Admin kubeconfig used by controller-manager, scheduler and KWOK. */
  kubeconfig: string;
  kwokConfig: string;
  schedulerConfig: string;
  /** Resources served straight from etcd (watch cache off), e.g. "podtemplates". */
  uncachedResources: string[];
}

export const SERVICE_CIDR = '10.96.0.0/16';
/** KWOK hands out pod IPs from each Node's spec.podCIDR; this one backs nodes without one. */
export const DEFAULT_POD_CIDR = '10.0.0.0/16';
export const FAKE_NODE_ANNOTATION = 'kwok.x-k8s.io/node';

export function etcdArgs(l: Layout): string[] {
  const peer = `http://127.0.0.1:${l.ports.etcdPeer}`;
  const client = `http://127.0.0.1:${l.ports.etcdClient}`;
  return [
    '--name=kube-atlas',
    `--data-dir=${join(l.dir, 'etcd')}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=kube-atlas=${peer}`,
    '--initial-cluster-state=new',
    // Test data is disposable: skipping fsync makes writes an order of magnitude faster.
    '--unsafe-no-fsync=true',
    '--quota-backend-bytes=8589934592',
    '--log-level=warn',
  ];
}

export function apiserverArgs(l: Layout): string[] {
  const p = l.pki;
  return [
    `--etcd-servers=http://127.0.0.1:${l.ports.etcdClient}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${l.ports.apiserver}`,
    `--cert-dir=${join(l.dir, 'pki', 'apiserver-generated')}`,
    `--tls-cert-file=${p.apiserverCert}`,
    `--tls-private-key-file=${p.apiserverKey}`,
    `--client-ca-file=${p.caCert}`,
    `--service-account-key-file=${p.saPub}`,
    `--service-account-signing-key-file=${p.saKey}`,
    '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    '--authorization-mode=Node,RBAC',
    // No real endpoint for the `kubernetes` Service: 127.0.0.1 is not a routable endpoint address.
    '--endpoint-reconciler-type=none',
    // KWOK's fake nodes report Hostname=localhost and InternalIP=127.0.0.1, so exec/logs/port-forward
    // proxying reaches KWOK's server on loopback; the port comes from the node's daemonEndpoints.
    '--kubelet-preferred-address-types=Hostname,InternalIP',
    `--kubelet-client-certificate=${p.kubeletClientCert}`,
    `--kubelet-client-key=${p.kubeletClientKey}`,
    `--kubelet-certificate-authority=${p.caCert}`,
    // Without it, SIGTERM waits for the HTTP server's 60 s shutdown timeout while controllers hold
    // watches open; with it, open watches are closed at once (clients see them end and resume).
    '--shutdown-watch-termination-grace-period=2s',
    '--allow-privileged=true',
    '--profiling=false',
    // The aggregation layer (metrics.k8s.io, harness/metricsServer.ts): kube-apiserver proxies to an
    // aggregated server with this client cert and the user in X-Remote-* headers, which that server
    // trusts only from a cert of the front-proxy CA named front-proxy-client (it reads this from
    // kube-system/extension-apiserver-authentication, which kube-apiserver writes from these flags).
    `--requestheader-client-ca-file=${p.frontProxyCaCert}`,
    '--requestheader-allowed-names=front-proxy-client',
    '--requestheader-username-headers=X-Remote-User',
    '--requestheader-group-headers=X-Remote-Group',
    '--requestheader-extra-headers-prefix=X-Remote-Extra-',
    `--proxy-client-cert-file=${p.frontProxyClientCert}`,
    `--proxy-client-key-file=${p.frontProxyClientKey}`,
    // Watches of these resources go to etcd, so an etcd compaction turns a watch from an older
    // resourceVersion into 410 Gone at once (the watch cache would keep serving it for a while).
    ...(l.uncachedResources.length ? [`--watch-cache-sizes=${l.uncachedResources.map((r) => `${r}#0`).join(',')}`] : []),
  ];
}

export function controllerManagerArgs(l: Layout): string[] {
  return [
    `--kubeconfig=${l.kubeconfig}`,
    `--authentication-kubeconfig=${l.kubeconfig}`,
    `--authorization-kubeconfig=${l.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${l.ports.controllerManager}`,
    `--cert-dir=${join(l.dir, 'pki', 'kcm-generated')}`,
    '--leader-elect=false',
    '--controllers=*',
    `--service-account-private-key-file=${l.pki.saKey}`,
    `--root-ca-file=${l.pki.caCert}`,
    `--cluster-signing-cert-file=${l.pki.caCert}`,
    `--cluster-signing-key-file=${l.pki.caKey}`,
    `--service-cluster-ip-range=${SERVICE_CIDR}`,
    // The harness sets spec.podCIDR on every fake node itself.
    '--allocate-node-cidrs=false',
    // Defaults (20 QPS) would make seeding 20,000 pods take many minutes of client-side throttling.
    '--kube-api-qps=1000',
    '--kube-api-burst=2000',
    '--concurrent-deployment-syncs=10',
    '--concurrent-replicaset-syncs=10',
    '--concurrent-service-endpoint-syncs=10',
  ];
}

export async function writeSchedulerConfig(l: Layout): Promise<void> {
  await writeFile(
    l.schedulerConfig,
    `apiVersion: kubescheduler.config.k8s.io/v1
kind: KubeSchedulerConfiguration
clientConnection:
  kubeconfig: ${JSON.stringify(l.kubeconfig)}
  qps: 1000
  burst: 2000
leaderElection:
  leaderElect: false
`,
  );
}

export function schedulerArgs(l: Layout): string[] {
  return [
    `--config=${l.schedulerConfig}`,
    `--authentication-kubeconfig=${l.kubeconfig}`,
    `--authorization-kubeconfig=${l.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${l.ports.scheduler}`,
    `--cert-dir=${join(l.dir, 'pki', 'scheduler-generated')}`,
    '--leader-elect=false',
  ];
}

export function kwokArgs(l: Layout): string[] {
  return [
    `--kubeconfig=${l.kubeconfig}`,
    `--config=${[...stagePaths(l.stagesDir), l.kwokConfig].join(',')}`,
    // Only nodes the harness marks as fake: a real node (none here) would never be touched.
    '--manage-all-nodes=false',
    `--manage-nodes-with-annotation-selector=${FAKE_NODE_ANNOTATION}=fake`,
    '--node-ip=127.0.0.1',
    '--node-name=localhost',
    `--node-port=${l.ports.kwok}`,
    `--server-address=127.0.0.1:${l.ports.kwok}`,
    `--tls-cert-file=${l.pki.kwokCert}`,
    `--tls-private-key-file=${l.pki.kwokKey}`,
    `--cidr=${DEFAULT_POD_CIDR}`,
    '--node-lease-duration-seconds=40',
  ];
}
