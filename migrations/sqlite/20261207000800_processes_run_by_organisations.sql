-- A participatory budgeting process is run by one organisation, whose
-- organisers (and partnership-wide ones) manage it; NULL means the
-- partnership itself runs it, which only partnership-wide organisers and
-- administrators reach. Processes made so far are the organiser's
-- organisation's when they organise for exactly one, else the partnership's.
ALTER TABLE pb_processes ADD COLUMN organisation_id INTEGER REFERENCES organisations (id) ON DELETE SET NULL;
UPDATE pb_processes SET organisation_id = (
    SELECT MIN(m.organisation_id) FROM memberships m
     WHERE m.account_id = pb_processes.created_by
       AND m.role IN ('coordinator', 'manager')
    HAVING COUNT(DISTINCT m.organisation_id) = 1 AND COUNT(*) = COUNT(m.organisation_id)
);
CREATE INDEX pb_processes_by_organisation ON pb_processes (organisation_id);
