//! The demo partnership's plans: its Local Outcomes Improvement Plan,
//! kept by the partnership's own organisation, and the Ardnaveen Coast
//! locality plan, kept by the council; outcomes with priorities and
//! indicators whose figures run over several years; the Star initiatives,
//! budgeting process, survey and services that serve them; and "you said,
//! we did" entries, most signed off, one still a draft. Every figure is
//! made up.

use coprod_engine::planning::{Direction, EvidenceKind, LinkKind, Period};
use sqlx::AnyConnection;

use super::{
    model::Linkable,
    store::{
        self, NewIndicator, PlanDetails,
        entries::{self, EntryText},
        links,
    },
};
use crate::{access::Reach, db::Db};

/// What was seeded.
#[derive(Debug, Default, Clone, Copy)]
pub struct Seeded {
    pub plans: usize,
    pub figures: usize,
    pub links: usize,
    pub entries: usize,
    pub signed_off: usize,
}

/// An indicator of the demo: name, unit, direction, target, easy-read
/// words, and its figures by period.
struct DemoIndicator {
    name: &'static str,
    unit: &'static str,
    direction: Direction,
    target: Option<f64>,
    easy: &'static str,
    source: &'static str,
    figures: &'static [(&'static str, f64)],
}

/// An outcome of the demo, and the kinds of record that serve it.
struct DemoOutcome {
    title: &'static str,
    description: &'static str,
    easy: &'static str,
    priorities: &'static [&'static str],
    indicators: &'static [DemoIndicator],
    served_by: &'static [LinkKind],
}

const LOIP_OUTCOMES: &[DemoOutcome] = &[
    DemoOutcome {
        title: "People live well at home for longer",
        description: "Older people and people with long-term conditions get the help they need to stay in their own homes and communities.",
        easy: "People get help to stay in their own home.",
        priorities: &[
            "More help from neighbours and volunteers",
            "Fewer people waiting to come home from hospital",
        ],
        indicators: &[
            DemoIndicator {
                name: "Emergency hospital admissions of people aged 65 and over",
                unit: "per 1,000 people",
                direction: Direction::Down,
                target: Some(180.0),
                easy: "How many older people go into hospital in an emergency",
                source: "Demo figures in the style of Public Health Scotland's statistics",
                figures: &[
                    ("2021/22", 214.0),
                    ("2022/23", 209.5),
                    ("2023/24", 201.0),
                    ("2024/25", 196.2),
                ],
            },
            DemoIndicator {
                name: "Adults supported at home who agree they can live as independently as possible",
                unit: "%",
                direction: Direction::Up,
                target: Some(85.0),
                easy: "People who say they can live the way they want at home",
                source: "Demo figures in the style of the Health and Care Experience Survey",
                figures: &[("2019/20", 78.0), ("2021/22", 76.5), ("2023/24", 79.0)],
            },
        ],
        served_by: &[LinkKind::StarInitiative, LinkKind::Service],
    },
    DemoOutcome {
        title: "People have a real say in the services they use",
        description: "Local people, carers and those who use services help decide what is funded and how services are run, and hear back about what changed.",
        easy: "You help decide what happens.\nWe tell you what changed.",
        priorities: &[
            "Participatory budgeting in every locality",
            "Reach people who are seldom heard",
        ],
        indicators: &[DemoIndicator {
            name: "Residents who feel they can influence decisions affecting their area",
            unit: "%",
            direction: Direction::Up,
            target: Some(40.0),
            easy: "People who feel they can change things where they live",
            source: "Demo figures in the style of the Scottish Household Survey",
            figures: &[
                ("2021", 21.0),
                ("2022", 24.0),
                ("2023", 27.5),
                ("2024", 31.0),
            ],
        }],
        served_by: &[LinkKind::BudgetingProcess, LinkKind::Survey],
    },
];

const COAST_OUTCOMES: &[DemoOutcome] = &[DemoOutcome {
    title: "Fewer people on the coast are lonely",
    description: "Befriending, lunch clubs and community transport reach people who live alone on the coast.",
    easy: "Fewer people feel lonely.",
    priorities: &[
        "Befriending for people coming home from hospital",
        "Transport to groups and clubs",
    ],
    indicators: &[DemoIndicator {
        name: "People aged 75 and over who say they often feel lonely",
        unit: "%",
        direction: Direction::Down,
        target: Some(12.0),
        easy: "Older people who often feel lonely",
        source: "Demo figures from the partnership's own community survey",
        figures: &[
            ("2022", 19.0),
            ("2023", 17.5),
            ("2024", 16.0),
            ("2025", 14.5),
        ],
    }],
    served_by: &[
        LinkKind::StarInitiative,
        LinkKind::Service,
        LinkKind::BudgetingProcess,
    ],
}];

/// (said, did, day of the change, signed off)
const LOIP_ENTRIES: &[(&str, &str, &str, bool)] = &[
    (
        "You said the survey about local services was too long and hard to read.",
        "We made an easy-read version with one question a page, and offered it on paper at libraries.",
        "2025-03-14",
        true,
    ),
    (
        "You said you wanted a say in how the community fund is spent.",
        "We ran a participatory budget: 1,200 people voted, and the projects they chose are being delivered.",
        "2025-09-30",
        true,
    ),
    (
        "You said you did not hear back after you complained about waiting for a carer.",
        "We now phone everyone within five working days with what we found, and we changed how visits are planned.",
        "2026-02-02",
        true,
    ),
    (
        "You said meetings were held when people who work could not come.",
        "We will hold every second meeting in the evening, and put the papers online a week before.",
        "2026-11-20",
        false,
    ),
];

const COAST_ENTRIES: &[(&str, &str, &str, bool)] = &[
    (
        "You said there was no way to get to the lunch club from the villages.",
        "Kilbrannan Community Transport now runs a minibus to the lunch club every Tuesday and Thursday.",
        "2025-06-10",
        true,
    ),
    (
        "You said you wanted more benches along the harbour so you could walk further.",
        "Six benches were put in along the Harbour Walk, paid for by the community's vote.",
        "2025-11-04",
        true,
    ),
];

/// Seeds the demo's plans. `keepers` are the organisations that keep the
/// LOIP and the locality plan; `locality` the one the plan covers.
pub async fn seed(
    db: &Db,
    loip_keeper: i64,
    locality_keeper: i64,
    locality: i64,
    manager: i64,
) -> anyhow::Result<Seeded> {
    let mut tx = db.begin_write().await?;
    let now = crate::db::now();
    let records = links::linkable(&mut tx, &Reach::Partnership).await?;
    let projects = links::projects(&mut tx, &Reach::Partnership).await?;
    let mut seeded = Seeded::default();

    let loip = store::create(
        &mut tx,
        None,
        Some(loip_keeper),
        &PlanDetails {
            title: "Ardnaveen Local Outcomes Improvement Plan 2023 to 2028".to_owned(),
            summary: "The partners of the Ardnaveen Community Planning Partnership have agreed what they will work on together for five years: people living well at home, and people having a real say in the services they use. This page shows how far we have come.".to_owned(),
            easy_read: "This is our plan for Ardnaveen.\nIt lasts five years.\nWe want people to live well at home.\nWe want you to have a say.\nThis page shows how we are doing.".to_owned(),
            starts_in: 2023,
            ends_in: 2028,
            published: true,
        },
        manager,
        now,
    )
    .await?;
    add_outcomes(
        &mut tx,
        loip,
        LOIP_OUTCOMES,
        &records,
        manager,
        now,
        &mut seeded,
    )
    .await?;
    let coast = store::create(
        &mut tx,
        Some(locality),
        Some(locality_keeper),
        &PlanDetails {
            title: "Ardnaveen Coast locality plan".to_owned(),
            summary: "What the partners and people of the coast will do about loneliness, agreed at community meetings in the harbour towns and villages.".to_owned(),
            easy_read: "This is the plan for the coast.\nWe want fewer people to feel lonely.".to_owned(),
            starts_in: 2024,
            ends_in: 2027,
            published: true,
        },
        manager,
        now,
    )
    .await?;
    add_outcomes(
        &mut tx,
        coast,
        COAST_OUTCOMES,
        &records,
        manager,
        now,
        &mut seeded,
    )
    .await?;
    seeded.plans = 2;

    let pick = |kind: &str| records.iter().find(|r| r.kind == kind);
    for (plan, list) in [(loip, LOIP_ENTRIES), (coast, COAST_ENTRIES)] {
        for (i, (said, did, day, signed)) in list.iter().enumerate() {
            let day = coprod_engine::schedule::Date::parse(day)?;
            let entry = entries::create(
                &mut tx,
                plan,
                &EntryText {
                    said: (*said).to_owned(),
                    did: (*did).to_owned(),
                    happened_on: day.unix_midnight(),
                },
                manager,
                now,
            )
            .await?;
            let mut evidence: Vec<(EvidenceKind, String, String)> = Vec::new();
            match (plan == loip, i) {
                (true, 0) => {
                    if let Some(s) = pick("survey") {
                        evidence.push((EvidenceKind::Survey, s.target.clone(), s.name.clone()));
                    }
                }
                (_, 1) => {
                    if let Some(p) = pick("budgeting_process") {
                        evidence.push((
                            EvidenceKind::BudgetingProcess,
                            p.target.clone(),
                            format!("Results of {}", p.name),
                        ));
                    }
                    if let Some(p) = projects.first() {
                        evidence.push((
                            EvidenceKind::BudgetingProject,
                            p.target.clone(),
                            p.name.clone(),
                        ));
                    }
                }
                (true, 2) => {
                    evidence.push((
                        EvidenceKind::Complaint,
                        "1".to_owned(),
                        "What we learned from a complaint about late care visits".to_owned(),
                    ));
                    evidence.push((
                        EvidenceKind::FeedbackTheme,
                        "waiting-times".to_owned(),
                        "Feedback theme: not hearing back".to_owned(),
                    ));
                }
                (false, 0) => {
                    if let Some(s) = records
                        .iter()
                        .find(|r| r.kind == "service" && r.name.contains("Transport"))
                        .or_else(|| pick("service"))
                    {
                        evidence.push((EvidenceKind::Service, s.target.clone(), s.name.clone()));
                    }
                }
                _ => evidence.push((
                    EvidenceKind::Document,
                    String::new(),
                    "Minutes of the partnership board, November 2026".to_owned(),
                )),
            }
            for (kind, target, label) in evidence {
                entries::add_evidence(&mut tx, entry, kind, &target, &label, manager, now).await?;
            }
            seeded.entries += 1;
            if *signed {
                entries::sign_off(&mut tx, entry, manager, day.unix_midnight() + 86_400 * 7)
                    .await?;
                seeded.signed_off += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(seeded)
}

async fn add_outcomes(
    conn: &mut AnyConnection,
    plan: i64,
    outcomes: &[DemoOutcome],
    records: &[Linkable],
    manager: i64,
    now: i64,
    seeded: &mut Seeded,
) -> anyhow::Result<()> {
    let mut used: Vec<String> = Vec::new();
    for outcome in outcomes {
        let id = store::add_outcome(conn, plan, outcome.title, outcome.description, outcome.easy)
            .await?;
        for priority in outcome.priorities {
            store::add_priority(conn, id, priority).await?;
        }
        for indicator in outcome.indicators {
            let added = store::add_indicator(
                conn,
                id,
                &NewIndicator {
                    name: indicator.name.to_owned(),
                    unit: indicator.unit.to_owned(),
                    direction: indicator.direction,
                    target: indicator.target,
                    easy_read: indicator.easy.to_owned(),
                },
            )
            .await?;
            for (period, value) in indicator.figures {
                store::record_figure(
                    conn,
                    added,
                    Period::parse(period)?,
                    *value,
                    indicator.source,
                    manager,
                    now,
                )
                .await?;
                seeded.figures += 1;
            }
        }
        for kind in outcome.served_by {
            // Two of each kind, not linked twice within one plan.
            let chosen: Vec<&Linkable> = records
                .iter()
                .filter(|r| r.kind == kind.as_str() && !used.contains(&r.value()))
                .take(2)
                .collect();
            for record in chosen {
                links::add(conn, id, *kind, &record.target, manager, now).await?;
                used.push(record.value());
                seeded.links += 1;
            }
        }
    }
    Ok(())
}
