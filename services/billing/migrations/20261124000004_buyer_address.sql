-- The customer's address, from the contracts events, printed on invoices (art. 35a Wet OB) and
-- in e-invoices (NLCIUS NL-R-004). Each invoice keeps the address it was issued to.
ALTER TABLE billing.customers
    ADD COLUMN street       TEXT,
    ADD COLUMN postal_code  TEXT,
    ADD COLUMN city         TEXT,
    ADD COLUMN country_code TEXT;
ALTER TABLE billing.invoices
    ADD COLUMN customer_street       TEXT,
    ADD COLUMN customer_postal_code  TEXT,
    ADD COLUMN customer_city         TEXT,
    ADD COLUMN customer_country_code TEXT;
