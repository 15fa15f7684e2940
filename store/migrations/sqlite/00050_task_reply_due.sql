-- +goose Up
-- A task's due_at moves to the follow-up date once the customer is
-- answered; reply_due_at keeps the deadline for that answer, so "answered
-- before the deadline" stays measurable. Tasks stored before this column
-- existed get their current due_at (exact for tasks not yet answered).
ALTER TABLE tasks ADD COLUMN reply_due_at DATETIME NOT NULL DEFAULT '1970-01-01 00:00:00.000';
UPDATE tasks SET reply_due_at = due_at;
CREATE INDEX idx_tasks_digest_reply_due ON tasks(business_id, reply_due_at, kind, replied_at);

-- +goose Down
DROP INDEX idx_tasks_digest_reply_due;
ALTER TABLE tasks DROP COLUMN reply_due_at;
