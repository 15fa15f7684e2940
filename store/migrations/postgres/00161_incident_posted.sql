-- +goose Up
-- A burst is complaints read close together AND posted close together:
-- reviews of different days read in one scrape are no incident. The
-- group keeps the posting times it spans.
ALTER TABLE incident_groups ADD COLUMN posted_first TIMESTAMPTZ;
ALTER TABLE incident_groups ADD COLUMN posted_last TIMESTAMPTZ;

-- +goose Down
ALTER TABLE incident_groups DROP COLUMN posted_last;
ALTER TABLE incident_groups DROP COLUMN posted_first;
