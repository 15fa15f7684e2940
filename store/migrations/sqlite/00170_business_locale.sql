-- +goose Up
-- The language of a business's owner-facing text (alert emails, digest,
-- task messages) and the analyzer's tie-breaker for kanji-only text.
ALTER TABLE businesses ADD COLUMN locale TEXT NOT NULL DEFAULT 'en';

-- +goose Down
ALTER TABLE businesses DROP COLUMN locale;
