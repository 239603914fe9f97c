-- The address invoices show (art. 35a Wet OB). Unset until the customer gives it.
ALTER TABLE contracts.customers
    ADD COLUMN street       TEXT,
    ADD COLUMN postal_code  TEXT,
    ADD COLUMN city         TEXT,
    ADD COLUMN country_code TEXT CHECK (country_code ~ '^[A-Z]{2}$'),
    ADD CONSTRAINT customers_address_whole CHECK (
        (street IS NULL AND postal_code IS NULL AND city IS NULL AND country_code IS NULL)
        OR (street IS NOT NULL AND postal_code IS NOT NULL AND city IS NOT NULL AND country_code IS NOT NULL));
