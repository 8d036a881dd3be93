-- Records about people belong to an organisation, and staff of other
-- organisations see them only through an explicit share. A co-delivery
-- person is held by the organisation whose coordinator entered them; people
-- who came online by themselves, and those entered by partnership-wide
-- staff, are held by the partnership itself (NULL), which only
-- partnership-wide coordinators and administrators reach. Their offers,
-- requests, matches, days of help and time bank account go with them.
ALTER TABLE coordination_people ADD COLUMN organisation_id BIGINT REFERENCES organisations (id);
UPDATE coordination_people SET organisation_id = (
    SELECT m.organisation_id FROM memberships m
     WHERE m.account_id = coordination_people.entered_by
       AND m.role = 'coordinator' AND m.organisation_id IS NOT NULL
     ORDER BY m.id LIMIT 1
);
CREATE INDEX coordination_people_by_organisation ON coordination_people (organisation_id);

-- An organisation's system acting through the API is recorded as the
-- token it used, so its reads and writes are as accountable as a person's.
ALTER TABLE audit_events ADD COLUMN actor_token_id BIGINT;
