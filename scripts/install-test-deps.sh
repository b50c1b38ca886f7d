#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine (idempotent).
set -euo pipefail
need_apt=()
command -v redis-server >/dev/null 2>&1 || need_apt+=(redis-server)
command -v python3 >/dev/null 2>&1 || need_apt+=(python3)
if [ ${#need_apt[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
# helm, for the operator chart's lint/template tests: built from its Go module (needs Go).
HELM="$(bash "$(dirname "$0")/install-helm.sh")"
# etcd, kube-apiserver, kube-controller-manager and kubectl for the operator's tests on a real
# API server: built from their Go modules into ~/.cache/globalfunc-kube/bin (cached; ~14 min once).
KUBE_BIN="$(bash "$(dirname "$0")/kube-control-plane.sh" build)"
# The venv of the Python tests and ruff (cached).
VENV="$(bash "$(dirname "$0")/python-env.sh")"
# redis-server from Debian starts a system service; tests start their own on free ports.
echo "test dependencies ready: $(redis-server --version | cut -d' ' -f1-3), $(python3 --version), helm $("$HELM" version --template '{{.Version}}'), venv $VENV, kube $("$KUBE_BIN/kube-apiserver" --version)"
