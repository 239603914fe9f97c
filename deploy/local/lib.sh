# Shared by run.sh and test.sh: find PostgreSQL and NATS (JetStream on) at the configured URLs,
# or install them from Debian's packages when missing and start private instances under
# .local/ (stopped again by `stop_private_services`; nothing system-wide is changed).
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL="$ROOT/.local"
STARTED_POSTGRES=""
STARTED_NATS=""

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi
}

apt_updated=""
install_packages() {
  command -v apt-get >/dev/null || die "cannot install $* here: no apt-get (install it yourself, or set DATABASE_URL / NATS_URL)"
  if [ -z "$apt_updated" ]; then
    say "apt-get update"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    apt_updated=1
  fi
  say "installing $* from Debian's packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

require_cargo() {
  command -v cargo >/dev/null || die "cargo not found: install the Rust toolchain (rustup) first; rust-toolchain.toml pins the version"
}

# --- PostgreSQL --------------------------------------------------------------------------

# The server URL without a database name, e.g. postgres://postgres@127.0.0.1:5432
PG_SERVER="${PG_SERVER:-postgres://postgres@127.0.0.1:5432}"

pg_answers() { psql "$1/postgres" -Atqc 'select 1' >/dev/null 2>&1; }

ensure_postgres() {
  command -v psql >/dev/null || install_packages postgresql-client
  if pg_answers "$PG_SERVER"; then
    say "PostgreSQL answers at $PG_SERVER"
    return
  fi
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
    install_packages postgresql
    bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
  fi
  # The package may have started its own cluster on 5432 meanwhile.
  if pg_answers "$PG_SERVER"; then
    say "PostgreSQL answers at $PG_SERVER"
    return
  fi
  local port=5432
  if (exec 3<>/dev/tcp/127.0.0.1/5432) 2>/dev/null; then port=55432; fi
  local data="$LOCAL/postgres"
  mkdir -p "$LOCAL"
  # initdb and postgres refuse to run as root: the private cluster belongs to `postgres`.
  local runas=()
  if [ "$(id -u)" -eq 0 ]; then
    id postgres >/dev/null 2>&1 || as_root useradd --system --home-dir "$data" postgres
    runas=(runuser -u postgres --)
  fi
  if [ ! -s "$data/PG_VERSION" ]; then
    say "creating a private PostgreSQL cluster in $data"
    mkdir -p "$data"
    chmod 700 "$data"
    if [ "$(id -u)" -eq 0 ]; then chown postgres "$data"; fi
    "${runas[@]}" "$bin/initdb" -D "$data" -U postgres --auth=trust --no-sync >/dev/null
  fi
  say "starting the private PostgreSQL on 127.0.0.1:$port"
  "${runas[@]}" "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $data -c fsync=off" start >/dev/null
  STARTED_POSTGRES="$bin/pg_ctl -D $data"
  PG_SERVER="postgres://postgres@127.0.0.1:$port"
  pg_answers "$PG_SERVER" || die "the private PostgreSQL did not start; see $data/server.log"
}

create_database() {
  local name="$1"
  if [ "$(psql "$PG_SERVER/postgres" -Atqc "select 1 from pg_database where datname = '$name'")" != 1 ]; then
    psql "$PG_SERVER/postgres" -qc "CREATE DATABASE \"$name\"" >/dev/null
  fi
}

# --- NATS --------------------------------------------------------------------------------

NATS_URL="${NATS_URL:-nats://127.0.0.1:4222}"

# A NATS server greets every client with an INFO line that says whether JetStream is on.
nats_has_jetstream() {
  local hostport="${1#nats://}" host port
  host="${hostport%:*}"; port="${hostport##*:}"
  timeout 3 bash -c "exec 3<>/dev/tcp/$host/$port && head -n 1 <&3" 2>/dev/null | grep -q '"jetstream":true'
}

ensure_nats_binary() {
  command -v nats-server >/dev/null || install_packages nats-server
}

ensure_nats() {
  if nats_has_jetstream "$NATS_URL"; then
    say "NATS with JetStream answers at $NATS_URL"
    return
  fi
  ensure_nats_binary
  local port=4222
  if (exec 3<>/dev/tcp/127.0.0.1/4222) 2>/dev/null; then port=54222; fi
  mkdir -p "$LOCAL/nats"
  say "starting a private NATS (JetStream) on 127.0.0.1:$port"
  nats-server -a 127.0.0.1 -p "$port" -js -sd "$LOCAL/nats" -l "$LOCAL/nats/server.log" -P "$LOCAL/nats/server.pid" &
  STARTED_NATS="$LOCAL/nats/server.pid"
  NATS_URL="nats://127.0.0.1:$port"
  for _ in $(seq 1 100); do nats_has_jetstream "$NATS_URL" && return; sleep 0.1; done
  die "the private NATS did not start; see $LOCAL/nats/server.log"
}

# --- SMTP ---------------------------------------------------------------------------------

STARTED_SMTP=""

# The notices' mail server for tests and local runs: deploy/local/smtp-sink.py on Debian's
# python3-aiosmtpd (a real SMTP server writing a Maildir).
ensure_smtp_sink_package() {
  /usr/bin/python3 -c 'import aiosmtpd' 2>/dev/null || install_packages python3-aiosmtpd
}

# Starts the sink on SMTP_PORT (2525) writing to .local/mail, unless SMTP_URL names a server.
ensure_smtp() {
  if [ -n "${SMTP_URL:-}" ]; then
    say "notices go to the SMTP server at SMTP_URL"
    return
  fi
  ensure_smtp_sink_package
  local port="${SMTP_PORT:-2525}"
  mkdir -p "$LOCAL/mail"
  say "starting the local SMTP server on 127.0.0.1:$port (mail in .local/mail/new/)"
  /usr/bin/python3 "$ROOT/deploy/local/smtp-sink.py" --port "$port" --maildir "$LOCAL/mail" >"$LOCAL/logs/smtp.log" 2>&1 &
  STARTED_SMTP="$!"
  SMTP_URL="smtp://127.0.0.1:$port"
  for _ in $(seq 1 100); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && return; sleep 0.1; done
  die "the local SMTP server did not start; see $LOCAL/logs/smtp.log"
}

stop_private_services() {
  if [ -n "$STARTED_SMTP" ]; then
    kill "$STARTED_SMTP" 2>/dev/null || true
  fi
  if [ -n "$STARTED_NATS" ] && [ -f "$STARTED_NATS" ]; then
    say "stopping the private NATS"
    kill "$(cat "$STARTED_NATS")" 2>/dev/null || true
  fi
  if [ -n "$STARTED_POSTGRES" ]; then
    say "stopping the private PostgreSQL"
    if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- $STARTED_POSTGRES -m fast stop >/dev/null || true; else $STARTED_POSTGRES -m fast stop >/dev/null || true; fi
  fi
}
