-- +goose Up
-- Full-text search of the inbox over what the customer wrote and who
-- they are: a GIN index on the same expression the store queries
-- (store.mentionSearchVector). The 'simple' configuration lower-cases
-- and splits words but does not stem or drop stop words: an English
-- stemmer would mangle Japanese, German or French reviews, and earshot
-- stores all of them in one table.
CREATE INDEX idx_mentions_fts ON mentions USING GIN (to_tsvector('simple', title || ' ' || text || ' ' || author));

-- The inbox's other sorts: newest first and most severe first.
CREATE INDEX idx_tasks_newest ON tasks(opened_at, id);
CREATE INDEX idx_tasks_severity ON tasks(severity DESC, COALESCE(follow_up_at, due_at), id);

-- The conversation around a mention on the task page.
ALTER TABLE mentions ADD COLUMN thread_id TEXT NOT NULL DEFAULT '';
CREATE INDEX idx_mentions_author ON mentions(business_id, source_kind, author);
CREATE INDEX idx_mentions_thread ON mentions(business_id, source_kind, thread_id);

-- +goose Down
DROP INDEX idx_mentions_thread;
DROP INDEX idx_mentions_author;
ALTER TABLE mentions DROP COLUMN thread_id;
DROP INDEX idx_tasks_severity;
DROP INDEX idx_tasks_newest;
DROP INDEX idx_mentions_fts;
