#!/usr/bin/env bash
# Tests of the FFI crate, as CI runs them (from any directory):
#
#   bash cimi-ffi/scripts/test.sh
#
# 1. builds libcimi_ffi (dev profile, `probes` feature) and generates the
#    Kotlin, Swift and Python bindings (scripts/generate.sh);
# 2. runs the Rust unit tests of the wrappers (conversions, error mapping,
#    panic guard), then tests/shuttle.rs: threads sharing one Community under
#    shuttle's randomized and PCT schedulers (prints the schedules explored);
# 3. smoke-tests the generated Python bindings with plain python3;
# 4. `mvn -B clean verify` on cimi-ffi/jvm: Kotlin JUnit 5 tests against the real
#    library (among them the 8-thread stress test and the hostile-input sweep of
#    every function, both printing what they covered), the jar carrying the
#    library, the plain-Java consumer's tests, and compiles the JVM benchmark
#    (benches/jvm).
#
# Needs Rust, python3, a JDK 17+ and Maven 3.8+ (installed with apt-get when
# missing and possible); Maven downloads its plugins from Maven Central.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need mvn || ! need javac; then
    if need apt-get && [ "$(id -u)" = 0 ]; then
        echo "== installing a JDK and Maven (apt-get)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jdk-headless maven >/dev/null
    else
        echo "cimi-ffi tests need a JDK 17+ and Maven 3.8+ on PATH" >&2
        exit 1
    fi
fi

echo "== cimi-ffi: build the library and generate Kotlin, Swift and Python bindings"
bash cimi-ffi/scripts/generate.sh --probes

echo "== cimi-ffi: Rust unit tests of the wrappers"
cargo test -p cimi-ffi --features probes --lib

echo "== cimi-ffi: the wrapper's locks under shuttle (randomized and PCT schedules)"
cargo test -p cimi-ffi --features shuttle --test shuttle -- --nocapture

echo "== cimi-ffi: Python smoke test of the generated bindings"
PYTHONPATH="$root/cimi-ffi/generated/python" python3 cimi-ffi/tests/python/smoke.py

echo "== cimi-ffi: Maven build (Kotlin tests, jar with the native library, Java consumer)"
mvn -B -ntp -f cimi-ffi/jvm/pom.xml clean verify
