-- Co-delivery: people who offer and ask for help, their offers and
-- requests, the matches coordinators propose, the occurrences of weekly
-- help (the round), PVG checks, and the time bank's books.
-- Dates of help are ISO 8601 calendar dates (YYYY-MM-DD) as the engine
-- reads them; moments are seconds since the Unix epoch; flags are 0/1.

-- Everyone who offers or asks for help, with or without an account: a
-- coordinator enters people who phone in, write or drop by. Contact
-- details and the exact address of a request are shown only to those a
-- match has been agreed with.
CREATE TABLE coordination_people (
    id INTEGER PRIMARY KEY,
    -- Their own sign-in, if they have one.
    account_id INTEGER UNIQUE REFERENCES accounts (id) ON DELETE SET NULL,
    display_name TEXT NOT NULL,
    phone TEXT NOT NULL DEFAULT '',
    -- NULL for people without email.
    email TEXT,
    -- Only if the person chose to say, in their own words.
    gender TEXT,
    -- 1: help they receive is paid from their own time bank account;
    -- 0: the organisation pays for it.
    pays_own_time INTEGER NOT NULL DEFAULT 1 CHECK (pays_own_time IN (0, 1)),
    -- How the record reached us.
    channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'paper', 'in_person')),
    entered_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);

-- Protecting Vulnerable Groups scheme checks. The latest recorded is the
-- one that counts, so a mistake is put right by recording again.
CREATE TABLE pvg_checks (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    -- The last day the membership is current.
    valid_until TEXT NOT NULL,
    recorded_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    recorded_at INTEGER NOT NULL
);
CREATE INDEX pvg_checks_by_person ON pvg_checks (person_id, id);

-- What people offer: time, a skill, a place or a thing.
CREATE TABLE offers (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('time', 'skill', 'place', 'thing')),
    description TEXT NOT NULL,
    -- Where the volunteer sets out from, or where the place or thing is.
    postcode TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    max_distance_metres INTEGER NOT NULL CHECK (max_distance_metres >= 0),
    capacity_unit TEXT NOT NULL CHECK (capacity_unit IN ('people', 'minutes_per_week')),
    capacity_limit INTEGER NOT NULL CHECK (capacity_limit >= 0),
    commitment TEXT NOT NULL CHECK (commitment IN ('either', 'one_off_only', 'recurring_only')),
    same_gender_only INTEGER NOT NULL CHECK (same_gender_only IN (0, 1)),
    -- Languages the volunteer can help in, comma-separated, lower case.
    languages TEXT NOT NULL DEFAULT '',
    wheelchair TEXT NOT NULL CHECK (wheelchair IN ('accessible', 'not_accessible', 'not_applicable')),
    -- The dates the offer stands, when limited (both or neither).
    stands_from TEXT,
    stands_until TEXT,
    status TEXT NOT NULL CHECK (status IN ('open', 'withdrawn')),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'paper', 'in_person')),
    entered_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    -- Moved on by every booking of this offer, which makes bookings of one
    -- offer take turns on both backends.
    bookings_version INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX offers_by_person ON offers (person_id);

-- The asset map's taxonomy terms an offer helps with.
CREATE TABLE offer_categories (
    offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    term_id TEXT NOT NULL,
    PRIMARY KEY (offer_id, term_id)
);

-- The weekly slots an offer gives. A slot holds one piece of help a day.
-- Weekdays run 1 (Monday) to 7 (Sunday); times are minutes since midnight.
CREATE TABLE offer_slots (
    offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    slot_no INTEGER NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts INTEGER NOT NULL,
    ends INTEGER NOT NULL,
    PRIMARY KEY (offer_id, slot_no),
    CHECK (starts >= 0 AND starts < ends AND ends <= 1440)
);

-- Days a volunteer is away: holidays, a spell in hospital.
CREATE TABLE offer_away (
    id INTEGER PRIMARY KEY,
    offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    first_date TEXT NOT NULL,
    last_date TEXT NOT NULL,
    CHECK (first_date <= last_date)
);
CREATE INDEX offer_away_by_offer ON offer_away (offer_id);

-- What people ask for.
CREATE TABLE help_requests (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    -- A taxonomy term of the asset map.
    category TEXT NOT NULL,
    description TEXT NOT NULL,
    -- 0: once, on first_date; 1: every week from first_date.
    recurring INTEGER NOT NULL CHECK (recurring IN (0, 1)),
    first_date TEXT NOT NULL,
    -- The last day of weekly help, if it ends.
    last_date TEXT,
    duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0 AND duration_minutes <= 1440),
    postcode TEXT NOT NULL,
    latitude REAL NOT NULL,
    longitude REAL NOT NULL,
    -- The exact address: only ever shown to those matched.
    address TEXT NOT NULL,
    max_distance_metres INTEGER,
    urgency TEXT NOT NULL CHECK (urgency IN ('routine', 'soon', 'urgent')),
    -- The helper must speak one of these (comma-separated); empty for any.
    languages TEXT NOT NULL DEFAULT '',
    same_gender_helper INTEGER NOT NULL CHECK (same_gender_helper IN (0, 1)),
    wheelchair_access INTEGER NOT NULL CHECK (wheelchair_access IN (0, 1)),
    vulnerable_adult INTEGER NOT NULL CHECK (vulnerable_adult IN (0, 1)),
    status TEXT NOT NULL CHECK (status IN ('open', 'closed', 'withdrawn')),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'paper', 'in_person')),
    entered_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX help_requests_by_person ON help_requests (person_id);
CREATE INDEX help_requests_by_status ON help_requests (status);

-- When a person can be helped: one window for a one-off (on its date's
-- weekday), one or more for weekly help.
CREATE TABLE request_windows (
    request_id INTEGER NOT NULL REFERENCES help_requests (id) ON DELETE CASCADE,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    starts INTEGER NOT NULL,
    ends INTEGER NOT NULL,
    PRIMARY KEY (request_id, weekday, starts),
    CHECK (starts >= 0 AND starts < ends AND ends <= 1440)
);

-- A coordinator's proposal that an offer's slot meet a request, and what
-- became of it. Weekly help is a recurring commitment; a cover match is a
-- one-off standing in for one occurrence of someone else's.
CREATE TABLE matches (
    id INTEGER PRIMARY KEY,
    request_id INTEGER NOT NULL REFERENCES help_requests (id) ON DELETE CASCADE,
    offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    slot_no INTEGER NOT NULL,
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    -- The time the slot and the person's window share.
    starts INTEGER NOT NULL,
    ends INTEGER NOT NULL,
    recurring INTEGER NOT NULL CHECK (recurring IN (0, 1)),
    first_date TEXT NOT NULL,
    last_date TEXT,
    is_cover INTEGER NOT NULL DEFAULT 0 CHECK (is_cover IN (0, 1)),
    -- The score in thousandths of a point and the reasons, as proposed.
    score INTEGER NOT NULL,
    reasons TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('proposed', 'accepted', 'declined', 'withdrawn', 'done', 'not_done', 'ended')),
    proposed_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    proposed_at INTEGER NOT NULL,
    answered_at INTEGER,
    decline_reason TEXT NOT NULL DEFAULT '',
    finished_at INTEGER,
    finished_note TEXT NOT NULL DEFAULT ''
);
CREATE INDEX matches_by_offer ON matches (offer_id, status);
CREATE INDEX matches_by_request ON matches (request_id, status);
-- A request has at most one live arrangement (covers aside).
CREATE UNIQUE INDEX matches_one_live_per_request ON matches (request_id)
    WHERE status IN ('proposed', 'accepted') AND is_cover = 0;

-- Each day help is due: the one day of a one-off, or each week of weekly
-- help, generated some weeks ahead.
CREATE TABLE occurrences (
    id INTEGER PRIMARY KEY,
    match_id INTEGER NOT NULL REFERENCES matches (id) ON DELETE CASCADE,
    offer_id INTEGER NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    slot_no INTEGER NOT NULL,
    on_date TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('planned', 'done', 'missed', 'cancelled')),
    -- Called off by or for the helper, so someone must stand in.
    needs_cover INTEGER NOT NULL DEFAULT 0 CHECK (needs_cover IN (0, 1)),
    cover_match_id INTEGER REFERENCES matches (id) ON DELETE SET NULL,
    note TEXT NOT NULL DEFAULT '',
    logged_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    logged_at INTEGER,
    -- The time bank transfer that paid for it, while it stands.
    transfer_id INTEGER
);
CREATE UNIQUE INDEX occurrences_once_per_day ON occurrences (match_id, on_date);
-- No double-booking: a volunteer's slot holds one piece of help a day,
-- whichever instance or coordinator books it.
CREATE UNIQUE INDEX occurrences_slot_free ON occurrences (offer_id, slot_no, on_date)
    WHERE status <> 'cancelled';
CREATE INDEX occurrences_by_date ON occurrences (on_date, status);

-- The time bank. One row moved on by every change to the books, so
-- changes take turns and transfers are numbered in order on both backends.
CREATE TABLE timebank_books (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    turns INTEGER NOT NULL
);
INSERT INTO timebank_books (id, turns) VALUES (1, 0);

-- Members' accounts. Balances are not stored: they are worked out again
-- from the movements, so the two can never disagree.
CREATE TABLE timebank_members (
    person_id INTEGER PRIMARY KEY REFERENCES coordination_people (id) ON DELETE CASCADE,
    -- The GSS data zone the member lives in, for reports by area.
    area TEXT,
    -- Their own limits, when not the time bank's.
    max_debt_minutes INTEGER,
    max_balance_minutes INTEGER,
    opened_at INTEGER NOT NULL
);

-- Transfers, numbered 1, 2, 3… in the order recorded (the ledger checks
-- the sequence when it is rebuilt). Never updated or deleted: a mistake is
-- put right by a reversal.
CREATE TABLE timebank_transfers (
    id INTEGER PRIMARY KEY,
    on_date TEXT NOT NULL,
    purpose TEXT NOT NULL CHECK (purpose IN ('exchange', 'gift', 'reversal')),
    reversal_of INTEGER REFERENCES timebank_transfers (id),
    reference TEXT,
    recorded_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    recorded_at INTEGER NOT NULL,
    CHECK ((purpose = 'reversal') = (reversal_of IS NOT NULL))
);

-- Each transfer's two movements: out of one account (side 0) and into
-- the other (side 1). person_id NULL is the organisation's account.
CREATE TABLE timebank_movements (
    transfer_id INTEGER NOT NULL REFERENCES timebank_transfers (id),
    side INTEGER NOT NULL CHECK (side IN (0, 1)),
    person_id INTEGER REFERENCES timebank_members (person_id),
    minutes INTEGER NOT NULL,
    PRIMARY KEY (transfer_id, side),
    CHECK ((side = 0 AND minutes < 0) OR (side = 1 AND minutes > 0))
);
CREATE INDEX timebank_movements_by_person ON timebank_movements (person_id);

CREATE TRIGGER timebank_transfers_no_update BEFORE UPDATE ON timebank_transfers
BEGIN
    SELECT RAISE(ABORT, 'time bank transfers are never changed');
END;
CREATE TRIGGER timebank_transfers_no_delete BEFORE DELETE ON timebank_transfers
BEGIN
    SELECT RAISE(ABORT, 'time bank transfers are never deleted');
END;
CREATE TRIGGER timebank_movements_no_update BEFORE UPDATE ON timebank_movements
BEGIN
    SELECT RAISE(ABORT, 'time bank movements are never changed');
END;
CREATE TRIGGER timebank_movements_no_delete BEFORE DELETE ON timebank_movements
BEGIN
    SELECT RAISE(ABORT, 'time bank movements are never deleted');
END;
