-- The contracts service's own event plumbing (see crates/bus): the outbox its relay publishes
-- from, and the inbox its consumers record processed events in.
CREATE TABLE contracts.outbox (
    seq           BIGSERIAL PRIMARY KEY,
    event_id      UUID        NOT NULL UNIQUE,
    event_type    TEXT        NOT NULL,
    source        TEXT        NOT NULL,
    subject       TEXT        NOT NULL,
    data_schema   TEXT        NOT NULL,
    occurred_at   TIMESTAMPTZ NOT NULL,
    payload       BYTEA       NOT NULL,
    trace_context TEXT[]      NOT NULL DEFAULT '{}',
    published_at  TIMESTAMPTZ
);
CREATE INDEX outbox_pending ON contracts.outbox (seq) WHERE published_at IS NULL;

CREATE TABLE contracts.inbox (
    consumer     TEXT        NOT NULL,
    event_id     UUID        NOT NULL,
    event_type   TEXT        NOT NULL,
    processed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (consumer, event_id)
);
