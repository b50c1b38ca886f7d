#!/usr/bin/env bash
# Operator benchmark: 200 GlobalFuncWorkers x 3 replicas applied at once, first against fabric8's
# mock API server (CRUD mode), then against a real one (scripts/kube-control-plane.sh: etcd,
# kube-apiserver, kube-controller-manager), in the same run, with a real redis-server. Writes
# operator/target/bench-operator-{mock,real}.json and prints both with real/mock ratios.
# Override the size with WORKERS=... REPLICAS=...
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -pl core,operator -am verify -Dtest='OperatorBench,OperatorRealServerBench' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=none -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dgf.bench.workers="${WORKERS:-200}" -Dgf.bench.replicas="${REPLICAS:-3}" -DargLine="-Xmx1g"
python3 - <<'PY'
import json
mock = json.load(open("operator/target/bench-operator-mock.json"))
real = json.load(open("operator/target/bench-operator-real.json"))
print(f"{'measure':52} {'mock':>9} {'real':>9} {'real/mock':>9}")
for key in ("secondsUntilAllPodsExist", "secondsUntilAllEndpointsRegisteredAfterReady",
            "secondsTheHarnessTookToWriteReadyStatus", "heapUsedAfterGcMiB", "jvmRssMiB"):
    print(f"{key:52} {mock[key]:9.1f} {real[key]:9.1f} {real[key] / mock[key]:9.2f}")
PY
