-- A personal star belongs to the person's record, so the colleagues who
-- work on the record can see it too, and a star can be kept for someone
-- without an account. Stars made with a person's account join the record
-- of that account, where there is one.
ALTER TABLE star_person_stars ADD COLUMN person_id INTEGER REFERENCES coordination_people (id) ON DELETE SET NULL;
UPDATE star_person_stars SET person_id = (
    SELECT MIN(p.id) FROM coordination_people p WHERE p.account_id = star_person_stars.person_account_id
) WHERE person_account_id IS NOT NULL;
CREATE INDEX star_person_stars_by_person ON star_person_stars (person_id);
