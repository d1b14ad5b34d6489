#!/usr/bin/env bash
# Builds helm (the Helm 3 CLI) from its Go module, once per version, into the same cache as the
# control plane (test/cluster/build-binaries.sh). Only the Helm tests use it: they install, upgrade
# and roll back a chart with the real helm and check what Kube Atlas reads from Helm's storage.
# Its own stamp, so a new helm version never invalidates the Kubernetes build. Prints the binary.
set -euo pipefail

HELM_VERSION="${HELM_VERSION:-v3.22.0}"
CACHE_ROOT="${KUBE_ATLAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-atlas}"
OUT="$CACHE_ROOT/helm-$HELM_VERSION"
BIN="$OUT/bin/helm"

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
echo "[build-helm] building helm $HELM_VERSION (once; a few minutes cold)" >&2
GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS= GOBIN="$OUT/bin" go install "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
touch "$OUT/.complete"
echo "[build-helm] done in $(( $(date +%s) - start )) s" >&2
echo "$BIN"
