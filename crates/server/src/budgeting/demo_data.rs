//! The demo partnership's participatory budgets, one at each stage that
//! matters to a visitor: taking proposals, voting, and counted with its
//! projects being delivered. Every project, ballot and update is made up,
//! like the rest of the demo.

use super::{
    ballot_box, counting,
    store::{self, Decision, DeliveryUpdate, NewProposal, ProcessSettings},
    ties::TieBreak,
};
use crate::{
    db::{self, Db},
    demo,
};
use coprod_engine::budgeting::{
    ballot::Choice,
    process::{BallotRules, PhaseDates},
};

/// A day, in seconds.
const DAY: i64 = 24 * 60 * 60;

/// A proposal of the demo: title, description, where, cost in pounds, how
/// it came in, and the review's decision with its public reason.
struct DemoProposal {
    title: &'static str,
    description: &'static str,
    location: &'static str,
    pounds: i64,
    channel: &'static str,
    review: Review,
}

enum Review {
    Pending,
    Accept(&'static str),
    Reject(&'static str),
    /// Joined with the proposal at this index of the list.
    MergeInto(usize, &'static str),
}

const COAST_FUND: &[DemoProposal] = &[
    DemoProposal {
        title: "Benches along the Harbour Walk",
        description: "Six benches so older people can rest on the walk between the harbour and the shops.",
        location: "Harbour Walk, Ardnaveen",
        pounds: 4_800,
        channel: "online",
        review: Review::Accept("The council's parks team can install them this summer."),
    },
    DemoProposal {
        title: "A defibrillator for Kilbrannan village hall",
        description: "A public-access defibrillator on the outside wall of the hall, with training for neighbours.",
        location: "Kilbrannan village hall",
        pounds: 2_200,
        channel: "paper",
        review: Review::Accept("The hall committee will look after it."),
    },
    DemoProposal {
        title: "Repair the Seaview play park",
        description: "Replace the broken swings and resurface under the climbing frame.",
        location: "Seaview play park",
        pounds: 9_500,
        channel: "event",
        review: Review::Accept("Costed with the council's play equipment contractor."),
    },
    DemoProposal {
        title: "A community fridge at the library",
        description: "A fridge where shops and gardeners leave surplus food for anyone to take.",
        location: "Ardnaveen Library",
        pounds: 1_600,
        channel: "online",
        review: Review::Accept("The library will host it; food hygiene training is included."),
    },
    DemoProposal {
        title: "Beach clean-up kit to borrow",
        description: "Litter pickers, gloves and bags that groups and schools can borrow.",
        location: "Coastline Carers Centre",
        pounds: 900,
        channel: "phone",
        review: Review::Accept("Stored and lent out by the carers centre."),
    },
    DemoProposal {
        title: "Lighting on the old glen path",
        description: "Lights along the path from the glen road to the school.",
        location: "Old glen path",
        pounds: 15_000,
        channel: "online",
        review: Review::Reject(
            "The path crosses private land and the owner has not agreed to lighting.",
        ),
    },
    DemoProposal {
        title: "More seats on the harbour front",
        description: "Somewhere to sit by the harbour.",
        location: "Harbour front",
        pounds: 3_000,
        channel: "paper",
        review: Review::MergeInto(0, "The same idea as the benches along the Harbour Walk."),
    },
];

const YOUTH_BUDGET: &[DemoProposal] = &[
    DemoProposal {
        title: "Skate ramps at the Benmore playing field",
        description: "Movable ramps that the youth project sets out on Friday evenings.",
        location: "Benmore playing field",
        pounds: 6_000,
        channel: "online",
        review: Review::Pending,
    },
    DemoProposal {
        title: "A music room at the youth project",
        description: "Soundproofing and second-hand instruments for a room young people can book.",
        location: "Benmore Youth Project",
        pounds: 4_500,
        channel: "event",
        review: Review::Pending,
    },
];

const HARBOUR_GRANTS: &[DemoProposal] = &[
    DemoProposal {
        title: "Hot lunches at the Strathfeorag lunch club",
        description: "A year of hot lunches twice a week for people living alone.",
        location: "Strathfeorag village hall",
        pounds: 6_000,
        channel: "paper",
        review: Review::Accept("The lunch club has run this on a smaller scale for two years."),
    },
    DemoProposal {
        title: "Dementia-friendly signs in the town centre",
        description: "Clear signs for the toilets, library, chemist and bus stop.",
        location: "Ardnaveen town centre",
        pounds: 3_500,
        channel: "event",
        review: Review::Accept("Designed with the Seaview Dementia Cafe."),
    },
    DemoProposal {
        title: "Wheelchair-accessible minibus seats",
        description: "Convert two seats on the community minibus for wheelchairs.",
        location: "Kilbrannan Community Transport",
        pounds: 9_000,
        channel: "online",
        review: Review::Accept("Quoted by an approved converter."),
    },
    DemoProposal {
        title: "Tools for the Men's Shed",
        description: "A bench saw and hand tools so members can repair benches and bird boxes.",
        location: "Ardnaveen Men's Shed",
        pounds: 2_500,
        channel: "online",
        review: Review::Accept("The shed's insurance covers the tools."),
    },
    DemoProposal {
        title: "Gaelic song sessions for children",
        description: "Ten weeks of after-school singing with the Gaelic choir.",
        location: "Ardnaveen Primary School",
        pounds: 1_800,
        channel: "phone",
        review: Review::Accept("The school has offered the hall for free."),
    },
    DemoProposal {
        title: "Raised beds at the community garden",
        description: "Beds at wheelchair height so everyone can grow vegetables.",
        location: "Ardnaveen Community Garden",
        pounds: 4_200,
        channel: "online",
        review: Review::Accept("The garden has the space and volunteers to build them."),
    },
];

/// How much each Harbour grants project appealed, out of 100: the share of
/// the invented voters who tick it.
const APPEAL: [u64; 6] = [55, 48, 30, 26, 35, 44];

/// The invented ballots of the Harbour grants: each voter ticks each
/// project with its appeal, decided by a fixed sequence so the demo is the
/// same every time. Returns the ballots cast online, in person and on paper.
fn invented_ballots(projects: &[i64]) -> [Vec<Vec<Choice>>; 3] {
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        // xorshift64: a fixed, well-spread sequence.
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % 100
    };
    let mut channels: [Vec<Vec<Choice>>; 3] = [Vec::new(), Vec::new(), Vec::new()];
    for voter in 0..148_usize {
        let choices: Vec<Choice> = projects
            .iter()
            .zip(APPEAL)
            .filter_map(|(id, appeal)| {
                (next() < appeal).then_some(Choice {
                    proposal_id: *id,
                    points: None,
                    position: None,
                })
            })
            .take(3)
            .collect();
        if choices.is_empty() {
            continue;
        }
        let channel = match voter % 5 {
            0 => 1,
            1 => 2,
            _ => 0,
        };
        channels[channel].push(choices);
    }
    channels
}

/// Stores a process's proposals and their reviews; returns their ids.
async fn add_proposals(
    db: &Db,
    process_id: i64,
    proposals: &[DemoProposal],
    reviewer: i64,
) -> anyhow::Result<Vec<i64>> {
    let mut ids = Vec::new();
    for p in proposals {
        let id = store::create_proposal(
            db,
            &NewProposal {
                process_id,
                title: p.title.into(),
                description: p.description.into(),
                location: p.location.into(),
                category_id: None,
                estimated_cost_pence: p.pounds * 100,
                channel: p.channel,
                proposer: None,
                entered_by: (p.channel != "online").then_some(reviewer),
            },
        )
        .await?;
        ids.push(id);
    }
    for (p, id) in proposals.iter().zip(&ids) {
        let (decision, reason) = match p.review {
            Review::Pending => continue,
            Review::Accept(reason) => (
                Decision::Accept {
                    revised_cost_pence: None,
                },
                reason,
            ),
            Review::Reject(reason) => (Decision::Reject, reason),
            Review::MergeInto(index, reason) => (Decision::MergeInto(ids[index]), reason),
        };
        store::review(
            &mut *db.pool().acquire().await?,
            *id,
            decision,
            reason,
            reviewer,
        )
        .await?;
    }
    Ok(ids)
}

/// The Harbour grants: voted, counted with equal shares, and partly
/// delivered.
async fn harbour_grants(db: &Db, today: i64, reviewer: i64) -> anyhow::Result<()> {
    let id = store::create_process(
        db,
        &ProcessSettings {
            title: "Harbourside Small Grants".into(),
            description: "£20,000 for projects that help older people and carers stay \
                connected, decided by residents of the whole partnership."
                .into(),
            area_code: None,
            budget_pence: 2_000_000,
            currency: "GBP".into(),
            minimum_age: Some(16),
            ballot: BallotRules::Approval {
                max_choices: Some(3),
                max_total_cost: None,
            },
            counting_rule: "mes-add1-greedy".into(),
            score_threshold: None,
            tie_break: TieBreak::LowerCost,
            tie_seed: None,
            show_running_totals: false,
            dates: PhaseDates {
                proposals_open_at: today - 200 * DAY,
                review_starts_at: today - 160 * DAY,
                voting_opens_at: today - 130 * DAY,
                voting_closes_at: today - 110 * DAY,
                delivery_starts_at: today - 90 * DAY,
            },
        },
        Some(reviewer),
    )
    .await?;
    let projects = add_proposals(db, id, HARBOUR_GRANTS, reviewer).await?;
    let [online, in_person, paper] = invented_ballots(&projects);
    let mut tx = db.begin_write().await?;
    ballot_box::insert_ballots(&mut tx, id, "online", &online).await?;
    ballot_box::insert_ballots(&mut tx, id, "in_person", &in_person).await?;
    ballot_box::insert_ballots(&mut tx, id, "paper", &paper).await?;
    tx.commit().await?;
    ballot_box::seal(db, id).await?;
    let process = store::find_process(db, id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo process was not stored"))?;
    counting::count_and_publish(db, &process, Some(reviewer), None).await?;
    let funded = counting::funded_ids(db, id).await?;
    let updates = [
        (
            "planned",
            95,
            "The grant has been paid and the work is booked.",
            None,
        ),
        (
            "in_progress",
            60,
            "Work has started; we will post photos when it is done.",
            Some(150_000),
        ),
        (
            "delivered",
            20,
            "Finished and in use. Thank you to everyone who voted.",
            Some(340_000),
        ),
    ];
    for (n, proposal_id) in funded.iter().enumerate() {
        for (status, days_ago, note, spent) in updates.iter().take(n % 3 + 1) {
            store::add_delivery_update(
                &mut *db.pool().acquire().await?,
                &DeliveryUpdate {
                    proposal_id: *proposal_id,
                    status: (*status).to_owned(),
                    happened_on: today - days_ago * DAY,
                    note: (*note).to_owned(),
                    spent_pence: *spent,
                },
                reviewer,
            )
            .await?;
        }
    }
    Ok(())
}

/// Seeds the demo's budgets; returns how many processes it made.
pub async fn seed(db: &Db, reviewer: i64) -> anyhow::Result<usize> {
    let now = db::now();
    let today = now - now.rem_euclid(DAY);
    let coast = store::create_process(
        db,
        &ProcessSettings {
            title: "Ardnaveen Coast Community Fund".into(),
            description: "£20,000 for small projects that make the coast a better place to live, \
                chosen by the people who live there."
                .into(),
            area_code: Some(demo::COUNCIL_AREA.into()),
            budget_pence: 2_000_000,
            currency: "GBP".into(),
            minimum_age: Some(12),
            ballot: BallotRules::Approval {
                max_choices: Some(3),
                max_total_cost: None,
            },
            counting_rule: "mes-add1-greedy".into(),
            score_threshold: None,
            tie_break: TieBreak::LowerCost,
            tie_seed: None,
            show_running_totals: false,
            dates: PhaseDates {
                proposals_open_at: today - 60 * DAY,
                review_starts_at: today - 30 * DAY,
                voting_opens_at: today - 5 * DAY,
                voting_closes_at: today + 15 * DAY,
                delivery_starts_at: today + 60 * DAY,
            },
        },
        Some(reviewer),
    )
    .await?;
    add_proposals(db, coast, COAST_FUND, reviewer).await?;
    let youth = store::create_process(
        db,
        &ProcessSettings {
            title: "Glens Youth Budget".into(),
            description: "Young people aged 11 to 25 decide how £10,000 is spent on things for \
                young people in the glens."
                .into(),
            area_code: Some(demo::WARDS[1].0.into()),
            budget_pence: 1_000_000,
            currency: "GBP".into(),
            minimum_age: Some(11),
            ballot: BallotRules::Cumulative { points_total: 10 },
            counting_rule: "greedy".into(),
            score_threshold: None,
            tie_break: TieBreak::LowerCost,
            tie_seed: None,
            show_running_totals: true,
            dates: PhaseDates {
                proposals_open_at: today - 7 * DAY,
                review_starts_at: today + 21 * DAY,
                voting_opens_at: today + 35 * DAY,
                voting_closes_at: today + 49 * DAY,
                delivery_starts_at: today + 90 * DAY,
            },
        },
        Some(reviewer),
    )
    .await?;
    add_proposals(db, youth, YOUTH_BUDGET, reviewer).await?;
    harbour_grants(db, today, reviewer).await?;
    Ok(3)
}
