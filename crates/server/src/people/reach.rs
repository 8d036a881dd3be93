//! Who reads a person's record: the one rule, for every page of the
//! record (the record, its form, the plan, the circle) and for the list.
//!
//! 1. The reader must work on records of the organisation holding it
//!    (`CurrentUser::may` with [`PEOPLE_ROLES`](super::PEOPLE_ROLES); an
//!    administrator reaches every organisation).
//! 2. A record on no team's caseload is then theirs to read, as it always
//!    was.
//! 3. A record on a team's caseload (`teams`) is read only by members of
//!    a team holding it, and by partnership administrators for their
//!    duties; everyone else in the organisation is told it is not there
//!    (404), like a stranger. Other organisations still see only what a
//!    referral shares with them (`referrals`).
//!
//! Every read is written to the audit log by the page, in its
//! transaction, naming the team (or the administrator's duty) it was read
//! through. [`Reader`] carries the same rule to the list's SQL
//! (`store::record::list`).
//!
//! The third part, [`Caseloads`], follows the person into every other
//! list and page that names them: the co-delivery desk's people and their
//! pages, the referrals an organisation sent, the check-in calls and the
//! wellbeing concerns. Outside the team a person on a caseload is not
//! listed there and their pages answer 404, except where the work itself
//! was shared: the referral the reader made, the call they were given to
//! make, a request for help the desk was asked to arrange (its request and
//! match pages name the person, as a referral's shared fields do), and the
//! receiving side of a referral. An organisation's API token acts for the
//! whole organisation.

use coprod_engine::people::Role;
use sqlx::AnyConnection;

use super::{PEOPLE_ROLES, model::Record};
use crate::{access::Reach, accounts::CurrentUser, db::StoreResult, teams::store as teams};

/// How a reader came to read a record, for the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// They work for the organisation holding a record on no caseload.
    Holder,
    /// They are a member of this team, which holds the person on its
    /// caseload.
    Team(String),
    /// A partnership administrator, outside every team holding it.
    Administrator,
}

impl Reading {
    /// Words for the audit log's detail.
    pub fn describe(&self) -> String {
        match self {
            Reading::Holder => "as the holding organisation".to_owned(),
            Reading::Team(name) => format!("as a member of the team {name}"),
            Reading::Administrator => "as partnership administrator, outside the team".to_owned(),
        }
    }
}

/// Whether, and how, `user` reads `record` (`None`: not at all; the page
/// answers 404).
pub async fn reading(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    record: &Record,
) -> StoreResult<Option<Reading>> {
    if !user.may(PEOPLE_ROLES, record.person.organisation_id) {
        return Ok(None);
    }
    let holding = teams::holding(conn, record.id(), user.account_id).await?;
    Ok(if !holding.on_a_caseload() {
        Some(Reading::Holder)
    } else if let Some((_, name)) = holding.reader_teams.into_iter().next() {
        Some(Reading::Team(name))
    } else if user.is_admin() {
        Some(Reading::Administrator)
    } else {
        None
    })
}

/// The same rule for a list of records: the organisations reached, and
/// whose team memberships open records on a caseload.
#[derive(Debug, Clone)]
pub struct Reader {
    pub reach: Reach,
    pub account_id: i64,
    /// Administrators read records on any caseload.
    pub administrator: bool,
}

impl Reader {
    pub fn of(user: &CurrentUser) -> Self {
        Self::with_roles(user, PEOPLE_ROLES)
    }

    /// The rule for a list reached through other roles (the co-delivery
    /// desk's coordinators).
    pub fn with_roles(user: &CurrentUser, roles: &[Role]) -> Self {
        Self {
            reach: user.reach(roles),
            account_id: user.account_id,
            administrator: user.is_admin(),
        }
    }

    /// The caseload part of the rule for this reader.
    pub fn caseloads(&self) -> Caseloads {
        if self.administrator {
            Caseloads::All
        } else {
            Caseloads::TeamsOf(self.account_id)
        }
    }
}

/// Which people on teams' caseloads an actor may see named: all of them
/// (partnership administrators, an organisation's API token, the system's
/// own jobs), or only those on the caseload of a team the account is a
/// member of. People on no caseload are open to both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caseloads {
    All,
    TeamsOf(i64),
}

impl Caseloads {
    pub fn of(user: &CurrentUser) -> Self {
        if user.is_admin() {
            Caseloads::All
        } else {
            Caseloads::TeamsOf(user.account_id)
        }
    }

    /// An SQL condition, true where the person whose id is in
    /// `person_column` is open to this actor.
    pub fn sql_condition(self, person_column: &str) -> String {
        match self {
            Caseloads::All => "1 = 1".to_owned(),
            Caseloads::TeamsOf(account_id) => teams::open_to_member(person_column, account_id),
        }
    }

    /// Whether `person_id` is open to this actor.
    pub async fn open(self, conn: &mut AnyConnection, person_id: i64) -> StoreResult<bool> {
        Ok(match self {
            Caseloads::All => true,
            Caseloads::TeamsOf(account_id) => {
                let holding = teams::holding(conn, person_id, account_id).await?;
                !holding.on_a_caseload() || !holding.reader_teams.is_empty()
            }
        })
    }
}
