-- Planned check-in calls (proactive telecare) and wellbeing concerns.
--
-- Every row here is about one person, a co-delivery record
-- (`coordination_people`). The organisation that owns a schedule, its calls
-- and the concerns raised about the person is the organisation holding the
-- person's record (`coordination_people.organisation_id`), read through the
-- join rather than copied, so a record handed to another organisation takes
-- its calls and concerns with it and reach is decided in one place.

-- A person's plan of calls: regular (weekly, fortnightly, monthly from the
-- start), on their birthday, for some weeks after a hospital discharge, or
-- one call as part of a broadcast (with its message).
CREATE TABLE checkin_schedules (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('regular', 'birthday', 'discharge', 'broadcast')),
    -- For regular plans: how often.
    cadence TEXT CHECK (cadence IN ('weekly', 'fortnightly', 'monthly')),
    -- The first day (for a discharge plan, the day of discharge; for a
    -- broadcast, its one day) and the last (YYYY-MM-DD), if it ends.
    starts_on TEXT NOT NULL,
    ends_on TEXT,
    -- For birthday plans: the date of birth the record gave.
    born_on TEXT,
    -- For discharge plans: how many weeks, and on which days (iCalendar
    -- codes, "MO,TH"; empty for every day).
    weeks INTEGER CHECK (weeks BETWEEN 1 AND 26),
    weekdays TEXT NOT NULL DEFAULT '',
    -- For broadcasts: what to tell the person (a weather warning, an event).
    message TEXT NOT NULL DEFAULT '',
    -- The volunteer or member of staff who makes the calls.
    caller_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    -- An unanswered call is tried this many times in all, this many
    -- working days apart, and then the coordinator is alerted.
    max_attempts INTEGER NOT NULL DEFAULT 3 CHECK (max_attempts BETWEEN 1 AND 5),
    retry_spacing INTEGER NOT NULL DEFAULT 1 CHECK (retry_spacing BETWEEN 0 AND 5),
    -- The last day the sweep has made calls for.
    materialised_through TEXT,
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    stopped_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    stopped_at INTEGER,
    CHECK ((kind = 'regular') = (cadence IS NOT NULL)),
    CHECK ((kind = 'birthday') = (born_on IS NOT NULL)),
    CHECK ((kind = 'discharge') = (weeks IS NOT NULL))
);
CREATE INDEX checkin_schedules_by_person ON checkin_schedules (person_id);

-- One attempt at a call. The sweep makes the first attempt of each day a
-- schedule makes due, and the next attempt of an unanswered call when its
-- day comes; the unique key means no attempt is ever made twice, however
-- many instances sweep at once.
CREATE TABLE checkin_calls (
    id INTEGER PRIMARY KEY,
    schedule_id INTEGER NOT NULL REFERENCES checkin_schedules (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    due_on TEXT NOT NULL,
    attempt INTEGER NOT NULL CHECK (attempt BETWEEN 1 AND 5),
    caller_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    -- Filled when the call is logged.
    outcome TEXT CHECK (outcome IN ('spoke', 'no_answer', 'left_message', 'concern')),
    note TEXT NOT NULL DEFAULT '',
    channel TEXT CHECK (channel IN ('phone', 'video', 'in_person')),
    logged_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    logged_at INTEGER,
    -- What the retry rule decided when it was logged unanswered: another
    -- attempt on `retry_on`, or escalation; and when the sweep did it.
    follow_up TEXT CHECK (follow_up IN ('retry', 'escalate')),
    retry_on TEXT,
    followed_up_at INTEGER,
    CHECK ((outcome IS NULL) = (logged_at IS NULL)),
    CHECK ((follow_up = 'retry') = (retry_on IS NOT NULL))
);
CREATE UNIQUE INDEX checkin_calls_once ON checkin_calls (schedule_id, due_on, attempt);
CREATE INDEX checkin_calls_by_day ON checkin_calls (due_on, caller_account_id);
CREATE INDEX checkin_calls_by_person ON checkin_calls (person_id);
CREATE INDEX checkin_calls_to_follow_up ON checkin_calls (follow_up, followed_up_at);

-- A wellbeing concern about a person: raised on a call, on a round visit,
-- or by the sweep when a person could not be reached. Open, then
-- acknowledged by a coordinator, then acted on (what was done) or closed
-- (why not), each step with who and when.
CREATE TABLE checkin_concerns (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    source TEXT NOT NULL CHECK (source IN ('call', 'visit', 'unreached')),
    call_id INTEGER REFERENCES checkin_calls (id) ON DELETE SET NULL,
    occurrence_id INTEGER REFERENCES occurrences (id) ON DELETE SET NULL,
    -- NULL for the sweep's own alerts.
    raised_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    raised_at INTEGER NOT NULL,
    urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'soon', 'urgent')),
    noticed TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'acted_on', 'closed')),
    acknowledged_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    acknowledged_at INTEGER,
    closed_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    closed_at INTEGER,
    -- What was done, or why nothing was.
    action_taken TEXT NOT NULL DEFAULT '',
    CHECK ((status IN ('acted_on', 'closed')) = (closed_at IS NOT NULL))
);
-- One concern per call at most: a sweep's alert is never raised twice.
CREATE UNIQUE INDEX checkin_concerns_one_per_call ON checkin_concerns (call_id);
CREATE INDEX checkin_concerns_by_status ON checkin_concerns (status, urgency);
CREATE INDEX checkin_concerns_by_person ON checkin_concerns (person_id);
