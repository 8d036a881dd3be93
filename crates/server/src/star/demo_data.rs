//! The demo partnership's Co-Production Star: two rounds of the
//! self-assessment for every organisation (spring and autumn, each rated
//! by a member of staff, a manager and a service user), initiatives with
//! business cases for four of them, and an approved charter. Ratings are
//! made up by a fixed rule so every run gives the same demo; the autumn
//! round sits a little higher, as an organisation that is working at it
//! would.

use coprod_engine::{
    business_case::{BusinessCase, FinancialProxy, Inputs, Outcome, model::DEFAULT_DISCOUNT_RATE},
    explorer::Stage,
    self_assessment::{Co, Maturity, Rating, Role, default_statements},
};

use super::{
    model::{AimedOutcome, Partner, Party, TalkingPoint},
    store::{
        cases,
        charters::{self, PartyTerms},
        initiatives::{self, InitiativeInput},
        rounds,
    },
};
use crate::db::Db;

const RATERS: [(&str, Role); 3] = [
    ("Member of staff", Role::Staff),
    ("Manager", Role::Manager),
    ("Service user", Role::ServiceUser),
];

/// A rating from 1 to 5 that varies by organisation, statement and rater.
fn made_up_level(organisation: usize, statement: usize, rater: usize, later: bool) -> u8 {
    let base = (organisation * 7 + statement * 3 + rater * 5) % 4;
    let level =
        u8::try_from(base).unwrap_or(0) + 1 + u8::from(later && !statement.is_multiple_of(3));
    level.min(5)
}

struct DemoInitiative {
    organisation: usize,
    name: &'static str,
    service: &'static str,
    description: &'static str,
    stage: Stage,
    cos: &'static [Co],
    partners: &'static [Partner],
    outcomes: &'static [TalkingPoint],
    case: Option<fn() -> BusinessCase>,
}

fn outcome(description: &str, quantity: f64, proxy: f64, source: &str) -> Outcome {
    Outcome {
        description: description.to_owned(),
        quantity,
        proxy: FinancialProxy {
            value: proxy,
            source: source.to_owned(),
            price_year: 2024,
        },
        deadweight: 0.2,
        displacement: 0.05,
        attribution: 0.25,
        drop_off: 0.3,
        duration_years: 3,
    }
}

fn food_run_case() -> BusinessCase {
    BusinessCase {
        inputs: Inputs {
            money: 18_000.0,
            staff_hours: 520.0,
            staff_hourly_cost: 19.5,
            volunteer_hours: 4_200.0,
            volunteer_hourly_value: 12.6,
        },
        outcomes: vec![
            outcome(
                "Older people who stay at home instead of moving into residential care",
                3.0,
                9_800.0,
                "Demo figure in the style of a unit cost database: a care home place for a year, net of home support",
            ),
            outcome(
                "Older people less lonely (a befriending visit with each delivery)",
                45.0,
                1_150.0,
                "Demo figure: value of reduced loneliness per person a year",
            ),
        ],
        discount_rate: DEFAULT_DISCOUNT_RATE,
    }
}

fn befriending_case() -> BusinessCase {
    BusinessCase {
        inputs: Inputs {
            money: 9_500.0,
            staff_hours: 300.0,
            staff_hourly_cost: 18.0,
            volunteer_hours: 2_600.0,
            volunteer_hourly_value: 12.6,
        },
        outcomes: vec![outcome(
            "Fewer visits to the GP by people who were lonely",
            60.0,
            180.0,
            "Demo figure: cost of a GP appointment times visits saved a year",
        )],
        discount_rate: DEFAULT_DISCOUNT_RATE,
    }
}

fn carers_case() -> BusinessCase {
    BusinessCase {
        inputs: Inputs {
            money: 24_000.0,
            staff_hours: 900.0,
            staff_hourly_cost: 21.0,
            volunteer_hours: 600.0,
            volunteer_hourly_value: 12.6,
        },
        outcomes: vec![
            outcome(
                "Carers who keep caring instead of reaching crisis",
                12.0,
                6_300.0,
                "Demo figure: cost of emergency respite care for a year",
            ),
            outcome(
                "Carers back in part-time work",
                4.0,
                5_200.0,
                "Demo figure: benefit savings and tax per person a year",
            ),
        ],
        discount_rate: DEFAULT_DISCOUNT_RATE,
    }
}

fn lunch_case() -> BusinessCase {
    BusinessCase {
        inputs: Inputs {
            money: 6_000.0,
            staff_hours: 120.0,
            staff_hourly_cost: 19.5,
            volunteer_hours: 1_500.0,
            volunteer_hourly_value: 12.6,
        },
        outcomes: vec![outcome(
            "Older people eating well and keeping their strength",
            30.0,
            320.0,
            "Demo figure: cost of malnutrition treatment avoided per person a year",
        )],
        discount_rate: DEFAULT_DISCOUNT_RATE,
    }
}

const INITIATIVES: &[DemoInitiative] = &[
    DemoInitiative {
        organisation: 0,
        name: "Older people's reference group",
        service: "Older people's services",
        description: "Older people and carers meet each month with the partnership to shape how services for older people are planned and bought.",
        stage: Stage::Running,
        cos: &[Co::CoCommissioning, Co::CoDesign],
        partners: &[Partner::Users, Partner::Carers],
        outcomes: &[TalkingPoint::HavingASay, TalkingPoint::ListenedTo],
        case: None,
    },
    DemoInitiative {
        organisation: 0,
        name: "Home from hospital volunteers",
        service: "Older people's services",
        description: "Volunteers settle people in when they come home from hospital: heating on, shopping in, a friendly face.",
        stage: Stage::Proposed,
        cos: &[Co::CoDelivery],
        partners: &[Partner::Volunteers, Partner::Staff],
        outcomes: &[TalkingPoint::FeelingSafe, TalkingPoint::LivingAsYouWant],
        case: None,
    },
    DemoInitiative {
        organisation: 0,
        name: "Mental health service user panel",
        service: "Mental health",
        description: "People who use mental health services review how well the service is working and what should change.",
        stage: Stage::Running,
        cos: &[Co::CoAssessment],
        partners: &[Partner::Users],
        outcomes: &[
            TalkingPoint::TreatedWithRespect,
            TalkingPoint::ReducedSymptoms,
        ],
        case: None,
    },
    DemoInitiative {
        organisation: 8,
        name: "Weekly food round",
        service: "Food deliveries",
        description: "Volunteers shop for and deliver food to older people each week, and stay for a chat.",
        stage: Stage::Running,
        cos: &[Co::CoDelivery, Co::CoDesign],
        partners: &[Partner::Volunteers, Partner::Users],
        outcomes: &[
            TalkingPoint::StayingWell,
            TalkingPoint::SeeingPeople,
            TalkingPoint::LivingAsYouWant,
        ],
        case: Some(food_run_case),
    },
    DemoInitiative {
        organisation: 9,
        name: "Telephone befriending",
        service: "Befriending",
        description: "Trained volunteers phone people who live alone, at a time that suits them.",
        stage: Stage::Running,
        cos: &[Co::CoDelivery],
        partners: &[Partner::Volunteers],
        outcomes: &[TalkingPoint::SeeingPeople, TalkingPoint::Confidence],
        case: Some(befriending_case),
    },
    DemoInitiative {
        organisation: 10,
        name: "Carers' peer support",
        service: "Carer support",
        description: "Carers run groups for other carers, with the centre's staff alongside.",
        stage: Stage::Running,
        cos: &[Co::CoDelivery, Co::CoAssessment],
        partners: &[Partner::Carers, Partner::Staff],
        outcomes: &[TalkingPoint::Confidence, TalkingPoint::StayingWell],
        case: Some(carers_case),
    },
    DemoInitiative {
        organisation: 13,
        name: "Lunch club run by its members",
        service: "Lunch club",
        description: "Members plan the menus, cook with volunteers and decide together how the club spends its money.",
        stage: Stage::Running,
        cos: &[Co::CoCommissioning, Co::CoDelivery],
        partners: &[
            Partner::Users,
            Partner::Volunteers,
            Partner::CommunityGroups,
        ],
        outcomes: &[TalkingPoint::ThingsToDo, TalkingPoint::StayingWell],
        case: Some(lunch_case),
    },
];

/// What was seeded: (initiatives, business cases, rounds).
#[expect(clippy::too_many_lines, reason = "the demo told in order")]
pub async fn seed(
    db: &Db,
    organisation_ids: &[i64],
    manager: i64,
) -> anyhow::Result<(usize, usize, usize)> {
    let statements = default_statements();
    let mut round_count = 0;
    for (k, organisation) in organisation_ids.iter().enumerate() {
        for (name, held_on, later) in [
            ("Spring 2026", "2026-04-15", false),
            ("Autumn 2026", "2026-10-14", true),
        ] {
            let round = rounds::create(db, *organisation, name, held_on, Some(manager)).await?;
            round_count += 1;
            for (r, (rater, role)) in RATERS.iter().enumerate() {
                let ratings: Vec<Rating> = statements
                    .iter()
                    .enumerate()
                    .map(|(s, statement)| {
                        Ok(Rating {
                            rater: (*rater).to_owned(),
                            role: *role,
                            statement: statement.id.clone(),
                            maturity: Maturity::parse(made_up_level(k, s, r, later))?,
                            evidence: None,
                            action: None,
                        })
                    })
                    .collect::<Result<_, coprod_engine::Invalid>>()?;
                rounds::record(
                    &mut *db.pool().acquire().await?,
                    round,
                    &ratings,
                    Some(manager),
                )
                .await?;
            }
        }
    }
    let mut case_count = 0;
    for demo in INITIATIVES {
        let Some(organisation) = organisation_ids.get(demo.organisation) else {
            continue;
        };
        let id = initiatives::create(
            &mut *db.pool().acquire().await?,
            *organisation,
            &InitiativeInput {
                name: demo.name.to_owned(),
                description: demo.description.to_owned(),
                service: demo.service.to_owned(),
                locality_id: None,
                stage: Some(demo.stage),
                cos: demo.cos.to_vec(),
                partners: demo.partners.to_vec(),
                outcomes: demo
                    .outcomes
                    .iter()
                    .copied()
                    .map(AimedOutcome::TalkingPoint)
                    .collect(),
                asset_service_id: None,
                budgeting_process_id: None,
                survey_id: None,
            },
        )
        .await?;
        if let Some(case) = demo.case {
            cases::save(&mut *db.pool().acquire().await?, id, &case(), Some(manager)).await?;
            case_count += 1;
        }
    }
    if let Some(food_run) = organisation_ids.get(8) {
        let terms = |role: &str, responsibilities: &str, incentives: &str| PartyTerms {
            role: role.to_owned(),
            responsibilities: responsibilities.to_owned(),
            incentives: incentives.to_owned(),
        };
        let charter = charters::save_draft(
            db,
            *food_run,
            "Food deliveries",
            &[
                (
                    Party::Users,
                    terms(
                        "Say what you need and how you like things done.",
                        "Be in, or let us know, when the delivery is due.",
                        "Food you chose, a visit you look forward to, a say in how the round runs.",
                    ),
                ),
                (
                    Party::FrontlineStaff,
                    terms(
                        "Plan the round with volunteers and customers.",
                        "Check in with every customer each month; pass on worries.",
                        "Time set aside for it in the working week.",
                    ),
                ),
                (
                    Party::Citizens,
                    terms(
                        "Volunteer as a shopper, driver or befriender.",
                        "Keep to the round you agreed, or say in good time if you cannot.",
                        "Time credits for every hour, training, and the thanks of the people you help.",
                    ),
                ),
            ],
        )
        .await?;
        charters::approve(&mut *db.pool().acquire().await?, charter, manager).await?;
    }
    Ok((INITIATIVES.len(), case_count, round_count))
}
