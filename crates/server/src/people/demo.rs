//! A few made-up people's records for the demo partnership: held by the
//! organisation its link worker works for, each with consent in the
//! register, what matters to them, a conversation, an agreed plan and a
//! circle of support. Every name and number is invented.

use crate::{
    coordination::{model::Channel, store::people::NewPerson},
    db::{self, Db},
    people::{
        model::{ActionBy, ContactBy, Details, Layer, NewAction, NewTie},
        store,
    },
    privacy::consent::{self, LawfulBasis, NewConsent, RecordKind},
    star::model::TalkingPoint,
};

/// One demo person: name, preferred name, what matters, the conversation
/// (outcome, note), the goal and its actions (what, by whom, tie index),
/// and the circle (layer, name, role, what they do, how often, contact).
struct Demo {
    name: &'static str,
    preferred: &'static str,
    what_matters: &'static str,
    said: (TalkingPoint, &'static str),
    goal: (&'static str, TalkingPoint),
    actions: &'static [(&'static str, ActionBy, Option<usize>)],
    circle: &'static [(
        Layer,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    )],
}

const PEOPLE: &[Demo] = &[
    Demo {
        name: "Morag Campbell",
        preferred: "Mo",
        what_matters: "I want to get back to the bowling club on a Thursday. I miss the company more than the bowls.",
        said: (
            TalkingPoint::SeeingPeople,
            "Since my hip I hardly see anyone but the carers.",
        ),
        goal: (
            "Back at the bowling club by the summer",
            TalkingPoint::SeeingPeople,
        ),
        actions: &[
            (
                "Ask the club about the Thursday afternoon league",
                ActionBy::Person,
                None,
            ),
            (
                "Drive Mo there the first few weeks",
                ActionBy::Family,
                Some(0),
            ),
            (
                "Check the community transport timetable",
                ActionBy::Team,
                None,
            ),
        ],
        circle: &[
            (
                Layer::Household,
                "Iain Campbell",
                "Son",
                "Shopping and lifts",
                "Every Saturday",
                "07700 900111",
            ),
            (
                Layer::Informal,
                "Jean Murray",
                "Neighbour",
                "Pops in for a cup of tea",
                "Most days",
                "",
            ),
            (
                Layer::Volunteers,
                "Kilbrannan Community Transport",
                "Driver service",
                "Lifts to appointments",
                "When booked",
                "01632 960400",
            ),
            (
                Layer::Formal,
                "Harbour Medical Practice",
                "GP practice",
                "Hip review",
                "Every three months",
                "01632 960300",
            ),
        ],
    },
    Demo {
        name: "Hamish Grant",
        preferred: "",
        what_matters: "Keeping my garden going. It is what gets me up in the morning.",
        said: (
            TalkingPoint::ThingsToDo,
            "The garden is getting too much for my back.",
        ),
        goal: (
            "Keep the vegetable beds going this year",
            TalkingPoint::ThingsToDo,
        ),
        actions: &[
            (
                "Raised beds built with the Men's Shed",
                ActionBy::CommunityGroup,
                Some(1),
            ),
            (
                "A volunteer to help with the heavy digging",
                ActionBy::Volunteer,
                None,
            ),
        ],
        circle: &[
            (
                Layer::Household,
                "Elspeth Grant",
                "Wife",
                "Lives with Hamish",
                "Every day",
                "",
            ),
            (
                Layer::Informal,
                "Ardnaveen Men's Shed",
                "Community group",
                "Woodwork and company",
                "Tuesdays",
                "01632 960410",
            ),
            (
                Layer::Team,
                "Lachlan (link worker)",
                "Link worker",
                "Keeps the plan going",
                "Monthly",
                "",
            ),
        ],
    },
    Demo {
        name: "Isla Fraser",
        preferred: "",
        what_matters: "Feeling safe at home at night, and not being a bother to my daughter.",
        said: (
            TalkingPoint::FeelingSafe,
            "I don't sleep well since the fall.",
        ),
        goal: ("Feel safe at home at night", TalkingPoint::FeelingSafe),
        actions: &[
            ("Ask about a community alarm", ActionBy::Team, None),
            (
                "A weekly phone call from a befriender",
                ActionBy::Volunteer,
                Some(2),
            ),
        ],
        circle: &[
            (
                Layer::Household,
                "Catriona Fraser",
                "Daughter",
                "Phones every evening",
                "Daily",
                "07700 900222",
            ),
            (
                Layer::Informal,
                "Seaview Dementia Cafe",
                "Cafe",
                "A morning out",
                "Fortnightly",
                "",
            ),
            (
                Layer::Volunteers,
                "Glens Befriending Network",
                "Befriender",
                "A chat on the phone",
                "Weekly",
                "01632 960420",
            ),
            (
                Layer::Formal,
                "District nursing team",
                "Nurses",
                "Leg dressings",
                "Twice a week",
                "01632 960310",
            ),
        ],
    },
    Demo {
        name: "Duncan Stewart",
        preferred: "Dunc",
        what_matters: "Getting my confidence back after the stroke, and singing again.",
        said: (
            TalkingPoint::Confidence,
            "I used to sing in the choir. Now I don't like going out.",
        ),
        goal: ("Go back to the choir", TalkingPoint::Confidence),
        actions: &[("Go with Dunc to a rehearsal", ActionBy::Neighbour, Some(0))],
        circle: &[
            (
                Layer::Informal,
                "Rab Anderson",
                "Neighbour",
                "Walks with Dunc",
                "Twice a week",
                "",
            ),
            (
                Layer::Informal,
                "Ardnaveen Gaelic Choir",
                "Choir",
                "Rehearsals",
                "Wednesday evenings",
                "",
            ),
            (
                Layer::Formal,
                "Community stroke team",
                "Physiotherapy",
                "Exercises at home",
                "Weekly",
                "01632 960320",
            ),
        ],
    },
];

/// Seeds the demo records, held by `organisation` and entered by
/// `link_worker`; returns how many people were recorded.
pub async fn seed(
    db: &Db,
    organisation: Option<i64>,
    link_worker: Option<i64>,
) -> Result<usize, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    for demo in PEOPLE {
        let id = store::record::create(
            &mut tx,
            &NewPerson {
                account_id: None,
                organisation_id: organisation,
                display_name: demo.name.into(),
                phone: "01632 960999".into(),
                email: None,
                gender: None,
                pays_own_time: true,
                channel: Channel::InPerson,
            },
            &Details {
                preferred_name: demo.preferred.into(),
                address: "Ardnaveen".into(),
                contact_by: Some(ContactBy::Phone),
                languages: "English".into(),
                what_matters: demo.what_matters.into(),
                ..Details::default()
            },
            link_worker,
        )
        .await?;
        consent::give(
            &mut tx,
            &NewConsent {
                account_id: None,
                coordination_person_id: Some(id),
                record_kind: RecordKind::Support,
                record_id: None,
                purpose: "Supporting the person: what matters to them, their plan and their circle of support",
                lawful_basis: LawfulBasis::Consent,
                given_by: link_worker,
                channel: Channel::InPerson,
            },
            db::now(),
        )
        .await?;
        let mut ties = Vec::new();
        for (layer, name, role, what, often, contact) in demo.circle {
            let tie = NewTie {
                layer: *layer,
                name: (*name).into(),
                role: (*role).into(),
                what_they_do: (*what).into(),
                how_often: (*often).into(),
                contact: (*contact).into(),
                in_plan: false,
                service_id: None,
            };
            ties.push(store::circle::add(&mut tx, id, &tie, link_worker).await?);
        }
        store::plan::save_note(&mut tx, id, demo.said.0, demo.said.1, link_worker).await?;
        let goal =
            store::plan::add_goal(&mut tx, id, demo.goal.0, Some(demo.goal.1), link_worker).await?;
        for (action, by, tie) in demo.actions {
            let tie_id = tie.and_then(|i| ties.get(i).copied());
            let new = NewAction {
                goal_id: goal,
                action: (*action).into(),
                by: *by,
                who_name: String::new(),
                tie_id,
                service_id: None,
                due_on: None,
            };
            store::plan::add_action(&mut tx, &new, link_worker).await?;
            if let Some(tie) = tie_id {
                store::circle::mark_in_plan(&mut tx, tie).await?;
            }
        }
        let review = crate::coordination::model::today().add_days(42);
        store::record::set_review(&mut tx, id, Some(review)).await?;
    }
    tx.commit().await?;
    Ok(PEOPLE.len())
}
