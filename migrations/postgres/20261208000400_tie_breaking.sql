-- How a process breaks ties (equal scores under greedy, equal prices under
-- equal shares), chosen by its organiser and shown with its results:
-- 'listed' is the order of an imported pabulib file's PROJECTS section
-- (which published results follow), 'lower_cost' funds the cheaper project
-- first, 'lot' orders tied projects by a lot drawn from `tie_seed`, which
-- the results page publishes so anyone can draw it again.
ALTER TABLE pb_processes ADD COLUMN tie_break TEXT NOT NULL DEFAULT 'lower_cost'
    CHECK (tie_break IN ('listed', 'lower_cost', 'lot'));
ALTER TABLE pb_processes ADD COLUMN tie_seed TEXT;
UPDATE pb_processes SET tie_break = 'listed'
 WHERE id IN (SELECT process_id FROM pb_proposals WHERE channel = 'imported');

-- The outcome an imported pabulib file published for the project (its
-- `selected`): 0 not funded, 1 funded by the counting rule, 2 or more
-- funded outside the rule. Kept as written and shown with the results.
ALTER TABLE pb_proposals ADD COLUMN published_selected BIGINT
    CHECK (published_selected >= 0);
