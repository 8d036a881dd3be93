//! Referring yourself: a signed-in person asks a service on the asset map
//! to take them on, says in their own words why, and chooses what the
//! service may see. They follow each of their referrals to its end, see
//! what the service said back, and may withdraw one with a reason. Their
//! referrals are nobody else's business here: another person's answers
//! "not found".

use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{
    referrals::{SharedField, Sharing, Status},
    schedule::Date,
    surveys::breakdown::AgeBand,
};
use serde::Deserialize;

use super::{Flash, page_error};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    coordination::{model::today, store::people, views::date_text, workflow::Actor},
    error::Result,
    referrals::{
        model::{Referral, status_label, status_tag},
        store,
        workflow::{self, ReferralError, SelfReferral},
    },
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// The longest reason or note kept.
const MAX_TEXT_CHARS: usize = 2_000;
/// What a person may choose to share about themselves.
const SHAREABLE: [SharedField; 5] = [
    SharedField::Name,
    SharedField::Phone,
    SharedField::Email,
    SharedField::Reason,
    SharedField::AgeBand,
];

/// The person acting for themselves: they reach no organisation's records.
fn themselves(user: &CurrentUser, ip: &str) -> Actor {
    Actor {
        account_id: Some(user.account_id),
        token_id: None,
        reach: crate::access::Reach::nothing(),
        caseloads: crate::people::reach::Caseloads::of(user),
        ip: ip.to_owned(),
    }
}

/// One of the person's referrals, as a line.
pub struct MineLine {
    pub id: i64,
    pub to: String,
    pub made: String,
    pub status: String,
    pub tag: &'static str,
}

#[derive(Template)]
#[template(path = "referrals/mine.html")]
struct MinePage {
    shell: Shell,
    done: String,
    lines: Vec<MineLine>,
}

pub async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let referrals: Vec<Referral> = match people::for_account(&mut conn, user.account_id).await? {
        Some(person) => store::for_person(&mut conn, person.id).await?,
        None => Vec::new(),
    };
    let lines = referrals
        .iter()
        .map(|r| MineLine {
            id: r.id,
            to: r.service_name.clone(),
            made: date_text(&shell, Date::of_unix_seconds(r.referred_at)),
            status: shell.t(&status_label(r.status)),
            tag: status_tag(r.status),
        })
        .collect();
    let (done, _) = flash.messages(&shell);
    page(&MinePage { shell, done, lines })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Choose {
    service: String,
}

/// The self-referral form as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct SelfForm {
    pub service: String,
    pub reason: String,
    pub phone: String,
    pub age_band: String,
    pub share_name: String,
    pub share_phone: String,
    pub share_email: String,
    pub share_reason: String,
    pub share_age_band: String,
    pub consent: String,
}

impl SelfForm {
    fn shared(&self, field: SharedField) -> bool {
        !match field {
            SharedField::Name => &self.share_name,
            SharedField::Phone => &self.share_phone,
            SharedField::Email => &self.share_email,
            SharedField::Reason => &self.share_reason,
            SharedField::AgeBand => &self.share_age_band,
        }
        .is_empty()
    }
}

#[derive(Template)]
#[template(path = "referrals/mine_new.html")]
struct NewPage {
    shell: Shell,
    form: SelfForm,
    errors: FieldErrors,
    services: Vec<(String, String)>,
    bands: Vec<(String, String)>,
    /// (field id, label, ticked)
    shares: Vec<(String, String, bool)>,
}

impl NewPage {
    fn new(
        shell: Shell,
        form: SelfForm,
        errors: FieldErrors,
        services: &[store::Receivable],
    ) -> Self {
        let mut choices = vec![(String::new(), shell.t("referrals.mine.service_choose"))];
        choices.extend(
            services
                .iter()
                .map(|s| (s.id.clone(), format!("{} ({})", s.name, s.organisation))),
        );
        let mut bands = vec![(String::new(), shell.t("referrals.new.age_band_none"))];
        bands.extend(AgeBand::ALL.iter().map(|b| {
            (
                b.key().to_owned(),
                shell.t(&format!("survey.age_band.{}", b.key())),
            )
        }));
        let shares = SHAREABLE
            .iter()
            .map(|f| {
                (
                    format!("share_{}", f.key()),
                    shell.t(&format!("referrals.mine.share.{}", f.key())),
                    form.shared(*f),
                )
            })
            .collect();
        Self {
            shell,
            form,
            errors,
            services: choices,
            bands,
            shares,
        }
    }
}

pub async fn new_form(
    State(state): State<AppState>,
    shell: Shell,
    Query(choose): Query<Choose>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let services = store::receivable_services(&mut conn).await?;
    let form = SelfForm {
        service: choose.service.trim().to_owned(),
        share_name: "yes".into(),
        share_reason: "yes".into(),
        ..SelfForm::default()
    };
    page(&NewPage::new(
        shell,
        form,
        FieldErrors::default(),
        &services,
    ))
}

fn text_ok(text: &str) -> bool {
    text.chars().count() <= MAX_TEXT_CHARS
        && !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
}

pub async fn create(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    StrictForm(form): StrictForm<SelfForm>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let services = store::receivable_services(&mut conn).await?;
    drop(conn);
    let mut errors = FieldErrors::default();
    let service = services.iter().find(|s| s.id == form.service.trim());
    if service.is_none() {
        errors.add("service", shell.t("referrals.mine.error.service"));
    }
    let reason = form.reason.trim().to_owned();
    if reason.is_empty() {
        errors.add("reason", shell.t("referrals.mine.error.reason"));
    } else if !text_ok(&reason) {
        errors.add("reason", shell.t("error.text.too_long"));
    }
    let phone = form.phone.trim().to_owned();
    if phone.chars().count() > 40
        || phone
            .chars()
            .any(|c| !(c.is_ascii_digit() || " +()-".contains(c)))
    {
        errors.add("phone", shell.t("referrals.mine.error.phone"));
    } else if form.shared(SharedField::Phone) && phone.is_empty() {
        errors.add("phone", shell.t("referrals.mine.error.phone_missing"));
    }
    let age_band = match form.age_band.trim() {
        "" => None,
        key => {
            let band = AgeBand::ALL.iter().find(|b| b.key() == key);
            if band.is_none() {
                errors.add("age_band", shell.t("referrals.error.choose"));
            }
            band.map(|b| b.key().to_owned())
        }
    };
    if form.shared(SharedField::AgeBand) && age_band.is_none() && !errors.has("age_band") {
        errors.add("age_band", shell.t("referrals.mine.error.age_band_missing"));
    }
    let ticked: Vec<&str> = SHAREABLE
        .iter()
        .filter(|f| form.shared(**f))
        .map(|f| f.key())
        .collect();
    let sharing = Sharing::parse(ticked).ok();
    if sharing.is_none() {
        errors.add("share_name", shell.t("referrals.error.share_nothing"));
    }
    if form.consent != "yes" {
        errors.add("consent", shell.t("referrals.mine.error.consent"));
    }
    let (Some(service), Some(sharing), true) = (service, sharing, errors.is_empty()) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &NewPage::new(shell, form, errors, &services),
        );
    };
    let calendar = state.settings.referrals.calendar();
    let id = workflow::refer_self(
        &state.db,
        &themselves(&user, &ip),
        &SelfReferral {
            account_id: user.account_id,
            display_name: user.display_name.clone(),
            email: user.email.clone(),
            phone,
            service: service.clone(),
            reason,
            sharing,
            age_band,
            respond_by: calendar
                .add_working_days(today(), state.settings.referrals.respond_working_days),
        },
    )
    .await
    .map_err(page_error)?;
    Ok(redirect(&format!("/my-referrals/{id}?done=referred")))
}

/// One step of the story, as the person reads it.
pub struct StoryLine {
    pub when: String,
    pub status: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "referrals/mine_one.html")]
struct OnePage {
    shell: Shell,
    id: i64,
    to: String,
    status: String,
    tag: &'static str,
    reason: String,
    story: Vec<StoryLine>,
    may_withdraw: bool,
    done: String,
    problem: String,
    errors: FieldErrors,
    note: String,
}

async fn one_page(
    state: &AppState,
    shell: Shell,
    user: &CurrentUser,
    id: i64,
    flash: &Flash,
    errors: FieldErrors,
    note: String,
) -> Result<OnePage> {
    let (referral, events) = workflow::own(&state.db, user.account_id, id)
        .await
        .map_err(page_error)?;
    let story = events
        .iter()
        .map(|e| StoryLine {
            when: date_text(&shell, Date::of_unix_seconds(e.step.at)),
            status: shell.t(&status_label(e.step.status)),
            note: e.step.note.clone(),
        })
        .collect();
    let (done, problem) = flash.messages(&shell);
    Ok(OnePage {
        id,
        to: referral.service_name.clone(),
        status: shell.t(&status_label(referral.status)),
        tag: status_tag(referral.status),
        reason: referral.reason.clone(),
        story,
        may_withdraw: referral
            .status
            .may_move(Status::Withdrawn, coprod_engine::referrals::Side::Referrer),
        done,
        problem,
        errors,
        note,
        shell,
    })
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    page(
        &one_page(
            &state,
            shell,
            &user,
            id,
            &flash,
            FieldErrors::default(),
            String::new(),
        )
        .await?,
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WithdrawForm {
    pub note: String,
}

pub async fn withdraw(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<WithdrawForm>,
) -> Result<Response> {
    // Someone else's referral is not there, whatever the form says.
    workflow::own(&state.db, user.account_id, id)
        .await
        .map_err(page_error)?;
    let note = form.note.trim().to_owned();
    let mut errors = FieldErrors::default();
    if note.is_empty() {
        errors.add("note", shell.t("referrals.mine.error.why"));
    } else if !text_ok(&note) {
        errors.add("note", shell.t("error.text.too_long"));
    }
    if !errors.is_empty() {
        let flash = Flash::default();
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &one_page(&state, shell, &user, id, &flash, errors, form.note).await?,
        );
    }
    match workflow::withdraw_own(
        &state.db,
        &themselves(&user, &ip),
        user.account_id,
        id,
        &note,
    )
    .await
    {
        Ok(()) => Ok(redirect(&format!("/my-referrals/{id}?done=withdrawn"))),
        Err(ReferralError::Step(e)) => Ok(redirect(&format!(
            "/my-referrals/{id}?problem={}",
            e.code()
        ))),
        Err(ReferralError::Stale) => Ok(redirect(&format!("/my-referrals/{id}?problem=stale"))),
        Err(other) => Err(page_error(other)),
    }
}
