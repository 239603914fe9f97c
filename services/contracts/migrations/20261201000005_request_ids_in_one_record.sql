-- Retry-safe writes now go through one record of request ids for every write (the shared
-- `request_ids` table, crates/idempotency); the per-table columns covered creation only.
ALTER TABLE contracts.customers DROP COLUMN request_id;
ALTER TABLE contracts.contracts DROP COLUMN request_id;
