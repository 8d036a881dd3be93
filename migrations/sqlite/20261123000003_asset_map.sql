-- The community asset map, shaped on Open Referral HSDS 3.0. Each service,
-- organisation, taxonomy and term keeps its whole HSDS document (so import
-- and export are faithful); the other columns and tables are a projection
-- of the documents for search, rebuilt whenever a document is saved.

-- Organisations as the directory knows them, with HSDS ids. One may be the
-- same body as a member organisation of the partnership.
CREATE TABLE directory_organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    organisation_id INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    document TEXT NOT NULL,
    modified_at INTEGER NOT NULL
);

CREATE TABLE taxonomies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    document TEXT NOT NULL
);

CREATE TABLE taxonomy_terms (
    id TEXT PRIMARY KEY,
    taxonomy_id TEXT,
    parent_id TEXT,
    name TEXT NOT NULL,
    document TEXT NOT NULL
);
CREATE INDEX taxonomy_terms_by_taxonomy ON taxonomy_terms (taxonomy_id);

-- Services (groups, activities, support) and places to borrow.
CREATE TABLE services (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    status TEXT NOT NULL,
    organization_id TEXT REFERENCES directory_organizations (id),
    -- The partnership organisation that keeps this listing up to date;
    -- NULL while nobody has claimed it.
    managed_by INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    minimum_age REAL,
    maximum_age REAL,
    free INTEGER NOT NULL,
    -- Names of its taxonomy terms, for word search.
    categories TEXT NOT NULL,
    modified_at INTEGER NOT NULL,
    -- When someone last confirmed the listing is right.
    checked_at INTEGER,
    document TEXT NOT NULL
);
CREATE INDEX services_by_organization ON services (organization_id);
CREATE INDEX services_by_modified ON services (modified_at);

CREATE TABLE service_terms (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    term_id TEXT NOT NULL,
    PRIMARY KEY (service_id, term_id)
);
CREATE INDEX service_terms_by_term ON service_terms (term_id);

CREATE TABLE service_locations (
    service_at_location_id TEXT PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    location_id TEXT NOT NULL,
    name TEXT,
    latitude REAL,
    longitude REAL,
    postcode TEXT
);
CREATE INDEX service_locations_by_service ON service_locations (service_id);
CREATE INDEX service_locations_by_place ON service_locations (latitude, longitude);

-- Weekly opening times; closes <= opens runs past midnight.
CREATE TABLE service_openings (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL,
    opens INTEGER NOT NULL,
    closes INTEGER NOT NULL,
    valid_from TEXT,
    valid_to TEXT
);
CREATE INDEX service_openings_by_service ON service_openings (service_id);

-- Word search: SQLite's FTS5 with English stemming, kept by the application.
CREATE VIRTUAL TABLE services_fts USING fts5 (
    service_id UNINDEXED,
    name,
    categories,
    description,
    tokenize = 'porter unicode61'
);
