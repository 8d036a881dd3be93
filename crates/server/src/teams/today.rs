//! The team's view of today, section by section. Each section is built by
//! its own function from what the caseload's people have going on, and
//! [`sections`] puts them in order: open wellbeing concerns, visits and
//! check-in calls due today, referrals waiting, plan reviews due, then
//! each member's own caseload. A new kind of work is one more function
//! returning a [`Section`], added to the list in [`sections`].

use std::collections::{BTreeSet, HashMap};

use coprod_engine::{
    plain,
    referrals::{SharedField, Side, Status, stall},
    schedule::Date,
};
use sqlx::AnyConnection;

use super::{
    model::{Entry, Member, Team},
    store,
};
use crate::{
    access::Reach,
    coordination::store::people as coordination_people,
    db::StoreResult,
    people::reach::Caseloads,
    referrals::{model::status_label, store as referrals, store::Which},
    settings::ReferralSettings,
    web::Shell,
};

/// How many days ahead a plan review counts as due.
pub const REVIEW_WITHIN_DAYS: i64 = 7;
/// The most incoming referrals the view lists.
const MOST_WAITING: i64 = 100;

/// One line of a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// What the line is about (usually the person).
    pub title: String,
    /// Where it links (empty: nowhere).
    pub href: String,
    /// Facts about it, each a short phrase.
    pub facts: Vec<String>,
}

/// One section of the view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// The heading's anchor, unique on the page.
    pub id: String,
    pub heading: String,
    /// Shown when there are no lines.
    pub empty: String,
    pub lines: Vec<Line>,
}

/// What every section is built from.
pub struct Day<'a> {
    pub shell: &'a Shell,
    pub team: &'a Team,
    pub caseload: &'a [Entry],
    pub members: &'a [Member],
    pub today: Date,
    pub referral_settings: &'a ReferralSettings,
    /// Whose caseloads the member reading the day may see named.
    pub reader: Caseloads,
}

impl Day<'_> {
    fn person_href(&self, person_id: i64) -> String {
        format!("/teams/{}/caseload/{person_id}", self.team.id)
    }
}

/// Every section of the view, in order.
pub async fn sections(conn: &mut AnyConnection, day: &Day<'_>) -> StoreResult<Vec<Section>> {
    let mut sections = vec![
        concerns_open(conn, day).await?,
        visits_due(conn, day).await?,
        calls_due(conn, day).await?,
        referrals_waiting(conn, day).await?,
        reviews_due(day),
    ];
    sections.extend(caseload_by_member(day));
    Ok(sections)
}

/// "10:00".
fn clock(minutes: i64) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// Days of agreed help today for people on the caseload.
pub async fn visits_due(conn: &mut AnyConnection, day: &Day<'_>) -> StoreResult<Section> {
    let shell = day.shell;
    let lines = store::visits_on(conn, day.team.id, day.today)
        .await?
        .into_iter()
        .map(|v| Line {
            href: day.person_href(v.person_id),
            title: v.person,
            facts: vec![
                format!("{}–{}", clock(v.starts), clock(v.ends)),
                shell.t1("teams.today.helper", &v.helper),
                v.what,
                shell.t(&format!("teams.visit_status.{}", v.status)),
            ],
        })
        .collect();
    Ok(Section {
        id: "visits".into(),
        heading: shell.t("teams.today.visits"),
        empty: shell.t("teams.today.no_visits"),
        lines,
    })
}

/// Wellbeing concerns raised about people on the caseload and not yet
/// acted on, the most urgent first.
pub async fn concerns_open(conn: &mut AnyConnection, day: &Day<'_>) -> StoreResult<Section> {
    let shell = day.shell;
    let lines = store::open_concerns(conn, day.team.id)
        .await?
        .into_iter()
        .map(|c| Line {
            href: format!("/concerns/{}", c.id),
            title: c.person,
            facts: vec![
                shell.t(&format!("checkins.urgency.{}", c.urgency)),
                shell.t(&format!("checkins.status.{}", c.status)),
            ],
        })
        .collect();
    Ok(Section {
        id: "concerns".into(),
        heading: shell.t("teams.today.concerns"),
        empty: shell.t("teams.today.no_concerns"),
        lines,
    })
}

/// Check-in calls due today and not yet logged, for people on the caseload.
pub async fn calls_due(conn: &mut AnyConnection, day: &Day<'_>) -> StoreResult<Section> {
    let shell = day.shell;
    let lines = store::calls_due_on(conn, day.team.id, day.today)
        .await?
        .into_iter()
        .map(|c| Line {
            href: day.person_href(c.person_id),
            title: c.person,
            facts: vec![
                if c.caller.is_empty() {
                    shell.t("teams.today.no_caller")
                } else {
                    shell.t1("teams.today.caller", &c.caller)
                },
                shell.t1("teams.today.attempt", &c.attempt.to_string()),
            ],
        })
        .collect();
    Ok(Section {
        id: "calls".into(),
        heading: shell.t("teams.today.calls"),
        empty: shell.t("teams.today.no_calls"),
        lines,
    })
}

/// Referrals made to the team's organisation that nobody has accepted or
/// declined yet, and referrals made for people on the caseload that have
/// stalled (no answer, no contact, no attendance).
pub async fn referrals_waiting(conn: &mut AnyConnection, day: &Day<'_>) -> StoreResult<Section> {
    let shell = day.shell;
    let reach = Reach::Organisations(BTreeSet::from([day.team.organisation_id]));
    let names = coordination_people::names(conn).await?;
    let mut lines = Vec::new();
    for r in referrals::list(
        conn,
        &reach,
        Caseloads::All,
        Which::Incoming,
        MOST_WAITING,
        0,
    )
    .await?
    {
        if r.status != Status::Referred {
            continue;
        }
        // The receiver sees the name only when it was shared, unless the
        // organisation made the referral too and the person is open to
        // the reader (`people::reach`).
        let name_shared = r.sharing.shares(SharedField::Name)
            || (r.side_of(&reach) == Some(Side::Either)
                && day.reader.open(conn, r.person_id).await?);
        lines.push(Line {
            title: if name_shared {
                names.get(&r.person_id).cloned().unwrap_or_default()
            } else {
                shell.t("referrals.name_not_shared")
            },
            href: format!("/referrals/{}", r.id),
            facts: vec![
                shell.t("teams.today.incoming"),
                referral_to(shell, &r),
                shell.t1("teams.today.respond_by", &plain::date(r.respond_by)),
            ],
        });
    }
    let calendar = day.referral_settings.calendar();
    let rules = day.referral_settings.stall_rules();
    let on_caseload: HashMap<i64, &Entry> = day.caseload.iter().map(|e| (e.person_id, e)).collect();
    for entry in day.caseload {
        for r in referrals::for_person(conn, entry.person_id).await? {
            let since = referrals::events(conn, r.id)
                .await?
                .last()
                .map_or(r.referred_at, |e| e.step.at);
            let Some(stalled) = stall::stall(
                &stall::Progress {
                    status: r.status,
                    respond_by: r.respond_by,
                    since: Date::of_unix_seconds(since),
                },
                day.today,
                rules,
                &calendar,
            ) else {
                continue;
            };
            lines.push(Line {
                title: on_caseload
                    .get(&r.person_id)
                    .map(|e| e.name.clone())
                    .unwrap_or_default(),
                href: format!("/referrals/{}", r.id),
                facts: vec![
                    referral_to(shell, &r),
                    shell.t(&status_label(r.status)),
                    shell.t(stalled.key()),
                ],
            });
        }
    }
    Ok(Section {
        id: "referrals".into(),
        heading: shell.t("teams.today.referrals"),
        empty: shell.t("teams.today.no_referrals"),
        lines,
    })
}

fn referral_to(shell: &Shell, r: &crate::referrals::model::Referral) -> String {
    match r.target {
        crate::referrals::model::Target::Service => shell.t1("teams.today.to", &r.service_name),
        crate::referrals::model::Target::Desk => shell.t("referrals.desk"),
    }
}

/// People whose plan review is overdue or due within
/// [`REVIEW_WITHIN_DAYS`], soonest first.
pub fn reviews_due(day: &Day<'_>) -> Section {
    let shell = day.shell;
    let until = day.today.add_days(REVIEW_WITHIN_DAYS);
    let mut due: Vec<(&Entry, Date)> = day
        .caseload
        .iter()
        .filter_map(|e| e.review_on.filter(|on| *on <= until).map(|on| (e, on)))
        .collect();
    due.sort_by_key(|(e, on)| (*on, e.name.clone()));
    let lines = due
        .into_iter()
        .map(|(e, on)| Line {
            title: e.name.clone(),
            href: format!("/people/{}/plan", e.person_id),
            facts: vec![if on < day.today {
                shell.t1("teams.today.overdue", &plain::date(on))
            } else {
                shell.t1("teams.today.review_on", &plain::date(on))
            }],
        })
        .collect();
    Section {
        id: "reviews".into(),
        heading: shell.t("teams.today.reviews"),
        empty: shell.t("teams.today.no_reviews"),
        lines,
    }
}

/// Each member's own caseload: the people they lead, with the handover
/// note; those with no lead come last.
pub fn caseload_by_member(day: &Day<'_>) -> Vec<Section> {
    let shell = day.shell;
    let line = |e: &Entry| Line {
        title: e.name.clone(),
        href: day.person_href(e.person_id),
        facts: if e.handover_note.is_empty() {
            Vec::new()
        } else {
            vec![e.handover_note.clone()]
        },
    };
    let mut sections: Vec<Section> = day
        .members
        .iter()
        .map(|m| Section {
            id: format!("member-{}", m.account_id),
            heading: shell.t1("teams.today.caseload_of", &m.name),
            empty: shell.t("teams.today.leads_nobody"),
            lines: day
                .caseload
                .iter()
                .filter(|e| e.lead.as_ref().is_some_and(|(id, _)| *id == m.account_id))
                .map(line)
                .collect(),
        })
        .collect();
    let unled: Vec<Line> = day
        .caseload
        .iter()
        .filter(|e| {
            e.lead
                .as_ref()
                .is_none_or(|(id, _)| !day.members.iter().any(|m| m.account_id == *id))
        })
        .map(line)
        .collect();
    if !unled.is_empty() {
        sections.push(Section {
            id: "no-lead".into(),
            heading: shell.t("teams.today.no_lead"),
            empty: String::new(),
            lines: unled,
        });
    }
    sections
}
