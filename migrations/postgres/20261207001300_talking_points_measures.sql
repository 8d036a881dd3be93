-- Talking Points personal outcomes are recorded beside the wellbeing
-- instruments: fifteen ratings (0 does not apply, 1 not met, 2 partly met,
-- 3 met) in the framework's order.
ALTER TABLE outcome_measures DROP CONSTRAINT outcome_measures_instrument_check;
ALTER TABLE outcome_measures ADD CONSTRAINT outcome_measures_instrument_check
    CHECK (instrument IN ('swemwbs', 'ons4', 'ucla3', 'talking_points'));
