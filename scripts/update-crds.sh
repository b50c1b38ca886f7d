#!/usr/bin/env bash
# Regenerates the CRD YAML from the operator's Java classes and copies it to crds/ and the chart.
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -B -q -pl core,operator -am process-classes -DskipTests
for dir in crds charts/globalfunc-operator/crds; do
  mkdir -p "$dir"
  cp operator/target/classes/META-INF/fabric8/*.yml "$dir/"
done
echo "CRDs updated in crds/ and charts/globalfunc-operator/crds/"
