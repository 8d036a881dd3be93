-- The community asset map, shaped on Open Referral HSDS 3.0. Each service,
-- organisation, taxonomy and term keeps its whole HSDS document (so import
-- and export are faithful); the other columns and tables are a projection
-- of the documents for search, rebuilt whenever a document is saved.

-- Organisations as the directory knows them, with HSDS ids. One may be the
-- same body as a member organisation of the partnership.
CREATE TABLE directory_organizations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    organisation_id BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    document TEXT NOT NULL,
    modified_at BIGINT NOT NULL
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
    managed_by BIGINT REFERENCES organisations (id) ON DELETE SET NULL,
    minimum_age DOUBLE PRECISION,
    maximum_age DOUBLE PRECISION,
    free BIGINT NOT NULL,
    -- Names of its taxonomy terms, for word search.
    categories TEXT NOT NULL,
    modified_at BIGINT NOT NULL,
    -- When someone last confirmed the listing is right.
    checked_at BIGINT,
    document TEXT NOT NULL,
    -- Word search: English stemming, name weighted above categories above
    -- description.
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', name), 'A')
        || setweight(to_tsvector('english', categories), 'B')
        || setweight(to_tsvector('english', description), 'C')
    ) STORED
);
CREATE INDEX services_by_organization ON services (organization_id);
CREATE INDEX services_by_modified ON services (modified_at);
CREATE INDEX services_search ON services USING GIN (search_vector);

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
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    postcode TEXT
);
CREATE INDEX service_locations_by_service ON service_locations (service_id);
CREATE INDEX service_locations_by_place ON service_locations (latitude, longitude);

-- Weekly opening times; closes <= opens runs past midnight.
CREATE TABLE service_openings (
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    weekday BIGINT NOT NULL,
    opens BIGINT NOT NULL,
    closes BIGINT NOT NULL,
    valid_from TEXT,
    valid_to TEXT
);
CREATE INDEX service_openings_by_service ON service_openings (service_id);
