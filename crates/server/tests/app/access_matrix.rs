//! The access matrix. Every route the application declares is tried by
//! every kind of visitor — nobody, each role held in organisation A, each
//! role held in organisation B, each role held across the partnership, a
//! token of A and a token of B — on a record held by A and then on the same
//! record handed to B. What each visitor should get follows from two facts
//! kept in one table below: the route's own rule, and which record (if any)
//! its path names. A route whose path names something and that has no row in
//! the table fails the test, and so does a row no route uses.
//!
//! Visitors outside a record's reach must be told it is not there (404),
//! never shown it; everyone the rules admit must get past them.

use std::collections::BTreeMap;

use crate::support::{Client, Reply, TestApp};
use axum::{
    body::Body,
    http::{Method, Request, StatusCode, header},
};
use coprod_server::{
    access::Access,
    api::tokens,
    app::all_routes,
    coprod_engine::people::{LineOfText, Role, Sector},
    db::Backend,
    demo,
    organisations::store as organisations,
};

/// The kinds of record a route's path can name that an organisation holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    /// A person on the co-delivery desk, and so their requests, matches and days.
    Person,
    /// An organisation itself (its Star toolkit, its members).
    Organisation,
    Initiative,
    Round,
    Charter,
    Survey,
    /// A participatory budgeting process, run by an organisation.
    Process,
    /// A listing on the asset map, kept by an organisation, and its reports.
    Listing,
    /// A consent given by a person on the co-delivery desk.
    Consent,
    /// A referral, seen by the organisation that made it and the one it was
    /// made to (here the same one, handed from A to B together).
    Referral,
    /// A team of an organisation, its members and caseload; its members
    /// are none of the visitors, so only those who manage it (for its
    /// members) and administrators (for everything) get in.
    Team,
    /// A check-in call, a schedule of them, or a wellbeing concern: held
    /// by the organisation holding the person's record, so they move with
    /// the person.
    Call,
    Schedule,
    Concern,
    /// Feedback or a complaint, handled by the organisation it is about.
    Feedback,
    /// A community plan, kept by an organisation, with its "you said, we
    /// did" entries.
    Plan,
}

/// What a route's path names, and so who besides the route's rule decides.
#[derive(Debug, Clone, Copy)]
#[allow(
    dead_code,
    reason = "the kind says which record a row means, for the reader"
)]
enum Names {
    /// Nothing an organisation holds: the route's rule alone decides.
    Nothing,
    /// A record held by an organisation: those the rule admits, and whose
    /// reach covers the record's organisation.
    Held(Kind),
    /// As `Held`, for the roles given only (the handler asks for fewer
    /// than the route's rule lets in).
    HeldFor(Kind, &'static [Role]),
    /// Somebody's own record (their help, their star): nobody else.
    Own,
}

const COORDINATORS: &[Role] = &[Role::Coordinator, Role::Admin];
const APPROVERS: &[Role] = &[Role::Manager, Role::Admin];
const TEAM_MANAGERS: &[Role] = &[Role::Manager, Role::Admin];
const ADMINISTRATORS: &[Role] = &[Role::Admin];
/// Staff who work on people's records; a call's own caller and a visit's
/// own helper are let in too, but no visitor of the matrix is either.
const RECORD_STAFF: &[Role] = &[Role::Coordinator, Role::LinkWorker, Role::Admin];

/// Every route whose path names something, by path (every method of a path
/// names the same thing).
fn table() -> BTreeMap<&'static str, Names> {
    use Kind::*;
    use Names::*;
    BTreeMap::from([
        // Open to all, naming public things or one-time keys.
        ("/password-reset/{token}", Nothing),
        ("/api/v1/postcodes/{postcode}", Nothing),
        ("/api/hsds/services/{id}", Nothing),
        ("/api/hsds/organizations/{id}", Nothing),
        ("/api/hsds/taxonomies/{id}", Nothing),
        ("/api/hsds/taxonomy_terms/{id}", Nothing),
        ("/services/{id}", Nothing),
        ("/services/{id}/report", Nothing),
        ("/s/{key}/{audience}", Nothing),
        ("/s/{key}/{audience}/{step}", Nothing),
        ("/invitations/{token}", Nothing),
        ("/invitations/{token}/{step}", Nothing),
        ("/charters/{id}", Nothing),
        ("/assets/{*path}", Nothing),
        // Administrators reach the whole partnership.
        ("/admin/organisations/{id}", Nothing),
        ("/admin/claims/{id}/decide", Nothing),
        ("/admin/people/{id}", Nothing),
        ("/admin/people/{id}/roles", Nothing),
        ("/admin/people/{id}/disable", Nothing),
        ("/admin/people/{id}/enable", Nothing),
        ("/admin/people/{id}/roles/{membership_id}/remove", Nothing),
        ("/admin/people/{id}/privacy", Nothing),
        ("/admin/people/{id}/consents", Nothing),
        ("/admin/people/{id}/export.json", Nothing),
        ("/admin/people/{id}/export", Nothing),
        ("/admin/people/{id}/erase", Nothing),
        ("/admin/coordination-people/{id}/erase", Nothing),
        ("/admin/tokens/{id}/revoke", Nothing),
        ("/admin/jobs/{id}/retry", Nothing),
        // The asset map: listings are kept by an organisation; a listing
        // nobody keeps may be claimed by any keeper, for an administrator
        // to decide.
        ("/listings/{id}/edit", Held(Listing)),
        ("/listings/{id}/confirm", Held(Listing)),
        ("/services/{id}/claim", Nothing),
        ("/listings/reports/{id}/resolve", Held(Listing)),
        ("/api/v1/services/{id}", Held(Listing)),
        ("/api/v1/reports/{id}/resolve", Held(Listing)),
        // Participatory budgeting: public pages, voting, and the
        // organisers' pages of the organisation running the process.
        ("/budgeting/{id}", Nothing),
        ("/budgeting/{id}/proposals/{proposal}", Nothing),
        ("/budgeting/{id}/results", Nothing),
        ("/budgeting/{id}/vote/code", Nothing),
        ("/budgeting/{id}/propose", Nothing),
        ("/budgeting/{id}/vote", Nothing),
        ("/budgeting/{id}/vote/eligibility", Nothing),
        ("/api/v1/budgeting/processes/{id}", Nothing),
        ("/api/v1/budgeting/processes/{id}/results", Nothing),
        ("/budgeting/{id}/manage", Held(Process)),
        ("/budgeting/{id}/edit", Held(Process)),
        ("/budgeting/{id}/next-phase", Held(Process)),
        ("/budgeting/{id}/categories", Held(Process)),
        ("/budgeting/{id}/proposals/new", Held(Process)),
        ("/budgeting/{id}/proposals/{proposal}/review", Held(Process)),
        ("/budgeting/{id}/codes", Held(Process)),
        ("/budgeting/{id}/paper-ballots", Held(Process)),
        ("/budgeting/{id}/count", Held(Process)),
        (
            "/budgeting/{id}/proposals/{proposal}/delivery",
            Held(Process),
        ),
        // Surveys, run by an organisation.
        ("/surveys/{id}", Held(Survey)),
        ("/surveys/{id}/settings", Held(Survey)),
        ("/surveys/{id}/open", Held(Survey)),
        ("/surveys/{id}/close", Held(Survey)),
        ("/surveys/{id}/versions", Held(Survey)),
        ("/surveys/{id}/invitations", Held(Survey)),
        ("/surveys/{id}/results", Held(Survey)),
        ("/surveys/{id}/results/print", Held(Survey)),
        ("/surveys/{id}/responses.csv", Held(Survey)),
        ("/surveys/{id}/results.csv", Held(Survey)),
        ("/surveys/{id}/sections", Held(Survey)),
        ("/surveys/{id}/sections/{section}/edit", Held(Survey)),
        ("/surveys/{id}/sections/{section}/move", Held(Survey)),
        ("/surveys/{id}/sections/{section}/remove", Held(Survey)),
        ("/surveys/{id}/ready-made", Held(Survey)),
        ("/surveys/{id}/measures/new", Held(Survey)),
        (
            "/surveys/{id}/sections/{section}/questions/new",
            Held(Survey),
        ),
        ("/surveys/{id}/questions/{question}/edit", Held(Survey)),
        ("/surveys/{id}/questions/{question}/move", Held(Survey)),
        ("/surveys/{id}/questions/{question}/remove", Held(Survey)),
        ("/surveys/{id}/paper", Held(Survey)),
        ("/surveys/{id}/paper/{audience}", Held(Survey)),
        // A person's own help, open also to the coordinators who hold them.
        ("/help/offers/{id}/withdraw", HeldFor(Person, COORDINATORS)),
        ("/help/offers/{id}/away", HeldFor(Person, COORDINATORS)),
        ("/help/requests/{id}/withdraw", Own),
        ("/help/matches/{id}", HeldFor(Person, COORDINATORS)),
        ("/help/matches/{id}/accept", HeldFor(Person, COORDINATORS)),
        ("/help/matches/{id}/decline", HeldFor(Person, COORDINATORS)),
        ("/help/matches/{id}/end", HeldFor(Person, COORDINATORS)),
        ("/help/days/{id}", HeldFor(Person, COORDINATORS)),
        // A personal star: the person, their carer and the workers they
        // chose.
        ("/star/people/{id}", Own),
        (
            "/privacy/consents/{id}/withdraw",
            HeldFor(Consent, COORDINATORS),
        ),
        // Referrals, between the referring and the receiving organisation.
        ("/referrals/{id}", Held(Referral)),
        ("/my-referrals/{id}", Own),
        ("/my-referrals/{id}/withdraw", Own),
        ("/referrals/{id}/steps", Held(Referral)),
        ("/referrals/{id}/outcomes/new", Held(Referral)),
        // Teams: their members for those who manage the organisation's
        // teams; the caseload and the view of today for members (none of
        // the visitors) and administrators.
        ("/teams/{id}", HeldFor(Team, ADMINISTRATORS)),
        ("/teams/{id}/members", HeldFor(Team, TEAM_MANAGERS)),
        (
            "/teams/{id}/members/{account_id}/remove",
            HeldFor(Team, TEAM_MANAGERS),
        ),
        ("/teams/{id}/caseload", HeldFor(Team, ADMINISTRATORS)),
        (
            "/teams/{id}/caseload/{person_id}",
            HeldFor(Team, ADMINISTRATORS),
        ),
        (
            "/teams/{id}/caseload/{person_id}/handover",
            HeldFor(Team, ADMINISTRATORS),
        ),
        (
            "/teams/{id}/caseload/{person_id}/remove",
            HeldFor(Team, ADMINISTRATORS),
        ),
        // Check-in calls and concerns, held with the person's record.
        ("/checkins/calls/{id}", HeldFor(Call, RECORD_STAFF)),
        (
            "/checkins/visits/{id}/concern",
            HeldFor(Person, RECORD_STAFF),
        ),
        ("/people/{id}/checkins", Held(Person)),
        ("/people/{id}/checkins/{schedule_id}/stop", Held(Schedule)),
        ("/concerns/{id}", Held(Concern)),
        ("/concerns/{id}/acknowledge", Held(Concern)),
        ("/concerns/{id}/act", Held(Concern)),
        // Feedback and complaints, handled by the organisation they are
        // about; a reference and a published item are open to anyone.
        ("/feedback/{id}", Held(Feedback)),
        ("/feedback/{id}/steps", Held(Feedback)),
        ("/feedback/{id}/publish", Held(Feedback)),
        ("/feedback/track/{reference}", Nothing),
        ("/feedback/published/{id}/report", Nothing),
        // The person's record, plan and circle of support.
        ("/people/{id}", Held(Person)),
        ("/people/{id}/edit", Held(Person)),
        ("/people/{id}/plan", Held(Person)),
        ("/people/{id}/circle", Held(Person)),
        ("/people/{id}/circle/{tie_id}/remove", Held(Person)),
        // The co-delivery desk and its API.
        ("/coordination/requests/{id}", Held(Person)),
        ("/coordination/requests/{id}/propose", Held(Person)),
        ("/coordination/requests/{id}/withdraw", Held(Person)),
        ("/coordination/matches/{id}/withdraw", Held(Person)),
        ("/coordination/days/{id}/cover", Held(Person)),
        ("/coordination/people/{id}", Held(Person)),
        ("/coordination/people/{id}/offers/new", Held(Person)),
        ("/coordination/people/{id}/requests/new", Held(Person)),
        ("/coordination/people/{id}/pvg", Held(Person)),
        ("/coordination/people/{id}/limits", Held(Person)),
        ("/coordination/people/{id}/hours", Held(Person)),
        ("/coordination/people/{id}/privacy", Held(Person)),
        ("/coordination/people/{id}/consents", Held(Person)),
        ("/coordination/people/{id}/export.json", Held(Person)),
        ("/coordination/people/{id}/export", Held(Person)),
        (
            "/api/v1/coordination/requests/{id}/candidates",
            Held(Person),
        ),
        ("/api/v1/coordination/requests/{id}/proposals", Held(Person)),
        ("/api/v1/coordination/days/{id}", Held(Person)),
        ("/api/v1/timebank/members/{id}/statement", Held(Person)),
        // The Co-Production Star toolkit, per organisation.
        ("/star/{org}", Held(Organisation)),
        ("/star/{org}/initiatives/new", Held(Organisation)),
        ("/star/{org}/initiatives", Held(Organisation)),
        ("/star/{org}/surveys", Held(Organisation)),
        ("/star/{org}/rounds", Held(Organisation)),
        ("/star/{org}/charters", Held(Organisation)),
        ("/star/{org}/report", Held(Organisation)),
        ("/star/{org}/people", Held(Organisation)),
        ("/star/initiatives/{id}", Held(Initiative)),
        ("/star/initiatives/{id}/edit", Held(Initiative)),
        ("/star/initiatives/{id}/business-case", Held(Initiative)),
        (
            "/star/initiatives/{id}/business-case/volunteer-hours",
            Held(Initiative),
        ),
        ("/star/initiatives/{id}/review", Held(Initiative)),
        ("/star/rounds/{id}", Held(Round)),
        ("/star/rounds/{id}/rate", Held(Round)),
        ("/star/charters/{id}", Held(Charter)),
        ("/star/charters/{id}/approve", HeldFor(Charter, APPROVERS)),
        // An organisation's public details, for any token; its members
        // (people), for its own tokens only.
        ("/api/v1/organisations/{id}", Nothing),
        ("/api/v1/organisations/{id}/members", Held(Organisation)),
        // Community plans: public once published; kept by an organisation
        // whose managers (and partnership-wide managers and
        // administrators) work on them and their "you said, we did".
        ("/plans/{id}", Nothing),
        ("/plans/{id}/easy-read", Nothing),
        ("/you-said-we-did/localities/{id}", Nothing),
        ("/api/v1/plans/{id}", Nothing),
        ("/planning/plans/{id}", Held(Plan)),
        ("/planning/plans/{id}/outcomes", Held(Plan)),
        ("/planning/plans/{id}/priorities", Held(Plan)),
        ("/planning/plans/{id}/indicators", Held(Plan)),
        ("/planning/plans/{id}/figures", Held(Plan)),
        ("/planning/plans/{id}/links", Held(Plan)),
        ("/planning/plans/{id}/links/{link}/remove", Held(Plan)),
        ("/planning/plans/{id}/entries", Held(Plan)),
        ("/planning/entries/{id}", Held(Plan)),
        ("/planning/entries/{id}/evidence", Held(Plan)),
        (
            "/planning/entries/{id}/evidence/{evidence}/remove",
            Held(Plan),
        ),
        ("/planning/entries/{id}/sign-off", Held(Plan)),
    ])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

/// One visitor of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Nobody,
    /// A role held in one organisation, or (`None`) across the partnership.
    Staff(Role, Option<Side>),
    Token(Side),
}

/// The records the matrix's paths are filled with, taken from the demo
/// partnership, and the two organisations that take turns holding them.
struct Records {
    org: [i64; 2],
    /// The asker and the helper of one agreed match.
    people: [i64; 2],
    request: i64,
    matched: i64,
    day: i64,
    offer: i64,
    initiative: i64,
    round: i64,
    charter: i64,
    survey: i64,
    survey_key: String,
    audience: String,
    question: String,
    process: i64,
    proposal: i64,
    listing: String,
    report: i64,
    consent: i64,
    personal_star: i64,
    /// An account of the demo, and one of its memberships, for the
    /// administrator's pages.
    account: i64,
    membership: i64,
    claim: i64,
    spare_token: i64,
    referral: i64,
    /// A demo team, one of its members and one person on its caseload.
    team: i64,
    team_member: i64,
    caseload_person: i64,
    /// A schedule of check-in calls, one of its calls, and a concern, all
    /// about the asker.
    schedule: i64,
    call: i64,
    concern: i64,
    /// A complaint at its frontline stage.
    feedback: i64,
    /// The demo's LOIP, one of its entries, links and pieces of evidence,
    /// and a locality with a published plan.
    plan: i64,
    entry: i64,
    link: i64,
    evidence: i64,
    locality: i64,
    /// What the records looked like before the walk, put back after every
    /// admitted change so that one visitor's change never decides what the
    /// next one meets.
    restore: Vec<String>,
}

async fn one<T>(app: &TestApp, sql: &str) -> T
where
    T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    let (value,): (T,) = sqlx::query_as(sql)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    value
}

/// The id of the first question (an object with an id and a prompt) in a
/// survey's definition.
fn first_question(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Object(fields) if fields.contains_key("prompt") => fields
            .get("id")
            .and_then(|id| id.as_str())
            .map(str::to_owned),
        serde_json::Value::Object(fields) => fields.values().find_map(first_question),
        serde_json::Value::Array(items) => items.iter().find_map(first_question),
        _ => None,
    }
}

/// The first stretch of `text` between `before` and one of `ends`.
fn first_between(text: &str, before: &str, ends: &[char]) -> String {
    let at = text
        .find(before)
        .unwrap_or_else(|| panic!("no {before} in the page"))
        + before.len();
    let rest = &text[at..];
    rest[..rest.find(ends).unwrap_or(rest.len())].to_owned()
}

async fn records(app: &TestApp, admin: &mut Client) -> Records {
    let db = &app.state.db;
    let mut org = [0; 2];
    for (i, name) in ["Matrix Lunch Club A", "Matrix Lunch Club B"]
        .iter()
        .enumerate()
    {
        org[i] = organisations::create(db, &LineOfText::parse(name).unwrap(), Sector::Third, None)
            .await
            .unwrap();
    }
    let matched: i64 = one(app, "SELECT MIN(match_id) FROM occurrences").await;
    let request: i64 = one(
        app,
        &format!("SELECT request_id FROM matches WHERE id = {matched}"),
    )
    .await;
    let offer: i64 = one(
        app,
        &format!("SELECT offer_id FROM matches WHERE id = {matched}"),
    )
    .await;
    let day: i64 = one(
        app,
        &format!("SELECT MIN(id) FROM occurrences WHERE match_id = {matched}"),
    )
    .await;
    let asker: i64 = one(
        app,
        &format!("SELECT person_id FROM help_requests WHERE id = {request}"),
    )
    .await;
    let helper: i64 = one(
        app,
        &format!("SELECT person_id FROM offers WHERE id = {offer}"),
    )
    .await;
    let survey: i64 = one(app, "SELECT MIN(id) FROM surveys").await;
    let survey_key: String = one(
        app,
        &format!("SELECT public_key FROM surveys WHERE id = {survey}"),
    )
    .await;
    let definition: String = one(
        app,
        &format!("SELECT definition FROM survey_versions WHERE survey_id = {survey} ORDER BY number DESC LIMIT 1"),
    )
    .await;
    let question = first_question(&serde_json::from_str(&definition).unwrap())
        .expect("a question in the survey");
    let page = admin.get(&format!("/surveys/{survey}/paper")).await;
    let audience = first_between(&page.body, "/paper/", &['/', '?', '#', '"']);
    let process: i64 = one(app, "SELECT MIN(process_id) FROM pb_proposals").await;
    let proposal: i64 = one(
        app,
        &format!("SELECT MIN(id) FROM pb_proposals WHERE process_id = {process}"),
    )
    .await;
    let listing: String = one(
        app,
        "SELECT MIN(id) FROM services WHERE managed_by IS NOT NULL",
    )
    .await;
    let report = open_report(app, &listing).await;
    let consent = give_consent(app, asker).await;
    let account: i64 = one(
        app,
        "SELECT id FROM accounts WHERE email = 'citizen@demo.example'",
    )
    .await;
    let membership: i64 = one(
        app,
        &format!("SELECT MIN(id) FROM memberships WHERE account_id = {account}"),
    )
    .await;
    let claim = claim(app).await;
    let (spare_token, _) = tokens::issue(db, &LineOfText::parse("spare").unwrap(), org[0], None)
        .await
        .unwrap();
    let personal_star = personal_star(app).await;
    let referral: i64 = one(
        app,
        "SELECT MIN(id) FROM referrals WHERE status = 'referred'",
    )
    .await;
    let team: i64 = one(app, "SELECT MIN(id) FROM teams").await;
    let team_member: i64 = one(
        app,
        &format!("SELECT MIN(account_id) FROM team_members WHERE team_id = {team}"),
    )
    .await;
    let caseload_person: i64 = one(
        app,
        &format!("SELECT MIN(person_id) FROM team_caseload WHERE team_id = {team}"),
    )
    .await;
    assert!(
        caseload_person != asker && caseload_person != helper,
        "the people the record rows use are on no caseload"
    );
    let (schedule, call, concern) = checkins(app, asker).await;
    let plan: i64 = one(app, "SELECT MIN(id) FROM plans WHERE locality_id IS NULL").await;
    let entry: i64 = one(
        app,
        &format!("SELECT MIN(id) FROM you_said_entries WHERE plan_id = {plan}"),
    )
    .await;
    let link: i64 = one(
        app,
        &format!(
            "SELECT MIN(l.id) FROM plan_outcome_links l JOIN plan_outcomes o ON o.id = l.outcome_id \
             WHERE o.plan_id = {plan}"
        ),
    )
    .await;
    let evidence: i64 = one(
        app,
        &format!("SELECT MIN(id) FROM you_said_evidence WHERE entry_id = {entry}"),
    )
    .await;
    let locality: i64 = one(app, "SELECT MIN(locality_id) FROM plans").await;
    let mut restore = restore_statements(app, survey, matched, request, offer).await;
    restore.extend(team_restore(app, team, team_member, caseload_person).await);
    restore.push(format!(
        "UPDATE referrals SET status = 'referred' WHERE id = {referral}"
    ));
    restore.push(format!(
        "UPDATE checkin_schedules SET stopped_at = NULL, stopped_by = NULL WHERE id = {schedule}"
    ));
    restore.push(format!(
        "UPDATE checkin_calls SET outcome = NULL, note = '', channel = NULL, logged_by = NULL, \
         logged_at = NULL, follow_up = NULL, retry_on = NULL WHERE id = {call}"
    ));
    restore.push(format!(
        "UPDATE checkin_concerns SET status = 'open', acknowledged_by = NULL, acknowledged_at = NULL, \
         closed_by = NULL, closed_at = NULL, action_taken = '' WHERE id = {concern}"
    ));
    for sql in &restore {
        sqlx::query(sql)
            .execute(db.pool())
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    Records {
        plan,
        entry,
        link,
        evidence,
        locality,
        restore,
        referral,
        team,
        team_member,
        caseload_person,
        schedule,
        call,
        concern,
        feedback: one(
            app,
            "SELECT MIN(id) FROM feedback WHERE kind = 'complaint' AND status = 'frontline'",
        )
        .await,
        org,
        people: [asker, helper],
        request,
        matched,
        day,
        offer,
        initiative: one(app, "SELECT MIN(id) FROM star_initiatives").await,
        round: one(app, "SELECT MIN(id) FROM star_rounds").await,
        charter: one(app, "SELECT MIN(id) FROM star_charters").await,
        survey,
        survey_key,
        audience,
        question,
        process,
        proposal,
        listing,
        report,
        consent,
        personal_star,
        account,
        membership,
        claim,
        spare_token,
    }
}

/// Statements that put a team's member and a person on its caseload back.
async fn team_restore(app: &TestApp, team: i64, member: i64, person: i64) -> Vec<String> {
    let lead: i64 = one(
        app,
        &format!(
            "SELECT lead_account_id FROM team_caseload WHERE team_id = {team} AND person_id = {person}"
        ),
    )
    .await;
    let note: String = one(
        app,
        &format!(
            "SELECT handover_note FROM team_caseload WHERE team_id = {team} AND person_id = {person}"
        ),
    )
    .await;
    let note = note.replace('\'', "''");
    vec![
        format!(
            "INSERT INTO team_members (team_id, account_id, added_at) SELECT {team}, {member}, 0 \
             WHERE NOT EXISTS (SELECT 1 FROM team_members WHERE team_id = {team} AND account_id = {member})"
        ),
        format!(
            "INSERT INTO team_caseload (team_id, person_id, lead_account_id, handover_note, added_at) \
             SELECT {team}, {person}, {lead}, '{note}', 0 \
             WHERE NOT EXISTS (SELECT 1 FROM team_caseload WHERE team_id = {team} AND person_id = {person})"
        ),
        format!(
            "UPDATE team_caseload SET lead_account_id = {lead}, handover_note = '{note}' \
             WHERE team_id = {team} AND person_id = {person}"
        ),
    ]
}

/// The id of the tie in the asker's circle of support that the walk may remove.
const TIE: i64 = 900_001;

/// Statements that put the records a walk may change back as they were.
async fn restore_statements(
    app: &TestApp,
    survey: i64,
    matched: i64,
    request: i64,
    offer: i64,
) -> Vec<String> {
    let quote = |text: &str| format!("'{}'", text.replace('\'', "''"));
    let asker: i64 = one(
        app,
        &format!("SELECT person_id FROM help_requests WHERE id = {request}"),
    )
    .await;
    let mut statements = vec![format!(
        "INSERT INTO circle_ties (id, person_id, layer, name, created_at) \
         SELECT {TIE}, {asker}, 'informal', 'Next-door neighbour', 0 \
         WHERE NOT EXISTS (SELECT 1 FROM circle_ties WHERE id = {TIE})"
    )];
    let versions: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, definition FROM survey_versions WHERE survey_id = $1")
            .bind(survey)
            .fetch_all(app.state.db.pool())
            .await
            .unwrap();
    let ids: Vec<String> = versions.iter().map(|(id, _)| id.to_string()).collect();
    statements.push(format!(
        "DELETE FROM survey_versions WHERE survey_id = {survey} AND id NOT IN ({})",
        ids.join(", ")
    ));
    for (id, definition) in &versions {
        statements.push(format!(
            "UPDATE survey_versions SET definition = {} WHERE id = {id}",
            quote(definition)
        ));
    }
    let status: String = one(
        app,
        &format!("SELECT status FROM surveys WHERE id = {survey}"),
    )
    .await;
    statements.push(format!(
        "UPDATE surveys SET status = {} WHERE id = {survey}",
        quote(&status)
    ));
    let status: String = one(
        app,
        &format!("SELECT status FROM matches WHERE id = {matched}"),
    )
    .await;
    statements.push(format!(
        "UPDATE matches SET status = {}, finished_at = NULL, finished_note = '' WHERE id = {matched}",
        quote(&status)
    ));
    let status: String = one(
        app,
        &format!("SELECT status FROM help_requests WHERE id = {request}"),
    )
    .await;
    statements.push(format!(
        "UPDATE help_requests SET status = {} WHERE id = {request}",
        quote(&status)
    ));
    let status: String = one(
        app,
        &format!("SELECT status FROM offers WHERE id = {offer}"),
    )
    .await;
    statements.push(format!(
        "UPDATE offers SET status = {} WHERE id = {offer}",
        quote(&status)
    ));
    statements
}

/// A weekly schedule of calls for `person`, its first call, and an open
/// concern raised on that call.
async fn checkins(app: &TestApp, person: i64) -> (i64, i64, i64) {
    let pool = app.state.db.pool();
    for sql in [
        format!(
            "INSERT INTO checkin_schedules (person_id, kind, cadence, starts_on, created_at) \
             VALUES ({person}, 'regular', 'weekly', '2026-12-07', 0)"
        ),
        format!(
            "INSERT INTO checkin_calls (schedule_id, person_id, due_on, attempt) \
             SELECT MAX(id), {person}, '2026-12-07', 1 FROM checkin_schedules"
        ),
        format!(
            "INSERT INTO checkin_concerns (person_id, source, call_id, raised_at, urgency, noticed, status) \
             SELECT {person}, 'call', MAX(id), 0, 'soon', 'Sounded low', 'open' FROM checkin_calls"
        ),
    ] {
        sqlx::query(&sql)
            .execute(pool)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    (
        one(app, "SELECT MAX(id) FROM checkin_schedules").await,
        one(app, "SELECT MAX(id) FROM checkin_calls").await,
        one(app, "SELECT MAX(id) FROM checkin_concerns").await,
    )
}

async fn open_report(app: &TestApp, listing: &str) -> i64 {
    let mut visitor = app.client();
    let reply = visitor
        .post(
            &format!("/services/{listing}/report"),
            &[
                ("kind", "wrong_contact"),
                ("details", "The phone rings out."),
                ("email", ""),
            ],
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "a report: {}", reply.body);
    one(app, "SELECT MAX(id) FROM listing_reports").await
}

async fn give_consent(app: &TestApp, person: i64) -> i64 {
    sqlx::query(
        "INSERT INTO consents (coordination_person_id, record_kind, purpose, lawful_basis, given_at, given_channel) \
         VALUES ($1, 'coordination', 'Arranging help with shopping', 'consent', 0, 'phone')",
    )
    .bind(person)
    .execute(app.state.db.pool())
    .await
    .unwrap();
    one(app, "SELECT MAX(id) FROM consents").await
}

async fn claim(app: &TestApp) -> i64 {
    let unkept: String = one(app, "SELECT MIN(id) FROM services WHERE managed_by IS NULL").await;
    let org: i64 = one(app, "SELECT MIN(id) FROM organisations").await;
    let mut keeper = app.as_role_in(Role::Coordinator, org).await;
    let page = keeper.get(&format!("/services/{unkept}/claim")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let reply = keeper
        .post(
            &format!("/services/{unkept}/claim"),
            &[
                ("organisation_id", &org.to_string()),
                ("note", "We run it every Thursday."),
            ],
        )
        .await;
    assert!(
        reply.status.is_redirection(),
        "a claim: {} {}",
        reply.status,
        reply.body
    );
    one(app, "SELECT MAX(id) FROM listing_claims").await
}

/// A personal star started by a worker who is not among the matrix's
/// visitors, so that none of them is its worker.
async fn personal_star(app: &TestApp) -> i64 {
    let org: i64 = one(app, "SELECT MIN(organisation_id) FROM star_initiatives").await;
    let mut worker = app.as_role_in(Role::LinkWorker, org).await;
    let reply = worker
        .post(
            &format!("/star/{org}/people"),
            &[
                ("person_name", "Morag Stewart"),
                ("consent", "yes"),
                ("consent_purpose", "To plan support together"),
            ],
        )
        .await;
    assert!(
        reply.status.is_redirection(),
        "a personal star: {} {}",
        reply.status,
        reply.body
    );
    one(app, "SELECT MAX(id) FROM star_person_stars").await
}

impl Records {
    async fn put_back(&self, app: &TestApp) {
        for sql in &self.restore {
            sqlx::query(sql)
                .execute(app.state.db.pool())
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }

    /// Hands every held record to organisation `side`.
    async fn hand_to(&self, app: &TestApp, side: Side) {
        let org = self.org[side as usize];
        let pool = app.state.db.pool();
        let statements = [
            format!(
                "UPDATE coordination_people SET organisation_id = {org} WHERE id IN ({}, {})",
                self.people[0], self.people[1]
            ),
            format!(
                "UPDATE star_initiatives SET organisation_id = {org} WHERE id = {}",
                self.initiative
            ),
            format!(
                "UPDATE star_rounds SET organisation_id = {org} WHERE id = {}",
                self.round
            ),
            format!(
                "UPDATE star_charters SET organisation_id = {org} WHERE id = {}",
                self.charter
            ),
            format!(
                "UPDATE surveys SET organisation_id = {org} WHERE id = {}",
                self.survey
            ),
            format!(
                "UPDATE pb_processes SET organisation_id = {org} WHERE id = {}",
                self.process
            ),
            format!(
                "UPDATE services SET managed_by = {org} WHERE id = '{}'",
                self.listing
            ),
            // A referral is handed whole: the organisation that made it,
            // the one it was made to, and the person the first one holds.
            format!(
                "UPDATE referrals SET referring_organisation_id = {org}, receiving_organisation_id = {org} WHERE id = {}",
                self.referral
            ),
            format!(
                "UPDATE coordination_people SET organisation_id = {org} \
                 WHERE id = (SELECT person_id FROM referrals WHERE id = {})",
                self.referral
            ),
            format!(
                "UPDATE teams SET organisation_id = {org} WHERE id = {}",
                self.team
            ),
            format!(
                "UPDATE feedback SET organisation_id = {org} WHERE id = {}",
                self.feedback
            ),
            format!(
                "UPDATE plans SET organisation_id = {org} WHERE id = {}",
                self.plan
            ),
        ];
        for sql in statements {
            sqlx::query(&sql)
                .execute(pool)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        }
    }

    /// `path` with every parameter filled in, for records held by `side`.
    fn concrete(&self, path: &str, side: Side) -> String {
        let org = self.org[side as usize].to_string();
        let id_for = |prefix: &str| -> Option<String> {
            let id = match prefix {
                "/coordination/people/" | "/api/v1/timebank/members/" | "/people/" => {
                    self.people[0].to_string()
                }
                "/coordination/requests/"
                | "/api/v1/coordination/requests/"
                | "/help/requests/" => self.request.to_string(),
                "/coordination/matches/" | "/help/matches/" => self.matched.to_string(),
                "/coordination/days/" | "/api/v1/coordination/days/" | "/help/days/" => {
                    self.day.to_string()
                }
                "/help/offers/" => self.offer.to_string(),
                "/star/initiatives/" => self.initiative.to_string(),
                "/star/rounds/" => self.round.to_string(),
                "/star/charters/" | "/charters/" => self.charter.to_string(),
                "/star/people/" => self.personal_star.to_string(),
                "/surveys/" => self.survey.to_string(),
                "/budgeting/" | "/api/v1/budgeting/processes/" => self.process.to_string(),
                "/listings/" | "/services/" | "/api/v1/services/" | "/api/hsds/services/" => {
                    self.listing.clone()
                }
                "/listings/reports/" | "/api/v1/reports/" => self.report.to_string(),
                "/privacy/consents/" => self.consent.to_string(),
                "/referrals/" | "/my-referrals/" => self.referral.to_string(),
                "/teams/" => self.team.to_string(),
                "/checkins/calls/" => self.call.to_string(),
                "/checkins/visits/" => self.day.to_string(),
                "/concerns/" => self.concern.to_string(),
                "/feedback/" | "/feedback/published/" => self.feedback.to_string(),
                "/plans/" | "/planning/plans/" | "/api/v1/plans/" => self.plan.to_string(),
                "/planning/entries/" => self.entry.to_string(),
                "/you-said-we-did/localities/" => self.locality.to_string(),
                "/admin/people/" => self.account.to_string(),
                "/admin/coordination-people/" => self.people[0].to_string(),
                "/admin/organisations/" | "/api/v1/organisations/" | "/api/hsds/organizations/" => {
                    org.clone()
                }
                "/admin/claims/" => self.claim.to_string(),
                // Open data for anyone; whether the term exists changes nothing.
                "/api/hsds/taxonomies/" | "/api/hsds/taxonomy_terms/" => "no-such-term".to_owned(),
                "/admin/tokens/" => self.spare_token.to_string(),
                // No failed job: an administrator is told it is not there.
                "/admin/jobs/" => "0".to_owned(),
                _ => return None,
            };
            Some(id)
        };
        let filled = match path.find("{id}") {
            Some(at) => {
                let prefix = &path[..at];
                let id = id_for(prefix).unwrap_or_else(|| panic!("no record for {path}"));
                path.replacen("{id}", &id, 1)
            }
            None => path.to_owned(),
        };
        filled
            .replace("{org}", &org)
            .replace("{membership_id}", &self.membership.to_string())
            .replace("{account_id}", &self.team_member.to_string())
            .replace("{person_id}", &self.caseload_person.to_string())
            .replace("{tie_id}", &TIE.to_string())
            .replace("{schedule_id}", &self.schedule.to_string())
            .replace("{link}", &self.link.to_string())
            .replace("{evidence}", &self.evidence.to_string())
            .replace("{proposal}", &self.proposal.to_string())
            .replace("{section}", "1")
            .replace("{question}", &self.question)
            .replace("{audience}", &self.audience)
            .replace("{key}", &self.survey_key)
            .replace("{step}", "1")
            .replace("{token}", "no-such-token")
            .replace("{reference}", "FB-NONE-SUCH-00")
            .replace("{postcode}", "AV1%201AB")
            .replace("{*path}", "css/design-system.min.css")
    }
}

/// Whether the route's own rule lets `role` in.
fn rule_admits(access: Access, role: Role) -> bool {
    match access {
        Access::Public | Access::SignedIn => true,
        Access::SignedOut | Access::ApiToken => false,
        Access::AnyRole(roles) => roles.contains(&role),
    }
}

/// Whether `who` should get past every check for a record held by `owner`.
fn admitted(access: Access, names: Names, who: Who, owner: Side) -> bool {
    let held = |kind_roles: Option<&[Role]>, role: Role, place: Option<Side>| {
        kind_roles.is_none_or(|roles| roles.contains(&role))
            && (role == Role::Admin || place.is_none_or(|p| p == owner))
    };
    match who {
        Who::Nobody => matches!(access, Access::Public | Access::SignedOut),
        Who::Token(side) => match access {
            Access::ApiToken => match names {
                Names::Nothing => true,
                Names::Held(_) | Names::HeldFor(..) => side == owner,
                Names::Own => false,
            },
            Access::Public | Access::SignedOut => true,
            _ => false,
        },
        Who::Staff(role, place) => {
            rule_admits(access, role)
                && match names {
                    Names::Nothing => true,
                    Names::Held(_) => held(None, role, place),
                    Names::HeldFor(_, roles) => held(Some(roles), role, place),
                    Names::Own => false,
                }
        }
    }
}

/// Whether a reply is a refusal of the kind `who` should meet.
fn refused(reply: &Reply, method: &Method, access: Access, who: Who) -> bool {
    let to_sign_in = reply.status == StatusCode::SEE_OTHER
        && reply.location().starts_with("/sign-in?return_to=");
    match (who, access) {
        (Who::Staff(..), Access::ApiToken) | (Who::Nobody, Access::ApiToken) => {
            reply.status == StatusCode::UNAUTHORIZED
        }
        // A listing's id is chosen by whoever saves it first, so a PUT
        // under another organisation's id is told it is not theirs.
        (Who::Token(_), Access::ApiToken) => {
            reply.status == StatusCode::NOT_FOUND
                || (reply.status == StatusCode::FORBIDDEN && *method == Method::PUT)
        }
        (Who::Nobody | Who::Token(_), _) => to_sign_in,
        (Who::Staff(..), Access::SignedOut) => {
            reply.status == StatusCode::SEE_OTHER && reply.location() == "/account"
        }
        (Who::Staff(..), _) => {
            matches!(reply.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN)
        }
    }
}

/// Whether a reply is something other than a refusal by the route's rule
/// (a missing record of an open route, or a form's complaint, is not one).
fn got_past_the_rules(reply: &Reply, access: Access) -> bool {
    let redirected_to =
        |to: &str| reply.status == StatusCode::SEE_OTHER && reply.location().starts_with(to);
    !matches!(
        reply.status,
        StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
    ) && !redirected_to("/sign-in?return_to=")
        && !(access == Access::SignedOut && redirected_to("/account"))
}

async fn call(
    client: &mut Client,
    method: &Method,
    path: &str,
    who: Who,
    tokens: &[String; 2],
) -> Reply {
    match who {
        Who::Token(side) => {
            let request = Request::builder()
                .method(method.clone())
                .uri(path)
                .header(
                    header::AUTHORIZATION,
                    format!("Bearer {}", tokens[side as usize]),
                )
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(if *method == Method::GET { "" } else { "{}" }))
                .unwrap();
            client.send(request).await
        }
        _ if *method == Method::GET => client.get(path).await,
        _ if *method == Method::POST => client.post(path, &[]).await,
        _ => {
            let request = Request::builder()
                .method(method.clone())
                .uri(path)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap();
            client.send(request).await
        }
    }
}

async fn every_route_for_every_visitor_on_records_of_either_organisation(backend: Backend) {
    let app = TestApp::new(backend).await;
    demo::seed(&app.state.db).await.unwrap();
    let mut admin = app.as_role(Role::Admin).await;
    let records = records(&app, &mut admin).await;

    let mut token = [String::new(), String::new()];
    for side in [Side::A, Side::B] {
        let (_, issued) = tokens::issue(
            &app.state.db,
            &LineOfText::parse("matrix").unwrap(),
            records.org[side as usize],
            None,
        )
        .await
        .unwrap();
        token[side as usize] = issued;
    }
    let mut visitors: Vec<(Who, Client)> = vec![
        (Who::Nobody, app.client()),
        (Who::Token(Side::A), app.client()),
        (Who::Token(Side::B), app.client()),
    ];
    for role in Role::ALL {
        for side in [Side::A, Side::B] {
            let client = app.as_role_in(role, records.org[side as usize]).await;
            visitors.push((Who::Staff(role, Some(side)), client));
        }
        let everywhere = if role == Role::Admin {
            std::mem::replace(&mut admin, app.client())
        } else {
            app.as_role(role).await
        };
        visitors.push((Who::Staff(role, None), everywhere));
    }

    let table = table();
    let mut routes = all_routes();
    // Signing out would end the walk for that visitor: it goes last.
    // Reading comes before changing, so that no change decides what a
    // reader meets.
    routes.sort_by_key(|r| (r.path == "/sign-out", r.method != Method::GET));
    let named: Vec<&str> = routes
        .iter()
        .map(|r| r.path)
        .filter(|p| p.contains('{'))
        .collect();
    for path in &named {
        assert!(
            table.contains_key(path),
            "{path} has no row in the access matrix's table"
        );
    }
    for path in table.keys() {
        assert!(
            named.contains(path),
            "the access matrix's table names {path}, which no route has"
        );
    }

    let mut cells = 0;
    let mut wrong = Vec::new();
    for owner in [Side::A, Side::B] {
        records.hand_to(&app, owner).await;
        for route in &routes {
            if route.path == "/sign-out" && owner == Side::A {
                // Signing out once, at the very end, is enough.
                cells += visitors.len();
                continue;
            }
            let names = table.get(route.path).copied().unwrap_or(Names::Nothing);
            let path = records.concrete(route.path, owner);
            // Those to be refused go first, so nothing an admitted visitor
            // changes can open a door for them.
            let mut order: Vec<usize> = (0..visitors.len()).collect();
            order.sort_by_key(|&i| admitted(route.access, names, visitors[i].0, owner));
            for i in order {
                let (who, client) = &mut visitors[i];
                let who = *who;
                let expected = admitted(route.access, names, who, owner);
                let reply = call(client, &route.method, &path, who, &token).await;
                let held = matches!(names, Names::Held(_) | Names::HeldFor(..) | Names::Own);
                let right = if expected {
                    got_past_the_rules(&reply, route.access)
                        && !(held && reply.status == StatusCode::NOT_FOUND)
                } else {
                    refused(&reply, &route.method, route.access, who)
                };
                if expected && route.method != Method::GET {
                    records.put_back(&app).await;
                }
                if !right {
                    wrong.push(format!(
                        "{} {path} ({:?}, record of {owner:?}) for {who:?}: expected {}, got {} {}",
                        route.method,
                        route.access,
                        if expected { "admitted" } else { "refused" },
                        reply.status,
                        reply.location()
                    ));
                }
                cells += 1;
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {cells} cells wrong:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(cells, routes.len() * visitors.len() * 2);
    println!(
        "access matrix: {} routes × {} visitors × 2 records = {cells} cells",
        routes.len(),
        visitors.len()
    );
}

on_both_backends!(every_route_for_every_visitor_on_records_of_either_organisation);
