#!/usr/bin/env bash
# Builds metrics-server from its Go module, once per version, into the same cache as the control
# plane (test/cluster/build-binaries.sh). Only the resource-usage tests use it: it scrapes KWOK's
# simulated kubelet resource metrics and serves metrics.k8s.io through the real kube-apiserver's
# aggregation layer (test/cluster/harness/metricsServer.ts). Its own stamp, so a new version never
# invalidates the Kubernetes build. Niced: it runs beside the unit tier. Prints the binary.
set -euo pipefail

METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-v0.9.0}"
CACHE_ROOT="${KUBE_ATLAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-atlas}"
OUT="$CACHE_ROOT/metrics-server-$METRICS_SERVER_VERSION"
BIN="$OUT/bin/metrics-server"

if [[ -x "$BIN" && -f "$OUT/.complete" ]]; then
  echo "$BIN"
  exit 0
fi
mkdir -p "$OUT/bin"
exec 9>"$OUT/.lock"
flock 9
if [[ -x "$BIN" && -f "$OUT/.complete" ]]; then
  echo "$BIN"
  exit 0
fi
start=$(date +%s)
echo "[build-metrics-server] building metrics-server $METRICS_SERVER_VERSION (once; a few minutes cold)" >&2
# The version ldflag is what `metrics-server --version` and its /version report (upstream's Makefile).
GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS= GOBIN="$OUT/bin" nice -n 10 go install -trimpath \
  -ldflags "-w -X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION" \
  "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION" >&2
touch "$OUT/.complete"
echo "[build-metrics-server] done in $(( $(date +%s) - start )) s" >&2
echo "$BIN"
