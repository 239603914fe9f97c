-- Retry-safe writes now go through one record of request ids for every write (the shared
-- `request_ids` table, crates/idempotency); the per-table columns covered creation only.
ALTER TABLE billing.invoices DROP COLUMN request_id;
ALTER TABLE billing.price_changes DROP COLUMN request_id;
ALTER TABLE billing.payments DROP COLUMN request_id;
