#!/usr/bin/env bash
# A real Kubernetes control plane on loopback, for the operator's tests and for trying the operator
# without a cluster: etcd + kube-apiserver (TLS, Node,RBAC authorization, service-account keys,
# the default admission plugins) + kube-controller-manager (garbage collection, namespace
# deletion, the `default` ServiceAccount of every namespace). No kubelet and no scheduler: pods
# stay Pending unless something plays the node: the tests' LocalProcessNode, which `node` runs.
#
# Binaries are built from their Go modules at pinned versions (through the Go module proxy) into
# the tools folder on first use and reused afterwards; state (etcd data, certificates, logs,
# kubeconfig) lives in a separate state folder, so each test run can start from an empty etcd
# while sharing the binaries. Ports are chosen free unless given, so several control planes
# (several test runs) coexist on one machine.
#
# Usage: kube-control-plane.sh [build|start|stop|status|env|clean|node]  (default: start)
#   build    build the missing binaries only; prints the tools' bin folder
#   start    build if missing, make certificates once per state folder, start etcd,
#            kube-apiserver and kube-controller-manager, wait until the `default` namespace has
#            its ServiceAccount, write $STATE/kubeconfig (user "admin", group system:masters)
#            and $STATE/ports.env. On a running set: only checks it.
#   stop     stop what start started (by PID file only), keep the state
#   status   print what runs
#   env      print `export KUBECONFIG=... PATH=...` (eval "$(kube-control-plane.sh env)")
#   clean    stop, then delete the state folder
#   node [NAME [NAMESPACE...]]
#            in the foreground until Ctrl-C: the test node (test code playing scheduler and
#            kubelet) named NAME (default m7) runs the pods bound to it, in NAMESPACEs (default
#            all), as local processes, every image as the runtime jar of this checkout (built
#            first, with the operator's test classes); Ctrl-C stops them and removes the node
#
# Environment (all optional):
#   GF_KUBE_TOOLS   binaries and Go sources                default $HOME/.cache/globalfunc-kube
#   GF_KUBE_STATE   etcd data, certificates, logs, kubeconfig   default $GF_KUBE_TOOLS/state
#   K8S_VERSION     k8s.io/kubernetes version              default v1.37.2 (staging v0.37.2)
#   ETCD_VERSION    go.etcd.io/etcd/server/v3 version      default v3.7.3
#   APISERVER_PORT, ETCD_PORT, ETCD_PEER_PORT, KCM_PORT    default: free ports, chosen at start
#   WATCH_PID       stop the control plane when this process exits (test runs pass their JVM)
#   READY_TIMEOUT   seconds to wait for /readyz            default 180
#   APISERVER_ARGS  extra kube-apiserver flags
set -euo pipefail

TOOLS=${GF_KUBE_TOOLS:-$HOME/.cache/globalfunc-kube}
STATE=${GF_KUBE_STATE:-$TOOLS/state}
K8S_VERSION=${K8S_VERSION:-v1.37.2}
ETCD_VERSION=${ETCD_VERSION:-v3.7.3}
READY_TIMEOUT=${READY_TIMEOUT:-180}
APISERVER_ARGS=${APISERVER_ARGS:-}
WATCH_PID=${WATCH_PID:-}

BIN=$TOOLS/bin
PKI=$STATE/pki
RUN=$STATE/run
LOGS=$STATE/logs
KUBECONFIG_FILE=$STATE/kubeconfig
COMPONENTS=(kube-controller-manager kube-apiserver etcd)

log() { printf '[kube] %s\n' "$*" >&2; }
die() {
  log "ERROR: $*"
  exit 1
}

# ---------------------------------------------------------------------------------------- build

# The version a built binary reports, so a moved pin rebuilds instead of reusing a stale binary.
has_version() { # has_version BINARY VERSION
  [ -x "$BIN/$1" ] && "$BIN/$1" --version 2>/dev/null | grep -qF -- "${2#v}"
}

build_k8s() { # build_k8s NAME... (commands under k8s.io/kubernetes/cmd)
  local src=$TOOLS/src/k8s-$K8S_VERSION staging="v0.${K8S_VERSION#v1.}" mod
  mkdir -p "$src" "$BIN"
  if [ ! -f "$src/go.mod" ]; then
    # k8s.io/kubernetes requires its staging modules at v0.0.0 and replaces them with ./staging;
    # a dependency's replace directives are ignored, so this scratch module pins each of them.
    mod=$(cd "$src" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" |
      sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
    [ -f "$mod" ] || die "cannot download k8s.io/kubernetes@$K8S_VERSION"
    {
      printf 'module scratch/kube\n\ngo %s\n\n' "$(sed -n 's/^go //p' "$mod")"
      printf 'require k8s.io/kubernetes %s\n\nreplace (\n' "$K8S_VERSION"
      sed -n '/^replace (/,/^)/p' "$mod" | awk '/=>/ {print $1}' | grep -v '^k8s.io/sample-' |
        while read -r m; do printf '\t%s => %s %s\n' "$m" "$m" "$staging"; done
      printf ')\n'
    } >"$src/go.mod.tmp"
    mv "$src/go.mod.tmp" "$src/go.mod"
  fi
  local minor=${K8S_VERSION#v1.} ld="-s -w" p c
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    ld="$ld -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=${minor%%.*}"
    ld="$ld -X $p.gitTreeState=clean"
  done
  for c in "$@"; do
    local t0=$SECONDS
    log "building $c $K8S_VERSION (first time: minutes)"
    (cd "$src" && CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags "$ld" -o "$BIN/$c.tmp.$$" \
      "k8s.io/kubernetes/cmd/$c")
    mv "$BIN/$c.tmp.$$" "$BIN/$c"
    log "built $c in $((SECONDS - t0)) s"
  done
}

build_etcd() {
  local src=$TOOLS/src/etcd-$ETCD_VERSION t0=$SECONDS
  mkdir -p "$src" "$BIN"
  [ -f "$src/go.mod" ] ||
    printf 'module scratch/etcd\n\ngo %s\n\nrequire go.etcd.io/etcd/server/v3 %s\n' \
      "$(go env GOVERSION | sed 's/^go//')" "$ETCD_VERSION" >"$src/go.mod"
  log "building etcd $ETCD_VERSION"
  # The server module's root package is etcd's main package.
  (cd "$src" && CGO_ENABLED=0 go build -mod=mod -trimpath -ldflags "-s -w" \
    -o "$BIN/etcd.tmp.$$" go.etcd.io/etcd/server/v3)
  mv "$BIN/etcd.tmp.$$" "$BIN/etcd"
  log "built etcd in $((SECONDS - t0)) s"
}

build() {
  local need=() c
  has_version etcd "$ETCD_VERSION" || need+=(etcd)
  for c in kube-apiserver kube-controller-manager kubectl; do
    if [ "$c" = kubectl ]; then
      [ -x "$BIN/kubectl" ] && "$BIN/kubectl" version --client 2>/dev/null |
        grep -qF "$K8S_VERSION" && continue
    else
      has_version "$c" "$K8S_VERSION" && continue
    fi
    need+=("$c")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  command -v go >/dev/null || die "go is needed to build ${need[*]}"
  # One build at a time per tools folder: concurrent test runs share the binaries.
  exec 9>"$TOOLS/.build.lock"
  flock 9
  local k8s=()
  for c in "${need[@]}"; do
    if [ "$c" = etcd ]; then has_version etcd "$ETCD_VERSION" || build_etcd; else k8s+=("$c"); fi
  done
  [ ${#k8s[@]} -eq 0 ] || build_k8s "${k8s[@]}"
  exec 9>&-
}

# ------------------------------------------------------------------------------ certificates

cert() { # cert NAME SUBJECT EXTFILE-CONTENT   (signed by this state folder's CA)
  local name=$1 subj=$2 ext=$3
  [ -f "$PKI/$name.crt" ] && return 0
  openssl req -new -newkey rsa:2048 -nodes -keyout "$PKI/$name.key" -subj "$subj" \
    -out "$PKI/$name.csr" 2>/dev/null
  printf '%s\n' "$ext" >"$PKI/$name.ext"
  openssl x509 -req -in "$PKI/$name.csr" -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" \
    -CAcreateserial -days 365 -sha256 -extfile "$PKI/$name.ext" -out "$PKI/$name.crt" 2>/dev/null
  rm -f "$PKI/$name.csr" "$PKI/$name.ext"
}

pki() {
  mkdir -p "$PKI"
  chmod 700 "$PKI"
  [ -f "$PKI/ca.crt" ] ||
    openssl req -x509 -new -newkey rsa:2048 -nodes -days 365 -sha256 \
      -subj "/CN=globalfunc-test-ca" -keyout "$PKI/ca.key" -out "$PKI/ca.crt" \
      -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
  cert apiserver "/CN=kube-apiserver" "basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth
subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  local client="basicConstraints=CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=clientAuth"
  cert admin "/O=system:masters/CN=admin" "$client"
  cert kcm "/CN=system:kube-controller-manager" "$client"
  if [ ! -f "$PKI/sa.key" ]; then # the service-account token signing key pair
    openssl genrsa -out "$PKI/sa.key" 2048 2>/dev/null
    openssl rsa -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null
  fi
}

kubeconfig() { # kubeconfig FILE USER CERTNAME
  cat >"$1.tmp" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: globalfunc-test
  cluster:
    server: https://127.0.0.1:$APISERVER_PORT
    certificate-authority-data: $(base64 -w0 <"$PKI/ca.crt")
users:
- name: $2
  user:
    client-certificate-data: $(base64 -w0 <"$PKI/$3.crt")
    client-key-data: $(base64 -w0 <"$PKI/$3.key")
contexts:
- name: $2@globalfunc-test
  context:
    cluster: globalfunc-test
    user: $2
    namespace: default
current-context: $2@globalfunc-test
EOF
  chmod 600 "$1.tmp"
  mv "$1.tmp" "$1"
}

# ------------------------------------------------------------------------------------ ports

free_port() { # a TCP port free on loopback right now (the kernel's choice)
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Ports are chosen once per state folder and kept in ports.env, so restart/stop/env agree.
ports() {
  mkdir -p "$STATE"
  if [ -f "$STATE/ports.env" ]; then
    # shellcheck disable=SC1091
    . "$STATE/ports.env"
  fi
  APISERVER_PORT=${APISERVER_PORT:-$(free_port)}
  ETCD_PORT=${ETCD_PORT:-$(free_port)}
  ETCD_PEER_PORT=${ETCD_PEER_PORT:-$(free_port)}
  KCM_PORT=${KCM_PORT:-$(free_port)}
  printf 'APISERVER_PORT=%s\nETCD_PORT=%s\nETCD_PEER_PORT=%s\nKCM_PORT=%s\n' \
    "$APISERVER_PORT" "$ETCD_PORT" "$ETCD_PEER_PORT" "$KCM_PORT" >"$STATE/ports.env"
}

# ------------------------------------------------------------------------------- processes

alive() { # alive NAME: the PID in NAME.pid runs our binary
  local pidf=$RUN/$1.pid pid
  [ -f "$pidf" ] || return 1
  pid=$(cat "$pidf")
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  # No pipe into `grep -q`: under pipefail, grep leaving early fails the writer with SIGPIPE.
  local cmd
  cmd=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ $cmd == "$BIN/$1 "* ]]
}

exited() { # exited NAME: the process launch just started is gone (its PID, not its command line,
  # which is still the script's or nohup's for a moment after the fork on a busy machine)
  local pidf=$RUN/$1.pid
  [ -f "$pidf" ] && ! kill -0 "$(cat "$pidf")" 2>/dev/null
}

launch() { # launch NAME ARGS...
  local name=$1
  shift
  alive "$name" && return 0
  mkdir -p "$RUN" "$LOGS"
  nohup "$BIN/$name" "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
  log "$name started (pid $!, log $LOGS/$name.log)"
}

wait_until() { # wait_until WHAT SECONDS COMMAND...
  local what=$1 limit=$2 t0=$SECONDS
  shift 2
  until "$@" >/dev/null 2>&1; do
    if exited "$what"; then
      tail -n 20 "$LOGS/$what.log" >&2 || true
      rm -f "$RUN/$what.pid"
      die "$what exited (log above)"
    fi
    [ $((SECONDS - t0)) -lt "$limit" ] || die "$what not ready after $limit s"
    sleep 0.3
  done
}

curl_admin() {
  curl -sf --cacert "$PKI/ca.crt" --cert "$PKI/admin.crt" --key "$PKI/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT$1"
}

start_etcd() {
  launch etcd --name=globalfunc-test --data-dir="$STATE/etcd-data" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="globalfunc-test=http://127.0.0.1:$ETCD_PEER_PORT" \
    --unsafe-no-fsync=true --quota-backend-bytes=2147483648 --log-level=warn
  wait_until etcd 60 curl -sf "http://127.0.0.1:$ETCD_PORT/health"
}

start_apiserver() {
  # --endpoint-reconciler-type=none: on loopback the apiserver cannot publish its own endpoint.
  # shellcheck disable=SC2086
  launch kube-apiserver --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --secure-port="$APISERVER_PORT" \
    --advertise-address=127.0.0.1 --endpoint-reconciler-type=none \
    --tls-cert-file="$PKI/apiserver.crt" --tls-private-key-file="$PKI/apiserver.key" \
    --client-ca-file="$PKI/ca.crt" \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$PKI/sa.pub" --service-account-signing-key-file="$PKI/sa.key" \
    --service-cluster-ip-range=10.0.0.0/24 --authorization-mode=Node,RBAC \
    --profiling=false --v=1 $APISERVER_ARGS
  wait_until kube-apiserver "$READY_TIMEOUT" curl_admin /readyz
  kubeconfig "$KUBECONFIG_FILE" admin admin
}

start_kcm() {
  kubeconfig "$STATE/kcm.kubeconfig" system:kube-controller-manager kcm
  launch kube-controller-manager --kubeconfig="$STATE/kcm.kubeconfig" \
    --authentication-kubeconfig="$STATE/kcm.kubeconfig" \
    --authorization-kubeconfig="$STATE/kcm.kubeconfig" \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --leader-elect=false \
    --use-service-account-credentials=true --service-account-private-key-file="$PKI/sa.key" \
    --root-ca-file="$PKI/ca.crt" --cluster-signing-cert-file="$PKI/ca.crt" \
    --cluster-signing-key-file="$PKI/ca.key" --profiling=false --v=1
  # Pods need their namespace's `default` ServiceAccount (admission), which kcm creates.
  wait_until kube-controller-manager 120 \
    curl_admin /api/v1/namespaces/default/serviceaccounts/default
}

# Stops the set when WATCH_PID exits, so a killed test run leaves no control plane behind.
watchdog() {
  [ -n "$WATCH_PID" ] || return 0
  nohup bash -c 'while kill -0 "$1" 2>/dev/null; do sleep 2; done; WATCHDOG_SELF=$$ "$2" stop' \
    watchdog "$WATCH_PID" "$(readlink -f "$0")" >>"$LOGS/watchdog.log" 2>&1 </dev/null &
  echo $! >"$RUN/watchdog.pid"
}

start() {
  build
  ports
  pki
  local t0=$SECONDS
  start_etcd
  start_apiserver
  start_kcm
  watchdog
  log "ready after $((SECONDS - t0)) s: export KUBECONFIG=$KUBECONFIG_FILE PATH=$BIN:\$PATH"
}

stop() {
  local name pid i
  if [ -f "$RUN/watchdog.pid" ] && [ "$(cat "$RUN/watchdog.pid")" != "${WATCHDOG_SELF:-}" ]; then
    kill "$(cat "$RUN/watchdog.pid")" 2>/dev/null || true
  fi
  rm -f "$RUN/watchdog.pid"
  for name in "${COMPONENTS[@]}"; do
    if alive "$name"; then
      pid=$(cat "$RUN/$name.pid")
      kill -TERM "$pid"
      for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.2
      done
      if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
      log "$name stopped (pid $pid)"
    fi
    rm -f "$RUN/$name.pid"
  done
}

status() {
  local name pid
  for name in etcd kube-apiserver kube-controller-manager; do
    if alive "$name"; then
      pid=$(cat "$RUN/$name.pid")
      echo "$name: running, pid $pid, rss $(awk '/VmRSS/ {print $2, $3}' "/proc/$pid/status")"
    else
      echo "$name: stopped"
    fi
  done
}

test_node() { # the test node of the operator's tests, run from this checkout
  [ -f "$KUBECONFIG_FILE" ] || die "no control plane in $STATE: run start first"
  local repo jar classpath
  repo=$(cd "$(dirname "$0")/.." && pwd)
  jar=$repo/runtime-image/target/quarkus-app/quarkus-run.jar
  classpath=$repo/operator/target/test-node.classpath
  log "building the runtime jar and the operator's test classes"
  (cd "$repo" && ./mvnw -B -q -pl runtime-image -am package -DskipTests \
    && ./mvnw -B -q -pl operator -am test-compile dependency:build-classpath \
      -Dmdep.includeScope=test -Dmdep.outputFile="$classpath")
  exec java -cp "$repo/operator/target/test-classes:$repo/operator/target/classes:$(cat "$classpath")" \
    io.globalfunc.operator.kube.node.TestNodeMain "$STATE" "$jar" "${1:-m7}" "${@:2}"
}

case "${1:-start}" in
  build) build && echo "$BIN" ;;
  start) start ;;
  stop) [ -f "$STATE/ports.env" ] && stop ;;
  status) status ;;
  env) echo "export KUBECONFIG=$KUBECONFIG_FILE PATH=$BIN:\$PATH" ;;
  node) test_node "${@:2}" ;;
  clean)
    stop
    rm -rf "$STATE"
    ;;
  *)
    sed -n '2,/^set -euo/p' "$0" | sed '$d'
    exit 2
    ;;
esac
