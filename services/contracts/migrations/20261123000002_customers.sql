-- Customers (art. 1.1 c). Art. 3.8: a KvK number of 8 digits; art. 14.20: a primary contact.
CREATE TABLE contracts.customers (
    customer_id           UUID        PRIMARY KEY,
    name                  TEXT        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    kvk_number            TEXT        NOT NULL CHECK (kvk_number ~ '^[0-9]{8}$'),
    primary_contact_email TEXT        NOT NULL CHECK (length(primary_contact_email) BETWEEN 3 AND 254),
    created_at            TIMESTAMPTZ NOT NULL,
    -- The caller's idempotency key of CreateCustomer; NULLs never conflict.
    request_id            TEXT        UNIQUE
);
