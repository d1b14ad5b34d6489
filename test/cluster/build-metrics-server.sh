#!/usr/bin/env bash
# Builds metrics-server from its Go module, once per version (go-tool.sh). Only the resource-usage
# tests use it: it scrapes KWOK's simulated kubelet resource metrics and serves metrics.k8s.io through
# the real kube-apiserver's aggregation layer (test/cluster/harness/metricsServer.ts). Prints the binary.
set -euo pipefail
METRICS_SERVER_VERSION="${METRICS_SERVER_VERSION:-v0.9.0}"
# The version ldflag is what `metrics-server --version` and its /version report (upstream's Makefile).
exec bash "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh" metrics-server "$METRICS_SERVER_VERSION" \
  "sigs.k8s.io/metrics-server/cmd/metrics-server@$METRICS_SERVER_VERSION" \
  -trimpath -ldflags "-w -X k8s.io/client-go/pkg/version.gitVersion=$METRICS_SERVER_VERSION"
