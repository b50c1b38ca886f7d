#!/usr/bin/env bash
# Installs the helm CLI the chart tests run (idempotent): a Go module build of helm.sh/helm/v3
# through the Go module proxy, into $GF_TOOLS_BIN (default ~/.local/bin). Prints the binary's path.
set -euo pipefail
HELM_VERSION="${HELM_VERSION:-v3.19.5}"
BIN="${GF_TOOLS_BIN:-$HOME/.local/bin}"
mkdir -p "$BIN"
if [ -x "$BIN/helm" ] && "$BIN/helm" version --template '{{.Version}}' 2>/dev/null | grep -qx "$HELM_VERSION"; then
  echo "$BIN/helm"
  exit 0
fi
command -v go >/dev/null 2>&1 || { echo "install-helm: Go is needed to build helm" >&2; exit 1; }
GOBIN="$BIN" CGO_ENABLED=0 go install -ldflags "-X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
echo "$BIN/helm"
