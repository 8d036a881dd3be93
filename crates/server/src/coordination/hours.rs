//! The time bank as people read it: a member's statement with names in
//! place of account ids, and hours given and received by area.

use std::collections::HashMap;

use coprod_engine::{
    plain,
    schedule::{Date, DateRange},
    timebank::{AccountId, Purpose},
};
use sqlx::AnyConnection;

use super::store::{
    self,
    ledger::{PostError, member, person_of},
};
use crate::web::Shell;

/// One line of a statement, in words.
#[derive(Debug, Clone)]
pub struct Line {
    pub date: String,
    pub what: String,
    pub with: String,
    pub minutes: i64,
    pub amount: String,
    pub balance: String,
}

/// A member's statement for a period.
#[derive(Debug, Clone)]
pub struct StatementView {
    pub period: String,
    pub opening: String,
    pub closing: String,
    pub closing_minutes: i64,
    pub lines: Vec<Line>,
}

/// The period statements cover unless asked otherwise: the last year.
pub fn last_year(today: Date) -> DateRange {
    DateRange {
        first: today.add_days(-365),
        last: today,
    }
}

fn with_whom(shell: &Shell, names: &HashMap<i64, String>, account: &AccountId) -> String {
    match person_of(account) {
        None => shell.t("coordination.hours.organisation"),
        Some(id) => names.get(&id).cloned().unwrap_or_default(),
    }
}

/// A member's statement, or `None` if they have no time bank account.
pub async fn statement(
    conn: &mut AnyConnection,
    shell: &Shell,
    person_id: i64,
    period: DateRange,
) -> Result<Option<StatementView>, PostError> {
    let ledger = store::ledger::load(conn).await?;
    let names = store::people::names(conn).await?;
    let Ok(statement) = ledger.statement(&AccountId::Member(member(person_id)), period) else {
        return Ok(None);
    };
    let lines = statement
        .lines
        .iter()
        .map(|line| {
            let purpose = match line.purpose {
                Purpose::Exchange => "exchange",
                Purpose::Gift => "gift",
                Purpose::Reversal { .. } => "reversal",
            };
            let mut what = shell.t(&format!("coordination.hours.purpose.{purpose}"));
            if let Some(reference) = &line.reference {
                what = format!("{what}: {reference}");
            }
            Line {
                date: plain::date(line.on),
                what,
                with: with_whom(shell, &names, &line.counterparty),
                minutes: line.minutes,
                amount: signed(line.minutes),
                balance: plain::minutes(line.balance_after),
            }
        })
        .collect();
    Ok(Some(StatementView {
        period: format!(
            "{} – {}",
            plain::date(statement.period.first),
            plain::date(statement.period.last)
        ),
        opening: plain::minutes(statement.opening_balance),
        closing: plain::minutes(statement.closing_balance),
        closing_minutes: statement.closing_balance,
        lines,
    }))
}

/// "+1 h" or "-45 min".
fn signed(minutes: i64) -> String {
    if minutes > 0 {
        format!("+{}", plain::minutes(minutes))
    } else {
        plain::minutes(minutes)
    }
}

/// One area's hours, in words.
#[derive(Debug, Clone)]
pub struct AreaLine {
    /// The area's name where known, else its code.
    pub area: String,
    /// The GSS code, shown beside a name for staff; empty when the name is
    /// the code or no area is known.
    pub code: String,
    pub given: String,
    pub received: String,
    pub gifted: String,
}

/// Hours given, received and gifted by the area members live in.
pub async fn by_area(
    conn: &mut AnyConnection,
    shell: &Shell,
    period: DateRange,
) -> Result<Vec<AreaLine>, PostError> {
    let ledger = store::ledger::load(conn).await?;
    let report = ledger.area_report(period);
    let codes: Vec<String> = report
        .iter()
        .filter_map(|totals| Some(totals.area.as_ref()?.as_str().to_owned()))
        .collect();
    let names = crate::places::store::area_names_in(conn, &codes)
        .await
        .map_err(|e| PostError::from(sqlx::Error::from(e)))?;
    Ok(report
        .into_iter()
        .map(|totals| {
            let code = totals
                .area
                .as_ref()
                .map(|a| a.as_str().to_owned())
                .unwrap_or_default();
            let (area, code) = match names.get(&code) {
                Some(name) => (name.clone(), code),
                None if code.is_empty() => (shell.t("coordination.hours.area_unknown"), code),
                None => (code, String::new()),
            };
            (totals, area, code)
        })
        .map(|(totals, area, code)| AreaLine {
            area,
            code,
            given: plain::minutes(totals.given_minutes),
            received: plain::minutes(totals.received_minutes),
            gifted: plain::minutes(totals.gifted_minutes),
        })
        .collect())
}
