//! Referring a person: choose the person (within reach), where to, why
//! (in their words), what they agree to share and how they said so. A
//! form with problems comes back with every field's message.

use askama::Template;
use axum::{
    Extension,
    extract::{Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{
    place::{GssCode, Postcode},
    referrals::{Channel, ReferrerKind, SharedField, Sharing},
    surveys::breakdown::AgeBand,
};
use serde::Deserialize;

use super::page_error;
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action},
    coordination::{
        model::{Channel as HelpChannel, Person, today},
        store::people,
        views,
    },
    error::Result,
    places,
    referrals::{
        actor,
        model::Target,
        store::{self, NewReferral, Receivable},
        workflow::{self, Making},
    },
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// The longest reason kept.
const MAX_REASON_CHARS: usize = 2_000;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Choose {
    person: String,
    q: String,
}

/// The referral form as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ReferForm {
    pub person: String,
    pub referrer_kind: String,
    pub referrer_role: String,
    pub to: String,
    pub help_category: String,
    pub postcode: String,
    pub age_band: String,
    pub reason: String,
    pub share_name: String,
    pub share_phone: String,
    pub share_email: String,
    pub share_reason: String,
    pub share_age_band: String,
    pub consent: String,
    pub consent_channel: String,
    pub channel: String,
}

impl ReferForm {
    fn shared(&self, field: SharedField) -> bool {
        let value = match field {
            SharedField::Name => &self.share_name,
            SharedField::Phone => &self.share_phone,
            SharedField::Email => &self.share_email,
            SharedField::Reason => &self.share_reason,
            SharedField::AgeBand => &self.share_age_band,
        };
        !value.is_empty()
    }
}

#[derive(Template)]
#[template(path = "referrals/new.html")]
struct FormPage {
    shell: Shell,
    /// The person being referred; none yet: choose one.
    person: Option<Person>,
    q: String,
    people: Vec<(i64, String)>,
    form: ReferForm,
    errors: FieldErrors,
    destinations: Vec<(String, String)>,
    categories: Vec<(String, String)>,
}

impl FormPage {
    fn kinds(&self) -> Vec<(String, String)> {
        ReferrerKind::ALL
            .iter()
            .map(|k| {
                (
                    k.key().to_owned(),
                    self.shell.t(&format!("referrals.kind.{}", k.key())),
                )
            })
            .collect()
    }

    fn bands(&self) -> Vec<(String, String)> {
        std::iter::once((String::new(), self.shell.t("referrals.new.age_band_none")))
            .chain(AgeBand::ALL.iter().map(|b| {
                (
                    b.key().to_owned(),
                    self.shell.t(&format!("survey.age_band.{}", b.key())),
                )
            }))
            .collect()
    }

    fn consent_channels(&self) -> Vec<(String, String)> {
        [
            HelpChannel::InPerson,
            HelpChannel::Phone,
            HelpChannel::Paper,
            HelpChannel::Online,
        ]
        .iter()
        .map(|c| (c.as_str().to_owned(), self.shell.t(c.label_key())))
        .collect()
    }

    fn channels(&self) -> Vec<(String, String)> {
        channel_choices(&self.shell)
    }

    fn shares(&self) -> Vec<(String, String, bool)> {
        SharedField::ALL
            .iter()
            .map(|f| {
                (
                    format!("share_{}", f.key()),
                    self.shell.t(&format!("referrals.field.{}", f.key())),
                    self.form.shared(*f),
                )
            })
            .collect()
    }
}

/// The channels a step can be taken through, for a choice.
pub fn channel_choices(shell: &Shell) -> Vec<(String, String)> {
    Channel::ALL
        .iter()
        .map(|c| {
            (
                c.key().to_owned(),
                shell.t(&format!("referrals.channel.{}", c.key())),
            )
        })
        .collect()
}

/// Where a referral can go: every service that can receive referrals, and
/// every organisation's volunteer desk.
async fn destinations(
    conn: &mut sqlx::AnyConnection,
    shell: &Shell,
) -> Result<(Vec<Receivable>, Vec<(String, String)>)> {
    let services = store::receivable_services(conn).await?;
    let mut organisations: Vec<(i64, String)> =
        store::organisation_names(conn).await?.into_iter().collect();
    organisations.sort_by(|a, b| a.1.cmp(&b.1));
    let mut choices = vec![(String::new(), shell.t("referrals.new.to_choose"))];
    choices.extend(services.iter().map(|s| {
        (
            format!("service:{}", s.id),
            format!("{} ({})", s.name, s.organisation),
        )
    }));
    choices.extend(organisations.iter().map(|(id, name)| {
        (
            format!("desk:{id}"),
            shell.t1("referrals.new.desk_of", name),
        )
    }));
    Ok((services, choices))
}

async fn categories(
    conn: &mut sqlx::AnyConnection,
    shell: &Shell,
) -> Result<Vec<(String, String)>> {
    let mut list = vec![(String::new(), shell.t("referrals.new.category_none"))];
    list.extend(views::terms(conn).await?);
    Ok(list)
}

pub async fn form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Query(choose): Query<Choose>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let mut tx = state.db.begin_write().await?;
    let (person, people) = if let Ok(id) = choose.person.trim().parse::<i64>() {
        let person = workflow::reachable_person(&mut tx, &actor, id)
            .await
            .map_err(page_error)?;
        audit::record_in(
            &mut tx,
            actor
                .event(Action::PersonRead)
                .subject("coordination_person", id)
                .detail("referral form"),
        )
        .await?;
        (Some(person), Vec::new())
    } else {
        let q: String = choose.q.trim().chars().take(100).collect();
        let found: Vec<(i64, String)> =
            people::list(&mut tx, &actor.reach, actor.caseloads, &q, 100)
                .await?
                .into_iter()
                .map(|p| (p.id, p.display_name))
                .collect();
        audit::record_in(
            &mut tx,
            actor
                .event(Action::PersonRead)
                .detail(format!("referral: people list ({} shown)", found.len())),
        )
        .await?;
        (None, found)
    };
    let (_, destinations) = destinations(&mut tx, &shell).await?;
    let categories = categories(&mut tx, &shell).await?;
    tx.commit().await?;
    let form = ReferForm {
        person: person
            .as_ref()
            .map(|p| p.id.to_string())
            .unwrap_or_default(),
        referrer_kind: if user.has_role(coprod_engine::people::Role::LinkWorker) {
            ReferrerKind::LinkWorker.key().into()
        } else {
            ReferrerKind::Coordinator.key().into()
        },
        share_name: "yes".into(),
        share_phone: "yes".into(),
        share_reason: "yes".into(),
        consent_channel: HelpChannel::InPerson.as_str().into(),
        channel: Channel::Online.key().into(),
        ..ReferForm::default()
    };
    page(&FormPage {
        shell,
        person,
        q: choose.q.trim().chars().take(100).collect(),
        people,
        form,
        errors: FieldErrors::default(),
        destinations,
        categories,
    })
}

/// Everything checked, ready to store; `None` with `errors` filled otherwise.
#[expect(
    clippy::too_many_lines,
    reason = "one check per field of the form, in the form's order"
)]
async fn check(
    state: &AppState,
    conn: &mut sqlx::AnyConnection,
    shell: &Shell,
    form: &ReferForm,
    services: &[Receivable],
    errors: &mut FieldErrors,
) -> Result<Option<Making>> {
    let kind = ReferrerKind::parse(&form.referrer_kind).ok();
    if kind.is_none() {
        errors.add("referrer_kind", shell.t("referrals.error.referrer_kind"));
    }
    let role = form.referrer_role.trim().to_owned();
    if role.chars().count() > 200 || role.chars().any(char::is_control) {
        errors.add("referrer_role", shell.t("error.text.too_long"));
    }
    let organisations = store::organisation_names(conn).await?;
    let target = match form.to.split_once(':') {
        Some(("service", id)) => services
            .iter()
            .find(|s| s.id == id)
            .map(|s| (Target::Service, Some(s.clone()), s.organisation_id)),
        Some(("desk", id)) => id
            .parse::<i64>()
            .ok()
            .filter(|id| organisations.contains_key(id))
            .map(|id| (Target::Desk, None, id)),
        _ => None,
    };
    if target.is_none() {
        errors.add("to", shell.t("referrals.error.to"));
    }
    let is_desk = matches!(target, Some((Target::Desk, _, _)));
    let terms = views::terms(conn).await?;
    let category = terms
        .iter()
        .find(|(id, _)| *id == form.help_category)
        .map(|(id, _)| id.clone());
    if is_desk && category.is_none() {
        errors.add("help_category", shell.t("referrals.error.help_category"));
    }
    let mut postcode = String::new();
    let mut quintile = None;
    if form.postcode.trim().is_empty() {
        if is_desk {
            errors.add("postcode", shell.t("error.postcode.missing"));
        }
    } else {
        match Postcode::parse(&form.postcode) {
            Err(e) => errors.add("postcode", shell.t(e.key)),
            Ok(code) => match places::store::lookup(&state.db, &code).await? {
                None => errors.add("postcode", shell.t("error.postcode.unknown")),
                Some(place) => {
                    postcode = code.as_str().to_owned();
                    if let Some(zone) = place.data_zone.and_then(|z| GssCode::parse(&z).ok()) {
                        quintile = crate::surveys::store::simd_quintile(&state.db, &zone).await?;
                    }
                }
            },
        }
    }
    let age_band = if form.age_band.trim().is_empty() {
        None
    } else {
        match AgeBand::parse(&form.age_band) {
            Ok(band) => Some(band.key().to_owned()),
            Err(e) => {
                errors.add("age_band", shell.t(e.key));
                None
            }
        }
    };
    let reason = form.reason.trim().to_owned();
    if reason.is_empty() {
        errors.add("reason", shell.t("referrals.error.reason"));
    } else if reason.chars().count() > MAX_REASON_CHARS {
        errors.add("reason", shell.t("error.text.too_long"));
    }
    let ticked: Vec<&str> = SharedField::ALL
        .iter()
        .filter(|f| form.shared(**f))
        .map(|f| f.key())
        .collect();
    let sharing = Sharing::parse(ticked).ok();
    if sharing.is_none() {
        errors.add("share_name", shell.t("referrals.error.share_nothing"));
    }
    if form.consent != "yes" {
        errors.add("consent", shell.t("referrals.error.consent"));
    }
    let consent_channel = HelpChannel::parse(&form.consent_channel);
    if consent_channel.is_none() {
        errors.add("consent_channel", shell.t("referrals.error.choose"));
    }
    let channel = Channel::parse(&form.channel).ok();
    if channel.is_none() {
        errors.add("channel", shell.t("referrals.error.choose"));
    }
    let Some(((target, service, receiver), (kind, (sharing, (consent_channel, channel))))) =
        target.zip(kind.zip(sharing.zip(consent_channel.zip(channel))))
    else {
        return Ok(None);
    };
    if !errors.is_empty() {
        return Ok(None);
    }
    let person_id = form.person.trim().parse().unwrap_or_default();
    let calendar = state.settings.referrals.calendar();
    Ok(Some(Making {
        referral: NewReferral {
            person_id,
            referring_organisation_id: None,
            referred_by: None,
            referrer_kind: kind,
            referrer_role: role,
            target,
            service_id: service.as_ref().map(|s| s.id.clone()),
            service_name: service.map(|s| s.name).unwrap_or_default(),
            receiving_organisation_id: receiver,
            help_category: category.filter(|_| is_desk),
            postcode,
            reason,
            sharing,
            simd_quintile: quintile.map(coprod_engine::surveys::breakdown::SimdQuintile::get),
            age_band,
            respond_by: calendar
                .add_working_days(today(), state.settings.referrals.respond_working_days),
        },
        consent_channel,
        channel,
        receiver_name: organisations.get(&receiver).cloned().unwrap_or_default(),
    }))
}

pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<ReferForm>,
) -> Result<Response> {
    let actor = actor(&user, &ip);
    let mut conn = state.db.pool().acquire().await?;
    let person_id: i64 = form
        .person
        .trim()
        .parse()
        .map_err(|_| crate::error::AppError::NotFound)?;
    let person = workflow::reachable_person(&mut conn, &actor, person_id)
        .await
        .map_err(page_error)?;
    let (services, destinations) = destinations(&mut conn, &shell).await?;
    let mut errors = FieldErrors::default();
    let checked = check(&state, &mut conn, &shell, &form, &services, &mut errors).await?;
    let Some(mut making) = checked else {
        let categories = categories(&mut conn, &shell).await?;
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                shell,
                person: Some(person),
                q: String::new(),
                people: Vec::new(),
                form,
                errors,
                destinations,
                categories,
            },
        );
    };
    drop(conn);
    making.referral.referred_by = Some(user.account_id);
    let id = workflow::refer(&state.db, &actor, &making)
        .await
        .map_err(page_error)?;
    Ok(redirect(&format!("/referrals/{id}?done=referred")))
}
