-- Participatory budgeting ("Co-commission"): processes and their
-- categories, proposals, ballots, one-time voting codes, counted results
-- and the delivery trail of funded projects.
-- Money is in minor units (pence) as integers; times are Unix seconds.

-- A process: what is being decided, by whom, how they vote, how the votes
-- are counted, and when each phase starts.
CREATE TABLE pb_processes (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- GSS code of the area whose residents may vote (a council area, ward,
    -- health board or data zone); NULL means the whole partnership.
    area_code TEXT,
    budget_pence INTEGER NOT NULL CHECK (budget_pence > 0),
    currency TEXT NOT NULL DEFAULT 'GBP',
    minimum_age INTEGER CHECK (minimum_age BETWEEN 0 AND 120),
    ballot_type TEXT NOT NULL CHECK (ballot_type IN ('approval', 'cumulative', 'ranked')),
    -- approval: the most projects a voter may choose (NULL for no limit);
    -- ranked: how many ranks the ballot has.
    max_choices INTEGER CHECK (max_choices > 0),
    -- approval: the most the chosen projects may cost together (the
    -- knapsack ballot), NULL for no limit.
    max_total_cost_pence INTEGER CHECK (max_total_cost_pence > 0),
    -- cumulative: the points each voter shares out.
    points_total INTEGER CHECK (points_total > 0),
    counting_rule TEXT NOT NULL CHECK (counting_rule IN ('greedy', 'greedy-no-skip', 'greedy-threshold', 'mes', 'mes-add1', 'mes-add1-greedy')),
    -- greedy-threshold: the lowest score a project needs to be considered.
    score_threshold INTEGER CHECK (score_threshold >= 0),
    -- 1 when running totals are shown while voting is open.
    show_running_totals INTEGER NOT NULL DEFAULT 0,
    proposals_open_at INTEGER NOT NULL,
    review_starts_at INTEGER NOT NULL,
    voting_opens_at INTEGER NOT NULL,
    voting_closes_at INTEGER NOT NULL,
    delivery_starts_at INTEGER NOT NULL,
    -- The random secret that turns an account id into its ballot key while
    -- voting is open. Erased (with every ballot key) when the vote is
    -- sealed, after which no ballot can be linked to anyone.
    ballot_salt TEXT,
    sealed_at INTEGER,
    created_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    created_at INTEGER NOT NULL,
    CHECK (proposals_open_at <= review_starts_at
       AND review_starts_at <= voting_opens_at
       AND voting_opens_at <= voting_closes_at
       AND voting_closes_at <= delivery_starts_at)
);

-- Themes a process may be split into, each optionally with a budget of its own.
CREATE TABLE pb_categories (
    id INTEGER PRIMARY KEY,
    process_id INTEGER NOT NULL REFERENCES pb_processes (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    budget_pence INTEGER CHECK (budget_pence > 0),
    UNIQUE (process_id, name)
);

-- An idea for spending the budget, from a citizen online or entered by
-- staff from paper, an event or a phone call.
CREATE TABLE pb_proposals (
    id INTEGER PRIMARY KEY,
    process_id INTEGER NOT NULL REFERENCES pb_processes (id) ON DELETE CASCADE,
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    location TEXT NOT NULL DEFAULT '',
    category_id INTEGER REFERENCES pb_categories (id) ON DELETE SET NULL,
    estimated_cost_pence INTEGER NOT NULL CHECK (estimated_cost_pence > 0),
    -- The cost after the feasibility review; the ballot uses it when set.
    revised_cost_pence INTEGER CHECK (revised_cost_pence > 0),
    channel TEXT NOT NULL CHECK (channel IN ('online', 'paper', 'event', 'phone', 'imported')),
    -- Who proposed it online (never shown publicly), and who typed it in.
    proposer_account_id INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    entered_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    submitted_at INTEGER NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('submitted', 'accepted', 'rejected', 'merged')),
    -- The public reason for the review's decision.
    review_reason TEXT NOT NULL DEFAULT '',
    merged_into INTEGER REFERENCES pb_proposals (id) ON DELETE SET NULL,
    reviewed_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    reviewed_at INTEGER,
    -- The project_id it had in an imported pabulib file.
    external_id TEXT
);
CREATE INDEX pb_proposals_by_process ON pb_proposals (process_id, status);

-- Who has confirmed they may vote in a process (area of residence and age
-- were checked; neither is kept). Deleted when the vote is sealed.
CREATE TABLE pb_eligible_voters (
    process_id INTEGER NOT NULL REFERENCES pb_processes (id) ON DELETE CASCADE,
    account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    PRIMARY KEY (process_id, account_id)
);

-- A ballot. It holds no account, no time and no sequence number: its id is
-- random, and the table has no rowid, so storage order says nothing about
-- who voted when. voter_key is a salted hash of the voter's account id,
-- present only for online ballots while voting is open (so the voter can
-- change their ballot); sealing the vote erases it.
CREATE TABLE pb_ballots (
    id TEXT PRIMARY KEY,
    process_id INTEGER NOT NULL REFERENCES pb_processes (id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('online', 'in_person', 'paper', 'imported')),
    voter_key TEXT,
    UNIQUE (process_id, voter_key)
) WITHOUT ROWID;
CREATE INDEX pb_ballots_by_process ON pb_ballots (process_id, channel);

-- What a ballot chose: approval ballots name projects; cumulative ballots
-- give points; ranked ballots give positions (1 for the first choice).
CREATE TABLE pb_ballot_choices (
    ballot_id TEXT NOT NULL REFERENCES pb_ballots (id) ON DELETE CASCADE,
    proposal_id INTEGER NOT NULL REFERENCES pb_proposals (id) ON DELETE CASCADE,
    points INTEGER CHECK (points > 0),
    position INTEGER CHECK (position > 0),
    PRIMARY KEY (ballot_id, proposal_id)
) WITHOUT ROWID;
CREATE INDEX pb_ballot_choices_by_proposal ON pb_ballot_choices (proposal_id);

-- One-time voting codes for in-person and paper voting. Only a hash of the
-- code is kept; a code names nobody and no ballot records which code it used.
CREATE TABLE pb_voting_codes (
    id INTEGER PRIMARY KEY,
    process_id INTEGER NOT NULL REFERENCES pb_processes (id) ON DELETE CASCADE,
    code_hash TEXT NOT NULL UNIQUE,
    issued_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    issued_at INTEGER NOT NULL,
    -- Set once, by the single UPDATE ... WHERE used_at IS NULL that spends it.
    used_at INTEGER
);
CREATE INDEX pb_voting_codes_by_process ON pb_voting_codes (process_id);

-- The count of a closed vote: which rule, when, by whom, how many ballots.
CREATE TABLE pb_counts (
    process_id INTEGER PRIMARY KEY REFERENCES pb_processes (id) ON DELETE CASCADE,
    rule TEXT NOT NULL,
    counted_at INTEGER NOT NULL,
    counted_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    ballots INTEGER NOT NULL,
    -- Per pot (a category with its own budget, or the rest): the budget,
    -- the spend and, for equal shares, how voters' shares were set (JSON).
    summary TEXT NOT NULL
);

-- Each project's result: funded or not, its votes and score, and the
-- counting engine's reason (JSON), with projects named by proposal id.
CREATE TABLE pb_project_results (
    proposal_id INTEGER PRIMARY KEY REFERENCES pb_proposals (id) ON DELETE CASCADE,
    process_id INTEGER NOT NULL REFERENCES pb_processes (id) ON DELETE CASCADE,
    funded INTEGER NOT NULL,
    -- 1 for the first project funded, and so on; NULL when not funded.
    funded_order INTEGER,
    -- Ballots naming it, and its score (points; equal to votes for approval).
    votes INTEGER NOT NULL,
    score INTEGER NOT NULL,
    cost_pence INTEGER NOT NULL,
    explanation TEXT NOT NULL
);
CREATE INDEX pb_project_results_by_process ON pb_project_results (process_id);

-- The public "you said, we did" trail of a funded project.
CREATE TABLE pb_delivery_updates (
    id INTEGER PRIMARY KEY,
    proposal_id INTEGER NOT NULL REFERENCES pb_proposals (id) ON DELETE CASCADE,
    status TEXT NOT NULL CHECK (status IN ('planned', 'in_progress', 'delivered')),
    -- The day it happened (midnight UTC).
    happened_on INTEGER NOT NULL,
    note TEXT NOT NULL,
    spent_pence INTEGER CHECK (spent_pence >= 0),
    posted_by INTEGER REFERENCES accounts (id) ON DELETE SET NULL,
    posted_at INTEGER NOT NULL
);
CREATE INDEX pb_delivery_updates_by_proposal ON pb_delivery_updates (proposal_id, happened_on);
