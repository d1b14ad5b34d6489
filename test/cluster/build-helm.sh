#!/usr/bin/env bash
# Builds helm (the Helm 3 CLI) from its Go module, once per version (go-tool.sh). Only the Helm tests
# use it: they install, upgrade and roll back a chart with the real helm and check what Kube Atlas
# reads from Helm's storage. Prints the binary.
set -euo pipefail
HELM_VERSION="${HELM_VERSION:-v3.22.0}"
exec bash "$(dirname "${BASH_SOURCE[0]}")/go-tool.sh" helm "$HELM_VERSION" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
