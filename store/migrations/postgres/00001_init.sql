-- +goose Up
CREATE TABLE businesses (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL DEFAULT '',
    domain TEXT NOT NULL DEFAULT 'general',
    keywords TEXT,
    handles TEXT,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);

CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    role TEXT NOT NULL DEFAULT 'staff',
    created_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_users_business_name ON users(business_id, name);

CREATE TABLE sources (
    id BIGSERIAL PRIMARY KEY,
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    target TEXT NOT NULL DEFAULT '',
    api_base TEXT NOT NULL DEFAULT '',
    interval_seconds BIGINT NOT NULL DEFAULT 900,
    cursor TEXT NOT NULL DEFAULT '',
    last_run_at TIMESTAMPTZ,
    last_success_at TIMESTAMPTZ,
    last_error TEXT NOT NULL DEFAULT '',
    last_error_class TEXT NOT NULL DEFAULT '',
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    broken_alerted_at TIMESTAMPTZ,
    total_mentions BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_sources_business_name ON sources(business_id, name);

CREATE TABLE source_runs (
    id BIGSERIAL PRIMARY KEY,
    source_id BIGINT NOT NULL REFERENCES sources(id),
    started_at TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    pages BIGINT NOT NULL DEFAULT 0,
    parsed BIGINT NOT NULL DEFAULT 0,
    new BIGINT NOT NULL DEFAULT 0,
    updated BIGINT NOT NULL DEFAULT 0,
    error_class TEXT NOT NULL DEFAULT '',
    error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX idx_source_runs_source_started ON source_runs(source_id, started_at);

CREATE TABLE mentions (
    id BIGSERIAL PRIMARY KEY,
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    source_id BIGINT NOT NULL REFERENCES sources(id),
    source_kind TEXT NOT NULL,
    external_id TEXT NOT NULL,
    url TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    author_reach BIGINT NOT NULL DEFAULT 0,
    rating DOUBLE PRECISION,
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    language TEXT NOT NULL DEFAULT '',
    posted_at TIMESTAMPTZ,
    edited_at TIMESTAMPTZ,
    fetched_at TIMESTAMPTZ,
    reply TEXT NOT NULL DEFAULT '',
    reply_at TIMESTAMPTZ,
    content_hash TEXT NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    analyzed_version BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_mentions_source_external ON mentions(source_id, external_id);
CREATE INDEX idx_mentions_business_posted ON mentions(business_id, posted_at);
CREATE INDEX idx_mentions_pending ON mentions(analyzed_version, version);

CREATE TABLE mention_versions (
    id BIGSERIAL PRIMARY KEY,
    mention_id BIGINT NOT NULL REFERENCES mentions(id),
    version INTEGER NOT NULL,
    rating DOUBLE PRECISION,
    title TEXT NOT NULL DEFAULT '',
    text TEXT NOT NULL DEFAULT '',
    reply TEXT NOT NULL DEFAULT '',
    content_hash TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_mention_versions_mention_version ON mention_versions(mention_id, version);

CREATE TABLE analyses (
    id BIGSERIAL PRIMARY KEY,
    mention_id BIGINT NOT NULL REFERENCES mentions(id),
    mention_version INTEGER NOT NULL,
    business_id BIGINT NOT NULL,
    compound DOUBLE PRECISION NOT NULL DEFAULT 0,
    label TEXT NOT NULL DEFAULT '',
    complaint BOOLEAN NOT NULL DEFAULT FALSE,
    complaint_score DOUBLE PRECISION NOT NULL DEFAULT 0,
    severity BIGINT NOT NULL DEFAULT 0,
    language TEXT NOT NULL DEFAULT '',
    reasons TEXT,
    analyzer TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_analyses_mention_version ON analyses(mention_id, mention_version);
CREATE INDEX idx_analyses_business_created ON analyses(business_id, created_at);

CREATE TABLE aspects (
    id BIGSERIAL PRIMARY KEY,
    analysis_id BIGINT NOT NULL REFERENCES analyses(id),
    mention_id BIGINT NOT NULL,
    business_id BIGINT NOT NULL,
    category TEXT NOT NULL DEFAULT '',
    term TEXT NOT NULL DEFAULT '',
    polarity TEXT NOT NULL DEFAULT '',
    evidence TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ
);
CREATE INDEX idx_aspects_analysis ON aspects(analysis_id);
CREATE INDEX idx_aspects_business_created ON aspects(business_id, created_at);

CREATE TABLE tasks (
    id BIGSERIAL PRIMARY KEY,
    business_id BIGINT NOT NULL REFERENCES businesses(id),
    mention_id BIGINT NOT NULL REFERENCES mentions(id),
    parent_id BIGINT,
    incident_id BIGINT,
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    dedup_key TEXT NOT NULL UNIQUE,
    assignee TEXT NOT NULL DEFAULT '',
    severity BIGINT NOT NULL DEFAULT 0,
    channel TEXT NOT NULL DEFAULT '',
    due_at TIMESTAMPTZ NOT NULL,
    hard_due_at TIMESTAMPTZ,
    draft TEXT NOT NULL DEFAULT '',
    reply_text TEXT NOT NULL DEFAULT '',
    link TEXT NOT NULL DEFAULT '',
    escalation BIGINT NOT NULL DEFAULT 0,
    opened_at TIMESTAMPTZ NOT NULL,
    acked_at TIMESTAMPTZ,
    replied_at TIMESTAMPTZ,
    resolved_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE INDEX idx_tasks_state_due ON tasks(state, due_at);
CREATE INDEX idx_tasks_mention ON tasks(mention_id);
CREATE INDEX idx_tasks_business ON tasks(business_id, opened_at);

CREATE TABLE task_events (
    id BIGSERIAL PRIMARY KEY,
    task_id BIGINT NOT NULL REFERENCES tasks(id),
    actor TEXT NOT NULL DEFAULT '',
    action TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_task_events_task ON task_events(task_id);

CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    business_id BIGINT NOT NULL DEFAULT 0,
    task_id BIGINT,
    mention_id BIGINT,
    kind TEXT NOT NULL DEFAULT '',
    channel TEXT NOT NULL DEFAULT '',
    recipient TEXT NOT NULL DEFAULT '',
    subject TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL DEFAULT '',
    html_body TEXT NOT NULL DEFAULT '',
    payload BYTEA,
    inline_images TEXT,
    idempotency_key TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    mention_stored_at TIMESTAMPTZ,
    sent_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ
);
CREATE INDEX idx_notifications_state_next ON notifications(state, next_attempt_at);

-- +goose Down
DROP TABLE notifications;
DROP TABLE task_events;
DROP TABLE tasks;
DROP TABLE aspects;
DROP TABLE analyses;
DROP TABLE mention_versions;
DROP TABLE mentions;
DROP TABLE source_runs;
DROP TABLE sources;
DROP TABLE users;
DROP TABLE businesses;
