#!/usr/bin/env bash
# One cached `go install` of a tool the tests run beside the control plane (helm, metrics-server),
# into the same cache as the control plane (build-binaries.sh), once per version: a stamp per tool
# and version, so a new version of one never invalidates another or the Kubernetes build, and a lock,
# so two tiers starting at once build it once. Niced: it runs beside the unit tier.
# Usage: go-tool.sh NAME VERSION MODULE/CMD@VERSION [go install flags...]   Prints the binary.
set -euo pipefail

NAME="$1" VERSION="$2" PKG="$3"
shift 3
CACHE_ROOT="${KUBE_ATLAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-atlas}"
OUT="$CACHE_ROOT/$NAME-$VERSION"
BIN="$OUT/bin/$NAME"

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
echo "[build-$NAME] building $NAME $VERSION (once; a few minutes cold)" >&2
GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS= GOBIN="$OUT/bin" nice -n 10 go install "$@" "$PKG" >&2
touch "$OUT/.complete"
echo "[build-$NAME] done in $(( $(date +%s) - start )) s" >&2
echo "$BIN"
