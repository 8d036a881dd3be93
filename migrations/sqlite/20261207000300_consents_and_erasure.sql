-- GDPR rights: the consent register, the record of erasures, and an audit
-- log that refuses every change except an erasure's pseudonymisation.

-- The consent register: one row per consent (or other lawful basis) for
-- one purpose, for one kind of record about one person. The person is an
-- account, a coordination person record, or both; a personal star's person
-- may have neither, and is then named by the record itself (record_id).
-- A consent is given once and withdrawn at most once: a new consent after
-- a withdrawal is a new row, so the history stays whole.
CREATE TABLE consents (
    id INTEGER PRIMARY KEY,
    account_id INTEGER REFERENCES accounts (id) ON DELETE CASCADE,
    coordination_person_id INTEGER REFERENCES coordination_people (id) ON DELETE CASCADE,
    -- What kind of record it covers, and (for one record, such as one
    -- personal star) which one.
    record_kind TEXT NOT NULL CHECK (record_kind IN ('account', 'coordination', 'time_bank', 'personal_star', 'survey', 'budgeting')),
    record_id INTEGER,
    purpose TEXT NOT NULL,
    lawful_basis TEXT NOT NULL CHECK (lawful_basis IN ('consent', 'contract', 'legal_obligation', 'vital_interests', 'public_task', 'legitimate_interests')),
    given_at INTEGER NOT NULL,
    -- The account that recorded it: the person themselves online, or staff.
    given_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    given_channel TEXT NOT NULL CHECK (given_channel IN ('online', 'phone', 'paper', 'in_person')),
    withdrawn_at INTEGER,
    withdrawn_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    withdrawn_channel TEXT CHECK (withdrawn_channel IN ('online', 'phone', 'paper', 'in_person')),
    CHECK (account_id IS NOT NULL OR coordination_person_id IS NOT NULL OR record_id IS NOT NULL),
    CHECK ((withdrawn_at IS NULL) = (withdrawn_channel IS NULL))
);
CREATE INDEX consents_by_account ON consents (account_id);
CREATE INDEX consents_by_person ON consents (coordination_person_id);
CREATE INDEX consents_by_record ON consents (record_kind, record_id);

-- Every personal star was made with the person's consent (the form
-- refused it otherwise): the register takes those consents over, as given
-- in person by the worker who made the record.
INSERT INTO consents (account_id, record_kind, record_id, purpose, lawful_basis, given_at, given_by, given_channel)
SELECT person_account_id, 'personal_star', id, consent_purpose, 'consent', consent_recorded_at, created_by, 'in_person'
FROM star_person_stars;

-- Each erasure: the pseudonym that now stands where the person's name and
-- email were, and who erased them (NULL: an operator at the command line).
CREATE TABLE erasures (
    id INTEGER PRIMARY KEY,
    pseudonym TEXT NOT NULL UNIQUE,
    account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    coordination_person_id INTEGER REFERENCES coordination_people (id) ON DELETE SET NULL,
    erased_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    erased_at INTEGER NOT NULL
);

-- The audit log stays append-only, with one exception the law asks for:
-- when a person is erased, identifying values in the details they appear
-- in are replaced by their pseudonym, and their address (ip) may be
-- removed. So an update is allowed only when every other column stays as
-- it was, the ip stays or becomes NULL, and the new detail is empty or
-- names a pseudonym recorded in `erasures` (retention also empties the
-- typed email of old failed sign-ins this way). Deleting stays refused.
DROP TRIGGER audit_events_no_update;
CREATE TRIGGER audit_events_only_pseudonymised BEFORE UPDATE ON audit_events
WHEN NOT (
    NEW.id = OLD.id
    AND NEW.occurred_at = OLD.occurred_at
    AND NEW.actor_account_id IS OLD.actor_account_id
    AND NEW.action = OLD.action
    AND NEW.subject_kind IS OLD.subject_kind
    AND NEW.subject_id IS OLD.subject_id
    AND (NEW.ip IS OLD.ip OR NEW.ip IS NULL)
    AND (
        NEW.detail = OLD.detail
        OR NEW.detail = ''
        OR EXISTS (SELECT 1 FROM erasures e WHERE instr(NEW.detail, e.pseudonym) > 0)
    )
)
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: only an erasure may pseudonymise a row');
END;
