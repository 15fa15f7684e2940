-- +goose Up
-- Mentions per business and UTC day, kept by a trigger as mentions are
-- stored, edited or deleted: the dashboard's per-day and weekly figures
-- read a row per day instead of scanning every mention of the period.
CREATE TABLE mention_days (
    business_id BIGINT NOT NULL,
    day TEXT NOT NULL,
    mentions BIGINT NOT NULL DEFAULT 0,
    rated BIGINT NOT NULL DEFAULT 0,
    rating_sum DOUBLE PRECISION NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, day)
);
INSERT INTO mention_days (business_id, day, mentions, rated, rating_sum)
    SELECT business_id, to_char(posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), COUNT(*), COUNT(rating), COALESCE(SUM(rating), 0)
    FROM mentions WHERE posted_at IS NOT NULL GROUP BY 1, 2;

-- +goose StatementBegin
CREATE FUNCTION mention_days_track() RETURNS trigger AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.posted_at IS NOT NULL THEN
        UPDATE mention_days SET mentions = mentions - 1, rated = rated - (CASE WHEN OLD.rating IS NULL THEN 0 ELSE 1 END), rating_sum = rating_sum - COALESCE(OLD.rating, 0)
        WHERE business_id = OLD.business_id AND day = to_char(OLD.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD');
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.posted_at IS NOT NULL THEN
        INSERT INTO mention_days AS d (business_id, day, mentions, rated, rating_sum)
        VALUES (NEW.business_id, to_char(NEW.posted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 1, CASE WHEN NEW.rating IS NULL THEN 0 ELSE 1 END, COALESCE(NEW.rating, 0))
        ON CONFLICT (business_id, day) DO UPDATE SET mentions = d.mentions + 1, rated = d.rated + excluded.rated, rating_sum = d.rating_sum + excluded.rating_sum;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
-- +goose StatementEnd

CREATE TRIGGER mention_days_insert_delete AFTER INSERT OR DELETE ON mentions FOR EACH ROW EXECUTE FUNCTION mention_days_track();
CREATE TRIGGER mention_days_update AFTER UPDATE OF business_id, posted_at, rating ON mentions FOR EACH ROW EXECUTE FUNCTION mention_days_track();

-- +goose Down
DROP TRIGGER mention_days_update ON mentions;
DROP TRIGGER mention_days_insert_delete ON mentions;
DROP FUNCTION mention_days_track();
DROP TABLE mention_days;
