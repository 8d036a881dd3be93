//! Staff work on the toolkit of the organisations they hold a staff role
//! in. Administrators, and staff whose role covers the whole partnership,
//! work on every organisation's. Anyone else is told the page is not
//! there, as for any record they may not know of.

use coprod_engine::people::Role;

use crate::{
    access::{Reach, STAFF_ROLES},
    accounts::CurrentUser,
    db::Db,
    error::{AppError, Result},
    organisations::store::{self as organisations, Organisation},
};

fn covers_everything(user: &CurrentUser) -> bool {
    user.reach(STAFF_ROLES) == Reach::Partnership
}

pub fn may_work_on(user: &CurrentUser, organisation_id: i64) -> bool {
    user.may(STAFF_ROLES, Some(organisation_id))
}

/// Managers and administrators approve charters; others draft them.
pub fn may_approve(user: &CurrentUser, organisation_id: i64) -> bool {
    user.may(&[Role::Manager], Some(organisation_id))
}

/// The organisations whose toolkit `user` may open, by name.
pub async fn organisations_for(db: &Db, user: &CurrentUser) -> Result<Vec<Organisation>> {
    let mut all = organisations::list(db).await?;
    if !covers_everything(user) {
        all.retain(|o| may_work_on(user, o.id));
    }
    Ok(all)
}

/// The organisation, if `user` may work on it.
pub async fn organisation(db: &Db, user: &CurrentUser, id: i64) -> Result<Organisation> {
    if !may_work_on(user, id) {
        return Err(AppError::NotFound);
    }
    organisations::find(db, id).await?.ok_or(AppError::NotFound)
}
