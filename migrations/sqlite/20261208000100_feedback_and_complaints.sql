-- Feedback, compliments and complaints (co-assessment).
--
-- Each item is about an organisation as a whole, a service on the asset map,
-- a budgeting process or a survey, and belongs to the organisation that runs
-- it (`organisation_id`): that organisation's staff read and handle it, and
-- nobody else's. A complaint carries the dates of the model complaints
-- handling procedure's two stages; the engine (`feedback::Case`) decides
-- every due date and which step may follow, and the status is kept here
-- for lists and filters.
CREATE TABLE feedback (
    id INTEGER PRIMARY KEY,
    -- The reference the person is given, to follow it without an account.
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('feedback', 'compliment', 'complaint')),
    organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    about_kind TEXT NOT NULL CHECK (about_kind IN ('organisation', 'service', 'process', 'survey')),
    -- The service's, process's or survey's id, as text; NULL for an organisation.
    about_id TEXT,
    -- Its name when the item was made, so a renamed or removed service still reads.
    about_name TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'letter', 'in_person', 'email')),
    -- The person: signed in, or a name and a way to hear back.
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    name TEXT NOT NULL DEFAULT '',
    email TEXT NOT NULL DEFAULT '',
    phone TEXT NOT NULL DEFAULT '',
    body TEXT NOT NULL,
    -- Staff who entered it on the person's behalf.
    entered_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    received_on TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- Complaints only: where it stands, and each stage's dates and words.
    status TEXT CHECK (status IN ('frontline', 'frontline_closed', 'investigation', 'acknowledged', 'decided')),
    frontline_due TEXT,
    frontline_extended INTEGER NOT NULL DEFAULT 0,
    frontline_extension_reason TEXT NOT NULL DEFAULT '',
    frontline_responded_on TEXT,
    frontline_outcome TEXT CHECK (frontline_outcome IN ('upheld', 'partly_upheld', 'not_upheld', 'resolved')),
    frontline_response TEXT NOT NULL DEFAULT '',
    investigation_started TEXT,
    acknowledge_by TEXT,
    acknowledged_on TEXT,
    investigation_due TEXT,
    investigation_extensions INTEGER NOT NULL DEFAULT 0,
    decided_on TEXT,
    outcome TEXT CHECK (outcome IN ('upheld', 'partly_upheld', 'not_upheld', 'resolved')),
    decision TEXT NOT NULL DEFAULT '',
    learning TEXT NOT NULL DEFAULT '',
    changes TEXT NOT NULL DEFAULT '',
    -- Published with a public response, once staff have taken out anything
    -- that identifies anyone; hidden again by staff (after a report of abuse).
    public_summary TEXT NOT NULL DEFAULT '',
    public_response TEXT NOT NULL DEFAULT '',
    published_at INTEGER,
    published_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    CHECK ((kind = 'complaint') = (status IS NOT NULL))
);
CREATE INDEX feedback_by_organisation ON feedback (organisation_id, status);
CREATE INDEX feedback_by_account ON feedback (account_id);
CREATE INDEX feedback_by_about ON feedback (about_kind, about_id);

-- Every step taken on a complaint, in order, with its words: the history the
-- person and staff see. The audit log records the same steps by who took them.
CREATE TABLE feedback_steps (
    id INTEGER PRIMARY KEY,
    feedback_id INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    step TEXT NOT NULL CHECK (step IN ('received', 'respond', 'extend_frontline', 'escalate', 'acknowledge', 'extend_investigation', 'decide', 'published', 'withdrawn')),
    on_date TEXT NOT NULL,
    at INTEGER NOT NULL,
    by_account INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    -- The reason, the response or the decision given at this step.
    note TEXT NOT NULL DEFAULT '',
    -- A date the step set (a new due date).
    new_date TEXT
);
CREATE INDEX feedback_steps_by_feedback ON feedback_steps (feedback_id, id);

-- Reports that a published item is abusive or identifies someone.
CREATE TABLE feedback_abuse_reports (
    id INTEGER PRIMARY KEY,
    feedback_id INTEGER NOT NULL REFERENCES feedback (id) ON DELETE CASCADE,
    reason TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    -- When staff looked at it.
    seen_at INTEGER
);
CREATE INDEX feedback_abuse_by_feedback ON feedback_abuse_reports (feedback_id);
