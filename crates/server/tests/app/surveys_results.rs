//! Results: counts by audience and channel, the perception gap with the
//! largest gap marked, the co-production index with its interval worked by
//! hand, breakdowns that withhold groups under five, charts with a table
//! beside them, the printable page and the two CSV files.

#![allow(clippy::too_many_lines, reason = "a journey reads best as one story")]

use crate::support::{Client, PASSWORD, TestApp};
use axum::http::StatusCode;
use coprod_server::{
    accounts::store as accounts,
    coprod_engine::{
        people::{LineOfText, Role, Sector},
        place::GssCode,
        surveys::{
            Answer, AnswerSet, Audience, Channel, Code,
            breakdown::{AgeBand, SimdQuintile},
        },
    },
    db::Backend,
    organisations::store as organisations,
    surveys::store::{self, NewResponse, Respondent, StoredFacts},
};

fn code(raw: &str) -> Code {
    Code::parse(raw).unwrap()
}

/// A manager's client and an open survey of the three ready-made sections
/// for citizens and staff.
async fn survey(app: &TestApp) -> (Client, i64) {
    let organisation = organisations::create(
        &app.state.db,
        &LineOfText::parse("Ardnaveen Sight Loss Group").unwrap(),
        Sector::Third,
        None,
    )
    .await
    .unwrap();
    let id = app.person("morven@example.org", Role::Citizen).await;
    accounts::grant(&app.state.db, id, Some(organisation), Role::Manager)
        .await
        .unwrap();
    let mut manager = app.client();
    manager.sign_in("morven@example.org", PASSWORD).await;
    let organisation = organisation.to_string();
    let created = manager
        .post(
            "/surveys/new",
            &[
                ("title", "Living with sight loss"),
                ("organisation_id", &organisation),
                ("audience_citizens", "yes"),
                ("audience_staff", "yes"),
                ("access", "public"),
                ("identified", "no"),
            ],
        )
        .await;
    let id: i64 = created
        .location()
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    for template in ["needs", "coproduction", "willingness"] {
        let added = manager
            .post(
                &format!("/surveys/{id}/ready-made"),
                &[("template", template)],
            )
            .await;
        assert_eq!(added.status, StatusCode::SEE_OTHER, "{}", added.body);
    }
    manager.post(&format!("/surveys/{id}/open"), &[]).await;
    (manager, id)
}

struct Person {
    audience: Audience,
    channel: Channel,
    needs: &'static [&'static str],
    safety: Option<&'static str>,
    facts: StoredFacts,
}

async fn answer(app: &TestApp, id: i64, person: &Person) {
    let survey = store::find(&app.state.db, id).await.unwrap().unwrap();
    let checked = survey.version.draft.checked().unwrap();
    let mut answers = AnswerSet::new();
    answers.insert(
        code("needs_most"),
        Answer::Choices(person.needs.iter().map(|c| code(c)).collect()),
    );
    if let Some(level) = person.safety {
        answers.insert(
            code("community_safety"),
            Answer::Items(
                (1..=4)
                    .map(|n| (code(&n.to_string()), code(level)))
                    .collect(),
            ),
        );
    }
    store::insert_response(
        &app.state.db,
        &NewResponse {
            survey: &survey,
            checked: &checked,
            audience: person.audience,
            channel: person.channel,
            answers: &answers,
            facts: &person.facts,
            respondent: Respondent::default(),
        },
    )
    .await
    .unwrap();
}

fn in_quintile(zone: &str, quintile: u8) -> StoredFacts {
    StoredFacts {
        data_zone: Some(GssCode::parse(zone).unwrap()),
        simd_quintile: Some(SimdQuintile::parse(quintile).unwrap()),
        age_band: Some(AgeBand::From75To84),
    }
}

/// Ten citizens and five staff. Citizens: nine chose making friends and
/// six information about services; staff: one and four. Citizens' safety
/// index: five at 100, five at 0. Six citizens live in quintile 1, three in
/// quintile 5, one gave no postcode.
async fn answered(backend: Backend) -> (TestApp, Client, i64) {
    let app = TestApp::new(backend).await;
    let (manager, id) = survey(&app).await;
    for n in 0..10 {
        let needs: &'static [&'static str] = match n {
            0..=4 => &["making_friends", "information_services"],
            5..=8 => &["making_friends"],
            _ => &["information_services"],
        };
        let facts = match n {
            0..=5 => in_quintile("S01099001", 1),
            6..=8 => in_quintile("S01099002", 5),
            _ => StoredFacts::default(),
        };
        let person = Person {
            audience: Audience::Citizens,
            channel: if n < 7 {
                Channel::Online
            } else {
                Channel::Paper
            },
            needs,
            safety: Some(if n < 5 { "often" } else { "never" }),
            facts,
        };
        answer(&app, id, &person).await;
    }
    for n in 0..5 {
        let person = Person {
            audience: Audience::Staff,
            channel: Channel::Online,
            needs: if n == 0 {
                &["making_friends"]
            } else {
                &["information_services"]
            },
            safety: None,
            facts: StoredFacts::default(),
        };
        answer(&app, id, &person).await;
    }
    (app, manager, id)
}

async fn the_results_page_shows_the_gap_the_index_and_breakdowns(backend: Backend) {
    let (_app, mut manager, id) = answered(backend).await;
    let page = manager.get(&format!("/surveys/{id}/results")).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(body.contains("Version 1: 15 responses."), "{body}");
    // Counts by audience and channel.
    assert!(
        body.contains("<td>Citizens</td><td>Online</td><td>7</td>"),
        "{body}"
    );
    assert!(body.contains("<td>Citizens</td><td>Paper</td><td>3</td>"));
    assert!(body.contains("<td>Staff</td><td>Online</td><td>5</td>"));

    // The gap: making friends 90% of citizens and 20% of staff, +70 points,
    // the largest; information about services 60% and 80%, −20.
    let friends = body
        .split_once("<th scope=\"row\">Meeting people and making friends")
        .unwrap()
        .1;
    let friends_row = &friends[..friends.find("</tr>").unwrap()];
    assert!(friends_row.contains("Largest gap"), "{friends_row}");
    assert!(
        friends_row.contains("<td>90.0%</td><td>1</td><td>20.0%</td><td>2</td><td>+70.0</td>"),
        "{friends_row}"
    );
    assert!(body.contains("<td>60.0%</td><td>2</td><td>80.0%</td><td>1</td><td>-20.0</td>"));
    assert!(body.contains("What staff put first"));
    assert!(
        body.contains("role=\"img\" aria-labelledby=\"gap-needs_most-title gap-needs_most-desc\"")
    );

    // The index: five at 100 and five at 0 make 50; s = √(10 × 50² ∕ 9) =
    // 52.70, t(9) = 2.2622, so 50 ± 2.2622 × 52.70 ∕ √10 = 50 ± 37.70.
    assert!(
        body.contains("50.0 (95% CI 12.3 to 87.7) · n = 10"),
        "{body}"
    );

    // Quintile 1 has six people (index (5 × 100 + 0) ∕ 6 = 83.3); quintile 5
    // has three and the unknown group one, both withheld, with no count.
    let by_quintile = body.split_once("By deprivation (SIMD quintile)").unwrap().1;
    let by_quintile = &by_quintile[..by_quintile.find("</table>").unwrap()];
    assert!(
        by_quintile.contains("Quintile 1 (most deprived)</th><td>6</td><td>83.3"),
        "{by_quintile}"
    );
    assert!(
        by_quintile.contains("Quintile 5 (least deprived)</th><td>Fewer than 5: not shown</td>")
    );
    assert!(
        !by_quintile.contains("<td>3</td>"),
        "a withheld group's size is never shown"
    );
    assert!(body.contains("By area (data zone)"));
}

async fn small_groups_hide_the_gap(backend: Backend) {
    let app = TestApp::new(backend).await;
    let (mut manager, id) = survey(&app).await;
    for audience in [Audience::Citizens, Audience::Citizens, Audience::Staff] {
        let person = Person {
            audience,
            channel: Channel::Online,
            needs: &["making_friends"],
            safety: None,
            facts: StoredFacts::default(),
        };
        answer(&app, id, &person).await;
    }
    let page = manager.get(&format!("/surveys/{id}/results")).await;
    assert!(
        page.body
            .contains("Not shown: among Citizens, Staff, fewer than 5 people answered"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Largest gap"));
}

async fn responses_and_results_download_as_csv(backend: Backend) {
    let (app, mut manager, id) = answered(backend).await;
    let responses = manager.get(&format!("/surveys/{id}/responses.csv")).await;
    assert_eq!(responses.status, StatusCode::OK);
    assert_eq!(responses.headers["content-type"], "text/csv; charset=utf-8");
    assert!(
        responses.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("survey-")
    );
    let lines: Vec<&str> = responses.body.lines().collect();
    assert_eq!(lines.len(), 16, "a header and a row per response");
    assert!(
        lines[0]
            .starts_with("audience,channel,area,simd_quintile,age_band,needs_most_making_friends,"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("community_safety_1,community_safety_2"));
    assert!(
        lines[1].starts_with("citizens,online,S01099001,1,75_84,1,0,1,0,0,0,2,2,2,2,"),
        "{}",
        lines[1]
    );
    let (exports,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'survey_responses_exported'",
    )
    .fetch_one(app.state.db.pool())
    .await
    .unwrap();
    assert_eq!(exports, 1);

    let results = manager.get(&format!("/surveys/{id}/results.csv")).await;
    let lines: Vec<&str> = results.body.lines().collect();
    assert_eq!(lines[0], "question,item,answer,count,percent,value");
    assert!(
        lines.contains(&"needs_most,,making_friends,10,66.7,"),
        "{lines:#?}"
    );
    assert!(lines.contains(&"index_citizens,community_safety,mean,10,,50.00"));
    assert!(lines.contains(&"index_citizens,community_safety,lower,10,,12.30"));

    let print = manager.get(&format!("/surveys/{id}/results/print")).await;
    assert_eq!(print.status, StatusCode::OK);
    assert!(print.body.contains("print this page"));
    assert!(!print.body.contains("Download every response"));

    // Other managers and citizens see nothing.
    let mut citizen = app.as_role(Role::Citizen).await;
    assert_eq!(
        citizen.get(&format!("/surveys/{id}/results")).await.status,
        StatusCode::FORBIDDEN
    );
}

on_both_backends!(
    the_results_page_shows_the_gap_the_index_and_breakdowns,
    small_groups_hide_the_gap,
    responses_and_results_download_as_csv,
);
