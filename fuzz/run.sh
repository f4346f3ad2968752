#!/usr/bin/env bash
# Runs each fuzz target briefly (FUZZ_SECONDS, 20 by default) on the stable
# toolchain: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags (AddressSanitizer,
# coverage) to the stable rustc, whose sysroot ships the sanitizer runtimes.
# New inputs go to a scratch directory; the committed seed corpora are only read.
# Exits non-zero when a target crashes (the input is then in fuzz/artifacts/).
set -euo pipefail
cd "$(dirname "$0")"
seconds="${FUZZ_SECONDS:-20}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
export RUSTC_BOOTSTRAP=1
cargo fuzz build
for target in mail_parse csv_import; do
    scratch="$(mktemp -d)"
    echo "==> $target for ${seconds}s"
    cargo fuzz run "$target" "$scratch" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -print_final_stats=1 2>&1 | tail -n 15
    rm -rf "$scratch"
done
