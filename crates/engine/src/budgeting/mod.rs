//! Participatory budgeting: reading and writing elections in the pabulib
//! format, and counting them exactly as real cities and the reference
//! implementation (pabutools) count.
//!
//! Read top to bottom:
//! - [`process`]: a process as the platform runs it — phases, ballot rules,
//!   money and dates — and [`ballot`]: reading and checking one ballot;
//! - [`decimal`]: exact money amounts, never floating point;
//! - [`election`]: the election — META, projects, ballots;
//! - [`pabulib_read`] and [`pabulib_write`]: the `.pb` file format;
//! - [`rule`]: the rules by name, and how `auto` reads a file's META;
//! - [`support`]: scores, and voters grouped by what they approve;
//! - `greedy`: `greedy`, `greedy-no-skip`, `greedy-threshold`;
//! - [`exact`], `ledger`, `purses`, `pricing` and `equal_shares`: the Method of Equal
//!   Shares (`mes`), and `explain_shares`: why it funded what it did;
//! - `add_one`: its add-one completion (`mes-add1`, `mes-add1-greedy`);
//! - [`outcome`]: what was funded and why, for results pages;
//! - [`count`]: one entry point that runs a rule.
//!
//! # Rules
//! | rule | what it does |
//! |---|---|
//! | `greedy` | projects by score, highest first, each funded if it fits in what is left |
//! | `greedy-no-skip` | the same, but counting stops at the first project that does not fit |
//! | `greedy-threshold` | `greedy` among projects scoring at least META `min_project_score_threshold` |
//! | `mes` | Method of Equal Shares with cost utilities, exact, no completion |
//! | `mes-add1` | `mes` with the add-one completion |
//! | `mes-add1-greedy` | `mes-add1`, then greedy over the money left |
//!
//! `auto` takes META `rule` (`equalshares/add1` is `mes-add1`) and applies
//! META `min_project_score_threshold` whatever the rule, as the cities did.
//!
//! # Scores
//! Greedy ranks by the number of ballots naming a project (approval,
//! choose-1), the points given to it (cumulative), or the published
//! `score` (ordinal: the city's points per rank live only there). Equal
//! shares reads every ballot as approving the projects it names.
//!
//! # Ties
//! Every tie — equal scores under greedy, equal prices under equal shares —
//! goes to the project listed first in the election. For a pabulib file
//! that is the order of its PROJECTS section, which the published results
//! follow where they turn on a tie (the cities list projects in their own
//! order of precedence, not by id). A process run in coprod lists its
//! projects in the order of the tie-breaking rule its organiser chose
//! (lower cost first, or a lot drawn with a published seed) before
//! counting.
//!
//! # Published outcomes
//! A file's `selected` column is kept as written: 1 is the counting rule's
//! outcome, which a count reproduces; 2 or more marks a project the city
//! funded outside the rule. Such projects are counted like any other (the
//! rule may or may not fund them) and shown apart.

mod add_one;
pub mod ballot;
pub mod count;
pub mod decimal;
pub mod election;
mod equal_shares;
pub mod exact;
mod explain_shares;
mod greedy;
mod ledger;
pub mod outcome;
pub mod pabulib_read;
pub mod pabulib_write;
mod pricing;
pub mod process;
mod purses;
pub mod rule;
pub mod support;

pub use count::{count, selected_ids};
pub use decimal::Decimal;
pub use election::{Ballot, Ballots, Election, Meta, Project, VoteType};
pub use outcome::{Funded, NotFunded, Outcome, WhyFunded, WhyNotFunded};
pub use pabulib_read::{PabulibError, Section, read};
pub use pabulib_write::write;
pub use rule::{Counting, Rule, RuleChoice};
