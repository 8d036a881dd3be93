-- Social prescribing: referrals of a person to a service on the asset map
-- or to an organisation's volunteer desk, each step of their life, and the
-- wellbeing measures taken at the start and at reviews.

-- One referral. The person is a co-delivery record; the referring side is
-- the organisation holding that record when the referral was made (NULL:
-- the partnership itself), the receiving side the organisation that runs
-- the service or the desk. The receiver sees only the fields the person
-- agreed to share (`shared_fields`), under the consent in `consent_id`.
CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    referring_organisation_id INTEGER REFERENCES organisations (id) ON DELETE SET NULL,
    -- The account that recorded the referral.
    referred_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    -- Who referred: a link worker, GP practice staff, a nurse, a
    -- coordinator, other staff, or the person themselves; and, in words,
    -- their role and where they work ("practice nurse, Harbour Surgery").
    referrer_kind TEXT NOT NULL CHECK (referrer_kind IN ('link_worker', 'gp_practice', 'nurse', 'coordinator', 'other_staff', 'self')),
    referrer_role TEXT NOT NULL DEFAULT '',
    -- To a listed service, or to an organisation's volunteer desk (which
    -- turns it into a request for help on acceptance).
    target TEXT NOT NULL CHECK (target IN ('service', 'desk')),
    service_id TEXT REFERENCES services (id) ON DELETE SET NULL,
    -- The service's name when referred, kept if the listing goes.
    service_name TEXT NOT NULL DEFAULT '',
    receiving_organisation_id INTEGER NOT NULL REFERENCES organisations (id),
    -- For the desk: the kind of help (a taxonomy term) and where.
    help_category TEXT,
    postcode TEXT NOT NULL DEFAULT '',
    -- What matters to the person, in their words.
    reason TEXT NOT NULL,
    -- What the receiver may see, comma-separated field names.
    shared_fields TEXT NOT NULL,
    consent_id INTEGER NOT NULL REFERENCES consents (id),
    -- Facts for the uptake funnel, taken when referred.
    simd_quintile INTEGER CHECK (simd_quintile BETWEEN 1 AND 5),
    age_band TEXT,
    status TEXT NOT NULL CHECK (status IN ('referred', 'accepted', 'contacted', 'first_attended', 'completed', 'declined', 'did_not_attend', 'withdrawn')),
    referred_at INTEGER NOT NULL,
    -- The receiver answers by this day (YYYY-MM-DD), counted in working days.
    respond_by TEXT NOT NULL,
    -- Set when the due date passed unanswered.
    escalated_at INTEGER,
    -- The request for help a desk referral became.
    help_request_id INTEGER REFERENCES help_requests (id) ON DELETE SET NULL,
    CHECK ((target = 'service') = (service_id IS NOT NULL OR service_name <> ''))
);
CREATE INDEX referrals_by_person ON referrals (person_id);
CREATE INDEX referrals_by_referrer ON referrals (referring_organisation_id);
CREATE INDEX referrals_by_receiver ON referrals (receiving_organisation_id, status);

-- Each step of a referral's life, the first being its making. Every step
-- names who took it (an account, an API token, or the operator) and when.
CREATE TABLE referral_events (
    id INTEGER PRIMARY KEY,
    referral_id INTEGER NOT NULL REFERENCES referrals (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('referred', 'accepted', 'contacted', 'first_attended', 'completed', 'declined', 'did_not_attend', 'withdrawn')),
    occurred_at INTEGER NOT NULL,
    actor_kind TEXT NOT NULL CHECK (actor_kind IN ('account', 'token', 'operator')),
    actor_id INTEGER,
    -- The side that took the step: the referrer or the receiver.
    side TEXT NOT NULL CHECK (side IN ('referrer', 'receiver', 'either')),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'email', 'paper', 'in_person')),
    -- The reason for a decline or withdrawal; a note otherwise.
    note TEXT NOT NULL DEFAULT '',
    CHECK ((actor_kind = 'operator') = (actor_id IS NULL))
);
CREATE INDEX referral_events_by_referral ON referral_events (referral_id, occurred_at);

-- Validated wellbeing measures (SWEMWBS, ONS4, UCLA-3), at the start and
-- at reviews: the item answers as integers, in item order (a JSON array),
-- answered by the person or entered by staff with the channel.
CREATE TABLE outcome_measures (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    referral_id INTEGER REFERENCES referrals (id) ON DELETE SET NULL,
    instrument TEXT NOT NULL CHECK (instrument IN ('swemwbs', 'ons4', 'ucla3')),
    stage TEXT NOT NULL CHECK (stage IN ('start', 'review')),
    recorded_at INTEGER NOT NULL,
    items TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'email', 'paper', 'in_person')),
    entered_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL
);
CREATE INDEX outcome_measures_by_person ON outcome_measures (person_id);
CREATE INDEX outcome_measures_by_referral ON outcome_measures (referral_id);
