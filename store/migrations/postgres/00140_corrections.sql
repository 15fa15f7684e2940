-- +goose Up
-- Staff verdicts on the complaint flag ("not a complaint" on a task,
-- "this is a complaint" on a missed mention), with who said it; the
-- alerts policy learns from them per business.
CREATE TABLE corrections (
    id BIGSERIAL PRIMARY KEY,
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    mention_id BIGINT NOT NULL REFERENCES mentions(id),
    task_id BIGINT REFERENCES tasks(id),
    verdict TEXT NOT NULL,
    actor TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_corrections_business ON corrections(business_id, created_at);
CREATE INDEX idx_corrections_mention ON corrections(mention_id);
-- A social mention that is not about the business is stored and counted
-- but opens no task.
ALTER TABLE analyses ADD COLUMN unrelated BOOLEAN NOT NULL DEFAULT FALSE;
-- The language of a task's mention when it is not English (a "needs a
-- human read" task says who should read it).
ALTER TABLE tasks ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tasks DROP COLUMN language;
ALTER TABLE analyses DROP COLUMN unrelated;
DROP TABLE corrections;
