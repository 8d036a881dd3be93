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
//! through. The co-delivery desk (`/coordination/people/…`) is the desk's
//! own view of the same person and keeps the organisation's rule.
//! [`Reader`] carries the same rule to the list's SQL
//! (`store::record::list`).

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
        Self {
            reach: user.reach(PEOPLE_ROLES),
            account_id: user.account_id,
            administrator: user.is_admin(),
        }
    }
}
