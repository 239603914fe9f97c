#!/usr/bin/env bash
# The test command: every test of the workspace against real PostgreSQL and NATS.
# Starts them (see lib.sh) when they are not running; the tests also start private
# `nats-server` processes of their own, so the binary must be on PATH.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
require_cargo
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pactum-target}"

ensure_postgres
ensure_nats
ensure_nats_binary
# The billing tests validate UBL documents against the official schemas with xmllint.
command -v xmllint >/dev/null || install_packages libxml2-utils
# The notification tests send to a real SMTP server (deploy/local/smtp-sink.py).
ensure_smtp_sink_package
trap stop_private_services EXIT

# Each test makes a database of its own; drop what earlier runs left behind.
drop_test_databases() {
  psql "$PG_SERVER/postgres" -Atqc "select datname from pg_database where datname like 'pactum\_test\_%'" |
    while read -r db; do psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null; done
}
drop_test_databases

export DATABASE_URL="$PG_SERVER/postgres" NATS_URL
say "building the service binaries (the end-to-end test runs them)"
cargo build --workspace --bins
say "running every test of the workspace"
status=0
log="$(mktemp)"
cargo test --workspace "$@" 2>&1 | tee "$log" || status=$?
# Every benchmark once in small mode (debug build, a few hundred rows), so none can rot; the
# figures in the README come from `cargo bench` at full size.
if [ "$status" -eq 0 ]; then
  say "running every benchmark in small mode"
  BENCH_CONTRACTS=500 cargo test -p pactum-contracts -p pactum-billing --bench renewals --bench billing_run 2>&1 | tee -a "$log" || status=$?
  BENCH_NOTICES=50 cargo test -p pactum-notification --bench deliveries 2>&1 | tee -a "$log" || status=$?
fi
# Every fuzz target for a few seconds, for the same reason (`./deploy/local/fuzz.sh` fuzzes longer).
if [ "$status" -eq 0 ]; then
  say "running every fuzz target briefly"
  FUZZ_SECONDS="${FUZZ_SECONDS:-5}" "$ROOT/deploy/local/fuzz.sh" || status=$?
fi
drop_test_databases
# One closing line for the whole workspace (cargo prints one per test binary).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i) ~ /^passed;?$/) p += $(i-1); if ($(i) ~ /^failed;?$/) f += $(i-1) } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
rm -f "$log"
exit "$status"
