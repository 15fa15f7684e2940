-- +goose Up
-- Full-text search of the inbox over what the customer wrote and who
-- they are. An external-content FTS5 table stores only the index (the
-- text stays in mentions); the triggers keep it in step with every
-- insert, edit and delete, so search never misses an edited review.
-- unicode61 folds case and diacritics and splits on Unicode word
-- boundaries; it does not stem, so "rude" finds "rude" in any language
-- and no English stemmer mangles Japanese or German words.
CREATE VIRTUAL TABLE mentions_fts USING fts5(title, text, author, content='mentions', content_rowid='id', tokenize='unicode61 remove_diacritics 2');
INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild');
-- +goose StatementBegin
CREATE TRIGGER mentions_fts_insert AFTER INSERT ON mentions BEGIN
  INSERT INTO mentions_fts(rowid, title, text, author) VALUES (new.id, new.title, new.text, new.author);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER mentions_fts_delete AFTER DELETE ON mentions BEGIN
  INSERT INTO mentions_fts(mentions_fts, rowid, title, text, author) VALUES ('delete', old.id, old.title, old.text, old.author);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER mentions_fts_update AFTER UPDATE OF title, text, author ON mentions BEGIN
  INSERT INTO mentions_fts(mentions_fts, rowid, title, text, author) VALUES ('delete', old.id, old.title, old.text, old.author);
  INSERT INTO mentions_fts(rowid, title, text, author) VALUES (new.id, new.title, new.text, new.author);
END;
-- +goose StatementEnd

-- The inbox's other sorts: newest first and most severe first, each an
-- index range like the deadline order (idx_tasks_next).
CREATE INDEX idx_tasks_newest ON tasks(opened_at, id);
CREATE INDEX idx_tasks_severity ON tasks(severity DESC, COALESCE(follow_up_at, due_at), id);

-- The conversation around a mention on the task page: the same author
-- at the same business and source, and the same thread.
ALTER TABLE mentions ADD COLUMN thread_id TEXT NOT NULL DEFAULT '';
CREATE INDEX idx_mentions_author ON mentions(business_id, source_kind, author);
CREATE INDEX idx_mentions_thread ON mentions(business_id, source_kind, thread_id);

-- +goose Down
DROP INDEX idx_mentions_thread;
DROP INDEX idx_mentions_author;
ALTER TABLE mentions DROP COLUMN thread_id;
DROP INDEX idx_tasks_severity;
DROP INDEX idx_tasks_newest;
DROP TRIGGER mentions_fts_update;
DROP TRIGGER mentions_fts_delete;
DROP TRIGGER mentions_fts_insert;
DROP TABLE mentions_fts;
