#!/usr/bin/env bash
# Builds the real control plane (kube-apiserver, kube-controller-manager, kube-scheduler, kubectl),
# etcd and KWOK from Go modules, once per version, into a cache outside the repo.
# Why a script of its own: it is the slow step (tens of minutes cold on 2 cores); everything else
# reuses its output. Idempotent: a finished build leaves a stamp and is never redone.
set -euo pipefail

K8S_VERSION="${K8S_VERSION:-v1.36.3}"
ETCD_VERSION="${ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${KWOK_VERSION:-v0.8.0}"
CACHE_ROOT="${KUBE_ATLAS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kube-atlas}"
OUT="$CACHE_ROOT/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION"
STAMP="$OUT/.complete"

# The KWOK stages the harness passes to `kwok --config` (test/cluster/harness/kwok-config.ts),
# copied flat under their upstream file names from kustomize/stage/<kind>/<variant>/.
STAGES=(node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml
  pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml)

# KWOK v0.8.0's exec never closes the command's stdin (so `cat` never ends) and reports a
# non-zero exit as an internal error instead of an exit code; patches here fix both.
KWOK_PATCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/kwok-patches"
KWOK_PATCH_SUM=$(cat "$KWOK_PATCH_DIR"/*.patch | sha256sum | cut -c1-16)

complete() {
  [[ -f "$STAMP" ]] || return 1
  [[ "$(cat "$OUT/.kwok-patches" 2>/dev/null)" == "$KWOK_PATCH_SUM" ]] || return 1
  local s
  for s in "${STAGES[@]}"; do [[ -f "$OUT/stages/$(basename "$s")" ]] || return 1; done
}

if complete; then
  echo "$OUT/bin"
  exit 0
fi

mkdir -p "$OUT/bin" "$OUT/src"
# Two callers at once (test runner + cluster:up) must not build into the same files: the second
# waits for the first and then finds the stamp.
exec 9>"$OUT/.lock"
flock 9
if complete; then
  echo "$OUT/bin"
  exit 0
fi

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
log() { echo "[build-binaries] $*" >&2; }
start=$(date +%s)
built=0

# --- Kubernetes: a consumer module that replaces each staging module with its published version.
k8s_mod_dir="$OUT/src/k8s"
mkdir -p "$k8s_mod_dir"
gomod_path=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
staging_minor="v0.${K8S_VERSION#v1.}"
{
  echo "module kubeatlas.local/k8sbuild"
  echo
  grep -E '^go ' "$gomod_path"
  grep -E '^godebug ' "$gomod_path" || true
  echo
  echo "require k8s.io/kubernetes $K8S_VERSION"
  echo
  echo "replace ("
  grep -E '=> \./staging/src/' "$gomod_path" | awk -v v="$staging_minor" '{print "\t" $1 " => " $1 " " v}'
  echo ")"
} > "$k8s_mod_dir/go.mod"
cat > "$k8s_mod_dir/tools.go" <<'GO'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
minor="${K8S_VERSION#v1.}"; minor="${minor%%.*}"
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X $pkg.gitVersion=$K8S_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$minor"
  ldflags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=1970-01-01T00:00:00Z"
done
k8s_missing=0
for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
  [[ -x "$OUT/bin/$cmd" ]] || k8s_missing=1
done
if (( k8s_missing )); then
built=1
(
  cd "$k8s_mod_dir"
  log "resolving Kubernetes $K8S_VERSION modules"
  go mod tidy -e >/dev/null 2>&1 || true
  go mod download
  for cmd in kube-apiserver kube-controller-manager kube-scheduler kubectl; do
    if [[ ! -x "$OUT/bin/$cmd" ]]; then
      log "building $cmd"
      go build -tags tools,selinux,notest -trimpath -ldflags "$ldflags" -o "$OUT/bin/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd"
      mv "$OUT/bin/$cmd.tmp" "$OUT/bin/$cmd"
    fi
  done
)
fi

# --- etcd: etcd's own go.mod has replaces, so require it from a small module of ours.
etcd_mod_dir="$OUT/src/etcd"
mkdir -p "$etcd_mod_dir"
if [[ ! -x "$OUT/bin/etcd" ]]; then
  built=1
  cat > "$etcd_mod_dir/go.mod" <<GOMOD
module kubeatlas.local/etcdbuild

go 1.24

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
GOMOD
  cat > "$etcd_mod_dir/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (
    cd "$etcd_mod_dir"
    log "building etcd $ETCD_VERSION"
    go mod tidy >/dev/null
    go build -trimpath -ldflags "-s -w" -o "$OUT/bin/etcd.tmp" .
    mv "$OUT/bin/etcd.tmp" "$OUT/bin/etcd"
  )
fi

# --- KWOK: built from a copy of its module with our patches applied; its stage YAML ships in the
# module too.
kwok_dir=$(go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
if [[ ! -x "$OUT/bin/kwok" || "$(cat "$OUT/.kwok-patches" 2>/dev/null)" != "$KWOK_PATCH_SUM" ]]; then
  built=1
  log "building kwok $KWOK_VERSION with $(ls "$KWOK_PATCH_DIR")"
  kwok_src="$OUT/src/kwok"
  rm -rf "$kwok_src"
  cp -r "$kwok_dir" "$kwok_src"
  chmod -R u+w "$kwok_src"
  for p in "$KWOK_PATCH_DIR"/*.patch; do patch -d "$kwok_src" -p1 --quiet --no-backup-if-mismatch < "$p"; done
  (
    cd "$kwok_src"
    go build -trimpath -ldflags "-s -w" -o "$OUT/bin/kwok.tmp" ./cmd/kwok
  )
  mv "$OUT/bin/kwok.tmp" "$OUT/bin/kwok"
  echo "$KWOK_PATCH_SUM" > "$OUT/.kwok-patches"
fi
rm -rf "$OUT/stages"
mkdir -p "$OUT/stages"
for s in "${STAGES[@]}"; do
  cp -f "$kwok_dir/kustomize/stage/$s" "$OUT/stages/$(basename "$s")"
done
chmod -R u+w "$OUT/stages"

# .build-seconds keeps the first (cold) build's figure; later partial rebuilds (a new KWOK patch)
# go to .rebuild-seconds.
elapsed=$(( $(date +%s) - start ))
if [[ ! -f "$OUT/.build-seconds" ]]; then
  echo "$elapsed" > "$OUT/.build-seconds"
elif (( built )); then
  echo "$elapsed" > "$OUT/.rebuild-seconds"
fi
touch "$STAMP"
log "done in $elapsed s (cold build: $(cat "$OUT/.build-seconds") s)"
echo "$OUT/bin"
