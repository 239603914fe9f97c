-- Billing's own view of customers and contracts, built only from the contracts events.
CREATE TABLE billing.customers (
    customer_id           UUID        PRIMARY KEY,
    name                  TEXT        NOT NULL,
    kvk_number            TEXT        NOT NULL,
    primary_contact_email TEXT        NOT NULL,
    changed_at            TIMESTAMPTZ NOT NULL
);

CREATE TABLE billing.contracts (
    contract_id            UUID    PRIMARY KEY,
    customer_id            UUID    NOT NULL,
    status                 TEXT    NOT NULL,
    suspended              BOOLEAN NOT NULL,
    start_date             DATE    NOT NULL,
    end_date               DATE,
    billing_period         TEXT    CHECK (billing_period IN ('monthly', 'quarterly', 'yearly')),
    payment_method         TEXT    CHECK (payment_method IN ('direct_debit', 'bank_transfer')),
    line_product_codes     TEXT[]  NOT NULL,
    line_quantities        INTEGER[] NOT NULL,
    line_unit_prices_cents BIGINT[] NOT NULL,
    -- The contracts service's version counter: an older event never overwrites a newer one.
    version                BIGINT  NOT NULL,
    -- Invoicing progress: the next billing period to invoice (art. 8.7: in advance).
    next_period_index      INTEGER NOT NULL DEFAULT 0,
    next_period_start      DATE    NOT NULL
);
CREATE INDEX contracts_to_bill ON billing.contracts (next_period_start) WHERE status IN ('active', 'notice_given');

-- Art. 8.4: price changes apply to billing periods starting on or after their effective date.
CREATE TABLE billing.price_changes (
    price_change_id UUID        PRIMARY KEY,
    kind            TEXT        NOT NULL CHECK (kind IN ('indexation', 'change')),
    announced_on    DATE        NOT NULL,
    effective_date  DATE        NOT NULL,
    -- Hundredths of a percent: 350 is 3.5 %.
    basis_points    INTEGER     NOT NULL CHECK (basis_points > -10000),
    reason          TEXT        NOT NULL,
    request_id      TEXT        UNIQUE,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Gapless invoice numbers per year (Dutch VAT law): a number is taken in the transaction that
-- stores its invoice, so a rollback returns it.
CREATE TABLE billing.invoice_sequences (
    year        INTEGER PRIMARY KEY,
    last_number INTEGER NOT NULL
);

CREATE TABLE billing.invoices (
    invoice_id          UUID        PRIMARY KEY,
    invoice_number      TEXT        NOT NULL UNIQUE,
    kind                TEXT        NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    customer_id         UUID        NOT NULL,
    contract_id         UUID,
    issue_date          DATE        NOT NULL,
    due_date            DATE        NOT NULL,
    dispute_deadline    DATE        NOT NULL,
    period_start        DATE,
    period_end          DATE,
    line_descriptions   TEXT[]      NOT NULL,
    line_quantities     BIGINT[]    NOT NULL,
    line_unit_prices    BIGINT[]    NOT NULL,
    line_amounts        BIGINT[]    NOT NULL,
    subtotal_cents      BIGINT      NOT NULL,
    vat_rate_percent    INTEGER     NOT NULL,
    vat_cents           BIGINT      NOT NULL,
    total_cents         BIGINT      NOT NULL CHECK (total_cents = subtotal_cents + vat_cents),
    status              TEXT        NOT NULL CHECK (status IN ('open', 'paid', 'disputed', 'credited')),
    payment_method      TEXT,
    amount_paid_cents   BIGINT      NOT NULL DEFAULT 0,
    credited_invoice_id UUID        REFERENCES billing.invoices (invoice_id),
    customer_name       TEXT        NOT NULL,
    customer_kvk_number TEXT        NOT NULL,
    article             TEXT        NOT NULL,
    disputed_on         DATE,
    dispute_reason      TEXT,
    request_id          TEXT        UNIQUE,
    created_at          TIMESTAMPTZ NOT NULL DEFAULT now()
);
-- Art. 8.7: one invoice per contract and billing period, whatever runs in parallel.
CREATE UNIQUE INDEX invoices_one_per_period ON billing.invoices (contract_id, period_start) WHERE kind = 'invoice' AND contract_id IS NOT NULL;
CREATE INDEX invoices_by_customer ON billing.invoices (customer_id, invoice_id);
CREATE INDEX invoices_by_contract ON billing.invoices (contract_id, issue_date);
