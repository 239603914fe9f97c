-- Art. 8.5: SEPA direct debit. Mandates, the batches exported to the bank, each collection in
-- them, and the bank reports already imported (so a report imported twice changes nothing).
CREATE TABLE billing.mandates (
    mandate_id         TEXT        PRIMARY KEY CHECK (length(mandate_id) BETWEEN 1 AND 35),
    customer_id        UUID        NOT NULL,
    iban               TEXT        NOT NULL,
    bic                TEXT,
    debtor_name        TEXT        NOT NULL,
    signed_on          DATE        NOT NULL,
    scheme             TEXT        NOT NULL CHECK (scheme IN ('core', 'b2b')),
    status             TEXT        NOT NULL CHECK (status IN ('active', 'revoked', 'lapsed')),
    -- Set by the first collection sent: later ones are RCUR; cleared when a FRST fails.
    first_collected_on DATE,
    last_collected_on  DATE,
    ended_on           DATE,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX mandates_one_active_per_customer ON billing.mandates (customer_id) WHERE status = 'active';

CREATE TABLE billing.direct_debit_batches (
    batch_id        UUID        PRIMARY KEY,
    message_id      TEXT        NOT NULL UNIQUE,
    collection_date DATE        NOT NULL,
    document        TEXT        NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE billing.direct_debits (
    batch_id      UUID   NOT NULL REFERENCES billing.direct_debit_batches (batch_id),
    invoice_id    UUID   NOT NULL REFERENCES billing.invoices (invoice_id),
    mandate_id    TEXT   NOT NULL REFERENCES billing.mandates (mandate_id),
    sequence_type TEXT   NOT NULL CHECK (sequence_type IN ('FRST', 'RCUR')),
    amount_cents  BIGINT NOT NULL CHECK (amount_cents > 0),
    end_to_end_id TEXT   NOT NULL,
    status        TEXT   NOT NULL CHECK (status IN ('pending', 'collected', 'failed')),
    reason_code   TEXT,
    PRIMARY KEY (batch_id, invoice_id)
);
-- An invoice is never in two open batches.
CREATE UNIQUE INDEX direct_debits_one_pending_per_invoice ON billing.direct_debits (invoice_id) WHERE status = 'pending';
CREATE INDEX direct_debits_by_end_to_end ON billing.direct_debits (end_to_end_id);

CREATE TABLE billing.bank_reports (
    message_id  TEXT        PRIMARY KEY,
    kind        TEXT        NOT NULL CHECK (kind IN ('pain.002', 'camt.054')),
    imported_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Art. 8.5: the costs of a failed debit are the customer's, charged as a charge of its own.
CREATE TABLE billing.charges (
    charge_id    UUID        PRIMARY KEY,
    customer_id  UUID        NOT NULL,
    invoice_id   UUID        REFERENCES billing.invoices (invoice_id),
    amount_cents BIGINT      NOT NULL CHECK (amount_cents >= 0),
    reason       TEXT        NOT NULL,
    charged_on   DATE        NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Direct-debit invoices without a mandate: asked for once each.
CREATE TABLE billing.mandate_requests (
    invoice_id   UUID PRIMARY KEY REFERENCES billing.invoices (invoice_id),
    requested_on DATE NOT NULL
);
