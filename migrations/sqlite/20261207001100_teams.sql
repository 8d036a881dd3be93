-- Teams and their shared caseload (Buurtzorg's small self-managing teams:
-- a neighbourhood nursing team, a link-worker service). A team belongs to
-- one organisation; its members are staff of that organisation. A person's
-- record held by the organisation may be on the team's caseload, with a
-- named lead (a member) and a handover note. While a record is on any
-- team's caseload, only members of a team holding it (and partnership
-- administrators) read it: see `people::reach`.

CREATE TABLE teams (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    -- What the team does, in a sentence.
    purpose TEXT NOT NULL DEFAULT '',
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
-- One name per organisation, so people can tell teams apart.
CREATE UNIQUE INDEX teams_name_once ON teams (organisation_id, name);

-- Who is on a team. Staff of the team's organisation only (the pages
-- check the role; the table keeps who added whom).
CREATE TABLE team_members (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    added_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, account_id)
);
CREATE INDEX team_members_by_account ON team_members (account_id);

-- The people a team supports together: each with a named lead (a member)
-- and the note the lead keeps for whoever takes over. A member who leads
-- anyone cannot leave the team until they hand over; an account that is
-- removed leaves its people with no lead until someone takes them on.
CREATE TABLE team_caseload (
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    lead_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    handover_note TEXT NOT NULL DEFAULT '',
    added_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (team_id, person_id)
);
CREATE INDEX team_caseload_by_person ON team_caseload (person_id);
CREATE INDEX team_caseload_by_lead ON team_caseload (lead_account_id);

-- Every change of lead: from whom, to whom, when, by whom and the note.
-- Kept by team and person, so the history outlives a spell off the
-- caseload; it goes with the team or the person's record.
CREATE TABLE team_handovers (
    id INTEGER PRIMARY KEY,
    team_id INTEGER NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    -- NULL: taken onto the caseload (no lead before).
    from_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    to_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    note TEXT NOT NULL,
    handed_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    handed_at INTEGER NOT NULL
);
CREATE INDEX team_handovers_by_person ON team_handovers (team_id, person_id, handed_at);
