-- +goose Up
-- The digest's responsiveness counts (complaints opened, deadlines due
-- and met, follow-ups due and done) read these hourly rows per business
-- instead of counting a week's (and four weeks') apology tasks, 250,000
-- of them for a large brand. A task counts in the hour it was opened, the
-- hour it was due, and the hours of its check-back date and resolution;
-- CreateTask and UpdateTask keep them current in their transaction and
-- `earshot rollups rebuild` recomputes them. They are filled here from
-- the tasks, so they are complete as soon as the upgrade is.
CREATE TABLE digest_task_rollups (
    business_id BIGINT NOT NULL,
    hour TIMESTAMPTZ NOT NULL,
    opened BIGINT NOT NULL DEFAULT 0,
    due BIGINT NOT NULL DEFAULT 0,
    answered_on_time BIGINT NOT NULL DEFAULT 0,
    follow_ups_due BIGINT NOT NULL DEFAULT 0,
    follow_ups_done BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, hour)
);
INSERT INTO digest_task_rollups (business_id, hour, opened, due, answered_on_time, follow_ups_due, follow_ups_done)
SELECT business_id, hour, SUM(opened), SUM(due), SUM(answered_on_time), SUM(follow_ups_due), SUM(follow_ups_done) FROM (
    SELECT business_id, date_trunc('hour', opened_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour, 1 AS opened, 0 AS due, 0 AS answered_on_time, 0 AS follow_ups_due, 0 AS follow_ups_done
        FROM tasks WHERE kind = 'apology' AND opened_at IS NOT NULL
    UNION ALL SELECT business_id, date_trunc('hour', due_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 0, 1, CASE WHEN replied_at IS NOT NULL AND replied_at <= due_at THEN 1 ELSE 0 END, 0, 0
        FROM tasks WHERE kind = 'apology' AND due_at IS NOT NULL
    UNION ALL SELECT business_id, date_trunc('hour', follow_up_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 0, 0, 0, 1, 0
        FROM tasks WHERE kind = 'apology' AND follow_up_at IS NOT NULL AND replied_at IS NOT NULL
    UNION ALL SELECT business_id, date_trunc('hour', resolved_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', 0, 0, 0, 0, 1
        FROM tasks WHERE kind = 'apology' AND resolved_at IS NOT NULL AND replied_at IS NOT NULL
) AS u GROUP BY business_id, hour;
-- The categories of the complaints resolved per hour, for the issues
-- that "came back": per business, UTC hour of resolution and category,
-- the resolved tasks whose mention raised that issue.
CREATE TABLE digest_resolved_rollups (
    business_id BIGINT NOT NULL,
    hour TIMESTAMPTZ NOT NULL,
    category TEXT NOT NULL,
    tasks BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (business_id, hour, category)
);
INSERT INTO digest_resolved_rollups (business_id, hour, category, tasks)
SELECT t.business_id, date_trunc('hour', t.resolved_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS hour, c.category, COUNT(*)
    FROM tasks AS t JOIN (SELECT DISTINCT mention_id, category FROM aspects WHERE polarity = 'negative' AND category <> '') AS c ON c.mention_id = t.mention_id
    WHERE t.state = 'resolved' AND t.resolved_at IS NOT NULL
    GROUP BY t.business_id, date_trunc('hour', t.resolved_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', c.category;
-- The week's unrelated mentions, counted from the index alone.
CREATE INDEX idx_analyses_business_unrelated ON analyses(business_id, unrelated, created_at);

-- +goose Down
DROP INDEX idx_analyses_business_unrelated;
DROP TABLE digest_resolved_rollups;
DROP TABLE digest_task_rollups;
