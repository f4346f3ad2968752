#!/usr/bin/env bash
# Builds the `cimi` Python module and runs its checks, on a fresh machine
# (CPython >= 3.10 with pip and venv, a Rust toolchain, PyPI reachable).
#
#   bash cimi-py/scripts/test.sh            # venv, release wheel, stubtest, pytest, shuttle
#   bash cimi-py/scripts/test.sh --bench    # ... then benches/python/bench_register.py
#
# Environment: PYTHON (interpreter that creates the venv, default python3),
# CIMI_VENV (default <repo>/.venv), extra pytest arguments after `--`.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"   # cimi-py/
root="$(cd "$here/.." && pwd)"                            # repository root
venv="${CIMI_VENV:-$root/.venv}"
python="${PYTHON:-python3}"

bench=0
pytest_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --bench) bench=1 ;;
    --) shift; pytest_args+=("$@"); break ;;
    *) pytest_args+=("$1") ;;
  esac
  shift
done

step() { printf '\n== cimi-py: %s\n' "$*"; }

step "virtual environment $venv"
if [ ! -x "$venv/bin/python" ]; then
  "$python" -m venv "$venv"
fi
vpy="$venv/bin/python"
"$vpy" -m pip install --quiet --disable-pip-version-check -r "$here/requirements-dev.txt"

step "release wheel (abi3, CPython >= 3.10)"
wheels="${CARGO_TARGET_DIR:-$root/target}/cimi-py-wheels"
rm -rf "$wheels"
# One release build serves the tests and the benchmark.
"$venv/bin/maturin" build --release --quiet \
  --manifest-path "$here/Cargo.toml" --interpreter "$vpy" --out "$wheels"
"$vpy" -m pip install --quiet --disable-pip-version-check --no-deps --force-reinstall "$wheels"/cimi-*.whl

# Run from tests/ (cimi-py/python/ is not on sys.path there) so that the
# installed wheel, stubs and py.typed included, is what gets checked.
cd "$here/tests"

step "stubs (mypy.stubtest, mypy on the tests)"
export MYPY_CACHE_DIR="${CARGO_TARGET_DIR:-$root/target}/mypy-cache"
"$vpy" -m mypy.stubtest cimi --allowlist "$here/stubtest-allowlist.txt"
"$vpy" -m mypy --strict --no-error-summary typing_check.py

step "pytest"
"$vpy" -m pytest -p no:cacheprovider -q "${pytest_args[@]}"

step "interleavings of cimi.Community's lock (shuttle; SHUTTLE_ITERATIONS, default 2000 per scheduler)"
cd "$root"
cargo test -q -p cimi-py --locked --features shuttle --test shuttle_lock -- --nocapture

if [ "$bench" = 1 ]; then
  step "benchmark"
  "$vpy" "$root/benches/python/bench_register.py"
fi
