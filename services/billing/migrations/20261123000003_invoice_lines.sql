-- Invoice lines as rows of their own, so a billing run stores a whole batch of invoices, their
-- lines and their events in three statements.
CREATE TABLE billing.invoice_lines (
    invoice_id       UUID   NOT NULL REFERENCES billing.invoices (invoice_id),
    line_no          INTEGER NOT NULL,
    description      TEXT   NOT NULL,
    quantity         BIGINT NOT NULL,
    unit_price_cents BIGINT NOT NULL,
    amount_cents     BIGINT NOT NULL CHECK (amount_cents = quantity * unit_price_cents),
    PRIMARY KEY (invoice_id, line_no)
);

INSERT INTO billing.invoice_lines (invoice_id, line_no, description, quantity, unit_price_cents, amount_cents)
SELECT i.invoice_id, l.n, l.description, l.quantity, l.unit_price, l.amount
FROM billing.invoices i,
     UNNEST(i.line_descriptions, i.line_quantities, i.line_unit_prices, i.line_amounts) WITH ORDINALITY AS l(description, quantity, unit_price, amount, n);

ALTER TABLE billing.invoices
    DROP COLUMN line_descriptions,
    DROP COLUMN line_quantities,
    DROP COLUMN line_unit_prices,
    DROP COLUMN line_amounts;
