-- +goose Up
-- Staff verdicts on the complaint flag ("not a complaint" on a task,
-- "this is a complaint" on a missed mention), with who said it; the
-- alerts policy learns from them per business.
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    business_id INTEGER NOT NULL REFERENCES businesses(id),
    mention_id INTEGER NOT NULL REFERENCES mentions(id),
    task_id INTEGER REFERENCES tasks(id),
    verdict TEXT NOT NULL,
    actor TEXT NOT NULL,
    text TEXT NOT NULL DEFAULT '',
    created_at DATETIME NOT NULL
);
CREATE INDEX idx_corrections_business ON corrections(business_id, created_at);
CREATE INDEX idx_corrections_mention ON corrections(mention_id);
-- A social mention that is not about the business is stored and counted
-- but opens no task.
ALTER TABLE analyses ADD COLUMN unrelated INTEGER NOT NULL DEFAULT 0;
-- The language of a task's mention when it is not English (a "needs a
-- human read" task says who should read it).
ALTER TABLE tasks ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE tasks DROP COLUMN language;
ALTER TABLE analyses DROP COLUMN unrelated;
DROP TABLE corrections;
