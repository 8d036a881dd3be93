use proptest::prelude::*;

use super::*;

fn rate(rater: &str, role: Role, statement: &str, maturity: u8) -> Rating {
    Rating {
        rater: rater.to_owned(),
        role,
        statement: known_code(statement),
        maturity: Maturity::parse(maturity).unwrap(),
        evidence: None,
        action: None,
    }
}

fn result<'a>(combined: &'a Combined, statement: &str) -> &'a StatementResult {
    combined
        .statements
        .iter()
        .find(|s| s.statement.as_str() == statement)
        .unwrap()
}

#[test]
fn the_built_in_statements_cover_every_point_twice() {
    let statements = default_statements();
    assert_eq!(statements.len(), 18);
    for dimension in Dimension::ALL {
        let count = statements
            .iter()
            .filter(|s| s.dimension == dimension)
            .count();
        assert_eq!(count, 2, "{dimension:?}");
    }
    let ids: HashSet<&Code> = statements.iter().map(|s| &s.id).collect();
    assert_eq!(ids.len(), 18);
    assert_eq!(statements[0].id.as_str(), "co_commissioning_1");
}

#[test]
fn maturity_is_one_to_five() {
    assert!(Maturity::parse(0).is_err());
    assert_eq!(
        Maturity::parse(6).unwrap_err().key,
        "error.self_assessment.maturity"
    );
    assert_eq!(Maturity::parse(1).unwrap().label(), "Not started");
    assert_eq!(Maturity::parse(5).unwrap().label(), "How we always work");
}

#[test]
fn two_raters_who_agree() {
    // Co-design 1: 3 and 4 → mean 3.5, median 3.5, range 1, and a
    // manager–staff gap of 1: no disagreement.
    let ratings = [
        rate("ann", Role::Manager, "co_design_1", 4),
        rate("bob", Role::Staff, "co_design_1", 3),
    ];
    let combined = combine(&default_statements(), &ratings).unwrap();
    let first = result(&combined, "co_design_1");
    assert_eq!(first.summary.mean, Some(3.5));
    assert_eq!(first.summary.median, Some(3.5));
    assert_eq!(first.range, Some(1));
    let gap = first.widest_role_gap.unwrap();
    assert_eq!(
        (gap.lower, gap.higher, gap.gap),
        (Role::Staff, Role::Manager, 1.0)
    );
    assert!(!first.disagreement);
    let unrated = result(&combined, "co_design_2");
    assert_eq!(
        unrated.summary,
        Summary {
            ratings: 0,
            mean: None,
            median: None
        }
    );
    assert_eq!((unrated.range, unrated.widest_role_gap), (None, None));
}

#[test]
fn a_round_with_disagreement_worked_by_hand() {
    // Co-delivery 1 (ratings 4, 4, 5 from managers and staff; 3, 3 from
    // service users):
    //   mean (4+4+5+3+3)/5 = 3.8, median 4, range 5 − 3 = 2 → flagged.
    //   Role means: manager 4.5, staff 4, service user 3; widest gap
    //   4.5 − 3 = 1.5 → the roles disagree too.
    // Co-delivery 2 (3, 4, 4): range 1, manager 3 vs staff 4 → gap 1.
    // Co-delivery pooled: 4,4,5,3,3,3,4,4 → mean 30/8 = 3.75; sorted
    //   3,3,3,4,4,4,4,5 → median (4+4)/2 = 4.
    let statements = default_statements();
    let mut evidence = rate("cara", Role::ServiceUser, "co_delivery_1", 3);
    evidence.evidence = Some("Volunteers run the lunch club, not us".into());
    evidence.action = Some("Ask us before changing the rota".into());
    let ratings = [
        rate("ann", Role::Manager, "co_delivery_1", 4),
        rate("abe", Role::Manager, "co_delivery_1", 5),
        rate("bob", Role::Staff, "co_delivery_1", 4),
        evidence,
        rate("dan", Role::ServiceUser, "co_delivery_1", 3),
        rate("ann", Role::Manager, "co_delivery_2", 3),
        rate("bob", Role::Staff, "co_delivery_2", 4),
        rate("dan", Role::ServiceUser, "co_delivery_2", 4),
    ];
    let combined = combine(&statements, &ratings).unwrap();

    let first = result(&combined, "co_delivery_1");
    assert!((first.summary.mean.unwrap() - 3.8).abs() < 1e-12);
    assert_eq!(first.summary.median, Some(4.0));
    assert_eq!(first.range, Some(2));
    assert_eq!(first.role_means.get(&Role::Manager), Some(&4.5));
    assert_eq!(first.role_means.get(&Role::ServiceUser), Some(&3.0));
    let gap = first.widest_role_gap.unwrap();
    assert_eq!(
        (gap.lower, gap.higher, gap.gap),
        (Role::ServiceUser, Role::Manager, 1.5)
    );
    assert!(first.disagreement && first.roles_disagree);
    assert_eq!(first.evidence.len(), 1);
    assert_eq!(first.evidence[0].role, Role::ServiceUser);
    assert_eq!(first.actions[0].text, "Ask us before changing the rota");

    let second = result(&combined, "co_delivery_2");
    assert!(!second.disagreement);

    let delivery = combined
        .dimensions
        .iter()
        .find(|d| d.dimension == Dimension::Co(Co::CoDelivery))
        .unwrap();
    assert_eq!(delivery.summary.ratings, 8);
    assert_eq!(delivery.summary.mean, Some(3.75));
    assert_eq!(delivery.summary.median, Some(4.0));
    assert_eq!(delivery.disagreements, vec![known_code("co_delivery_1")]);

    let star = combined.star();
    assert_eq!(star.len(), 9);
    assert_eq!(star[&Dimension::Co(Co::CoDelivery)], Some(3.75));
    assert_eq!(star[&Dimension::Step(Step::MapIt)], None);
}

#[test]
fn the_role_rule_tells_groups_from_individuals() {
    // Map it 1: managers 5, 5 (mean 5) against service users 3, 4 (mean
    // 3.5): gap 1.5 → the roles disagree; range 5 − 3 = 2 → flagged.
    // Map it 2: staff 3, 4 (mean 3.5) against managers 5, 4, 5 (mean
    // 14/3): gap 7/6 ≈ 1.17 → the roles do not; range 2 → still flagged,
    // because individuals differ.
    let ratings = [
        rate("m1", Role::Manager, "map_it_1", 5),
        rate("m2", Role::Manager, "map_it_1", 5),
        rate("u1", Role::ServiceUser, "map_it_1", 3),
        rate("u2", Role::ServiceUser, "map_it_1", 4),
        rate("s1", Role::Staff, "map_it_2", 3),
        rate("s2", Role::Staff, "map_it_2", 4),
        rate("m1", Role::Manager, "map_it_2", 5),
        rate("m2", Role::Manager, "map_it_2", 4),
        rate("m3", Role::Manager, "map_it_2", 5),
    ];
    let combined = combine(&default_statements(), &ratings).unwrap();
    let groups = result(&combined, "map_it_1");
    assert_eq!(groups.widest_role_gap.map(|g| g.gap), Some(1.5));
    assert!(groups.roles_disagree && groups.disagreement);
    let people = result(&combined, "map_it_2");
    assert!((people.widest_role_gap.unwrap().gap - 7.0 / 6.0).abs() < 1e-12);
    assert!(!people.roles_disagree);
    assert!(people.disagreement);
    assert_eq!(people.range, Some(2));
}

#[test]
fn ratings_that_cannot_count_are_all_reported() {
    let ratings = [
        rate("ann", Role::Manager, "co_design_1", 4),
        rate("ann", Role::Manager, "co_design_1", 5),
        rate("bob", Role::Staff, "nothing_like_it", 2),
    ];
    assert_eq!(
        combine(&default_statements(), &ratings),
        Err(vec![
            RatingProblem::RatedTwice {
                rater: "ann".into(),
                statement: known_code("co_design_1")
            },
            RatingProblem::UnknownStatement {
                rater: "bob".into(),
                statement: known_code("nothing_like_it")
            },
        ])
    );
}

#[test]
fn the_star_serialises_with_the_report_keys() {
    let combined = combine(
        &default_statements(),
        &[rate("ann", Role::Staff, "grow_it_2", 2)],
    )
    .unwrap();
    let json = serde_json::to_value(combined.star()).unwrap();
    assert_eq!(json["grow_it"], 2.0);
    assert!(json["co_commissioning"].is_null());
    for dimension in Dimension::ALL {
        assert!(json.get(dimension.key()).is_some(), "{}", dimension.key());
    }
}

fn any_role() -> impl Strategy<Value = Role> {
    prop_oneof![
        Just(Role::Staff),
        Just(Role::Manager),
        Just(Role::ServiceUser)
    ]
}

proptest! {
    #[test]
    fn combined_scores_stay_on_the_scale_and_flags_follow_the_rules(
        raters in prop::collection::vec((any_role(), 1u8..=5), 1..12)
    ) {
        let ratings: Vec<Rating> = raters
            .iter()
            .enumerate()
            .map(|(n, (role, maturity))| rate(&format!("r{n}"), *role, "people_it_1", *maturity))
            .collect();
        let combined = combine(&default_statements(), &ratings).unwrap();
        let people = result(&combined, "people_it_1");
        let mean = people.summary.mean.unwrap();
        let median = people.summary.median.unwrap();
        prop_assert!((1.0..=5.0).contains(&mean) && (1.0..=5.0).contains(&median));
        let values: Vec<u8> = raters.iter().map(|r| r.1).collect();
        let range = values.iter().max().unwrap() - values.iter().min().unwrap();
        let gap = people.widest_role_gap.map_or(0.0, |g| g.gap);
        prop_assert!(gap <= f64::from(range) + 1e-12);
        prop_assert_eq!(people.disagreement, range >= DISAGREEMENT_RANGE);
        // With at most 11 raters, two role means a/p − b/q have p·q ≤ 30,
        // so a gap that is not exactly 1.5 is at least 1/60 away from it.
        prop_assert_eq!(people.roles_disagree, gap > DISAGREEMENT_ROLE_GAP - 1e-6);
        prop_assert!(!people.roles_disagree || people.disagreement);
    }
}
