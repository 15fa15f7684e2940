-- +goose Up
-- platform_id is the id the platform's own API addresses a mention by
-- when replying (a Mastodon status id on the configured server, a Google
-- Business Profile review's resource name); author_handle is the handle a
-- reply must mention for the author to be notified ("@ana@social.example").
ALTER TABLE mentions ADD COLUMN platform_id TEXT NOT NULL DEFAULT '';
ALTER TABLE mentions ADD COLUMN author_handle TEXT NOT NULL DEFAULT '';
-- api selects the API version of kinds that have several (twitter: v1.1, v2).
ALTER TABLE sources ADD COLUMN api TEXT NOT NULL DEFAULT '';
-- A source that runs without errors but brings nothing new for much longer
-- than usual is quiet; the owner is told once per quiet spell.
ALTER TABLE sources ADD COLUMN quiet_since DATETIME;
-- The quiet check reads the runs that brought something new.
CREATE INDEX idx_source_runs_with_new ON source_runs(source_id, started_at) WHERE new > 0;
ALTER TABLE sources ADD COLUMN quiet_alerted_at DATETIME;
-- The site's own average rating and review count, one row per scrape that
-- saw them, for the digest and the dashboard.
CREATE TABLE aggregate_ratings (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    source_id INTEGER NOT NULL REFERENCES sources(id),
    rating REAL,
    review_count INTEGER NOT NULL DEFAULT 0,
    observed_at DATETIME NOT NULL
);
CREATE INDEX idx_aggregate_ratings_source_observed ON aggregate_ratings(source_id, observed_at);

-- +goose Down
DROP INDEX idx_aggregate_ratings_source_observed;
DROP TABLE aggregate_ratings;
ALTER TABLE sources DROP COLUMN quiet_alerted_at;
DROP INDEX idx_source_runs_with_new;
ALTER TABLE sources DROP COLUMN quiet_since;
ALTER TABLE sources DROP COLUMN api;
ALTER TABLE mentions DROP COLUMN author_handle;
ALTER TABLE mentions DROP COLUMN platform_id;
