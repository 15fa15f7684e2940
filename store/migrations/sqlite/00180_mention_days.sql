-- +goose Up
-- Mentions per business and UTC day, kept by triggers as mentions are
-- stored, edited or deleted: the dashboard's per-day and weekly figures
-- read a row per day instead of scanning every mention of the period.
CREATE TABLE mention_days (
    business_id INTEGER NOT NULL,
    day TEXT NOT NULL,
    mentions INTEGER NOT NULL DEFAULT 0,
    rated INTEGER NOT NULL DEFAULT 0,
    rating_sum REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, day)
);
INSERT INTO mention_days (business_id, day, mentions, rated, rating_sum)
    SELECT business_id, substr(posted_at, 1, 10), COUNT(*), COUNT(rating), COALESCE(SUM(rating), 0)
    FROM mentions WHERE posted_at IS NOT NULL GROUP BY business_id, substr(posted_at, 1, 10);

-- +goose StatementBegin
CREATE TRIGGER mention_days_insert AFTER INSERT ON mentions WHEN NEW.posted_at IS NOT NULL
BEGIN
    INSERT INTO mention_days (business_id, day, mentions, rated, rating_sum)
    VALUES (NEW.business_id, substr(NEW.posted_at, 1, 10), 1, NEW.rating IS NOT NULL, COALESCE(NEW.rating, 0))
    ON CONFLICT (business_id, day) DO UPDATE SET mentions = mentions + 1, rated = rated + excluded.rated, rating_sum = rating_sum + excluded.rating_sum;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mention_days_delete AFTER DELETE ON mentions WHEN OLD.posted_at IS NOT NULL
BEGIN
    UPDATE mention_days SET mentions = mentions - 1, rated = rated - (OLD.rating IS NOT NULL), rating_sum = rating_sum - COALESCE(OLD.rating, 0)
    WHERE business_id = OLD.business_id AND day = substr(OLD.posted_at, 1, 10);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER mention_days_update AFTER UPDATE OF business_id, posted_at, rating ON mentions
BEGIN
    UPDATE mention_days SET mentions = mentions - 1, rated = rated - (OLD.rating IS NOT NULL), rating_sum = rating_sum - COALESCE(OLD.rating, 0)
    WHERE OLD.posted_at IS NOT NULL AND business_id = OLD.business_id AND day = substr(OLD.posted_at, 1, 10);
    INSERT INTO mention_days (business_id, day, mentions, rated, rating_sum)
    SELECT NEW.business_id, substr(NEW.posted_at, 1, 10), 1, NEW.rating IS NOT NULL, COALESCE(NEW.rating, 0) WHERE NEW.posted_at IS NOT NULL
    ON CONFLICT (business_id, day) DO UPDATE SET mentions = mentions + 1, rated = rated + excluded.rated, rating_sum = rating_sum + excluded.rating_sum;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER mention_days_update;
DROP TRIGGER mention_days_delete;
DROP TRIGGER mention_days_insert;
DROP TABLE mention_days;
