#!/usr/bin/env bash
# Refreshes each service's committed `.sqlx/` query data, which lets `sqlx::query!` be checked
# at compile time without a database (CI and fresh clones build with SQLX_OFFLINE=true).
#
# It migrates a scratch database with every service's migrations, then rebuilds each service
# online with SQLX_OFFLINE_DIR pointing at its `.sqlx/`. Run it after changing a query or a
# migration; commit the result.
set -euo pipefail
cd "$(dirname "$0")/../.."

server="${PREPARE_DATABASE_URL:-postgres://postgres@127.0.0.1:5432}"
db="pactum_sqlx_prepare"
psql "$server/postgres" -v ON_ERROR_STOP=1 -qc "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"

for dir in services/*/; do
  service="$(basename "$dir")"
  psql "$server/$db" -v ON_ERROR_STOP=1 -qc "CREATE SCHEMA $service"
  for migration in "$dir"migrations/*.sql; do
    psql "$server/$db" -v ON_ERROR_STOP=1 -q -f "$migration"
  done
done

for dir in services/*/; do
  service="$(basename "$dir")"
  rm -rf "$dir.sqlx" && mkdir -p "$dir.sqlx"
  # Query macros only re-run when their crate recompiles.
  touch "$dir"src/lib.rs
  SQLX_OFFLINE=false SQLX_OFFLINE_DIR="$PWD/$dir.sqlx" DATABASE_URL="$server/$db" \
    cargo check --quiet -p "pactum-$service" --lib
  echo "$service: $(ls "$dir.sqlx" | wc -l) queries"
done
psql "$server/postgres" -qc "DROP DATABASE $db"
