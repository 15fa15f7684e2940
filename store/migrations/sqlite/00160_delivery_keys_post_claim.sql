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
ALTER TABLE notifications ADD COLUMN failing_since DATETIME;
CREATE INDEX idx_notifications_channel_state ON notifications(channel, state);
-- A reply being posted is claimed on the task first, so a second submit
-- (a double click, two staff, a retry after a crash) cannot publish a
-- second reply. post_key goes to the platform as its idempotency key and
-- survives a crash, so the retry is recognised.
ALTER TABLE tasks ADD COLUMN post_key TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN post_claimed_at DATETIME;
ALTER TABLE tasks ADD COLUMN post_claimed_by TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tasks DROP COLUMN post_claimed_by;
ALTER TABLE tasks DROP COLUMN post_claimed_at;
ALTER TABLE tasks DROP COLUMN post_key;
DROP INDEX idx_notifications_channel_state;
ALTER TABLE notifications DROP COLUMN failing_since;
DROP INDEX idx_notifications_delivery_key;
ALTER TABLE notifications DROP COLUMN delivery_key;
