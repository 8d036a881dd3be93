//! The demo partnership's check-in calls: schedules of every kind for
//! people the coordinator's organisation and the link worker's
//! organisation hold, assigned to the demo volunteer, coordinator and link
//! worker, and the past week of calls logged through the same workflow the
//! pages use — spoken to, no answer and retried, a message left, and two
//! concerns: one acted on, one still open for the coordinator.

use std::collections::BTreeSet;

use coprod_engine::{
    checkins::{
        Every, Plan,
        concern::{Status, Urgency},
        retry::{Outcome, RetryRule},
    },
    referrals::calendar::WorkingCalendar,
    schedule::{Date, Weekday},
};

use super::{
    model::{CallChannel, NewSchedule},
    store::{self, Callers},
    workflow::{self, Logging},
};
use crate::{
    access::Reach,
    accounts::store as accounts,
    coordination::{model::today, workflow::Actor},
    db::{self, Db},
    people::reach::Caseloads,
    people::{model::Details, store::record},
};

fn actor(account: Option<i64>, reach: Reach) -> Actor {
    Actor {
        account_id: account,
        token_id: None,
        reach,
        caseloads: Caseloads::All,
        ip: String::new(),
    }
}

async fn account(db: &Db, email: &str) -> anyhow::Result<Option<i64>> {
    Ok(accounts::find_by_email(db, email).await?.map(|a| a.id))
}

/// Up to `n` people held by `organisation`, by name.
async fn held(db: &Db, organisation: i64, n: i64) -> anyhow::Result<Vec<i64>> {
    let mut conn = db.pool().acquire().await?;
    // The demo seeds as the operator would: every record the organisation
    // holds, on a team's caseload or not.
    let reader = crate::people::reach::Reader {
        reach: Reach::Organisations(BTreeSet::from([organisation])),
        account_id: 0,
        administrator: true,
    };
    Ok(record::list(&mut conn, &reader, "", n)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect())
}

/// Gives a demo record a date of birth, so a birthday can be planned.
async fn set_birthday(db: &Db, person: i64, born: Date) -> anyhow::Result<()> {
    let mut tx = db.begin_write().await?;
    if let Some(r) = record::find(&mut tx, person).await? {
        let details = Details {
            preferred_name: r.preferred_name,
            date_of_birth: Some(born),
            address: r.address,
            postcode: r.postcode,
            contact_by: r.contact_by,
            languages: r.languages,
            communication_needs: r.communication_needs,
            speaks_for_them: r.speaks_for_them,
            what_matters: r.what_matters,
        };
        record::save_details(&mut tx, person, &details).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// What the demo's callers say happened on each call, in turn.
const OUTCOMES: &[Outcome] = &[
    Outcome::Spoke,
    Outcome::NoAnswer,
    Outcome::Spoke,
    Outcome::LeftMessage,
    Outcome::Spoke,
    Outcome::Spoke,
];

const NOTES: &[&str] = &[
    "Had a good blether about the garden.",
    "",
    "Looking forward to the lunch club on Thursday.",
    "Left a message asking them to ring back.",
    "Daughter visiting at the weekend.",
    "All fine, asked about the bus times.",
];

/// Seeds the demo's calls; `coordinator_org` holds the co-delivery
/// people, `link_org` the records the link worker keeps. Returns how many
/// calls were logged.
#[expect(clippy::too_many_lines, reason = "the demo's week, told in order")]
pub async fn seed(db: &Db, coordinator_org: i64, link_org: i64) -> anyhow::Result<usize> {
    let volunteer = account(db, "volunteer@demo.example").await?;
    let coordinator = account(db, "coordinator@demo.example").await?;
    let link_worker = account(db, "linkworker@demo.example").await?;
    let desk = held(db, coordinator_org, 4).await?;
    let records = held(db, link_org, 3).await?;
    let day = today();
    let staff_of =
        |org: i64, who: Option<i64>| actor(who, Reach::Organisations(BTreeSet::from([org])));
    let coordinator_actor = staff_of(coordinator_org, coordinator);
    let link_actor = staff_of(link_org, link_worker);

    let mut desk_plans = Vec::new();
    let weekly = |start: Date| Plan::Regular {
        every: Every::Week,
        start,
        end: None,
    };
    let plans = [
        (weekly(day.add_days(-7)), volunteer, RetryRule::default()),
        (
            Plan::Regular {
                every: Every::Fortnight,
                start: day.add_days(-6),
                end: None,
            },
            volunteer,
            RetryRule::new(3, 1)?,
        ),
        (
            Plan::Regular {
                every: Every::Month,
                start: day.add_days(-5),
                end: None,
            },
            coordinator,
            RetryRule::default(),
        ),
        (weekly(day.add_days(-4)), volunteer, RetryRule::default()),
    ];
    for (person, (plan, caller, retry)) in desk.iter().zip(plans) {
        desk_plans.push(NewSchedule {
            person_id: *person,
            plan,
            message: String::new(),
            caller_account_id: caller,
            retry,
            created_by: coordinator,
        });
    }
    // A weather warning two days ago, to everyone on the desk.
    for person in &desk {
        desk_plans.push(NewSchedule {
            person_id: *person,
            plan: Plan::Broadcast {
                on: day.add_days(-2),
            },
            message: "Amber warning for ice: please stay in if you can; the Food Run will bring your shopping.".into(),
            caller_account_id: volunteer,
            retry: RetryRule::default(),
            created_by: coordinator,
        });
    }
    workflow::plan(db, &coordinator_actor, &desk_plans).await?;

    let mut record_plans = Vec::new();
    if let Some(first) = records.first() {
        // Born on this day in 1941: the birthday call is today.
        let born = Date::new(1941, day.month, day.day.min(28))?;
        set_birthday(db, *first, born).await?;
        record_plans.push(NewSchedule {
            person_id: *first,
            plan: Plan::Birthday {
                born,
                start: day.add_days(-30),
                end: None,
            },
            message: String::new(),
            caller_account_id: link_worker,
            retry: RetryRule::default(),
            created_by: link_worker,
        });
    }
    if let Some(second) = records.get(1) {
        record_plans.push(NewSchedule {
            person_id: *second,
            plan: Plan::Discharge {
                discharged: day.add_days(-8),
                weeks: 4,
                days: vec![Weekday::Monday, Weekday::Wednesday, Weekday::Friday],
            },
            message: String::new(),
            caller_account_id: link_worker,
            retry: RetryRule::default(),
            created_by: link_worker,
        });
    }
    if !record_plans.is_empty() {
        workflow::plan(db, &link_actor, &record_plans).await?;
    }

    // The week's calls, logged by whoever was asked to make them, then
    // the retries the sweep makes, logged in their turn.
    let calendar = WorkingCalendar::scotland();
    let mut logged = 0;
    let mut concern_raised = false;
    for round in 0..2 {
        workflow::sweep(db, day, db::now()).await?;
        let mut conn = db.pool().acquire().await?;
        let (open, _) = store::calls_for(
            &mut conn,
            &Callers::Within(&Reach::Partnership, Caseloads::All, 0),
            day.add_days(-1),
            i64::MAX,
        )
        .await?;
        drop(conn);
        for (i, call) in open.iter().enumerate() {
            let mut outcome = OUTCOMES[(i + round) % OUTCOMES.len()];
            let mut concern = None;
            if round == 0 && !concern_raised && call.attempt == 1 && outcome == Outcome::Spoke {
                outcome = Outcome::Concern;
                concern = Some((
                    Urgency::Soon,
                    "Mentioned feeling dizzy on standing up, and has not been eating much since their sister went into hospital.".to_owned(),
                ));
                concern_raised = true;
            }
            let who = actor(call.caller_account_id, Reach::nothing());
            workflow::log_call(
                db,
                &who,
                call.id,
                &Logging {
                    outcome,
                    channel: CallChannel::Phone,
                    note: NOTES[(i + round) % NOTES.len()].to_owned(),
                    concern,
                },
                call.due_on,
                &calendar,
            )
            .await?;
            logged += 1;
        }
    }
    // One concern from the broadcast, seen to already.
    let mut conn = db.pool().acquire().await?;
    let (open, _) = store::calls_for(
        &mut conn,
        &Callers::Within(&Reach::Partnership, Caseloads::All, 0),
        day,
        i64::MAX,
    )
    .await?;
    drop(conn);
    if let Some(call) = open.iter().find(|c| c.caller_account_id == volunteer) {
        let who = actor(volunteer, Reach::nothing());
        let done = workflow::log_call(
            db,
            &who,
            call.id,
            &Logging {
                outcome: Outcome::Concern,
                channel: CallChannel::Phone,
                note: String::new(),
                concern: Some((
                    Urgency::Routine,
                    "The heating has not been working for two days.".to_owned(),
                )),
            },
            day,
            &calendar,
        )
        .await?;
        logged += 1;
        if let Some((id, _)) = done.concern {
            workflow::move_concern(db, &coordinator_actor, id, Status::Acknowledged, "").await?;
            workflow::move_concern(
                db,
                &coordinator_actor,
                id,
                Status::ActedOn,
                "Rang the housing association; an engineer is coming tomorrow morning.",
            )
            .await?;
        }
    }
    Ok(logged)
}
