-- Retry-safe writes (AIP-155), shared by every service through crates/idempotency and created in
-- the service's own schema (the connection's search path). One row per request id that
-- succeeded: the method and the request's fingerprint (so the same id with another request is
-- refused), and the first answer, which a retry gets back. The row is written in the
-- transaction of the write itself, so a write without its record (or the reverse) cannot exist.
CREATE TABLE request_ids (
    request_id  UUID        PRIMARY KEY,
    method      TEXT        NOT NULL,
    fingerprint BYTEA       NOT NULL,
    answer      BYTEA       NOT NULL,
    recorded_at TIMESTAMPTZ NOT NULL
);
-- The daily retention job deletes by age.
CREATE INDEX request_ids_recorded_at ON request_ids (recorded_at);
