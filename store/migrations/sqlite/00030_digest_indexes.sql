-- +goose Up
-- The weekly digest aggregates a business's mentions of five weeks
-- (up to hundreds of thousands of rows). These indexes cover the columns
-- its queries read, so they never touch the wide mention rows (text,
-- title) and stay within the one-second budget for 100,000 mentions a week.
CREATE INDEX idx_mentions_digest ON mentions(business_id, posted_at, source_id, analyzed_version, rating);
CREATE INDEX idx_mentions_source_posted ON mentions(source_id, posted_at, rating);
CREATE INDEX idx_analyses_digest ON analyses(mention_id, mention_version, label, complaint, compound);
CREATE INDEX idx_aspects_digest ON aspects(analysis_id, polarity, category, term);
CREATE INDEX idx_aspects_mention ON aspects(mention_id);
CREATE INDEX idx_tasks_business_resolved ON tasks(business_id, resolved_at);
CREATE INDEX idx_tasks_business_state_due ON tasks(business_id, state, due_at);

-- +goose Down
DROP INDEX idx_tasks_business_state_due;
DROP INDEX idx_tasks_business_resolved;
DROP INDEX idx_aspects_mention;
DROP INDEX idx_aspects_digest;
DROP INDEX idx_analyses_digest;
DROP INDEX idx_mentions_source_posted;
DROP INDEX idx_mentions_digest;
