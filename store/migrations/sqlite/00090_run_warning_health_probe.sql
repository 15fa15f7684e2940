-- +goose Up
-- A run that succeeded with a caveat (a page cut at the size limit, so
-- reviews past it were not read) says so in warning; an empty warning is
-- a clean run.
ALTER TABLE source_runs ADD COLUMN warning TEXT NOT NULL DEFAULT '';
-- /healthz writes one row here to prove the database still takes writes
-- (a full disk or a read-only file would otherwise look healthy).
CREATE TABLE health_probes (
    id INTEGER PRIMARY KEY,
    checked_at DATETIME NOT NULL
);

-- +goose Down
DROP TABLE health_probes;
ALTER TABLE source_runs DROP COLUMN warning;
