#!/usr/bin/env bash
# Coverage-guided fuzzing (libFuzzer) of what callers and banks send, on the stable toolchain:
# builds fuzz/ with the instrumentation cargo-fuzz uses, then runs each target from its seeds
# for FUZZ_SECONDS (default 60) and fails on the first crash, leaving the input under
# fuzz/artifacts/. The test command runs it with FUZZ_SECONDS=5 so no target can rot.
#   ./deploy/local/fuzz.sh                      every target, a minute each
#   FUZZ_SECONDS=600 ./deploy/local/fuzz.sh money
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT/fuzz"
require_cargo
seconds="${FUZZ_SECONDS:-60}"
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(bank_reports dates money text)
# Its own target directory: the instrumented build shares nothing with the workspace's.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$HOME/.cache/pactum-fuzz-target}"
triple="$(rustc -vV | sed -n 's/^host: //p')"
flags="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4"
flags+=" -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table"
flags+=" -Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
say "building the fuzz targets (instrumented, release)"
# --target keeps the instrumentation off build scripts and proc macros, as cargo-fuzz does.
RUSTFLAGS="$flags" cargo build --quiet --release --target "$triple" --bins
mkdir -p artifacts
for target in "${targets[@]}"; do
  corpus="$(mktemp -d)"
  cp -r "seeds/$target/." "$corpus/" 2>/dev/null || true
  say "fuzzing $target for ${seconds}s"
  log="$(mktemp)"
  if ! "$CARGO_TARGET_DIR/$triple/release/$target" "$corpus" -max_total_time="$seconds" -max_len=65536 \
      -artifact_prefix="artifacts/$target-" -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    die "$target crashed; the input is under fuzz/artifacts/"
  fi
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")"
  coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -1)"
  echo "$target: $runs inputs in ${seconds}s, $coverage, corpus $(ls "$corpus" | wc -l) inputs, no crash"
  rm -rf "$corpus" "$log"
done
