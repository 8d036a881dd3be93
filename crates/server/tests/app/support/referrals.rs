//! Records for referral tests: a listed service kept by an organisation,
//! and a referral of a person to it, made as the operator would.

use coprod_server::{
    coordination::{model::Channel as HelpChannel, workflow::Actor},
    coprod_engine::{
        referrals::{Channel, ReferrerKind, Sharing},
        schedule::Date,
    },
    db::Db,
    referrals::{
        model::Target,
        store::NewReferral,
        workflow::{self, Making},
    },
};

/// An active service on the asset map, kept by `organisation`.
pub async fn service_managed_by(db: &Db, id: &str, name: &str, organisation: i64) {
    sqlx::query(
        "INSERT INTO services (id, name, description, status, managed_by, free, categories, modified_at, document) \
         VALUES ($1, $2, 'A test service', 'active', $3, 1, '', 0, '{}')",
    )
    .bind(id)
    .bind(name)
    .bind(organisation)
    .execute(db.pool())
    .await
    .unwrap();
}

/// A referral of `person` to the service `service_id`, kept by `receiver`,
/// sharing `shared` (comma-separated), made as the operator.
pub async fn referral_to(
    db: &Db,
    person: i64,
    service_id: &str,
    receiver: i64,
    shared: &str,
) -> i64 {
    referral_by(db, None, person, service_id, receiver, shared).await
}

/// The same referral made by `referrer`, a member of staff of an
/// organisation: (organisation, account).
pub async fn referral_by(
    db: &Db,
    referrer: Option<(i64, i64)>,
    person: i64,
    service_id: &str,
    receiver: i64,
    shared: &str,
) -> i64 {
    workflow::refer(
        db,
        &Actor::operator(),
        &Making {
            referral: NewReferral {
                person_id: person,
                referring_organisation_id: referrer.map(|(organisation, _)| organisation),
                referred_by: referrer.map(|(_, account)| account),
                referrer_kind: ReferrerKind::LinkWorker,
                referrer_role: "Link worker".into(),
                target: Target::Service,
                service_id: Some(service_id.into()),
                service_name: format!("Service {service_id}"),
                receiving_organisation_id: receiver,
                help_category: None,
                postcode: String::new(),
                reason: "Would like to get out walking again".into(),
                sharing: Sharing::from_stored(shared).unwrap(),
                simd_quintile: Some(2),
                age_band: Some("75_84".into()),
                respond_by: Date::parse("2099-12-31").unwrap(),
            },
            consent_channel: HelpChannel::InPerson,
            channel: Channel::Online,
            receiver_name: "Receiver".into(),
        },
    )
    .await
    .unwrap()
}
