#!/usr/bin/env bash
# Builds the fuzz targets, replays the inputs that once crashed them
# (regressions/<target>/), then runs each target for FUZZ_SECONDS (20 by
# default) from its seed corpus and prints its execution count.
#
#   bash fuzz/run.sh                         # every target
#   FUZZ_SECONDS=600 bash fuzz/run.sh engine_ops journal_decode
#
# Runs on the stable toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z
# flags (AddressSanitizer, coverage) to the stable rustc, whose sysroot ships
# the sanitizer runtimes. New inputs go to a scratch directory; the committed
# seed corpora are only read. Exits non-zero when a regression input or a run
# crashes (the crashing input is then in fuzz/artifacts/<target>/); the other
# targets still run.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-20}"
all=(mail_parse csv_import address statutes_json community_json journal_decode engine_ops)
if [ $# -eq 0 ]; then
    targets=("${all[@]}")
else
    targets=("$@")
    for t in "${targets[@]}"; do
        case " ${all[*]} " in
            *" $t "*) ;;
            *) echo "unknown fuzz target '$t' (known: ${all[*]})" >&2; exit 2 ;;
        esac
    done
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1

start=$(date +%s)
if [ $# -eq 0 ]; then
    cargo fuzz build
else
    for t in "${targets[@]}"; do cargo fuzz build "$t"; done
fi
echo "==> built in $(( $(date +%s) - start ))s"

logs="$(mktemp -d)"
trap 'rm -rf "$logs"' EXIT
failed=()
summary=()
for target in "${targets[@]}"; do
    # Every input that once crashed the target must now pass.
    regressions=()
    if [ -d "regressions/$target" ]; then
        while IFS= read -r -d '' f; do regressions+=("$f"); done \
            < <(find "regressions/$target" -type f ! -name '*.md' -print0 | sort -z)
    fi
    if [ ${#regressions[@]} -gt 0 ]; then
        if cargo fuzz run "$target" "${regressions[@]}" >"$logs/$target.replay" 2>&1; then
            echo "==> $target: ${#regressions[@]} regression input(s) pass"
        else
            echo "==> $target: a regression input crashes again:"
            grep '^Running:' "$logs/$target.replay" | tail -n 1
            grep -E -A3 'panicked at|ERROR: (AddressSanitizer|libFuzzer)' "$logs/$target.replay" | head -n 30
            failed+=("$target (regression)")
        fi
    fi

    scratch="$logs/corpus-$target"
    mkdir -p "$scratch"
    echo "==> $target for ${seconds}s"
    if cargo fuzz run "$target" "$scratch" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 \
        >"$logs/$target.log" 2>&1; then
        status=ok
    else
        status=CRASH
        failed+=("$target")
        mkdir -p "artifacts/$target"
        cp "$logs/$target.log" "artifacts/$target/run.log"
        # The panic (or sanitizer report) and where the input went; the whole
        # log is kept in artifacts/<target>/run.log.
        grep -E -A3 'panicked at|ERROR: (AddressSanitizer|libFuzzer)' "$logs/$target.log" | head -n 30
        grep -E 'Test unit written' "$logs/$target.log" || true
    fi
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$logs/$target.log" | tail -n 1)
    cov=$(grep -o 'cov: [0-9]*' "$logs/$target.log" | tail -n 1 || true)
    echo "    $target: ${runs:-?} executions in ${seconds}s, ${cov:-cov: ?}, $status"
    summary+=("$(printf '%-16s %10s executions  %s' "$target" "${runs:-?}" "$status")")
done

echo "==> fuzz summary (${seconds}s per target, $(( $(date +%s) - start ))s in all)"
printf '    %s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
    echo "==> FAILED: ${failed[*]} (inputs in fuzz/artifacts/<target>/)" >&2
    exit 1
fi
