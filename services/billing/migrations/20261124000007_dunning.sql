-- Reminders for invoices past due (day 1, 14 and 30, each once) and customers in default.
CREATE TABLE billing.reminders (
    invoice_id UUID    NOT NULL REFERENCES billing.invoices (invoice_id),
    stage      INTEGER NOT NULL CHECK (stage IN (1, 14, 30)),
    sent_on    DATE    NOT NULL,
    PRIMARY KEY (invoice_id, stage)
);

CREATE TABLE billing.defaults (
    customer_id UUID PRIMARY KEY,
    since       DATE NOT NULL
);
