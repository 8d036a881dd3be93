//! The demo partnership's teams: a link-worker service at the council
//! (its link worker, two colleagues and the people whose records the
//! council holds) and a neighbourhood nursing team at the coast community
//! health team (three nurses and people of their own), with leads, notes,
//! plans, circles of support and handovers. Every name and number is made
//! up.

use coprod_engine::people::{EmailAddress, LineOfText, Role};

use super::store::{self, NewHandover};
use crate::{
    accounts::store as accounts,
    coordination::{model::Channel, store::people::NewPerson},
    db::{self, Db},
    people::{
        model::{ActionBy, ContactBy, Details, Layer, NewAction, NewTie},
        store as people,
    },
    privacy::consent::{self, LawfulBasis, NewConsent, RecordKind},
    star::model::TalkingPoint,
};

/// A member of staff the demo adds: email, name, role.
type Staff = (&'static str, &'static str, Role);

/// The link-worker service's colleagues of the demo link worker.
const LINK_WORKERS: &[Staff] = &[
    ("ailsa.munro@demo.example", "Ailsa Munro", Role::LinkWorker),
    (
        "gregor.sinclair@demo.example",
        "Gregor Sinclair",
        Role::LinkWorker,
    ),
];

/// The neighbourhood nursing team.
const NURSES: &[Staff] = &[
    ("nurse@demo.example", "Mhairi Docherty", Role::LinkWorker),
    (
        "kenneth.baird@demo.example",
        "Kenneth Baird",
        Role::LinkWorker,
    ),
    (
        "shona.gillies@demo.example",
        "Shona Gillies",
        Role::LinkWorker,
    ),
];

/// A tie of a demo circle: ring, name, role, what they do, how often.
type DemoTie = (
    Layer,
    &'static str,
    &'static str,
    &'static str,
    &'static str,
);

/// A person the demo adds: name, preferred name, what matters, plan
/// review in days (negative: overdue), lead (index into the team's
/// members), handover note, a goal, and their circle.
struct Person {
    name: &'static str,
    preferred: &'static str,
    what_matters: &'static str,
    review_in: Option<i64>,
    lead: usize,
    note: &'static str,
    goal: Option<(&'static str, TalkingPoint, ActionBy)>,
    circle: &'static [DemoTie],
}

const fn person(
    name: &'static str,
    preferred: &'static str,
    what_matters: &'static str,
    review_in: Option<i64>,
    lead: usize,
    note: &'static str,
) -> Person {
    Person {
        name,
        preferred,
        what_matters,
        review_in,
        lead,
        note,
        goal: None,
        circle: &[],
    }
}

/// New people the link-worker service holds.
const LINK_PEOPLE: &[Person] = &[
    Person {
        goal: Some((
            "Join the Thursday walking group",
            TalkingPoint::SeeingPeople,
            ActionBy::CommunityGroup,
        )),
        circle: &[
            (
                Layer::Household,
                "Alan Reid",
                "Husband",
                "Company at home",
                "Every day",
            ),
            (
                Layer::Informal,
                "Glens Walking Group",
                "Walking group",
                "A walk and a blether",
                "Thursdays",
            ),
        ],
        ..person(
            "Elizabeth Reid",
            "Betty",
            "Getting out of the house more. I have not been further than the shop since the winter.",
            Some(3),
            1,
            "Nervous about the first walk; Ailsa offered to go along.",
        )
    },
    person(
        "John Walker",
        "Jock",
        "Sorting out the money side so I can stop worrying about the gas bill.",
        Some(-2),
        2,
        "Citizens Advice appointment booked; check he went.",
    ),
    person(
        "Margaret Thomson",
        "Peggy",
        "Seeing my grandchildren more often.",
        Some(20),
        0,
        "",
    ),
    Person {
        goal: Some((
            "Cook a proper meal twice a week",
            TalkingPoint::ThingsToDo,
            ActionBy::Volunteer,
        )),
        circle: &[
            (
                Layer::Household,
                "Neil Hughes",
                "Son",
                "Phones on Sundays",
                "Weekly",
            ),
            (
                Layer::Volunteers,
                "Harbourside Food Run",
                "Deliveries",
                "Brings the shopping",
                "Fridays",
            ),
            (
                Layer::Formal,
                "Harbour Medical Practice",
                "GP practice",
                "Diabetes review",
                "Every six months",
            ),
        ],
        ..person(
            "Robert Hughes",
            "Bobby",
            "Eating properly again since Jean died. I never learned to cook.",
            Some(6),
            1,
            "Likes the cooking class idea; needs a lift.",
        )
    },
    person(
        "Agnes Kerr",
        "",
        "Keeping my independence. I do not want anyone doing things for me that I can do myself.",
        Some(35),
        2,
        "",
    ),
    person(
        "Thomas Wallace",
        "Tam",
        "Getting back to the bowls and the pub quiz.",
        None,
        0,
        "Moved house in October; new address on the record.",
    ),
    person(
        "Christine Boyle",
        "Chris",
        "Some time for myself. I care for my mum full time.",
        Some(1),
        1,
        "Carers Centre assessment due; respite to discuss.",
    ),
    person(
        "William Gray",
        "Willie",
        "Talking to someone. The days are long.",
        Some(14),
        2,
        "",
    ),
    Person {
        goal: Some((
            "Feel confident using the bus again",
            TalkingPoint::Confidence,
            ActionBy::Team,
        )),
        circle: &[
            (
                Layer::Informal,
                "Moira Scott",
                "Friend",
                "Coffee on a Saturday",
                "Weekly",
            ),
            (
                Layer::Volunteers,
                "Kilbrannan Community Transport",
                "Driver service",
                "Lifts to appointments",
                "When booked",
            ),
        ],
        ..person(
            "Sheena McKay",
            "",
            "Being able to get about on my own after my eyes went.",
            Some(-5),
            0,
            "Sight Loss Group referral made; waiting to hear.",
        )
    },
    person(
        "David Black",
        "Davie",
        "Finding work that fits round my health.",
        Some(28),
        1,
        "",
    ),
    person(
        "Marion Hamilton",
        "",
        "Getting my confidence back after the divorce, and making some new friends.",
        Some(10),
        2,
        "Interested in the community garden.",
    ),
    person(
        "Kenneth Ritchie",
        "Kenny",
        "Getting on top of the debts before Christmas.",
        Some(-4),
        0,
        "Debt advice started; next appointment on Tuesday.",
    ),
    Person {
        circle: &[
            (
                Layer::Household,
                "Ruth Dunlop",
                "Partner",
                "Drives to appointments",
                "When needed",
            ),
            (
                Layer::Informal,
                "Ardnaveen Men's Shed",
                "Community group",
                "Woodwork and company",
                "Tuesdays",
            ),
            (
                Layer::Formal,
                "Glens Community Mental Health Service",
                "Mental health nurse",
                "Check-ins",
                "Fortnightly",
            ),
        ],
        ..person(
            "Stuart Dunlop",
            "Stu",
            "Having somewhere to go during the day that is not the pub.",
            Some(16),
            1,
            "",
        )
    },
    person(
        "Rose McIntyre",
        "Rosie",
        "Learning to use the tablet so I can see my grandson in Canada.",
        Some(25),
        2,
        "Library digital drop-in on Fridays.",
    ),
];

/// New people the nursing team holds.
const NURSING_PEOPLE: &[Person] = &[
    Person {
        goal: Some((
            "Walk to the end of the street and back",
            TalkingPoint::Mobility,
            ActionBy::Person,
        )),
        circle: &[
            (
                Layer::Household,
                "Annie Morrison",
                "Wife",
                "Lives with Donald",
                "Every day",
            ),
            (
                Layer::Informal,
                "Ewan Morrison",
                "Brother",
                "Takes him fishing",
                "Monthly",
            ),
            (
                Layer::Team,
                "Coast neighbourhood nursing team",
                "Nurses",
                "Wound care and the plan",
                "Twice a week",
            ),
            (
                Layer::Formal,
                "Shorefront Physiotherapy",
                "Physiotherapy",
                "Exercises",
                "Weekly",
            ),
        ],
        ..person(
            "Donald Morrison",
            "Donnie",
            "Getting my strength back after the operation so I can get down to the harbour.",
            Some(2),
            0,
            "Dressing changed Monday; healing well.",
        )
    },
    person(
        "Janet Paterson",
        "Jan",
        "Staying in my own home.",
        Some(-1),
        1,
        "Pressure area check each visit.",
    ),
    Person {
        goal: Some((
            "Manage my tablets on my own",
            TalkingPoint::FeelingSafe,
            ActionBy::Team,
        )),
        circle: &[
            (
                Layer::Household,
                "Lorna Johnston",
                "Daughter",
                "Sets out the tablets",
                "Weekly",
            ),
            (
                Layer::Formal,
                "Ardnaveen Pharmacy Group",
                "Pharmacy",
                "Blister packs",
                "Weekly",
            ),
        ],
        ..person(
            "Alexander Johnston",
            "Sandy",
            "Not being a burden on Lorna.",
            Some(5),
            2,
            "Blister packs started; check he is managing.",
        )
    },
    person(
        "Helen Cameron",
        "Nell",
        "Keeping the garden tidy and seeing the neighbours.",
        Some(40),
        0,
        "",
    ),
    person(
        "George Fleming",
        "Dod",
        "Breathing easier so I can get to the church.",
        Some(4),
        1,
        "Inhaler technique reviewed; oxygen assessment asked for.",
    ),
    person(
        "Mary Sutherland",
        "May",
        "Getting out to the lunch club on a Wednesday.",
        Some(18),
        2,
        "",
    ),
    person(
        "James Anderson",
        "Jim",
        "Looking after Betty, my wife, for as long as I can.",
        Some(-3),
        0,
        "Carer strain; talk about a sitting service.",
    ),
    person(
        "Catherine Bell",
        "Kate",
        "Feeling safe at night.",
        Some(9),
        1,
        "",
    ),
    person(
        "Andrew Clark",
        "Andy",
        "Keeping my leg ulcer healed so I can go back to the bowling.",
        Some(7),
        2,
        "Compression bandaging; doppler next month.",
    ),
    person(
        "Isabel Martin",
        "Isa",
        "Seeing my sister in Oban again.",
        Some(60),
        0,
        "",
    ),
    Person {
        goal: Some((
            "Sing with the choir at Christmas",
            TalkingPoint::ThingsToDo,
            ActionBy::Neighbour,
        )),
        circle: &[
            (
                Layer::Informal,
                "Ardnaveen Gaelic Choir",
                "Choir",
                "Rehearsals",
                "Wednesday evenings",
            ),
            (
                Layer::Informal,
                "Kirsteen Maclean",
                "Neighbour",
                "Walks with her to rehearsals",
                "Wednesdays",
            ),
        ],
        ..person(
            "Flora Maclean",
            "",
            "Singing. It is the one thing that lifts me.",
            Some(12),
            1,
            "",
        )
    },
    person(
        "Ian Ferguson",
        "",
        "Staying out of hospital this winter.",
        Some(0),
        2,
        "Heart failure: daily weights; call if up two pounds.",
    ),
    person(
        "Morag Urquhart",
        "",
        "Being at home for Christmas with the family.",
        Some(6),
        0,
        "Palliative care plan agreed with the GP; family know who to call.",
    ),
    person(
        "Hugh MacKenzie",
        "Shug",
        "Getting back on my feet after the fall.",
        Some(11),
        1,
        "Falls clinic referral; frame delivered.",
    ),
    Person {
        goal: Some((
            "Get to the day centre on Tuesdays",
            TalkingPoint::SeeingPeople,
            ActionBy::OtherService,
        )),
        circle: &[
            (
                Layer::Household,
                "Graham Watt",
                "Son",
                "Lives with her",
                "Every day",
            ),
            (
                Layer::Formal,
                "Heatherlea Day Services",
                "Day centre",
                "Lunch and company",
                "Tuesdays",
            ),
            (
                Layer::Formal,
                "Glenside Home Care Ltd",
                "Home care",
                "Morning visit",
                "Daily",
            ),
        ],
        ..person(
            "Jessie Watt",
            "",
            "Company. I sit here all day when Graham is at work.",
            Some(3),
            2,
            "Day centre place offered from January.",
        )
    },
    person(
        "Archibald Reid",
        "Archie",
        "Keeping my diabetes steady so I keep my feet.",
        Some(45),
        0,
        "",
    ),
    person(
        "Euphemia Ross",
        "Effie",
        "Staying in the house I was born in.",
        Some(-6),
        1,
        "Home adaptations assessment overdue; chase OT.",
    ),
    person(
        "Colin Forbes",
        "",
        "Managing my pain well enough to sleep.",
        Some(8),
        2,
        "Pain diary started.",
    ),
];

/// People of the other demo capabilities the link-worker service takes on
/// (names as `people::demo` and `referrals::demo` recorded them), with
/// their lead and note.
const ALREADY_RECORDED: &[(&str, usize, &str)] = &[
    ("Morag Campbell", 0, "Bowling club on Thursday; son drives."),
    ("Hamish Grant", 0, "Men's Shed building the raised beds."),
    (
        "Isla Fraser",
        1,
        "Community alarm asked for; daughter phones nightly.",
    ),
    ("Duncan Stewart", 2, ""),
    ("Alasdair MacLeod", 1, ""),
    (
        "Catriona Stewart",
        2,
        "Caring for her husband; Carers Centre contact made.",
    ),
    ("Callum Murray", 0, ""),
    ("Euan Ross", 1, ""),
];

/// Handovers after the start, from whoever leads: (team 0 link workers /
/// 1 nurses, person's name, to member, note).
const HANDOVERS: &[(usize, &str, usize, &str)] = &[
    (
        0,
        "Isla Fraser",
        0,
        "Back from leave; Lachlan takes Isla on again to follow up the alarm.",
    ),
    (
        0,
        "John Walker",
        1,
        "Ailsa knows the Citizens Advice adviser; handing over.",
    ),
    (
        0,
        "Sheena McKay",
        2,
        "Gregor covers the sight loss group now.",
    ),
    (1, "Janet Paterson", 2, "Shona covers the Glens round now."),
    (
        1,
        "James Anderson",
        1,
        "Kenneth has known the family for years.",
    ),
];

/// What the demo teams hold.
#[derive(Debug, Default)]
pub struct Seeded {
    pub teams: usize,
    pub people: usize,
}

async fn staff(db: &Db, list: &[Staff], organisation: i64, hash: &str) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for (email, name, role) in list {
        let id = accounts::create(
            db,
            &EmailAddress::parse(email)?,
            &LineOfText::parse(name)?,
            hash,
        )
        .await?;
        accounts::grant(db, id, Some(organisation), *role).await?;
        ids.push(id);
    }
    Ok(ids)
}

/// Records one demo person held by `organisation`, with consent, what
/// matters, a goal and circle if given, and the review date.
async fn record(
    conn: &mut sqlx::AnyConnection,
    p: &Person,
    organisation: i64,
    by: i64,
) -> anyhow::Result<i64> {
    let id = people::record::create(
        conn,
        &NewPerson {
            account_id: None,
            organisation_id: Some(organisation),
            display_name: p.name.into(),
            phone: "01632 960999".into(),
            email: None,
            gender: None,
            pays_own_time: true,
            channel: Channel::InPerson,
        },
        &Details {
            preferred_name: p.preferred.into(),
            address: "Ardnaveen".into(),
            contact_by: Some(ContactBy::Visit),
            languages: "English".into(),
            what_matters: p.what_matters.into(),
            ..Details::default()
        },
        Some(by),
    )
    .await?;
    consent::give(
        conn,
        &NewConsent {
            account_id: None,
            coordination_person_id: Some(id),
            record_kind: RecordKind::Support,
            record_id: None,
            purpose: "Supporting the person: what matters to them, their plan and their circle of support",
            lawful_basis: LawfulBasis::Consent,
            given_by: Some(by),
            channel: Channel::InPerson,
        },
        db::now(),
    )
    .await?;
    for (layer, name, role, what, often) in p.circle {
        let tie = NewTie {
            layer: *layer,
            name: (*name).into(),
            role: (*role).into(),
            what_they_do: (*what).into(),
            how_often: (*often).into(),
            contact: String::new(),
            in_plan: false,
            service_id: None,
        };
        people::circle::add(conn, id, &tie, Some(by)).await?;
    }
    if let Some((goal, outcome, action_by)) = p.goal {
        let goal_id = people::plan::add_goal(conn, id, goal, Some(outcome), Some(by)).await?;
        people::plan::add_action(
            conn,
            &NewAction {
                goal_id,
                action: format!("First step towards: {goal}"),
                by: action_by,
                who_name: String::new(),
                tie_id: None,
                service_id: None,
                due_on: None,
            },
            Some(by),
        )
        .await?;
    }
    if let Some(days) = p.review_in {
        let on = crate::coordination::model::today().add_days(days);
        people::record::set_review(conn, id, Some(on)).await?;
    }
    Ok(id)
}

/// Puts a person on a team's caseload, led (and entered) by `lead`.
async fn take_on(
    conn: &mut sqlx::AnyConnection,
    team_id: i64,
    person_id: i64,
    lead: i64,
    note: &str,
    at: i64,
) -> anyhow::Result<()> {
    store::add_to_caseload(
        conn,
        &NewHandover {
            team_id,
            person_id,
            from: None,
            to: lead,
            note,
            by: lead,
            at,
        },
    )
    .await?;
    Ok(())
}

/// Seeds the two teams. `organisations` are the demo's (the council
/// first, the coast community health team third), `hash` the demo
/// password's, `link_worker` and `manager` the demo's own accounts.
pub async fn seed(
    db: &Db,
    organisations: &[i64],
    hash: &str,
    link_worker: i64,
    manager: i64,
) -> anyhow::Result<Seeded> {
    let (Some(&council), Some(&nursing_org)) = (organisations.first(), organisations.get(2)) else {
        anyhow::bail!("the demo's organisations are missing");
    };
    let mut link_workers = vec![link_worker];
    link_workers.extend(staff(db, LINK_WORKERS, council, hash).await?);
    let nurses = staff(db, NURSES, nursing_org, hash).await?;
    let at = db::now();
    let mut tx = db.begin_write().await?;
    let link_team = store::create(
        &mut tx,
        council,
        "Ardnaveen link-worker service",
        "Community link workers for the people of Ardnaveen: what matters to them, and the groups and services that help.",
        manager,
        at,
    )
    .await?;
    let nursing_team = store::create(
        &mut tx,
        nursing_org,
        "Coast neighbourhood nursing team",
        "A small nursing team for the coast villages, caring for people at home and the people around them.",
        manager,
        at,
    )
    .await?;
    let teams = [(link_team, &link_workers), (nursing_team, &nurses)];
    for (team, members) in teams {
        for member in members.iter() {
            store::add_member(&mut tx, team, *member, manager, at).await?;
        }
    }
    let mut people_ids: Vec<(usize, &str, i64)> = Vec::new();
    for (name, lead, note) in ALREADY_RECORDED {
        if let Some(id) = store::held_named(&mut tx, council, name).await? {
            take_on(&mut tx, link_team, id, link_workers[*lead], note, at).await?;
            people_ids.push((0, name, id));
        }
    }
    for (team, list, organisation, members) in [
        (0, LINK_PEOPLE, council, &link_workers),
        (1, NURSING_PEOPLE, nursing_org, &nurses),
    ] {
        for p in list {
            let lead = members[p.lead % members.len()];
            let id = record(&mut tx, p, organisation, lead).await?;
            take_on(&mut tx, teams[team].0, id, lead, p.note, at).await?;
            people_ids.push((team, p.name, id));
        }
    }
    for (team, name, to, note) in HANDOVERS {
        let (team_id, members) = teams[*team];
        let Some((_, _, person)) = people_ids.iter().find(|(t, n, _)| t == team && n == name)
        else {
            continue;
        };
        let from = store::entry_of(&mut tx, team_id, *person)
            .await?
            .and_then(|e| e.lead)
            .map(|(id, _)| id);
        let handed = store::hand_over(
            &mut tx,
            &NewHandover {
                team_id,
                person_id: *person,
                from,
                to: members[*to],
                note,
                by: from.unwrap_or(members[*to]),
                at: at + 60,
            },
        )
        .await?;
        anyhow::ensure!(handed, "the demo handover of {name} was refused");
    }
    tx.commit().await?;
    Ok(Seeded {
        teams: teams.len(),
        people: people_ids.len(),
    })
}
