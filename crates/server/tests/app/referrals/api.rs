//! The API answers in exactly its shapes, for its own organisation only.

use super::{
    BTreeSet, Backend, LineOfText, Method, Role, StatusCode, Value, referral_to, step, tokens,
    world,
};

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

#[expect(clippy::too_many_lines, reason = "every key of both shapes, checked")]
async fn the_api_answers_in_exactly_its_shapes_for_its_own_organisation(backend: Backend) {
    let w = world(backend).await;
    let db = &w.app.state.db;
    let id = referral_to(db, w.person, "svc-walk", w.receiver_org, "name").await;
    let mut provider = w.app.as_role_in(Role::Coordinator, w.receiver_org).await;
    for to in ["accepted", "first_attended"] {
        step(&mut provider, id, to, "").await;
    }
    let record = |instrument: &'static str, stage: &'static str, items: Vec<&'static str>| {
        let mut fields = vec![
            ("instrument", instrument),
            ("stage", stage),
            ("channel", "phone"),
        ];
        for (n, value) in items.into_iter().enumerate() {
            fields.push((
                [
                    "item_1", "item_2", "item_3", "item_4", "item_5", "item_6", "item_7",
                ][n],
                value,
            ));
        }
        fields
    };
    for fields in [
        record("swemwbs", "start", vec!["2"; 7]),
        record("swemwbs", "review", vec!["3"; 7]),
        record("ucla3", "start", vec!["3", "3", "3"]),
        record("ucla3", "review", vec!["1", "2", "1"]),
        record("ons4", "start", vec!["5", "6", "7", "8"]),
    ] {
        let reply = provider
            .post(&format!("/referrals/{id}/outcomes/new"), &fields)
            .await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER);
    }
    let token = |org: i64| async move {
        tokens::issue(db, &LineOfText::parse("case system").unwrap(), org, None)
            .await
            .unwrap()
            .1
    };
    let (referrer, receiver, third) = (
        token(w.referrer_org).await,
        token(w.receiver_org).await,
        token(w.third_org).await,
    );
    let mut client = w.app.client();
    for own in [&referrer, &receiver] {
        let (status, list) = client
            .api_call(Method::GET, "/api/v1/referrals?page=1&per_page=10", own, "")
            .await;
        assert_eq!(status, StatusCode::OK, "{list}");
        assert_eq!(keys(&list), set(&["total", "page", "per_page", "items"]));
        assert_eq!(
            (
                list["total"].as_i64(),
                list["page"].as_i64(),
                list["per_page"].as_i64()
            ),
            (Some(1), Some(1), Some(10))
        );
        let item = &list["items"][0];
        assert_eq!(
            keys(item),
            set(&[
                "id",
                "service_id",
                "referred_at",
                "status",
                "events",
                "outcomes"
            ])
        );
        assert_eq!(item["id"], id);
        assert_eq!(item["service_id"], "svc-walk");
        assert_eq!(item["status"], "first_attended");
        assert!(item["referred_at"].as_str().unwrap().ends_with('Z'));
        let events = item["events"].as_array().unwrap();
        assert_eq!(events.len(), 3);
        for event in events {
            assert_eq!(keys(event), set(&["status", "at", "channel"]));
        }
        assert_eq!(events[0]["status"], "referred");
        assert_eq!(events[2]["channel"], "phone");
        let outcomes = item["outcomes"].as_array().unwrap();
        assert_eq!(outcomes.len(), 5);
        for outcome in outcomes {
            assert_eq!(
                keys(outcome),
                set(&["instrument", "stage", "recorded_at", "items", "score"])
            );
        }
        assert_eq!(outcomes[0]["instrument"], "swemwbs");
        assert_eq!(
            outcomes[0]["items"],
            serde_json::json!([2, 2, 2, 2, 2, 2, 2])
        );
        assert_eq!(outcomes[0]["score"], 15.32);
        assert_eq!(outcomes[3]["score"], 4.0);
        assert_eq!(
            outcomes[4]["score"],
            serde_json::json!({"life_satisfaction": 5, "worthwhile": 6, "happy": 7, "anxious": 8})
        );

        let (status, summary) = client
            .api_call(Method::GET, "/api/v1/referrals/summary", own, "")
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(
            keys(&summary),
            set(&["by_status", "uptake", "outcome_change"])
        );
        assert_eq!(summary["by_status"]["first_attended"], 1);
        assert_eq!(summary["by_status"]["referred"], 0);
        assert_eq!(
            summary["uptake"],
            serde_json::json!({"referred": 1, "attended": 1, "rate": 1.0})
        );
        assert_eq!(keys(&summary["outcome_change"]), set(&["swemwbs", "ucla3"]));
        assert_eq!(summary["outcome_change"]["swemwbs"]["n"], 1);
        let change = summary["outcome_change"]["swemwbs"]["mean_change"]
            .as_f64()
            .unwrap();
        assert!((change - 3.93).abs() < 1e-9, "{change}");
        assert_eq!(
            summary["outcome_change"]["ucla3"],
            serde_json::json!({"n": 1, "mean_change": -5.0})
        );
    }
    // A third organisation sees nothing of it.
    let (_, list) = client
        .api_call(Method::GET, "/api/v1/referrals", &third, "")
        .await;
    assert_eq!(list["total"], 0);
    assert_eq!(list["items"], serde_json::json!([]));
    let (_, summary) = client
        .api_call(Method::GET, "/api/v1/referrals/summary", &third, "")
        .await;
    assert_eq!(summary["uptake"]["referred"], 0);
    assert_eq!(
        summary["outcome_change"]["swemwbs"],
        serde_json::json!({"n": 0, "mean_change": null})
    );
    // Bad paging is refused naming the parameter.
    let (status, error) = client
        .api_call(Method::GET, "/api/v1/referrals?per_page=0", &referrer, "")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["errors"][0]["field"], "per_page");
    // Every list read is in the audit log under its token.
    let (reads,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_events WHERE action = 'person_read' AND actor_token_id IS NOT NULL",
    )
    .fetch_one(db.pool())
    .await
    .unwrap();
    assert!(reads >= 3);
    // The document describes both routes.
    let (_, document) = client
        .api_call(Method::GET, "/api/openapi.json", "", "")
        .await;
    assert!(document["paths"]["/api/v1/referrals"]["get"].is_object());
    assert!(document["paths"]["/api/v1/referrals/summary"]["get"].is_object());
}

on_both_backends!(the_api_answers_in_exactly_its_shapes_for_its_own_organisation,);
