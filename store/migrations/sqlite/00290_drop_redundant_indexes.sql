-- +goose Up
-- Two indexes every backfill paid for on each row and no query needs:
-- idx_aspects_analysis is the first column of idx_aspects_digest
-- (analysis_id, polarity, category, term), which serves every lookup by
-- analysis; idx_mentions_pending (analyzed_version, version) cannot range
-- over "analyzed_version < version", which the partial
-- idx_mentions_unanalyzed answers. Marking 20,000 mentions analysed moved
-- an entry of idx_mentions_pending each, and storing their aspects wrote
-- one B-tree more per aspect.
DROP INDEX idx_aspects_analysis;
DROP INDEX idx_mentions_pending;

-- +goose Down
CREATE INDEX idx_mentions_pending ON mentions(analyzed_version, version);
CREATE INDEX idx_aspects_analysis ON aspects(analysis_id);
