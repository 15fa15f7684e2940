-- +goose Up
-- Whether an aspect names a problem ("cold food", "45-minute wait") or is
-- a thing mentioned in a negative sentence ("waiter"): reply drafts
-- apologise for problems only. Analyses stored before this have none
-- marked, so their drafts apologise without naming anything.
ALTER TABLE aspects ADD COLUMN problem INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE aspects DROP COLUMN problem;
