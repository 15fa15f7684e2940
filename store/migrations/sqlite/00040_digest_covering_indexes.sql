-- +goose Up
-- Covering indexes for the digest's task counts, so counting a week's
-- complaints (about 20,000 tasks at 100,000 mentions a week) reads index
-- entries only instead of looking up every task row:
--   opened apologies and their reply times: business, kind, opened_at
--   (+ replied_at);
--   deadlines of the week and whether they were met: business, due_at
--   (+ kind, replied_at);
--   follow-ups resolved and resolved complaints' issues: business,
--   resolved_at (+ kind, state, mention_id).
CREATE INDEX idx_tasks_digest_opened ON tasks(business_id, kind, opened_at, replied_at);
CREATE INDEX idx_tasks_digest_due ON tasks(business_id, due_at, kind, replied_at);
CREATE INDEX idx_tasks_digest_resolved ON tasks(business_id, resolved_at, kind, state, mention_id);

-- +goose Down
DROP INDEX idx_tasks_digest_resolved;
DROP INDEX idx_tasks_digest_due;
DROP INDEX idx_tasks_digest_opened;
