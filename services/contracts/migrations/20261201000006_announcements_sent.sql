-- Art. 8.9, 14.9, 14.21: a suspension takes effect, and a block warned about follows, only
-- after the written announcement or warning was sent; the notification service reports when
-- (or why it could not be delivered).
ALTER TABLE contracts.contracts
    ADD COLUMN suspension_announcement_sent_at TIMESTAMPTZ,
    ADD COLUMN suspension_announcement_failure TEXT,
    ADD COLUMN access_block_pending TEXT,
    ADD COLUMN access_block_warning_sent_at TIMESTAMPTZ,
    ADD COLUMN access_block_warning_failure TEXT;

-- Art. 14.20: the last e-mail notice to the primary contact failed or bounced (the customer
-- must keep that address current); cleared by one that gets through, or a new address.
ALTER TABLE contracts.customers
    ADD COLUMN contact_undeliverable_at TIMESTAMPTZ,
    ADD COLUMN contact_undeliverable_reason TEXT;

-- Art. 14.19: the language of the customer's notices.
ALTER TABLE contracts.customers ADD COLUMN language TEXT NOT NULL DEFAULT 'nl' CHECK (language IN ('nl', 'en'));
