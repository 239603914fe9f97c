-- Art. 8.9, 14.21: a suspension takes effect only after its written announcement was sent;
-- the notification service reports when (or why it could not be delivered).
ALTER TABLE contracts.contracts
    ADD COLUMN suspension_announcement_sent_at TIMESTAMPTZ,
    ADD COLUMN suspension_announcement_failure TEXT;
