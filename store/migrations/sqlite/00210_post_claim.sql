-- +goose Up
-- A reply being posted is claimed on the task first (tasks.Service.Reply),
-- so a second submit (a double click, two staff, a retry after a crash)
-- cannot publish a second reply. post_key goes to the platform as its
-- idempotency key and stays the same for the same task and text, so a
-- retry after a crash is recognised; post_attempts counts attempts whose
-- outcome was never recorded, which is when the next attempt looks on the
-- platform for the reply before posting.
ALTER TABLE tasks ADD COLUMN post_key TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN post_claimed_at DATETIME;
ALTER TABLE tasks ADD COLUMN post_claimed_by TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN post_attempts INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE tasks DROP COLUMN post_attempts;
ALTER TABLE tasks DROP COLUMN post_claimed_by;
ALTER TABLE tasks DROP COLUMN post_claimed_at;
ALTER TABLE tasks DROP COLUMN post_key;
