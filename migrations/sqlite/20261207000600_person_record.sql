-- The person's record. A co-delivery person (`coordination_people`, held
-- by an organisation, with their offers, requests and time bank account)
-- is the one record of a person; it gains what a link worker or a
-- coordinator needs to support them: who they are and how to reach them,
-- what matters to them in their own words, a conversation on the Talking
-- Points outcomes, the plan agreed from it, and their circle of support.
-- Everyone already recorded keeps everything they had; the new fields
-- start empty.

-- The name they like to be called by, when it is not their full name.
ALTER TABLE coordination_people ADD COLUMN preferred_name TEXT NOT NULL DEFAULT '';
-- Only if they gave it: YYYY-MM-DD.
ALTER TABLE coordination_people ADD COLUMN date_of_birth TEXT;
-- Where they live (the phone and email columns already hold the rest).
ALTER TABLE coordination_people ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE coordination_people ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
-- How they like to be contacted ('': they have not said).
ALTER TABLE coordination_people ADD COLUMN contact_by TEXT NOT NULL DEFAULT ''
    CHECK (contact_by IN ('', 'phone', 'text', 'email', 'letter', 'visit'));
-- The languages they use, and anything that helps them communicate
-- (large print, a BSL interpreter, speaking slowly, a hearing loop).
ALTER TABLE coordination_people ADD COLUMN languages TEXT NOT NULL DEFAULT '';
ALTER TABLE coordination_people ADD COLUMN communication_needs TEXT NOT NULL DEFAULT '';
-- Who may speak for them (a power of attorney, a carer they named).
ALTER TABLE coordination_people ADD COLUMN speaks_for_them TEXT NOT NULL DEFAULT '';
-- What matters to them, in their own words.
ALTER TABLE coordination_people ADD COLUMN what_matters TEXT NOT NULL DEFAULT '';
-- When the agreed plan is next looked at together (YYYY-MM-DD).
ALTER TABLE coordination_people ADD COLUMN plan_review_on TEXT;

-- The conversation the plan grows from: what the person said about each
-- Talking Points outcome (quality of life, how they are treated, change),
-- one note per outcome, replaced when the conversation is picked up again.
CREATE TABLE person_conversation_notes (
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    outcome TEXT NOT NULL,
    note TEXT NOT NULL,
    recorded_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    recorded_at INTEGER NOT NULL,
    PRIMARY KEY (person_id, outcome)
);

-- The circle of support: the people and services around the person, ring
-- by ring outwards from the household to formal services. How to reach a
-- tie is shown to staff only. A tie may be a service on the asset map.
CREATE TABLE circle_ties (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    layer TEXT NOT NULL CHECK (layer IN ('household', 'informal', 'volunteers', 'team', 'formal')),
    name TEXT NOT NULL,
    role TEXT NOT NULL DEFAULT '',
    what_they_do TEXT NOT NULL DEFAULT '',
    how_often TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    in_plan INTEGER NOT NULL DEFAULT 0 CHECK (in_plan IN (0, 1)),
    service_id TEXT REFERENCES services (id) ON DELETE SET NULL,
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX circle_ties_by_person ON circle_ties (person_id, layer, id);

-- The agreed plan: goals in the person's words, each perhaps serving one
-- Talking Points outcome, and the actions that reach it.
CREATE TABLE plan_goals (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    goal TEXT NOT NULL,
    outcome TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'achieved', 'stopped')),
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX plan_goals_by_person ON plan_goals (person_id, id);

-- Who does what: the person, family, a neighbour, a volunteer, a
-- community group (perhaps a service on the asset map), the team or
-- another service; perhaps one of the circle's ties by name.
CREATE TABLE plan_actions (
    id INTEGER PRIMARY KEY,
    goal_id INTEGER NOT NULL REFERENCES plan_goals (id) ON DELETE CASCADE,
    action TEXT NOT NULL,
    by_whom TEXT NOT NULL CHECK (by_whom IN ('person', 'family', 'neighbour', 'volunteer', 'community_group', 'team', 'other_service')),
    who_name TEXT NOT NULL DEFAULT '',
    tie_id INTEGER REFERENCES circle_ties (id) ON DELETE SET NULL,
    service_id TEXT REFERENCES services (id) ON DELETE SET NULL,
    due_on TEXT,
    done INTEGER NOT NULL DEFAULT 0 CHECK (done IN (0, 1)),
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX plan_actions_by_goal ON plan_actions (goal_id, id);
CREATE INDEX plan_actions_by_tie ON plan_actions (tie_id);

-- The consent register gains a kind of record: the person's record of
-- support (what matters, the conversation, the plan and the circle).
-- SQLite cannot change a CHECK in place, so the table is copied whole.
CREATE TABLE consents_new (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    coordination_person_id INTEGER REFERENCES coordination_people (id) ON DELETE CASCADE,
    record_kind TEXT NOT NULL CHECK (record_kind IN ('account', 'coordination', 'time_bank', 'personal_star', 'survey', 'budgeting', 'support')),
    record_id INTEGER,
    purpose TEXT NOT NULL,
    lawful_basis TEXT NOT NULL CHECK (lawful_basis IN ('consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests')),
    given_at INTEGER NOT NULL,
    given_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    given_channel TEXT NOT NULL CHECK (given_channel IN ('online', 'phone', 'paper', 'in_person')),
    withdrawn_at INTEGER,
    withdrawn_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    withdrawn_channel TEXT CHECK (withdrawn_channel IN ('online', 'phone', 'paper', 'in_person')),
    CHECK (account_id IS NOT NULL OR coordination_person_id IS NOT NULL OR record_id IS NOT NULL),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_channel IS NULL))
);
INSERT INTO consents_new (id, account_id, coordination_person_id, record_kind, record_id, purpose,
    lawful_basis, given_at, given_by, given_channel, withdrawn_at, withdrawn_by, withdrawn_channel)
SELECT id, account_id, coordination_person_id, record_kind, record_id, purpose,
    lawful_basis, given_at, given_by, given_channel, withdrawn_at, withdrawn_by, withdrawn_channel
FROM consents;
DROP TABLE consents;
ALTER TABLE consents_new RENAME TO consents;
CREATE INDEX consents_by_account ON consents (account_id);
CREATE INDEX consents_by_person ON consents (coordination_person_id);
CREATE INDEX consents_by_record ON consents (record_kind, record_id);
