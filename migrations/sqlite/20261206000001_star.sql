-- The Co-Production Star toolkit: an organisation's initiatives placed on
-- the Four Co's (Map it), their business cases (Focus it), self-assessment
-- rounds (People it, and Grow it when repeated), charters per service
-- (Market it), 360-degree reviews through surveys, and the person-level
-- dementia-friendly star. Dates are ISO 8601 (YYYY-MM-DD); moments are
-- seconds since the Unix epoch; money is pounds as a real number, as the
-- engine's business case reads it.

CREATE TABLE star_initiatives (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    -- The service it belongs to, in the organisation's own words.
    service TEXT NOT NULL,
    locality_id INTEGER REFERENCES localities (id) ON DELETE SET NULL,
    stage TEXT NOT NULL CHECK (stage IN ('proposed', 'running', 'ended')),
    -- Things in coprod that evidence it.
    asset_service_id TEXT REFERENCES services (id) ON DELETE SET NULL,
    budgeting_process_id INTEGER REFERENCES pb_processes (id) ON DELETE SET NULL,
    survey_id INTEGER REFERENCES surveys (id) ON DELETE SET NULL,
    -- The 360-degree review: a survey whose results attach to the initiative.
    review_survey_id INTEGER REFERENCES surveys (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (organisation_id, name)
);

CREATE TABLE star_initiative_cos (
    initiative_id INTEGER NOT NULL REFERENCES star_initiatives (id) ON DELETE CASCADE,
    co TEXT NOT NULL CHECK (co IN ('co_commissioning', 'co_design', 'co_delivery', 'co_assessment')),
    PRIMARY KEY (initiative_id, co)
);

CREATE TABLE star_initiative_partners (
    initiative_id INTEGER NOT NULL REFERENCES star_initiatives (id) ON DELETE CASCADE,
    partner TEXT NOT NULL CHECK (partner IN ('users', 'carers', 'volunteers', 'community_groups', 'staff')),
    PRIMARY KEY (initiative_id, partner)
);

-- An outcome aimed at: a Talking Points outcome by its code, or the
-- organisation's own words.
CREATE TABLE star_initiative_outcomes (
    id INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES star_initiatives (id) ON DELETE CASCADE,
    talking_point TEXT,
    own_words TEXT,
    CHECK ((talking_point IS NULL) <> (own_words IS NULL))
);
CREATE INDEX star_initiative_outcomes_by_initiative ON star_initiative_outcomes (initiative_id);

CREATE TABLE star_business_cases (
    initiative_id INTEGER PRIMARY KEY REFERENCES star_initiatives (id) ON DELETE CASCADE,
    money REAL NOT NULL,
    staff_hours REAL NOT NULL,
    staff_hourly_cost REAL NOT NULL,
    volunteer_hours REAL NOT NULL,
    volunteer_hourly_value REAL NOT NULL,
    discount_rate REAL NOT NULL,
    updated_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    updated_at INTEGER NOT NULL
);

CREATE TABLE star_case_outcomes (
    id INTEGER PRIMARY KEY,
    initiative_id INTEGER NOT NULL REFERENCES star_business_cases (initiative_id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    description TEXT NOT NULL,
    quantity REAL NOT NULL,
    proxy_value REAL NOT NULL,
    proxy_source TEXT NOT NULL,
    price_year INTEGER NOT NULL,
    deadweight REAL NOT NULL,
    displacement REAL NOT NULL,
    attribution REAL NOT NULL,
    drop_off REAL NOT NULL,
    duration_years INTEGER NOT NULL,
    UNIQUE (initiative_id, position)
);

CREATE TABLE star_rounds (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    held_on TEXT NOT NULL,
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    UNIQUE (organisation_id, name)
);

-- One rater's rating of one statement. Raters are named within the round
-- (a service user may rate on paper and have it typed in).
CREATE TABLE star_ratings (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES star_rounds (id) ON DELETE CASCADE,
    rater TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('staff', 'manager', 'service_user')),
    statement TEXT NOT NULL,
    maturity INTEGER NOT NULL CHECK (maturity BETWEEN 1 AND 5),
    evidence TEXT,
    action TEXT,
    entered_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    UNIQUE (round_id, rater, statement)
);

-- A charter is versioned: editing an approved charter starts a new draft;
-- the public page shows the latest approved version.
CREATE TABLE star_charters (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    service TEXT NOT NULL,
    version INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('draft', 'approved')),
    approved_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    approved_at INTEGER,
    created_at INTEGER NOT NULL,
    UNIQUE (organisation_id, service, version)
);

CREATE TABLE star_charter_parties (
    charter_id INTEGER NOT NULL REFERENCES star_charters (id) ON DELETE CASCADE,
    party TEXT NOT NULL CHECK (party IN ('users', 'carers', 'citizens', 'frontline_staff', 'managers', 'elected_members')),
    role TEXT NOT NULL,
    responsibilities TEXT NOT NULL,
    incentives TEXT NOT NULL,
    PRIMARY KEY (charter_id, party)
);

-- The dementia-friendly star of one person, kept with their consent and
-- shown only to them, their carer and their workers.
CREATE TABLE star_person_stars (
    id INTEGER PRIMARY KEY,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    person_name TEXT NOT NULL,
    person_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    carer_name TEXT NOT NULL DEFAULT '',
    carer_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    consent_purpose TEXT NOT NULL,
    consent_recorded_at INTEGER NOT NULL,
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE star_person_workers (
    person_star_id INTEGER NOT NULL REFERENCES star_person_stars (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (person_star_id, account_id)
);

CREATE TABLE star_person_ratings (
    id INTEGER PRIMARY KEY,
    person_star_id INTEGER NOT NULL REFERENCES star_person_stars (id) ON DELETE CASCADE,
    rated_on TEXT NOT NULL,
    home_level INTEGER NOT NULL CHECK (home_level BETWEEN 1 AND 5),
    home_note TEXT NOT NULL DEFAULT '',
    community_level INTEGER NOT NULL CHECK (community_level BETWEEN 1 AND 5),
    community_note TEXT NOT NULL DEFAULT '',
    services_level INTEGER NOT NULL CHECK (services_level BETWEEN 1 AND 5),
    services_note TEXT NOT NULL DEFAULT '',
    contributes TEXT NOT NULL DEFAULT '',
    entered_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX star_person_ratings_by_star ON star_person_ratings (person_star_id, rated_on);
