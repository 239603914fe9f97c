-- Versions of the general terms (art. 2.2) and who accepted which (art. 4.3 F).
CREATE TABLE contracts.terms_versions (
    version          TEXT        PRIMARY KEY CHECK (length(version) BETWEEN 1 AND 64),
    published_on     DATE        NOT NULL,
    effective_date   DATE        NOT NULL CHECK (effective_date > published_on),
    materially_worse BOOLEAN     NOT NULL,
    summary          TEXT        NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE contracts.terms_acceptances (
    customer_id UUID        NOT NULL REFERENCES contracts.customers (customer_id),
    version     TEXT        NOT NULL REFERENCES contracts.terms_versions (version),
    accepted_at TIMESTAMPTZ NOT NULL,
    accepted_by TEXT        NOT NULL,
    ip_address  TEXT        NOT NULL,
    PRIMARY KEY (customer_id, version)
);

-- Trials and agreements (art. 3.9, 13). Lines are kept in the row as parallel arrays: a
-- contract is always read and written whole.
CREATE TABLE contracts.contracts (
    contract_id               UUID        PRIMARY KEY,
    customer_id               UUID        NOT NULL REFERENCES contracts.customers (customer_id),
    status                    TEXT        NOT NULL CHECK (status IN ('trial', 'active', 'notice_given', 'terminated', 'dissolved', 'trial_expired', 'converted')),
    suspended                 BOOLEAN     NOT NULL DEFAULT false,
    suspension_effective_date DATE,
    access_blocked            BOOLEAN     NOT NULL DEFAULT false,
    start_date                DATE        NOT NULL,
    term_months               INTEGER     NOT NULL CHECK (term_months BETWEEN 0 AND 120),  -- 0 for a trial
    term_index                INTEGER     NOT NULL DEFAULT 0 CHECK (term_index >= 0),
    current_term_start        DATE        NOT NULL,
    current_term_end          DATE        NOT NULL CHECK (current_term_end >= current_term_start),
    end_date                  DATE,
    -- The article the known end rests on (13.2 notice, 2.2 terms change, 11.2, 13.4).
    end_article               TEXT,
    trial_end_date            DATE,
    billing_period            TEXT        CHECK (billing_period IN ('monthly', 'quarterly', 'yearly')),
    payment_method            TEXT        CHECK (payment_method IN ('direct_debit', 'bank_transfer')),
    line_product_codes        TEXT[]      NOT NULL DEFAULT '{}',
    line_quantities           INTEGER[]   NOT NULL DEFAULT '{}',
    line_unit_prices_cents    BIGINT[]    NOT NULL DEFAULT '{}',
    terms_version             TEXT        REFERENCES contracts.terms_versions (version),
    force_majeure_since       DATE,
    version                   BIGINT      NOT NULL DEFAULT 1,
    request_id                TEXT        UNIQUE,
    created_at                TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at                TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX contracts_by_customer ON contracts.contracts (customer_id, contract_id);
-- RunRenewals looks for running contracts whose term has passed.
CREATE INDEX contracts_running_by_term_end ON contracts.contracts (current_term_end) WHERE status IN ('active', 'notice_given');
CREATE INDEX contracts_trials_by_end ON contracts.contracts (trial_end_date) WHERE status = 'trial';
-- Art. 3.9: one open trial per customer.
CREATE UNIQUE INDEX contracts_one_open_trial ON contracts.contracts (customer_id) WHERE status = 'trial';
