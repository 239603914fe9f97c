-- Art. 8.8, 6:119a BW: the statutory commercial rates as dated rows (they change on 1 January
-- and 1 July). Seeded with the values the terms issue lists from the official publications;
-- operators add new ones with SetStatutoryRate.
CREATE TABLE billing.statutory_rates (
    valid_from   DATE        PRIMARY KEY,
    basis_points INTEGER     NOT NULL CHECK (basis_points BETWEEN 0 AND 100000),
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO billing.statutory_rates (valid_from, basis_points) VALUES
    ('2020-01-01', 800), ('2023-01-01', 1050), ('2023-07-01', 1200), ('2024-01-01', 1250),
    ('2024-07-01', 1225), ('2025-01-01', 1115), ('2025-07-01', 1015), ('2026-01-01', 1015);

CREATE TABLE billing.payments (
    payment_id   UUID        PRIMARY KEY,
    invoice_id   UUID        NOT NULL REFERENCES billing.invoices (invoice_id),
    amount_cents BIGINT      NOT NULL CHECK (amount_cents > 0),
    paid_on      DATE        NOT NULL,
    reference    TEXT        NOT NULL,
    request_id   TEXT        UNIQUE,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX payments_by_invoice ON billing.payments (invoice_id, paid_on);

-- Art. 8.8: a claim handed over for collection, with the costs the BIK scale set then.
CREATE TABLE billing.collections (
    invoice_id     UUID   PRIMARY KEY REFERENCES billing.invoices (invoice_id),
    handed_over_on DATE   NOT NULL,
    costs_cents    BIGINT NOT NULL CHECK (costs_cents >= 0)
);

-- What customers paid beyond what they owed: kept, never dropped.
CREATE TABLE billing.credit_balances (
    customer_id   UUID   PRIMARY KEY,
    balance_cents BIGINT NOT NULL
);
