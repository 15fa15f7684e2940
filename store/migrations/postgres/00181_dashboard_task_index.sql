-- +goose Up
-- Covers the dashboard's task aggregates (per day, per issue, reply time
-- and on-time share over a period): an index-only range scan per business.
CREATE INDEX idx_tasks_dashboard ON tasks(business_id, opened_at, issue, replied_at, due_at);

-- +goose Down
DROP INDEX idx_tasks_dashboard;
