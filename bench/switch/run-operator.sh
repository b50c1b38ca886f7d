#!/usr/bin/env bash
# Commit to served through the operator: the chart-installed operator on a real API server
# (scripts/kube-control-plane.sh), 3 worker pods run as local processes by the test node, a client
# calling throughout. In one run: a pushed commit switched in place by the operator, then a pushed
# commit served after a rolling restart (the same push with a template change). Prints
# operator/target/bench-switch-operator.json with the ratio in place / rolling.
set -euo pipefail
cd "$(dirname "$0")/../.."
./mvnw -B -q -pl operator -am verify -Dtest=none -Dit.test=OperatorSwitchBench \
  -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false
cat operator/target/bench-switch-operator.json; echo
