//! The demo partnership's teams: a link-worker service at the council
//! (its link worker, two colleagues and the people whose records the
//! council holds) and a neighbourhood nursing team at the coast community
//! health team (three nurses and people of their own), with leads, notes,
//! plans, circles of support and handovers. Every name and number is made
//! up.

/// The people on the demo caseloads.
mod roster;

use coprod_engine::people::{EmailAddress, LineOfText, Role};

use super::store::{self, NewHandover};
use crate::{
    accounts::store as accounts,
    coordination::{model::Channel, store::people::NewPerson},
    db::{self, Db},
    people::{
        model::{ContactBy, Details, NewAction, NewTie},
        store as people,
    },
    privacy::consent::{self, LawfulBasis, NewConsent, RecordKind},
};
use roster::{LINK_PEOPLE, NURSING_PEOPLE, Person};

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
/// password's, `link_worker` and `manager` the demo's own accounts (no
/// link worker, no teams).
pub async fn seed(
    db: &Db,
    organisations: &[i64],
    hash: &str,
    link_worker: Option<i64>,
    manager: i64,
) -> anyhow::Result<Seeded> {
    let Some(link_worker) = link_worker else {
        return Ok(Seeded::default());
    };
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
        for member in members {
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
