-- +goose Up
-- due_at is the reply deadline and nothing else; the follow-up date gets
-- its own column. Until now due_at moved to the follow-up date once a
-- task was replied (and reply_due_at kept the deadline): move those dates
-- to follow_up_at and the deadline back to due_at, so nothing is lost.
ALTER TABLE tasks ADD COLUMN follow_up_at TIMESTAMPTZ;
UPDATE tasks SET follow_up_at = due_at
	WHERE replied_at IS NOT NULL AND (state IN ('replied', 'follow_up_due') OR due_at <> reply_due_at);
UPDATE tasks SET due_at = reply_due_at WHERE reply_due_at > '1970-01-02';
DROP INDEX idx_tasks_digest_reply_due;
ALTER TABLE tasks DROP COLUMN reply_due_at;
CREATE INDEX idx_tasks_follow_up ON tasks(state, follow_up_at);
CREATE INDEX idx_tasks_digest_follow_up ON tasks(business_id, follow_up_at, kind);

-- +goose Down
DROP INDEX idx_tasks_digest_follow_up;
DROP INDEX idx_tasks_follow_up;
ALTER TABLE tasks ADD COLUMN reply_due_at TIMESTAMPTZ NOT NULL DEFAULT '1970-01-01 00:00:00+00';
UPDATE tasks SET reply_due_at = due_at;
UPDATE tasks SET due_at = follow_up_at WHERE follow_up_at IS NOT NULL AND state IN ('replied', 'follow_up_due', 'resolved');
CREATE INDEX idx_tasks_digest_reply_due ON tasks(business_id, reply_due_at, kind, replied_at);
ALTER TABLE tasks DROP COLUMN follow_up_at;
