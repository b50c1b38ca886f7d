#!/usr/bin/env bash
# Operator benchmark: 200 GlobalFuncWorkers x 3 replicas applied at once against the Kubernetes
# test server (CRUD mode) with a real redis-server. Prints and writes operator/target/bench-operator.json.
# Override the size with WORKERS=... REPLICAS=...
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -pl core,operator -am verify -Dtest=OperatorBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dgf.bench.workers="${WORKERS:-200}" -Dgf.bench.replicas="${REPLICAS:-3}" -DargLine="-Xmx1g"
cat operator/target/bench-operator.json
