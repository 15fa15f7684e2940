-- +goose Up
-- A burst of complaints about one issue keeps its state in one row that
-- each complaint updates (count, leader, the few tasks listed), so
-- grouping costs the same whether the burst has 3 complaints or 5,000.
CREATE TABLE incident_groups (
    id INTEGER PRIMARY KEY,
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    issue TEXT NOT NULL,
    leader_task_id INTEGER,
    started_at DATETIME NOT NULL,
    last_at DATETIME NOT NULL,
    complaints INTEGER NOT NULL DEFAULT 0,
    items TEXT NOT NULL DEFAULT '[]',
    created_at DATETIME,
    updated_at DATETIME
);
CREATE INDEX idx_incident_groups_issue ON incident_groups(business_id, issue, last_at);
-- The repeat-author check reads one index entry instead of every mention
-- of a common name ("Amazon Customer").
ALTER TABLE tasks ADD COLUMN author_key TEXT NOT NULL DEFAULT '';
ALTER TABLE tasks ADD COLUMN source_kind TEXT NOT NULL DEFAULT '';
UPDATE tasks SET
    author_key = COALESCE((SELECT m.author FROM mentions m WHERE m.id = tasks.mention_id), ''),
    source_kind = COALESCE((SELECT m.source_kind FROM mentions m WHERE m.id = tasks.mention_id), '');
CREATE INDEX idx_tasks_author ON tasks(business_id, source_kind, author_key, kind, id);
-- A mention whose analysis keeps failing is set aside with its reason
-- instead of blocking every later one.
CREATE TABLE skipped_mentions (
    id INTEGER PRIMARY KEY,
    mention_id INTEGER NOT NULL REFERENCES mentions(id),
    source_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    skipped_at DATETIME NOT NULL
);
CREATE UNIQUE INDEX idx_skipped_mentions_version ON skipped_mentions(mention_id, version);
CREATE INDEX idx_skipped_mentions_source ON skipped_mentions(source_id);
-- Lists page by when a task needs attention next, then id (keyset).
CREATE INDEX idx_tasks_next ON tasks((COALESCE(follow_up_at, due_at)), id);
CREATE INDEX idx_tasks_state_next ON tasks(state, (COALESCE(follow_up_at, due_at)), id);
CREATE INDEX idx_tasks_business_next ON tasks(business_id, (COALESCE(follow_up_at, due_at)), id);

-- +goose Down
DROP INDEX idx_tasks_business_next;
DROP INDEX idx_tasks_state_next;
DROP INDEX idx_tasks_next;
DROP TABLE skipped_mentions;
DROP INDEX idx_tasks_author;
ALTER TABLE tasks DROP COLUMN source_kind;
ALTER TABLE tasks DROP COLUMN author_key;
DROP TABLE incident_groups;
