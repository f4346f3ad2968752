#!/usr/bin/env bash
# The in-process JVM benchmark of the uniffi boundary (see FfiBench.java):
#
#   bash benches/jvm/run.sh
#
# Builds libcimi_ffi in release mode with the `probes` feature, generates the
# Kotlin bindings, packages the cimi-kotlin jar and runs fr.cimi.bench.FfiBench
# in a fresh JVM. Prints ns/op and ratios; asserts nothing. Extra arguments go
# to Maven, e.g. -Dbench.gc=-XX:+UseG1GC -Dbench.young=-Xmn256m (JVM options).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
bash cimi-ffi/scripts/generate.sh --release --probes
mvn -B -ntp -q -f cimi-ffi/jvm/pom.xml -pl :cimi-jvm-bench -am -DskipTests package exec:exec "$@"
