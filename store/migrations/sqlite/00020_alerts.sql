-- +goose Up
-- The issue a complaint is about ("service/slow"), so several complaints
-- about the same issue within a window group into one incident.
ALTER TABLE tasks ADD COLUMN issue TEXT NOT NULL DEFAULT '';
CREATE INDEX idx_tasks_business_issue ON tasks(business_id, issue, opened_at);
-- Per-recipient alert limits count recent notifications per recipient.
CREATE INDEX idx_notifications_recipient ON notifications(channel, recipient, created_at);
-- A new complaint from an author whose earlier one was answered reopens
-- that task: look up a business's mentions by author.
CREATE INDEX idx_mentions_business_author ON mentions(business_id, author);

-- +goose Down
DROP INDEX idx_mentions_business_author;
DROP INDEX idx_notifications_recipient;
DROP INDEX idx_tasks_business_issue;
ALTER TABLE tasks DROP COLUMN issue;
