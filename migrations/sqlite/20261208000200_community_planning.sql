-- Community planning: the partnership's Local Outcomes Improvement Plan
-- and its locality plans, with their outcomes, priorities and indicators,
-- the indicators' figures over time, what serves each outcome, and the
-- "you said, we did" entries that show people what their say changed.

-- A plan. The LOIP covers the whole partnership (no locality); a locality
-- plan covers one locality. A plan is kept by an organisation, whose
-- managers work on it, or (NULL) by the partnership itself, which only
-- partnership-wide managers and administrators reach.
CREATE TABLE plans (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('loip', 'locality')),
    locality_id INTEGER REFERENCES localities (id) ON DELETE SET NULL,
    organisation_id INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    title TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    -- The same in short sentences, one idea per line, for the easy-read page.
    easy_read TEXT NOT NULL DEFAULT '',
    -- The years it runs, e.g. 2023 to 2028.
    starts_in INTEGER NOT NULL,
    ends_in INTEGER NOT NULL,
    -- Shown to the public once published.
    published INTEGER NOT NULL DEFAULT 0 CHECK (published IN (0, 1)),
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK (ends_in >= starts_in),
    CHECK ((kind = 'loip') = (locality_id IS NULL))
);
CREATE INDEX plans_by_locality ON plans (locality_id);

-- An outcome a plan works towards, in the plan's order.
CREATE TABLE plan_outcomes (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    easy_read TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_outcomes_by_plan ON plan_outcomes (plan_id, position);

-- What the partners will concentrate on for an outcome.
CREATE TABLE plan_priorities (
    id INTEGER PRIMARY KEY,
    outcome_id INTEGER NOT NULL REFERENCES plan_outcomes (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    title TEXT NOT NULL
);
CREATE INDEX plan_priorities_by_outcome ON plan_priorities (outcome_id, position);

-- How an outcome is measured: which way is better, and perhaps a target.
CREATE TABLE plan_indicators (
    id INTEGER PRIMARY KEY,
    outcome_id INTEGER NOT NULL REFERENCES plan_outcomes (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- What a value counts, e.g. "% of adults", "admissions per 1,000".
    unit TEXT NOT NULL DEFAULT '',
    direction TEXT NOT NULL CHECK (direction IN ('up', 'down')),
    target REAL,
    easy_read TEXT NOT NULL DEFAULT ''
);
CREATE INDEX plan_indicators_by_outcome ON plan_indicators (outcome_id);

-- An indicator's figure for one period (`2024` or `2024/25`), and where
-- it came from. A corrected figure replaces the one before.
CREATE TABLE plan_figures (
    id INTEGER PRIMARY KEY,
    indicator_id INTEGER NOT NULL REFERENCES plan_indicators (id) ON DELETE CASCADE,
    period TEXT NOT NULL,
    -- The year the period starts in, for ordering.
    period_start INTEGER NOT NULL,
    value REAL NOT NULL,
    source TEXT NOT NULL,
    recorded_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    recorded_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX plan_figures_once ON plan_figures (indicator_id, period);

-- What serves an outcome: a Star initiative, a budgeting process, a survey
-- or a service on the asset map, named by kind and id (a service's id is
-- text). The pages name each through its own table; one that has gone
-- is shown as gone.
CREATE TABLE plan_outcome_links (
    id INTEGER PRIMARY KEY,
    outcome_id INTEGER NOT NULL REFERENCES plan_outcomes (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('star_initiative', 'budgeting_process', 'survey', 'service')),
    target TEXT NOT NULL,
    linked_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    linked_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX plan_outcome_links_once ON plan_outcome_links (outcome_id, kind, target);
CREATE INDEX plan_outcome_links_by_target ON plan_outcome_links (kind, target);

-- "You said, we did": what people said, what was done, when, and who
-- signed it off. Entries belong to a plan, so the partnership's page shows
-- the LOIP's and each locality's page its plan's. Only signed-off entries
-- are public; a change takes an entry back to a draft.
CREATE TABLE you_said_entries (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans (id) ON DELETE CASCADE,
    said TEXT NOT NULL,
    did TEXT NOT NULL,
    -- The day the change was made (midnight UTC).
    happened_on INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'signed_off')),
    signed_off_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    signed_off_at INTEGER,
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    CHECK ((status = 'signed_off') = (signed_off_at IS NOT NULL))
);
CREATE INDEX you_said_entries_by_plan ON you_said_entries (plan_id, status, happened_on);

-- The evidence behind an entry, by kind and id, with a label people read.
-- Complaints' learning and feedback themes are kept by the feedback
-- capability: their ids are stored now and named once it lands. A
-- document has no id, only its label.
CREATE TABLE you_said_evidence (
    id INTEGER PRIMARY KEY,
    entry_id INTEGER NOT NULL REFERENCES you_said_entries (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('survey', 'budgeting_process', 'budgeting_project',
        'star_initiative', 'service', 'complaint', 'feedback_theme', 'document')),
    target TEXT NOT NULL DEFAULT '',
    label TEXT NOT NULL,
    added_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    added_at INTEGER NOT NULL
);
CREATE INDEX you_said_evidence_by_entry ON you_said_evidence (entry_id);
CREATE INDEX you_said_evidence_by_target ON you_said_evidence (kind, target);
