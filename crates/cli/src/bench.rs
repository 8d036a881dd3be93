//! `coprod bench matching`: a synthetic city of offers and requests, and
//! how fast the matcher ranks and assigns them. Prints one JSON object.
//!
//! The city is seeded, so every run with the same sizes gets the same
//! people: towns weighted roughly like Scotland's (a city, large towns,
//! small towns, villages) with a rural share spread between them; ten
//! kinds of help with the common ones common; weekly slots in the daytime;
//! most volunteers helping one to four people, some counting hours.

use std::{
    collections::HashMap,
    io::IsTerminal,
    time::{Duration, Instant},
};

use coprod_server::coprod_engine::{
    matching::{
        Availability, BatchGoal, Booking, Capacity, CapacityUnit, CategoryId, Commitment, History,
        Language, Matcher, MatchingRules, Needs, Offer, OfferId, OfferIndex, OfferKind,
        OfferPreferences, PersonId, PvgCheck, Request, RequestId, SlotId, TimeWindow, Urgency,
        WeeklySlot, WeeklyWindow, WheelchairAccess, When,
    },
    place::Coordinates,
    schedule::{Date, Weekday},
};
use pathfinding::{kuhn_munkres::kuhn_munkres, matrix::Matrix};
use rand::{Rng, SeedableRng, rngs::StdRng};
use serde_json::json;

/// How big a run is.
pub struct Sizes {
    pub offers: usize,
    pub requests: usize,
    /// Requests ranked through the index for the percentiles.
    pub ranked: usize,
    /// Requests ranked by scanning every offer, for the comparison.
    pub scanned: usize,
    /// The side of the square sub-problem solved exactly for quality.
    pub exact: usize,
    /// Requests assigned in the batch (the first this many).
    pub batch_requests: usize,
    /// The side of the squares the batch solves one at a time, in km.
    pub region_km: f64,
    pub seed: u64,
}

/// Kinds of help, the common ones first, with how often they come up.
const CATEGORIES: [(&str, u32); 10] = [
    ("shopping", 30),
    ("befriending", 25),
    ("lifts", 15),
    ("gardening", 8),
    ("forms", 7),
    ("digital", 5),
    ("meals", 4),
    ("dog-walking", 3),
    ("repairs", 2),
    ("language", 1),
];

/// Town centres (latitude, longitude offsets in km from a corner) and
/// weights: one city, four large towns, ten small towns, many villages.
fn towns(rng: &mut StdRng) -> Vec<(f64, f64, f64, f64)> {
    let mut towns = vec![(60.0, 60.0, 30.0, 6.0)];
    for _ in 0..4 {
        towns.push((
            rng.gen_range(10.0..110.0),
            rng.gen_range(10.0..110.0),
            6.0,
            3.0,
        ));
    }
    for _ in 0..10 {
        towns.push((
            rng.gen_range(5.0..115.0),
            rng.gen_range(5.0..115.0),
            2.0,
            1.5,
        ));
    }
    for _ in 0..40 {
        towns.push((
            rng.gen_range(0.0..120.0),
            rng.gen_range(0.0..120.0),
            0.4,
            0.6,
        ));
    }
    towns
}

/// A point: most near a town, weighted by its size, the rest anywhere.
fn place(rng: &mut StdRng, towns: &[(f64, f64, f64, f64)]) -> Coordinates {
    let (north_km, east_km) = if rng.gen_bool(0.1) {
        (rng.gen_range(0.0..120.0), rng.gen_range(0.0..120.0))
    } else {
        let total: f64 = towns.iter().map(|t| t.2).sum();
        let mut pick = rng.gen_range(0.0..total);
        let town = towns
            .iter()
            .find(|t| {
                pick -= t.2;
                pick <= 0.0
            })
            .unwrap_or(&towns[0]);
        // Box–Muller: a normal spread around the centre.
        let u: f64 = rng.gen_range(f64::EPSILON..1.0);
        let v: f64 = rng.gen_range(0.0..std::f64::consts::TAU);
        let r = (-2.0 * u.ln()).sqrt() * town.3;
        (town.0 + r * v.cos(), town.1 + r * v.sin())
    };
    let latitude = 55.5 + north_km / 111.195;
    let longitude = -4.5 + east_km / (111.195 * 55.5_f64.to_radians().cos());
    Coordinates {
        latitude,
        longitude,
    }
}

fn category(rng: &mut StdRng) -> CategoryId {
    let total: u32 = CATEGORIES.iter().map(|c| c.1).sum();
    let mut pick = rng.gen_range(0..total);
    for (name, weight) in CATEGORIES {
        if pick < weight {
            return CategoryId(name.to_owned());
        }
        pick -= weight;
    }
    CategoryId(CATEGORIES[0].0.to_owned())
}

fn weekday(rng: &mut StdRng) -> Weekday {
    Weekday::ALL[rng.gen_range(0..7)]
}

/// A daytime stretch of two to four hours on the half hour.
fn daytime(rng: &mut StdRng) -> TimeWindow {
    let start = rng.gen_range(18_u16..30) * 30;
    let length = rng.gen_range(4_u16..=8) * 30;
    TimeWindow {
        start,
        end: (start + length).min(1_440),
    }
}

fn today() -> Date {
    Date {
        year: 2026,
        month: 3,
        day: 2,
    }
}

fn offer(rng: &mut StdRng, towns: &[(f64, f64, f64, f64)], n: usize) -> Offer {
    let mut categories = vec![category(rng)];
    for _ in 0..rng.gen_range(0..3) {
        let more = category(rng);
        if !categories.contains(&more) {
            categories.push(more);
        }
    }
    let slots = (1..=rng.gen_range(1_u32..=4))
        .map(|id| WeeklySlot {
            id: SlotId(id),
            day: weekday(rng),
            time: daytime(rng),
        })
        .collect();
    let capacity = if rng.gen_bool(0.8) {
        Capacity {
            unit: CapacityUnit::People,
            limit: rng.gen_range(1..=4),
            in_use: 0,
        }
    } else {
        Capacity {
            unit: CapacityUnit::MinutesPerWeek,
            limit: rng.gen_range(2..=10) * 30,
            in_use: 0,
        }
    };
    let mut languages = Vec::new();
    if rng.gen_bool(0.05) {
        languages.push(language("pl"));
    }
    if rng.gen_bool(0.03) {
        languages.push(language("gd"));
    }
    Offer {
        id: OfferId(format!("o{n}")),
        person: PersonId(format!("v{n}")),
        kind: OfferKind::Time,
        categories,
        location: place(rng, towns),
        max_distance_metres: rng.gen_range(2..=15) * 1_000,
        availability: Availability {
            slots,
            ..Availability::default()
        },
        capacity,
        preferences: OfferPreferences {
            same_gender_only: false,
            commitment: match rng.gen_range(0..10) {
                0 => Commitment::OneOffOnly,
                1 => Commitment::RecurringOnly,
                _ => Commitment::Either,
            },
        },
        pvg: rng.gen_bool(0.6).then(|| PvgCheck {
            valid_until: today().add_days(rng.gen_range(200..1_800)),
        }),
        languages,
        gender: None,
        wheelchair: WheelchairAccess::NotApplicable,
    }
}

fn language(code: &str) -> Language {
    Language::parse(code).unwrap_or_else(|_| unreachable!("a fixed language code"))
}

fn request(rng: &mut StdRng, towns: &[(f64, f64, f64, f64)], n: usize) -> Request {
    let window = daytime(rng);
    let when = if rng.gen_bool(0.6) {
        When::Weekly {
            windows: vec![WeeklyWindow {
                day: weekday(rng),
                time: window,
            }],
            first: today(),
            last: None,
        }
    } else {
        When::Once {
            date: today().add_days(rng.gen_range(1..30)),
            window,
        }
    };
    Request {
        id: RequestId(format!("r{n}")),
        requester: PersonId(format!("p{n}")),
        category: category(rng),
        when,
        duration_minutes: rng.gen_range(1_u16..=4) * 30,
        location: place(rng, towns),
        max_distance_metres: None,
        urgency: match rng.gen_range(0..10) {
            0 => Urgency::Urgent,
            1 | 2 => Urgency::Soon,
            _ => Urgency::Routine,
        },
        needs: Needs {
            languages: if rng.gen_bool(0.03) {
                vec![language("pl")]
            } else {
                Vec::new()
            },
            ..Needs::default()
        },
        requester_gender: None,
        vulnerable_adult: rng.gen_bool(0.2),
    }
}

/// The `p`th percentile of `samples` (sorted here), in microseconds.
fn percentile(samples: &mut [Duration], p: f64) -> u128 {
    if samples.is_empty() {
        return 0;
    }
    samples.sort_unstable();
    #[expect(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "an index into a list of at most millions"
    )]
    let at = ((samples.len() - 1) as f64 * p).round() as usize;
    samples[at].as_micros()
}

/// Peak resident memory of this process, from Linux's `/proc`.
fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some((kb / 1024.0 * 10.0).round() / 10.0)
}

/// Says what is happening, on a terminal only.
fn progress(text: &str) {
    if std::io::stderr().is_terminal() {
        eprintln!("{text}");
    }
}

/// The batch at scale: requests in squares of the map, each square solved
/// exactly by the engine with the offers the index finds for it, and the
/// bookings made carried to the squares after it, so no slot or capacity
/// is used twice. Returns (total value, requests placed).
fn regional_batch(
    matcher: &Matcher<'_>,
    requests: &[Request],
    offers: &mut [Offer],
    region_km: f64,
) -> (u64, usize) {
    let index = OfferIndex::build(offers, 5_000.0);
    let position: HashMap<OfferId, usize> = offers
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.clone(), i))
        .collect();
    let mut regions: HashMap<(i64, i64), Vec<&Request>> = HashMap::new();
    for request in requests {
        #[expect(
            clippy::cast_possible_truncation,
            reason = "squares of a few km keep coordinates far inside i64"
        )]
        let key = (
            (request.location.latitude * 111.195 / region_km).floor() as i64,
            (request.location.longitude * 63.0 / region_km).floor() as i64,
        );
        regions.entry(key).or_default().push(request);
    }
    let mut keys: Vec<_> = regions.keys().copied().collect();
    keys.sort_unstable();
    let (mut total, mut placed) = (0, 0);
    for key in keys {
        let group: Vec<Request> = regions[&key].iter().map(|r| (*r).clone()).collect();
        let mut near: Vec<usize> = group
            .iter()
            .flat_map(|r| index.nearby(offers, r))
            .filter_map(|o| position.get(&o.id).copied())
            .collect();
        near.sort_unstable();
        near.dedup();
        let local: Vec<Offer> = near.iter().map(|&i| offers[i].clone()).collect();
        let plan = matcher.assign(&group, &local, BatchGoal::HighestTotalScore);
        total += plan.total_value;
        placed += plan.assignments.len();
        for assignment in &plan.assignments {
            let Some(&i) = position.get(&assignment.offer) else {
                continue;
            };
            let Some(request) = group.iter().find(|r| r.id == assignment.request) else {
                continue;
            };
            let offer = &mut offers[i];
            let (first, last) = match &request.when {
                When::Once { date, .. } => (*date, Some(*date)),
                When::Weekly { first, last, .. } => (*first, *last),
            };
            offer.availability.bookings.push(Booking {
                slot: assignment.slot.slot,
                first,
                last,
            });
            offer.capacity.in_use += offer.capacity.needed_for(request.duration_minutes);
        }
    }
    (total, placed)
}

/// The quality check: a square problem where every offer has one slot and
/// helps one person, so it is a plain assignment Kuhn–Munkres solves
/// exactly. Returns (batch total, optimum, milliseconds for the optimum).
fn quality(matcher: &Matcher<'_>, side: usize, seed: u64, region_km: f64) -> (u64, u64, u128) {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed);
    let towns: Vec<_> = towns(&mut rng).into_iter().take(5).collect();
    let mut offers: Vec<Offer> = (0..side)
        .map(|n| {
            let mut o = offer(&mut rng, &towns, n);
            o.availability.slots.truncate(1);
            o.capacity = Capacity {
                unit: CapacityUnit::People,
                limit: 1,
                in_use: 0,
            };
            o
        })
        .collect();
    let requests: Vec<Request> = (0..side).map(|n| request(&mut rng, &towns, n)).collect();
    let index = OfferIndex::build(&offers, 5_000.0);
    let position: HashMap<OfferId, usize> = offers
        .iter()
        .enumerate()
        .map(|(i, o)| (o.id.clone(), i))
        .collect();
    let rules = MatchingRules::default();
    let mut weights = vec![0_i64; side * side];
    for (r, request) in requests.iter().enumerate() {
        let bonus = match request.urgency {
            Urgency::Routine => 0,
            Urgency::Soon => u64::from(rules.urgency_bonus.soon) * 1_000,
            Urgency::Urgent => u64::from(rules.urgency_bonus.urgent) * 1_000,
        };
        for candidate in matcher
            .rank(request, index.nearby(&offers, request))
            .candidates
        {
            if let Some(&o) = position.get(&candidate.offer) {
                weights[r * side + o] =
                    i64::try_from(candidate.score.total() + bonus).unwrap_or(i64::MAX);
            }
        }
    }
    let started = Instant::now();
    let matrix = Matrix::from_vec(side, side, weights)
        .unwrap_or_else(|_| unreachable!("the weights fill the square"));
    let (optimum, _) = kuhn_munkres(&matrix);
    let optimal_ms = started.elapsed().as_millis();
    let (total, _) = regional_batch(matcher, &requests, &mut offers, region_km);
    (total, u64::try_from(optimum).unwrap_or(0), optimal_ms)
}

/// Runs the benchmark and returns its JSON.
pub fn run(sizes: &Sizes) -> serde_json::Value {
    let mut rng = StdRng::seed_from_u64(sizes.seed);
    let towns = towns(&mut rng);
    progress(&format!(
        "generating {} offers and {} requests",
        sizes.offers, sizes.requests
    ));
    let mut offers: Vec<Offer> = (0..sizes.offers)
        .map(|n| offer(&mut rng, &towns, n))
        .collect();
    let requests: Vec<Request> = (0..sizes.requests)
        .map(|n| request(&mut rng, &towns, n))
        .collect();
    let rules = MatchingRules::default();
    let history = History::new();
    let matcher = Matcher::new(&rules, &history, today());

    progress("building the index");
    let started = Instant::now();
    let index = OfferIndex::build(&offers, 5_000.0);
    let index_build_ms = started.elapsed().as_millis();

    progress("ranking through the index");
    let mut ranked = Vec::new();
    let mut looked_at = 0_usize;
    for request in requests.iter().take(sizes.ranked) {
        let started = Instant::now();
        let nearby = index.nearby(&offers, request);
        looked_at += nearby.len();
        let mut ranking = matcher.rank(request, nearby);
        ranking.candidates.truncate(10);
        ranked.push(started.elapsed());
    }
    progress("ranking by scanning every offer");
    let mut scanned = Vec::new();
    for request in requests.iter().take(sizes.scanned) {
        let started = Instant::now();
        let mut ranking = matcher.rank(request, &offers);
        ranking.candidates.truncate(10);
        scanned.push(started.elapsed());
    }
    let rank_p50_us = percentile(&mut ranked, 0.5);
    let rank_p99_us = percentile(&mut ranked, 0.99);
    let brute_force_p50_us = percentile(&mut scanned, 0.5);

    progress("assigning the requests in one batch");
    let started = Instant::now();
    let batch = &requests[..sizes.batch_requests.min(requests.len())];
    let (batch_total, batch_placed) = regional_batch(&matcher, batch, &mut offers, sizes.region_km);
    let batch_ms = started.elapsed().as_millis();

    progress(&format!("solving a {0} × {0} problem exactly", sizes.exact));
    let (quality_batch, optimum, optimal_ms) =
        quality(&matcher, sizes.exact, sizes.seed, sizes.region_km);

    #[expect(clippy::cast_precision_loss, reason = "ratios of timings and scores")]
    let ratio = |a: u128, b: u128| {
        if b == 0 {
            0.0
        } else {
            (a as f64 / b as f64 * 1_000.0).round() / 1_000.0
        }
    };
    json!({
        "offers": sizes.offers,
        "requests": sizes.requests,
        "seed": sizes.seed,
        "index_build_ms": index_build_ms,
        "ranked_requests": ranked.len(),
        "offers_looked_at_mean": if ranked.is_empty() { 0 } else { looked_at / ranked.len() },
        "rank_p50_us": rank_p50_us,
        "rank_p99_us": rank_p99_us,
        "brute_force_requests": scanned.len(),
        "brute_force_p50_us": brute_force_p50_us,
        "speedup": ratio(brute_force_p50_us, rank_p50_us),
        "batch_requests": batch.len(),
        "region_km": sizes.region_km,
        "batch_ms": batch_ms,
        "batch_placed": batch_placed,
        "batch_total_value": batch_total,
        "quality_problem": format!("{0} × {0}", sizes.exact),
        "quality_vs_optimal": ratio(u128::from(quality_batch), u128::from(optimum)),
        "optimal_ms": optimal_ms,
        "peak_rss_mb": peak_rss_mb(),
    })
}
