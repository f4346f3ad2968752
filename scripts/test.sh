#!/usr/bin/env bash
# Runs every test of the project, on a fresh machine: Rust formatting, lints,
# unit/property/doc/golden tests of the workspace, then the Python module's and
# the FFI's suites (each installs what it needs).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR=never

step() { printf '\n==> %s\n' "$*"; }

# A throw-away PostgreSQL cluster for the PostgreSQL store's tests (Rust,
# Python, JVM): made with initdb in a temporary directory, run as an
# unprivileged user on a Unix socket and a loopback port, stopped and
# removed at the end, whatever happens.
step "PostgreSQL: a throw-away cluster (scripts/postgres.sh)"
PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cimi-pg.XXXXXX")"
stop_postgres() {
    bash scripts/postgres.sh stop "$PG_DIR" >/dev/null 2>&1 || true
    rm -rf "$PG_DIR"
}
trap stop_postgres EXIT
CIMI_TEST_POSTGRES_URL="$(bash scripts/postgres.sh start "$PG_DIR")"
export CIMI_TEST_POSTGRES_URL
# The PostgreSQL tests fail, instead of skipping, without a server.
export CIMI_REQUIRE_POSTGRES=1
echo "server: $CIMI_TEST_POSTGRES_URL"

step "rustfmt"
cargo fmt --all -- --check

step "the core's shape: no module cycle, layers downward only, no file over 1,000 lines"
python3 scripts/check_layers.py

step "clippy (all targets, warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests (unit, property, doc, golden; the PostgreSQL store against the server)"
cargo test --workspace --locked

step "rustdoc of the core (broken links are errors)"
RUSTDOCFLAGS="-D warnings" cargo doc -p cimi-core --no-deps --features postgres --locked

step "main job"
cargo run -q -p cimi-core --locked --example miditech_2017 -- --lang en >/dev/null

step "Python module: wheel, stubtest, pytest"
bash cimi-py/scripts/test.sh

step "notebook walkthrough: the main job's community in Python, requests from a CSV with polars, a figure (matplotlib, Agg)"
"${CIMI_VENV:-.venv}/bin/python" examples/notebook_walkthrough.py

step "FFI: bindings (Kotlin, Swift, Python), Python smoke test, Maven (Kotlin tests, Java consumer)"
bash cimi-ffi/scripts/test.sh

step "several processes, one PostgreSQL community: Python, Java and Rust writers at once"
"${CIMI_VENV:-.venv}/bin/python" tests/multiprocess/several_writers.py

step "fuzz targets, briefly (cargo-fuzz on the stable toolchain; long runs: fuzz/README.md)"
FUZZ_SECONDS="${FUZZ_SECONDS:-15}" bash fuzz/run.sh
