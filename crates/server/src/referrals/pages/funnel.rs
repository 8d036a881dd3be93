//! The uptake funnel: referred → accepted → attended → completed, in all
//! and by service, by kind of referrer, by SIMD quintile and by age band,
//! for the referrals within the reader's reach. Groups of fewer than five
//! referrals are withheld by the survey results' rule.

use std::collections::{BTreeMap, HashMap};

use askama::Template;
use axum::{Extension, extract::State, response::Response};
use coprod_engine::{
    referrals::funnel::{Funnel, Reached, by_group},
    surveys::breakdown::{AgeBand, Cell, MIN_CELL_RESPONDENTS},
};

use super::destination;
use crate::{
    accounts::CurrentUser,
    app::AppState,
    error::Result,
    people::reach::Caseloads,
    referrals::{
        actor,
        model::Referral,
        store::{self, Which},
    },
    web::{ClientIp, Shell, page},
};

/// One row of a table.
pub struct Row {
    pub group: String,
    pub shown: bool,
    pub funnel: Funnel,
}

/// One breakdown.
pub struct Table {
    pub title: String,
    pub rows: Vec<Row>,
}

#[derive(Template)]
#[template(path = "referrals/funnel.html")]
struct FunnelPage {
    shell: Shell,
    total: Funnel,
    uptake: String,
    tables: Vec<Table>,
    withheld: String,
}

fn table<K: Ord + Clone>(
    title: String,
    rows: Vec<(K, Reached)>,
    name: impl Fn(&K) -> String,
) -> Table {
    Table {
        title,
        rows: by_group(rows)
            .into_iter()
            .map(|(key, cell)| match cell {
                Cell::Shown { value, .. } => Row {
                    group: name(&key),
                    shown: true,
                    funnel: value,
                },
                Cell::Suppressed => Row {
                    group: name(&key),
                    shown: false,
                    funnel: Funnel::default(),
                },
            })
            .collect(),
    }
}

pub async fn funnel(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let mut conn = state.db.pool().acquire().await?;
    let count = store::count(&mut conn, &actor.reach, Caseloads::All, Which::Both).await?;
    let referrals: Vec<Referral> = store::list(
        &mut conn,
        &actor.reach,
        Caseloads::All,
        Which::Both,
        count.max(1),
        0,
    )
    .await?;
    let mut statuses: HashMap<i64, Vec<_>> = HashMap::new();
    for (id, status) in store::statuses_within(&mut conn, &actor.reach).await? {
        statuses.entry(id).or_default().push(status);
    }
    let reached = |r: &Referral| Reached::of(statuses.get(&r.id).cloned().unwrap_or_default());
    let total = Funnel::of(referrals.iter().map(reached));
    let not_known = shell.t("referrals.funnel.not_known");
    let by_service = table(
        shell.t("referrals.funnel.by_service"),
        referrals
            .iter()
            .map(|r| (destination(&shell, r), reached(r)))
            .collect(),
        Clone::clone,
    );
    let by_referrer = table(
        shell.t("referrals.funnel.by_referrer"),
        referrals
            .iter()
            .map(|r| (r.referrer_kind.key(), reached(r)))
            .collect(),
        |k| shell.t(&format!("referrals.kind.{k}")),
    );
    // Quintiles 1–5 in order, "not known" (None) last.
    let by_simd = table(
        shell.t("referrals.funnel.by_simd"),
        referrals
            .iter()
            .map(|r| (r.simd_quintile.map_or(9, |q| q), reached(r)))
            .collect(),
        |q| {
            if *q == 9 {
                not_known.clone()
            } else {
                shell.t1("referrals.funnel.quintile", &q.to_string())
            }
        },
    );
    let band_order: BTreeMap<&str, usize> = AgeBand::ALL
        .iter()
        .enumerate()
        .map(|(at, b)| (b.key(), at))
        .collect();
    let by_age = table(
        shell.t("referrals.funnel.by_age"),
        referrals
            .iter()
            .map(|r| {
                let at = r
                    .age_band
                    .as_deref()
                    .and_then(|b| band_order.get(b).copied())
                    .unwrap_or(99);
                (at, reached(r))
            })
            .collect(),
        |at| {
            AgeBand::ALL.get(*at).map_or_else(
                || not_known.clone(),
                |b| shell.t(&format!("survey.age_band.{}", b.key())),
            )
        },
    );
    page(&FunnelPage {
        uptake: format!("{:.0}%", total.uptake() * 100.0),
        withheld: shell.t1(
            "referrals.funnel.withheld",
            &MIN_CELL_RESPONDENTS.to_string(),
        ),
        total,
        tables: vec![by_service, by_referrer, by_simd, by_age],
        shell,
    })
}
