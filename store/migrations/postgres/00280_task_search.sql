-- +goose Up
-- Inbox search on the tasks themselves. Searching the mentions' GIN index
-- (00220) found the matches quickly but then had to join them to the
-- tasks and filter by state, business or severity there: at 1,000,000
-- mentions and 100,000 tasks that join was most of a search's 80–170 ms.
-- Each task now keeps its mention's words (the same 'simple' tsvector of
-- title, text and author), so a search is a GIN bitmap ANDed with the
-- tasks' own indexes (BENCHMARKS.md, inbox run 6).
--
-- Triggers keep the copy current: a new task (or one moved to another
-- mention) takes its mention's words, and an edited mention rewrites the
-- words of its tasks, so an edited review is found by its new words.
--
-- Upgrading fills the column with one UPDATE of every task (about 10 s
-- per 100,000 tasks on a 2-core machine) and builds the index.
ALTER TABLE tasks ADD COLUMN search_vector tsvector;
UPDATE tasks SET search_vector = to_tsvector('simple', m.title || ' ' || m.text || ' ' || m.author)
  FROM mentions AS m WHERE m.id = tasks.mention_id;
CREATE INDEX idx_tasks_search ON tasks USING GIN (search_vector);

-- +goose StatementBegin
CREATE FUNCTION tasks_search_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT to_tsvector('simple', m.title || ' ' || m.text || ' ' || m.author) INTO NEW.search_vector
    FROM mentions AS m WHERE m.id = NEW.mention_id;
  RETURN NEW;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER tasks_search_fill BEFORE INSERT OR UPDATE OF mention_id ON tasks
  FOR EACH ROW EXECUTE FUNCTION tasks_search_fill();

-- +goose StatementBegin
CREATE FUNCTION mentions_search_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE tasks SET search_vector = to_tsvector('simple', NEW.title || ' ' || NEW.text || ' ' || NEW.author)
    WHERE mention_id = NEW.id;
  RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER mentions_search_sync AFTER UPDATE OF title, text, author ON mentions
  FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.text IS DISTINCT FROM NEW.text OR OLD.author IS DISTINCT FROM NEW.author)
  EXECUTE FUNCTION mentions_search_sync();

-- Nothing searches the mentions themselves any more; dropping their GIN
-- index spares every saved or edited mention its upkeep.
DROP INDEX idx_mentions_fts;

-- +goose Down
CREATE INDEX idx_mentions_fts ON mentions USING GIN (to_tsvector('simple', title || ' ' || text || ' ' || author));
DROP TRIGGER mentions_search_sync ON mentions;
DROP FUNCTION mentions_search_sync();
DROP TRIGGER tasks_search_fill ON tasks;
DROP FUNCTION tasks_search_fill();
DROP INDEX idx_tasks_search;
ALTER TABLE tasks DROP COLUMN search_vector;
