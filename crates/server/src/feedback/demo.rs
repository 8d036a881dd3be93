//! The demo partnership's feedback: complaints at every stage of the
//! procedure (one overdue, one extended at each stage, one decided with
//! what was learned and published), compliments and feedback about
//! services, a budgeting process and a survey. Dates are counted back from
//! today, so the clocks always read as they should. Every name is made up.

use coprod_engine::{
    feedback::{Channel, Kind, Outcome},
    schedule::Date,
    working_days::WorkingCalendar,
};

use super::{
    model::{About, NewFeedback, Subject},
    store,
    workflow::{self, Actor, StepInput},
};
use crate::{access::Reach, coordination::model::today, db::Db};

/// One demo item: who, about what, what they said, and how far it went.
struct Item {
    name: &'static str,
    kind: Kind,
    channel: Channel,
    /// Calendar days before today it came in.
    days_ago: i64,
    straight_to_investigation: bool,
    body: &'static str,
    /// Steps, each with the calendar days before today it was taken.
    steps: &'static [(i64, DemoStep)],
    /// A public summary and response, when published.
    published: Option<(&'static str, &'static str)>,
}

#[derive(Clone, Copy)]
enum DemoStep {
    Respond(Outcome, &'static str),
    ExtendFrontline(&'static str),
    Escalate(&'static str),
    Acknowledge,
    /// Puts the decision back by this many more working days.
    ExtendInvestigation(u32, &'static str),
    Decide(Outcome, &'static str, &'static str, &'static str),
}

const ITEMS: &[Item] = &[
    Item {
        name: "Isla Campbell",
        kind: Kind::Complaint,
        channel: Channel::Phone,
        days_ago: 1,
        straight_to_investigation: false,
        body: "The lunch club bus did not come on Tuesday and nobody rang to say so.",
        steps: &[],
        published: None,
    },
    Item {
        name: "Duncan Robertson",
        kind: Kind::Complaint,
        channel: Channel::Letter,
        days_ago: 12,
        straight_to_investigation: false,
        body: "I asked twice for the form in large print and have still not had it.",
        steps: &[],
        published: None,
    },
    Item {
        name: "Catriona Stewart",
        kind: Kind::Complaint,
        channel: Channel::Online,
        days_ago: 6,
        straight_to_investigation: false,
        body: "The opening times on the listing are wrong; I went on Saturday and it was shut.",
        steps: &[(
            4,
            DemoStep::ExtendFrontline(
                "The service manager is on leave until next week and must check the rota.",
            ),
        )],
        published: None,
    },
    Item {
        name: "Morag Fraser",
        kind: Kind::Complaint,
        channel: Channel::InPerson,
        days_ago: 22,
        straight_to_investigation: false,
        body: "The waiting room was too cold for older people.",
        steps: &[(
            19,
            DemoStep::Respond(
                Outcome::NotUpheld,
                "We checked the heating log for that week; the room was kept at 20°C. We have put a blanket basket by the door all the same.",
            ),
        )],
        published: None,
    },
    Item {
        name: "Alasdair MacLeod",
        kind: Kind::Complaint,
        channel: Channel::Phone,
        days_ago: 26,
        straight_to_investigation: false,
        body: "My mother's befriending visits stopped without anyone telling us.",
        steps: &[
            (
                22,
                DemoStep::Respond(
                    Outcome::PartlyUpheld,
                    "The volunteer moved away and the handover was missed. A new volunteer has been found.",
                ),
            ),
            (
                1,
                DemoStep::Escalate(
                    "Mr MacLeod wants to know why the gap was not noticed for six weeks.",
                ),
            ),
        ],
        published: None,
    },
    Item {
        name: "Rhona MacDonald",
        kind: Kind::Complaint,
        channel: Channel::Email,
        days_ago: 13,
        straight_to_investigation: true,
        body: "Serious concerns about how my father's care package was reduced without an assessment.",
        steps: &[(11, DemoStep::Acknowledge)],
        published: None,
    },
    Item {
        name: "Hamish Kerr",
        kind: Kind::Complaint,
        channel: Channel::Letter,
        days_ago: 40,
        straight_to_investigation: true,
        body: "The community transport charges went up without any consultation.",
        steps: &[
            (38, DemoStep::Acknowledge),
            (
                10,
                DemoStep::ExtendInvestigation(
                    10,
                    "We are waiting for the minutes of the board meeting that set the charges.",
                ),
            ),
        ],
        published: None,
    },
    Item {
        name: "Fiona Grant",
        kind: Kind::Complaint,
        channel: Channel::Phone,
        days_ago: 70,
        straight_to_investigation: false,
        body: "Nobody told my neighbour her day centre place had ended; she waited for the bus for an hour.",
        steps: &[
            (
                66,
                DemoStep::Respond(
                    Outcome::PartlyUpheld,
                    "We are sorry. The letter went to an old address.",
                ),
            ),
            (
                60,
                DemoStep::Escalate("The family want to know how many others were affected."),
            ),
            (58, DemoStep::Acknowledge),
            (
                35,
                DemoStep::Decide(
                    Outcome::Upheld,
                    "Eleven people were sent letters to old addresses after the records moved to the new system.",
                    "Changes to people's places were only told by letter, and nobody checked the letters arrived.",
                    "Anyone whose place changes now gets a phone call as well as a letter, and the transport team is told the same day.",
                ),
            ),
        ],
        published: Some((
            "A person's day centre place ended and they were not told, so they waited for transport that did not come.",
            "We upheld this complaint. We now phone everyone whose place changes, as well as writing, and tell the transport team the same day.",
        )),
    },
    Item {
        name: "Shona Mackenzie",
        kind: Kind::Compliment,
        channel: Channel::Online,
        days_ago: 9,
        straight_to_investigation: false,
        body: "The walking group volunteers were so patient with my dad. Thank you.",
        steps: &[],
        published: Some((
            "Thanks to the walking group volunteers for their patience.",
            "Thank you. We have passed this on to the volunteers, who were delighted.",
        )),
    },
    Item {
        name: "Euan Ross",
        kind: Kind::Feedback,
        channel: Channel::Online,
        days_ago: 5,
        straight_to_investigation: false,
        body: "It would help if the community fund vote stayed open over a weekend.",
        steps: &[],
        published: None,
    },
    Item {
        name: "Mairi Sinclair",
        kind: Kind::Feedback,
        channel: Channel::Online,
        days_ago: 3,
        straight_to_investigation: false,
        body: "The survey was easy to fill in on my phone.",
        steps: &[],
        published: None,
    },
];

fn step_input(step: DemoStep, due: Option<Date>, calendar: &WorkingCalendar) -> StepInput {
    match step {
        DemoStep::Respond(outcome, response) => StepInput::Respond {
            outcome,
            response: response.to_owned(),
        },
        DemoStep::ExtendFrontline(reason) => StepInput::ExtendFrontline {
            reason: reason.to_owned(),
        },
        DemoStep::Escalate(note) => StepInput::Escalate {
            note: note.to_owned(),
        },
        DemoStep::Acknowledge => StepInput::Acknowledge,
        DemoStep::ExtendInvestigation(days, reason) => StepInput::ExtendInvestigation {
            reason: reason.to_owned(),
            new_due: calendar.add_working_days(due.unwrap_or_else(today), days),
        },
        DemoStep::Decide(outcome, decision, learning, changes) => StepInput::Decide {
            outcome,
            decision: decision.to_owned(),
            learning: learning.to_owned(),
            changes: changes.to_owned(),
        },
    }
}

/// Seeds the items about `organisation` (and what it runs), handled by
/// `handler`. Answers how many items, and how many are complaints.
pub async fn seed(
    db: &Db,
    organisation: i64,
    handler: Option<i64>,
) -> anyhow::Result<(usize, usize)> {
    let calendar = WorkingCalendar::scotland();
    let mut conn = db.pool().acquire().await?;
    let org_name = store::organisations(&mut conn)
        .await?
        .into_iter()
        .find(|s| s.organisation_id == organisation)
        .map(|s| s.name)
        .unwrap_or_default();
    let first_of = |all: Vec<Subject>| all.into_iter().find(|s| s.organisation_id == organisation);
    let service = first_of(store::services(&mut conn).await?);
    let process = first_of(store::processes(&mut conn).await?);
    let survey = first_of(store::surveys(&mut conn).await?);
    drop(conn);
    let actor = Actor {
        account_id: handler,
        token_id: None,
        reach: Reach::Partnership,
        ip: String::new(),
    };
    let today = today();
    let mut complaints = 0;
    for (n, item) in ITEMS.iter().enumerate() {
        let (about, subject) = match item.name {
            "Euan Ross" => (About::Process, process.as_ref()),
            "Mairi Sinclair" => (About::Survey, survey.as_ref()),
            _ if n % 2 == 0 => (About::Service, service.as_ref()),
            _ => (About::Organisation, None),
        };
        let (about, about_id, about_name) = match subject {
            Some(s) => (about, Some(s.about_id.clone()), s.name.clone()),
            None => (About::Organisation, None, org_name.clone()),
        };
        let email = format!(
            "{}@people.example",
            item.name.to_lowercase().replace(' ', ".")
        );
        let new = NewFeedback {
            kind: item.kind,
            organisation_id: organisation,
            about,
            about_id,
            about_name,
            channel: item.channel,
            account_id: None,
            name: item.name.to_owned(),
            email,
            phone: if item.channel == Channel::Phone {
                "01555 010 203".to_owned()
            } else {
                String::new()
            },
            body: item.body.to_owned(),
            entered_by: (item.channel != Channel::Online)
                .then_some(handler)
                .flatten(),
            received_on: today.add_days(-item.days_ago),
            investigation: item.straight_to_investigation,
        };
        let (id, _) = workflow::receive(db, &actor, &new, &calendar).await?;
        if item.kind == Kind::Complaint {
            complaints += 1;
        }
        let mut due = None;
        for (days_ago, step) in item.steps {
            let input = step_input(*step, due, &calendar);
            let done =
                workflow::take_step(db, &actor, id, &input, &calendar, today.add_days(-days_ago))
                    .await
                    .map_err(|e| anyhow::anyhow!("demo complaint {}: {e}", item.name))?;
            due = done
                .case
                .as_ref()
                .and_then(|c| c.investigation.as_ref())
                .map(|i| i.due);
        }
        if let Some((summary, response)) = item.published {
            workflow::publish(db, &actor, id, Some((summary, response)), today).await?;
        }
    }
    Ok((ITEMS.len(), complaints))
}
