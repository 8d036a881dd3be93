-- The foundation: localities, organisations, people, their roles, sessions,
-- sign-in throttling, password resets, API tokens and the audit log.
-- Times are seconds since the Unix epoch (UTC); flags are 0/1 integers, so the
-- same queries run on SQLite and PostgreSQL.

-- The partnership's localities (planning areas), optionally with a GSS code.
CREATE TABLE localities (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    gss_code TEXT
);

-- Organisations of the three sectors inside the partnership.
CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    sector TEXT NOT NULL CHECK (sector IN ('public', 'third', 'independent')),
    locality_id INTEGER REFERENCES localities (id),
    created_at INTEGER NOT NULL
);

-- People with accounts. Email is stored lower-cased, so UNIQUE is enough.
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    disabled_at INTEGER
);

-- A role held by a person, in one organisation or (organisation_id NULL)
-- across the whole partnership.
CREATE TABLE memberships (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    organisation_id INTEGER REFERENCES organisations (id) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('citizen', 'volunteer', 'coordinator', 'link_worker', 'manager', 'admin')),
    granted_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX memberships_once ON memberships (account_id, COALESCE(organisation_id, 0), role);

-- Server-side sessions; only a hash of the cookie's token is kept.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- Every sign-in attempt, for throttling by account and by address.
CREATE TABLE login_attempts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    ip TEXT NOT NULL,
    attempted_at INTEGER NOT NULL,
    succeeded INTEGER NOT NULL
);
CREATE INDEX login_attempts_by_email ON login_attempts (email, attempted_at);
CREATE INDEX login_attempts_by_ip ON login_attempts (ip, attempted_at);

-- One-time password reset links; only a hash of the token is kept.
CREATE TABLE password_resets (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
);

-- Tokens for machine clients of the JSON API, scoped to one organisation.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    last_used_at INTEGER,
    revoked_at INTEGER
);

-- The audit log: append-only, enforced by the triggers below.
CREATE TABLE audit_events (
    id INTEGER PRIMARY KEY,
    occurred_at INTEGER NOT NULL,
    actor_account_id INTEGER,
    action TEXT NOT NULL,
    subject_kind TEXT,
    subject_id INTEGER,
    ip TEXT,
    detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_events_by_time ON audit_events (occurred_at);

CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;

CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
