-- +goose Up
-- Nothing to do on SQLite: PostgreSQL's 00280 copies each mention's words
-- onto its tasks so a search starts from the tasks' own index; SQLite
-- already starts a search from the FTS5 matches (mentions_fts, 00220)
-- joined to the tasks by rowid. The file keeps the two dialects'
-- migration numbers in step.

-- +goose Down
