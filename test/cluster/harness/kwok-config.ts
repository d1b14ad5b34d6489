// KWOK's --config documents. Stages make fake Nodes Ready and Pods Running; the Cluster* documents
// tell KWOK's kubelet-like server what exec, logs and port-forward do for every simulated pod.
// KWOK v0.8 reads these kinds from local config files (checkConfigOrCRD in pkg/kwok/cmd/root.go):
// no CRDs need installing, which `--enable-crds` would not do anyway.
import { join } from 'node:path';

/** Stage files copied by build-binaries.sh from sigs.k8s.io/kwok's kustomize/stage. */
export const STAGE_FILES = ['node-initialize.yaml', 'node-heartbeat-with-lease.yaml', 'pod-ready.yaml', 'pod-complete.yaml', 'pod-delete.yaml'];

export function stagePaths(stagesDir: string): string[] {
  return STAGE_FILES.map((f) => join(stagesDir, f));
}

export interface DebugTargets {
  /** Working directory of every `kubectl exec` command (commands run on this host). */
  execWorkDir: string;
  /** CRI-format log file served as every container's log. */
  logFile: string;
  /** Loopback port every pod port-forwards to. */
  portForwardPort: number;
}

export function renderKwokConfig(t: DebugTargets): string {
  const q = JSON.stringify;
  return `apiVersion: config.kwok.x-k8s.io/v1alpha1
kind: KwokConfiguration
options:
  # exec/logs/port-forward are KWOK's "debugging handlers"; they must be on.
  enableDebuggingHandlers: true
  # More workers than the default 4: seeding tens of thousands of pods is bound by these.
  podPlayStageParallelism: 16
  nodePlayStageParallelism: 8
  nodeLeaseParallelism: 8
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterExec
metadata:
  name: kube-atlas-exec
spec:
  execs:
  - local:
      workDir: ${q(t.execWorkDir)}
      envs:
      - name: KUBE_ATLAS_EXEC
        value: "1"
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterLogs
metadata:
  name: kube-atlas-logs
spec:
  logs:
  - logsFile: ${q(t.logFile)}
    previousLogsFile: ${q(t.logFile)}
    follow: true
---
# What a kubelet does for an attach: KWOK streams this log file (stdin is not read) — enough to
# prove an attach through the apiserver reaches the container's stream.
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterAttach
metadata:
  name: kube-atlas-attach
spec:
  attaches:
  - logsFile: ${q(t.logFile)}
---
# KWOK's stages start only spec.containers. A kubelet also starts ephemeral containers (kubectl
# debug): this stage marks each one running once it is added, as a kubelet would report it.
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: kube-atlas-ephemeral-running
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values:
      - 'Running'
    - key: '((.spec.ephemeralContainers // []) | length) > ([(.status.ephemeralContainerStatuses // [])[] | select(.state.running)] | length)'
      operator: 'In'
      values:
      - 'true'
  weight: 1
  delay:
    durationMilliseconds: 200
  next:
    statusTemplate: |
      {{ $now := Now }}
      ephemeralContainerStatuses:
      {{ range $index, $item := .spec.ephemeralContainers }}
      - image: {{ $item.image | Quote }}
        name: {{ $item.name | Quote }}
        ready: false
        restartCount: 0
        state:
          running:
            startedAt: {{ $now | Quote }}
      {{ end }}
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterPortForward
metadata:
  name: kube-atlas-port-forward
spec:
  forwards:
  - target:
      address: 127.0.0.1
      port: ${t.portForwardPort}
${RESOURCE_USAGE}`;
}

/** Pod annotations that set a simulated pod's usage (read by the ClusterResourceUsage below). */
export const USAGE_CPU_ANNOTATION = 'kwok.x-k8s.io/usage-cpu';
export const USAGE_MEMORY_ANNOTATION = 'kwok.x-k8s.io/usage-memory';

/**
 * Simulated resource usage, scraped by metrics-server (harness/metricsServer.ts) when a test starts
 * it: KWOK's kustomize/metrics/resource/metrics-resource.yaml (v0.8.0: the kubelet's
 * /metrics/resource series, served at /metrics/nodes/{nodeName}/metrics/resource, the path each
 * fake node's annotation names) and kustomize/metrics/usage/usage-from-annotation.yaml (a pod's
 * CPU and memory from its annotations; 1m and 1Mi per container without them). CPU is a counter
 * KWOK integrates over time, so metrics-server's rate of it equals the annotated figure. Served
 * only when scraped: nothing runs while no metrics-server does.
 */
const RESOURCE_USAGE = `---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Metric
metadata:
  name: metrics-resource
spec:
  path: "/metrics/nodes/{nodeName}/metrics/resource"
  metrics:
  - name: scrape_error
    dimension: node
    help: "[ALPHA] 1 if there was an error while getting metrics from the node, 0 otherwise"
    kind: gauge
    value: '0'
  - name: container_start_time_seconds
    dimension: container
    help: "[ALPHA] Start time of the container since unix epoch in seconds"
    kind: gauge
    labels:
    - name: container
      value: 'container.name'
    - name: namespace
      value: 'pod.metadata.namespace'
    - name: pod
      value: 'pod.metadata.name'
    value: 'pod.SinceSecond()'
  - name: container_cpu_usage_seconds_total
    dimension: container
    help: "[ALPHA] Cumulative cpu time consumed by the container in core-seconds"
    kind: counter
    labels:
    - name: container
      value: 'container.name'
    - name: namespace
      value: 'pod.metadata.namespace'
    - name: pod
      value: 'pod.metadata.name'
    value: 'pod.CumulativeUsage("cpu", container.name)'
  - name: container_memory_working_set_bytes
    dimension: container
    help: "[ALPHA] Current working set of the container in bytes"
    kind: gauge
    labels:
    - name: container
      value: 'container.name'
    - name: namespace
      value: 'pod.metadata.namespace'
    - name: pod
      value: 'pod.metadata.name'
    value: 'pod.Usage("memory", container.name)'
  - name: pod_cpu_usage_seconds_total
    dimension: pod
    help: "[ALPHA] Cumulative cpu time consumed by the pod in core-seconds"
    kind: counter
    labels:
    - name: namespace
      value: 'pod.metadata.namespace'
    - name: pod
      value: 'pod.metadata.name'
    value: 'pod.CumulativeUsage("cpu")'
  - name: pod_memory_working_set_bytes
    dimension: pod
    help: "[ALPHA] Current working set of the pod in bytes"
    kind: gauge
    labels:
    - name: namespace
      value: 'pod.metadata.namespace'
    - name: pod
      value: 'pod.metadata.name'
    value: 'pod.Usage("memory")'
  - name: node_cpu_usage_seconds_total
    dimension: node
    help: "[ALPHA] Cumulative cpu time consumed by the node in core-seconds"
    kind: counter
    value: 'node.CumulativeUsage("cpu")'
  - name: node_memory_working_set_bytes
    dimension: node
    help: "[ALPHA] Current working set of the node in bytes"
    kind: gauge
    value: 'node.Usage("memory")'
---
apiVersion: kwok.x-k8s.io/v1alpha1
kind: ClusterResourceUsage
metadata:
  name: usage-from-annotation
spec:
  usages:
  - usage:
      cpu:
        expression: |
          "${USAGE_CPU_ANNOTATION}" in pod.metadata.annotations
          ? Quantity(pod.metadata.annotations["${USAGE_CPU_ANNOTATION}"])
          : Quantity("1m")
      memory:
        expression: |
          "${USAGE_MEMORY_ANNOTATION}" in pod.metadata.annotations
          ? Quantity(pod.metadata.annotations["${USAGE_MEMORY_ANNOTATION}"])
          : Quantity("1Mi")
`;

/** A CRI log line as kubelets write them: RFC3339Nano time, stream, F(ull)/P(artial) tag, text. */
export function criLogLine(text: string, stream: 'stdout' | 'stderr' = 'stdout', at = new Date()): string {
  const iso = at.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
  return `${iso} ${stream} F ${text}\n`;
}

/**
 * The port-forward target: a tiny HTTP server run as its own detached process (it must outlive
 * `cluster:up`). It answers every path with a fixed greeting plus the path, on loopback only.
 */
export const LOOPBACK_SERVER_SOURCE = `
const http = require('node:http');
const port = Number(process.argv[1]);
http.createServer((req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end('hello from kube-atlas port-forward ' + req.url + '\\n');
}).listen(port, '127.0.0.1', () => console.log('listening on 127.0.0.1:' + port));
process.on('SIGTERM', () => process.exit(0));
`;
