#!/usr/bin/env bash
# The run command: the whole stack on this machine. Finds (or starts) PostgreSQL and NATS,
# creates the database, builds and starts the four services, waits until each reports SERVING,
# prints the endpoints, and stops everything cleanly on Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
require_cargo
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/pactum-target}"

ensure_postgres
ensure_nats
mkdir -p "$LOCAL/logs"
ensure_smtp
if [ -z "${DATABASE_URL:-}" ]; then
  create_database pactum
  DATABASE_URL="$PG_SERVER/pactum"
fi
export DATABASE_URL NATS_URL SMTP_URL

say "building the services"
cargo build --workspace --bins
bin="$CARGO_TARGET_DIR/debug"

declare -A ADDR=(
  [contracts]="${CONTRACTS_GRPC_ADDR:-127.0.0.1:50051}"
  [billing]="${BILLING_GRPC_ADDR:-127.0.0.1:50052}"
  [privacy]="${PRIVACY_GRPC_ADDR:-127.0.0.1:50053}"
  [notification]="${NOTIFICATION_GRPC_ADDR:-127.0.0.1:50054}"
)
SERVICES=(contracts billing privacy notification)
PIDS=()
mkdir -p "$LOCAL/logs"

shutdown() {
  trap - INT TERM EXIT
  say "stopping the services (SIGTERM, drain)"
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_private_services
}
trap shutdown INT TERM EXIT

for service in "${SERVICES[@]}"; do
  GRPC_ADDR="${ADDR[$service]}" "$bin/pactum-$service" >"$LOCAL/logs/$service.log" 2>&1 &
  PIDS+=("$!")
done

for i in "${!SERVICES[@]}"; do
  service="${SERVICES[$i]}"
  for attempt in $(seq 1 150); do
    if GRPC_ADDR="${ADDR[$service]}" "$bin/pactum-$service" healthcheck >/dev/null 2>&1; then break; fi
    kill -0 "${PIDS[$i]}" 2>/dev/null || die "$service stopped at start; see $LOCAL/logs/$service.log"
    [ "$attempt" -lt 150 ] || die "$service did not report SERVING within 30 s; see $LOCAL/logs/$service.log"
    sleep 0.2
  done
done

cat <<INFO

Pactum is running (logs in .local/logs/, JSON lines; LOG_FORMAT=text for plain text):

  contracts     ${ADDR[contracts]}    pactum.contracts.v1.ContractService
  billing       ${ADDR[billing]}    pactum.billing.v1.BillingService
  privacy       ${ADDR[privacy]}    pactum.privacy.v1.PrivacyService
  notification  ${ADDR[notification]}    pactum.notification.v1.NotificationService

  PostgreSQL    $(printf '%s' "$DATABASE_URL" | sed 's#://\([^:@]*\):[^@]*@#://\1:***@#')
  NATS          $NATS_URL
  SMTP          $SMTP_URL   (notices: the local server writes every mail to .local/mail/new/)

Every service serves reflection and grpc.health.v1, e.g. with grpcurl:

  grpcurl -plaintext ${ADDR[contracts]} list
  grpcurl -plaintext -d '{"name":"Acme B.V.","kvk_number":"12345678","primary_contact_email":"finance@acme.nl","request_id":"0b9f0c62-5f5e-4a6e-9c55-3c1b2f4d5e6a"}' \\
    ${ADDR[contracts]} pactum.contracts.v1.ContractService/CreateCustomer
  grpcurl -plaintext -d '{"customer_id":"<customer_id from above>"}' \\
    ${ADDR[notification]} pactum.notification.v1.NotificationService/GetContact
  grpcurl -plaintext -d '{"customer_id":"<customer_id from above>"}' \\
    ${ADDR[notification]} pactum.notification.v1.NotificationService/ListNotices
  grpcurl -plaintext -d '{"service":"pactum.contracts.v1.ContractService"}' ${ADDR[contracts]} grpc.health.v1.Health/Check
$( [ "${PACTUM_TEST_CLOCK:-0}" = 1 ] && printf '\nThe shared TEST clock is on (PACTUM_TEST_CLOCK=1): move every service to a new day with\n\n  grpcurl -plaintext -d %s %s pactum.testing.v1.TestClock/SetTime\n' "'{\"time\":\"2027-01-01T11:00:00Z\"}'" "${ADDR[contracts]}" )

Press Ctrl-C to stop everything.
INFO
# Returns on Ctrl-C (the services get SIGINT too) or when a service exits by itself.
wait -n "${PIDS[@]}" || true
for i in "${!SERVICES[@]}"; do
  if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then say "${SERVICES[$i]} has stopped"; fi
done
