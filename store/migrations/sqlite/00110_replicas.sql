-- +goose Up
-- Several `earshot serve` replicas on one database.
--
-- cron_job_locks is gocron-gorm-lock's table (gormlock.CronJobLock): a
-- scheduled run inserts (job_name, job_identifier) and only the replica
-- whose insert succeeds runs it; the identifier names the run's slot, so
-- each slot runs once across replicas. A running job refreshes
-- updated_at, so a replica that died mid-run is recognised by a stale
-- RUNNING row and its job is taken over after schedule.lock_ttl.
CREATE TABLE cron_job_locks (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at DATETIME,
    updated_at DATETIME,
    job_name TEXT NOT NULL,
    job_identifier TEXT NOT NULL,
    worker TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE UNIQUE INDEX idx_cron_job_locks_name ON cron_job_locks(job_name, job_identifier);
CREATE INDEX idx_cron_job_locks_running ON cron_job_locks(job_name, status, updated_at);

-- host_slots is the per-host politeness limit shared by replicas: the
-- earliest time the next request to a host may start.
CREATE TABLE host_slots (
    host TEXT PRIMARY KEY,
    next_at DATETIME NOT NULL
);

-- Analysis claims the oldest unanalyzed mentions; a partial index keeps
-- that cheap when nearly every mention is analyzed.
CREATE INDEX idx_mentions_unanalyzed ON mentions(id) WHERE analyzed_version < version;

-- +goose Down
DROP INDEX idx_mentions_unanalyzed;
DROP TABLE host_slots;
DROP TABLE cron_job_locks;
