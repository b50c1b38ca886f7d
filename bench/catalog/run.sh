#!/usr/bin/env bash
# Catalog benchmark: save --all of a generated library (default 10,000 functions) vs the seed's
# one-call-per-function save, search p50/p99, Redis cache-hit reads. Prints a table.
# Usage: bench/catalog/run.sh [--functions N]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ ! -f cli/target/gf.jar ] || [ ! -d cli/target/lib ]; then
  ./mvnw -B -q -pl cli -am package -DskipTests
fi
command -v redis-server >/dev/null || { echo "redis-server missing: bash scripts/install-test-deps.sh" >&2; exit 1; }
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
rdir="$(mktemp -d)"
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$rdir" >"$rdir/log" 2>&1 &
rpid=$!
trap 'kill $rpid 2>/dev/null; wait $rpid 2>/dev/null; rm -rf "$rdir"' EXIT
for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
export TZ=UTC LC_ALL=C.UTF-8
java -Xmx2g -cp "cli/target/gf.jar:cli/target/lib/*" bench/catalog/CatalogBench.java \
  --redis "redis://127.0.0.1:$port" "$@"
