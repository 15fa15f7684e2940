-- +goose Up
-- The digest reads these hourly rows (per business, hour and source; per
-- business, hour and aspect) instead of scanning five weeks of mentions.
-- Saving mentions and analyses keeps them current in the same
-- transaction; `earshot rollups rebuild` recomputes them from the
-- mentions.
CREATE TABLE digest_rollups (
    business_id INTEGER NOT NULL,
    hour DATETIME NOT NULL,
    source_id INTEGER NOT NULL,
    mentions INTEGER NOT NULL DEFAULT 0,
    rated INTEGER NOT NULL DEFAULT 0,
    rating_sum REAL NOT NULL DEFAULT 0,
    analyzed INTEGER NOT NULL DEFAULT 0,
    negative INTEGER NOT NULL DEFAULT 0,
    positive INTEGER NOT NULL DEFAULT 0,
    complaints INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, hour, source_id)
);
CREATE TABLE digest_aspect_rollups (
    business_id INTEGER NOT NULL,
    hour DATETIME NOT NULL,
    category TEXT NOT NULL,
    polarity TEXT NOT NULL,
    term TEXT NOT NULL,
    mentions INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, hour, category, polarity, term)
);
-- Whether the rollups are complete: set on a new database and by a
-- rebuild; until then the digest scans mentions as before.
CREATE TABLE digest_rollup_state (
    id INTEGER PRIMARY KEY,
    rebuilt_at DATETIME NOT NULL
);
INSERT INTO digest_rollup_state (id, rebuilt_at) SELECT 1, CURRENT_TIMESTAMP WHERE NOT EXISTS (SELECT 1 FROM mentions);
-- The sentiment of a mention's current analysis, so the digest's quotes
-- (the week's worst and best) are an index walk, not a sort of the week.
ALTER TABLE mentions ADD COLUMN compound REAL;
UPDATE mentions SET compound = (SELECT a.compound FROM analyses a WHERE a.mention_id = mentions.id AND a.mention_version = mentions.analyzed_version);
CREATE INDEX idx_mentions_business_compound ON mentions(business_id, compound, rating, posted_at);

-- +goose Down
DROP INDEX idx_mentions_business_compound;
ALTER TABLE mentions DROP COLUMN compound;
DROP TABLE digest_rollup_state;
DROP TABLE digest_aspect_rollups;
DROP TABLE digest_rollups;
