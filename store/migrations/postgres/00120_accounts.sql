-- +goose Up
-- Sign-in accounts of the web inbox, the JSON API and one-tap email links.
-- They are separate from users (the people of a business named in the
-- config, who are told about complaints): an account gets a role in a
-- business from a membership row, or from a config user of that business
-- with the same name. business_id 0 in a membership means every business.
CREATE TABLE accounts (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    disabled_at TIMESTAMPTZ,
    password_changed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ,
    updated_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_accounts_name ON accounts(lower(name));

CREATE TABLE memberships (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    business_id BIGINT NOT NULL DEFAULT 0,
    role TEXT NOT NULL,
    created_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_memberships_account_business ON memberships(account_id, business_id);

-- Server-side web sessions (scs): the cookie carries only the token.
CREATE TABLE sessions (
    token TEXT PRIMARY KEY,
    data BYTEA NOT NULL,
    expiry TIMESTAMPTZ NOT NULL
);
CREATE INDEX idx_sessions_expiry ON sessions(expiry);

-- API tokens, stored as SHA-256 of the token: a database leak does not
-- hand out working tokens.
CREATE TABLE api_tokens (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    label TEXT NOT NULL DEFAULT '',
    token_hash TEXT NOT NULL,
    created_at TIMESTAMPTZ,
    last_used_at TIMESTAMPTZ,
    revoked_at TIMESTAMPTZ
);
CREATE UNIQUE INDEX idx_api_tokens_hash ON api_tokens(token_hash);

-- Per-installation secrets (the key that signs one-tap email links),
-- generated on first use.
CREATE TABLE install_secrets (
    name TEXT PRIMARY KEY,
    value BYTEA NOT NULL,
    created_at TIMESTAMPTZ
);

-- One-tap links already used: a link works once.
CREATE TABLE used_links (
    nonce TEXT PRIMARY KEY,
    task_id BIGINT NOT NULL,
    action TEXT NOT NULL,
    user_name TEXT NOT NULL,
    used_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE used_links;
DROP TABLE install_secrets;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE memberships;
DROP TABLE accounts;
