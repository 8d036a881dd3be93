-- Background work: a queue of jobs kept in the database, which every
-- serving instance shares. A worker claims a due job (on SQLite claims
-- take turns on the database's write lock, so two workers never take the
-- same one), does its database work in the transaction that marks it done, and on
-- failure records the error and tries again later, until `max_attempts`.

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    -- Which handler runs it (`referrals.sweep`, `referrals.reminder_mail`).
    kind TEXT NOT NULL,
    -- What the handler needs, as JSON text.
    payload TEXT NOT NULL DEFAULT '{}',
    -- Work that must be enqueued once however many instances ask (a
    -- recurring sweep: its kind and the start of its period) carries a key.
    dedupe_key TEXT UNIQUE,
    -- Not before this time (Unix seconds); moved on after each failure.
    run_at INTEGER NOT NULL,
    -- Claims so far, each counted when made, so a job that kills its
    -- worker still runs out of attempts.
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts INTEGER NOT NULL CHECK (max_attempts >= 1),
    last_error TEXT,
    -- The instance that claimed it last, and until when its claim holds.
    -- A claim that runs out (its worker died) lets another instance take
    -- the job again; the name stays once the job is done.
    locked_by TEXT,
    locked_until INTEGER,
    created_at INTEGER NOT NULL,
    done_at INTEGER,
    -- Set once the last attempt failed; an administrator may retry it.
    failed_at INTEGER,
    CHECK (done_at IS NULL OR failed_at IS NULL)
);
CREATE INDEX jobs_by_due ON jobs (run_at, id);
CREATE INDEX jobs_by_kind ON jobs (kind);

-- A reminder about a stalled referral, noticed once per referral and
-- kind of stall (no answer by the due date, no contact, no attendance)
-- by the `referrals.sweep` job, and mailed to the receiving organisation
-- and the referrer by `referrals.reminder_mail` jobs.
CREATE TABLE referral_reminders (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    stall TEXT NOT NULL CHECK (stall IN ('no_answer', 'no_contact', 'no_attendance')),
    noticed_at INTEGER NOT NULL,
    UNIQUE (referral_id, stall)
);
