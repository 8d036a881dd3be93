-- Keeping the asset map right: organisations claim listings nobody keeps,
-- and anyone can report a problem with a listing.

-- An organisation asking to keep an unclaimed listing up to date. An
-- administrator approves or refuses it.
CREATE TABLE listing_claims (
    id INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    organisation_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    requested_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
    requested_at INTEGER NOT NULL,
    decided_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    decided_at INTEGER,
    decision_note TEXT NOT NULL DEFAULT ''
);
-- One open claim per listing and organisation.
CREATE UNIQUE INDEX listing_claims_one_pending ON listing_claims (service_id, organisation_id) WHERE status = 'pending';

-- A problem with a listing, reported by anyone, queued for the organisation
-- that keeps it (or the administrators, for an unclaimed listing).
CREATE TABLE listing_reports (
    id INTEGER PRIMARY KEY,
    service_id TEXT NOT NULL REFERENCES services (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('closed', 'wrong_contact', 'wrong_details', 'not_in_area', 'other')),
    details TEXT NOT NULL DEFAULT '',
    reporter_email TEXT,
    reporter_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    reported_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('open', 'resolved')),
    resolved_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    resolved_at INTEGER,
    resolution_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX listing_reports_open ON listing_reports (status, service_id);
