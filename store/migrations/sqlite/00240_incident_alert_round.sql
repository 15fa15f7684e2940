-- +goose Up
-- The round of the incident alert last queued for a burst (its outbox
-- key is incident:<leader>:<round>): while that alert waits in the
-- outbox, each newcomer rewrites it, whatever round the count has
-- reached, so a burst read in one pass is one email, not one per
-- threshold complaints. 0 is a group from before this column.
ALTER TABLE incident_groups ADD COLUMN alert_round INTEGER NOT NULL DEFAULT 0;

-- +goose Down
ALTER TABLE incident_groups DROP COLUMN alert_round;
