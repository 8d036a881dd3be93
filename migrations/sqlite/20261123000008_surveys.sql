-- Surveys and consultations: surveys and their versions, invitations with
-- one-time links, responses, who has taken part in a signed-in survey, and
-- the Scottish Index of Multiple Deprivation by data zone for breakdowns.

-- SIMD by data zone, as imported by `coprod import simd`. Rank 1 is the
-- most deprived data zone; decile and quintile 1 the most deprived tenth
-- and fifth. A file may give the quintile without the decile.
CREATE TABLE simd_data_zones (
    data_zone TEXT PRIMARY KEY,
    simd_rank INTEGER NOT NULL CHECK (simd_rank >= 1),
    decile INTEGER CHECK (decile BETWEEN 1 AND 10),
    quintile INTEGER NOT NULL CHECK (quintile BETWEEN 1 AND 5),
    imported_at INTEGER NOT NULL
);

-- A survey: what stays the same from one version to the next. public_key
-- goes into respondents' links, so they cannot guess other surveys.
-- identified = 1 keeps who answered (an account or an invitation);
-- anonymous surveys never store it. access says who may answer online.
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    public_key TEXT NOT NULL UNIQUE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    introduction TEXT NOT NULL DEFAULT '',
    identified INTEGER NOT NULL DEFAULT 0 CHECK (identified IN (0, 1)),
    access TEXT NOT NULL CHECK (access IN ('public', 'signed_in', 'invitation')),
    status TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);

-- The questions of a survey, as JSON ({"audiences": [...], "sections":
-- [...]}, the engine's survey model). New responses go to the highest
-- number. revision moves on every edit and response_count on every
-- response, both by conditional UPDATEs of this row: an edit succeeds only
-- while response_count is 0, and a response only while the revision it
-- was checked against is current, so a version with responses can never
-- change under them.
CREATE TABLE survey_versions (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    number INTEGER NOT NULL,
    definition TEXT NOT NULL,
    revision INTEGER NOT NULL DEFAULT 0,
    response_count INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (survey_id, number)
);

-- One-time links. Only the token's SHA-256 is kept; the email address
-- only for an identified survey.
CREATE TABLE survey_invitations (
    id INTEGER PRIMARY KEY,
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    audience TEXT NOT NULL CHECK (audience IN ('citizens', 'staff')),
    token_hash TEXT NOT NULL UNIQUE,
    email TEXT,
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    used_at INTEGER
);
CREATE INDEX survey_invitations_by_survey ON survey_invitations (survey_id);

-- One completed response. answers is JSON keyed by question id, read
-- with the version's questions. The facts (data zone, SIMD quintile, age
-- band) are optional; a postcode is never stored. respondent_account_id
-- and invitation_id are set only for identified surveys; entered_by is the
-- member of staff who typed in a paper response.
CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES survey_versions (id) ON DELETE CASCADE,
    audience TEXT NOT NULL CHECK (audience IN ('citizens', 'staff')),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'easy_read', 'paper')),
    answers TEXT NOT NULL,
    data_zone TEXT,
    simd_quintile INTEGER CHECK (simd_quintile BETWEEN 1 AND 5),
    age_band TEXT,
    respondent_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    invitation_id INTEGER REFERENCES survey_invitations (id) ON DELETE SET NULL,
    entered_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    submitted_at INTEGER NOT NULL
);
CREATE INDEX survey_responses_by_version ON survey_responses (version_id, id);

-- Who has answered a signed-in survey, so nobody answers twice. Kept apart
-- from the responses (no time, no response id), so an anonymous survey's
-- answers cannot be traced back through it.
CREATE TABLE survey_participants (
    survey_id INTEGER NOT NULL REFERENCES surveys (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (survey_id, account_id)
);
