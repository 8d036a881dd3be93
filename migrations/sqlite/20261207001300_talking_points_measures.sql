-- Talking Points personal outcomes are recorded beside the wellbeing
-- instruments: fifteen ratings (0 does not apply, 1 not met, 2 partly met,
-- 3 met) in the framework's order. SQLite cannot change a CHECK in place,
-- so the table is rebuilt with every row kept.
CREATE TABLE outcome_measures_new (
    id INTEGER PRIMARY KEY,
    person_id INTEGER NOT NULL REFERENCES coordination_people (id) ON DELETE CASCADE,
    referral_id INTEGER REFERENCES referrals (id) ON DELETE SET NULL,
    instrument TEXT NOT NULL CHECK (instrument IN ('swemwbs', 'ons4', 'ucla3', 'talking_points')),
    stage TEXT NOT NULL CHECK (stage IN ('start', 'review')),
    recorded_at INTEGER NOT NULL,
    items TEXT NOT NULL,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'phone', 'email', 'paper', 'in_person')),
    entered_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL
);
INSERT INTO outcome_measures_new
    SELECT id, person_id, referral_id, instrument, stage, recorded_at, items, channel, entered_by
    FROM outcome_measures;
DROP TABLE outcome_measures;
ALTER TABLE outcome_measures_new RENAME TO outcome_measures;
CREATE INDEX outcome_measures_by_person ON outcome_measures (person_id);
CREATE INDEX outcome_measures_by_referral ON outcome_measures (referral_id);
