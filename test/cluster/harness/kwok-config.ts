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
`;
}

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
