-- +goose Up
-- delivery_key is what receivers see (Message-ID, Idempotency-Key,
-- webhook id). idempotency_key stays the outbox's own dedup key, built
-- from task ids; those ids repeat in a new or restored database, so the
-- outward key is random per notification instead. Rows already queued
-- keep their old key, so a retry of one of them still carries the key its
-- first attempt did.
ALTER TABLE notifications ADD COLUMN delivery_key TEXT NOT NULL DEFAULT '';
UPDATE notifications SET delivery_key = idempotency_key;
CREATE UNIQUE INDEX idx_notifications_delivery_key ON notifications(delivery_key);
-- failing_since is the first failed attempt of the current run of
-- failures: give-up and "this channel is down" count from it, and
-- `earshot outbox retry` clears it.
ALTER TABLE notifications ADD COLUMN failing_since TIMESTAMPTZ;
CREATE INDEX idx_notifications_channel_state ON notifications(channel, state);

-- +goose Down
DROP INDEX idx_notifications_channel_state;
ALTER TABLE notifications DROP COLUMN failing_since;
DROP INDEX idx_notifications_delivery_key;
ALTER TABLE notifications DROP COLUMN delivery_key;
