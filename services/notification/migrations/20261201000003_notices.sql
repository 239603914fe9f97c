-- Every notice the terms require, by e-mail and in the application, with the evidence that it
-- was given (art. 14.21). What was sent is never edited; a notice only moves on in status.
CREATE TABLE notification.notices (
    notice_id       UUID        PRIMARY KEY,
    customer_id     UUID        NOT NULL,
    kind            TEXT        NOT NULL,
    article         TEXT        NOT NULL,
    critical        BOOLEAN     NOT NULL,
    channel         TEXT        NOT NULL CHECK (channel IN ('email', 'in_app')),
    recipient       TEXT        NOT NULL,
    language        TEXT        NOT NULL CHECK (language IN ('nl', 'en')),
    subject         TEXT        NOT NULL,
    body_text       TEXT        NOT NULL,
    body_html       TEXT        NOT NULL,
    status          TEXT        NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'bounced')),
    created_at      TIMESTAMPTZ NOT NULL,
    sent_at         TIMESTAMPTZ,
    read_at         TIMESTAMPTZ,
    message_id      TEXT        UNIQUE,
    content_sha256  TEXT,
    source_event_id UUID        NOT NULL,
    -- The subject of that event (a contract's events: the contract id).
    source_subject  TEXT        NOT NULL,
    failure         TEXT,
    -- When a queued e-mail is next due, and until when a worker holds it.
    next_attempt_at TIMESTAMPTZ,
    leased_until    TIMESTAMPTZ,
    -- Exactly once per event, recipient and channel, whatever redelivers the event.
    CONSTRAINT notices_once UNIQUE (source_event_id, recipient, channel)
);
CREATE INDEX notices_of_customer ON notification.notices (customer_id, notice_id DESC);
CREATE INDEX notices_due ON notification.notices (next_attempt_at) WHERE status = 'queued';

-- Each try to hand an e-mail to the mail server, with the server's reply.
CREATE TABLE notification.notice_attempts (
    notice_id   UUID        NOT NULL REFERENCES notification.notices (notice_id),
    attempt     INTEGER     NOT NULL,
    at          TIMESTAMPTZ NOT NULL,
    reply_code  INTEGER,
    reply_text  TEXT        NOT NULL,
    PRIMARY KEY (notice_id, attempt)
);

-- Which customers have an active agreement (art. 2.2, 8.4: they receive the announcements),
-- learned from the contracts events.
CREATE TABLE notification.agreements (
    contract_id UUID        PRIMARY KEY,
    customer_id UUID        NOT NULL,
    active      BOOLEAN     NOT NULL,
    changed_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX agreements_active ON notification.agreements (customer_id) WHERE active;
