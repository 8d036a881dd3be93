//! Offering help and asking for it: for oneself (`/help/…/new`), or by a
//! coordinator on someone's behalf, recording how they reached us
//! (`/coordination/people/{id}/…/new`).

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::place::Postcode;
use sqlx::AnyConnection;

use super::{audit_action, held_person};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::Action,
    coordination::{
        forms::{OfferForm, OwnDetails, RequestForm},
        model::{Channel, Person, today},
        store::{self, people::NewPerson},
        views,
    },
    error::{AppError, Result},
    places::store::{self as places, PostcodeRecord},
    web::{ClientIp, FieldErrors, Shell, StrictForm, page, page_with_status},
};

/// The weekday boxes: (code, name).
fn day_boxes(shell: &Shell) -> Vec<(&'static str, String)> {
    ["mo", "tu", "we", "th", "fr", "sa", "su"]
        .into_iter()
        .map(|code| (code, shell.t(&format!("coordination.day.{code}"))))
        .collect()
}

/// Choices for a select: (value, the catalogue's name under `prefix`).
fn choices(shell: &Shell, prefix: &str, values: &[&str]) -> Vec<(String, String)> {
    values
        .iter()
        .map(|v| ((*v).to_owned(), shell.t(&format!("{prefix}.{v}"))))
        .collect()
}

fn channels(shell: &Shell) -> Vec<(String, String)> {
    Channel::ON_BEHALF
        .iter()
        .map(|c| (c.as_str().to_owned(), shell.t(c.label_key())))
        .collect()
}

#[derive(Template)]
#[template(path = "coordination/offer_form.html")]
struct OfferPage {
    shell: Shell,
    action: String,
    back: String,
    /// Whose offer, when a coordinator enters it.
    for_person: String,
    form: OfferForm,
    terms: Vec<(String, String)>,
    errors: FieldErrors,
}

impl OfferPage {
    fn days(&self) -> Vec<(&'static str, String)> {
        day_boxes(&self.shell)
    }
    fn kinds(&self) -> Vec<(String, String)> {
        choices(
            &self.shell,
            "coordination.kind",
            &["time", "skill", "place", "thing"],
        )
    }
    fn units(&self) -> Vec<(String, String)> {
        choices(&self.shell, "coordination.unit", &["people", "hours"])
    }
    fn commitments(&self) -> Vec<(String, String)> {
        choices(
            &self.shell,
            "coordination.commitment",
            &["either", "one_off_only", "recurring_only"],
        )
    }
    fn wheelchairs(&self) -> Vec<(String, String)> {
        choices(
            &self.shell,
            "coordination.wheelchair",
            &["not_applicable", "accessible", "not_accessible"],
        )
    }
    fn channels(&self) -> Vec<(String, String)> {
        channels(&self.shell)
    }
    fn own(&self) -> bool {
        self.for_person.is_empty()
    }
}

#[derive(Template)]
#[template(path = "coordination/request_form.html")]
struct RequestPage {
    shell: Shell,
    action: String,
    back: String,
    for_person: String,
    form: RequestForm,
    terms: Vec<(String, String)>,
    errors: FieldErrors,
}

impl RequestPage {
    fn days(&self) -> Vec<(&'static str, String)> {
        day_boxes(&self.shell)
    }
    fn urgencies(&self) -> Vec<(String, String)> {
        choices(
            &self.shell,
            "coordination.urgency",
            &["routine", "soon", "urgent"],
        )
    }
    fn channels(&self) -> Vec<(String, String)> {
        channels(&self.shell)
    }
    fn own(&self) -> bool {
        self.for_person.is_empty()
    }
    fn categories(&self) -> Vec<(String, String)> {
        let mut choices = vec![(
            String::new(),
            self.shell.t("coordination.request.choose_category"),
        )];
        choices.extend(self.terms.iter().cloned());
        choices
    }
    fn weekly(&self) -> bool {
        self.form.how_often == "weekly"
    }
}

/// The directory's entry for a typed postcode, if it has one.
async fn place(state: &AppState, raw: &str) -> Result<Option<PostcodeRecord>> {
    Ok(match Postcode::parse(raw) {
        Ok(postcode) => places::lookup(&state.db, &postcode).await?,
        Err(_) => None,
    })
}

/// The signed-in person's record, made on first use from their account.
async fn own_person(conn: &mut AnyConnection, user: &CurrentUser) -> Result<Person> {
    if let Some(person) = store::people::for_account(conn, user.account_id).await? {
        return Ok(person);
    }
    let id = store::people::create(
        conn,
        &NewPerson {
            account_id: Some(user.account_id),
            // Someone who comes online by themselves is the partnership's.
            organisation_id: None,
            display_name: user.display_name.clone(),
            phone: String::new(),
            email: Some(user.email.clone()),
            gender: None,
            pays_own_time: true,
            channel: Channel::Online,
        },
        None,
    )
    .await?;
    store::people::find(conn, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A person a coordinator is acting for.
async fn their_person(state: &AppState, user: &CurrentUser, id: i64) -> Result<Person> {
    let mut conn = state.db.pool().acquire().await?;
    held_person(&mut conn, user, id).await
}

async fn terms(state: &AppState) -> Result<Vec<(String, String)>> {
    let mut conn = state.db.pool().acquire().await?;
    Ok(views::terms(&mut conn).await?)
}

/// Saves what was given about the person themselves with an offer or a
/// request.
async fn save_details(
    conn: &mut AnyConnection,
    person: &Person,
    details: &OwnDetails,
) -> Result<()> {
    store::people::update_details(conn, person.id, &details.phone, details.gender.as_deref())
        .await?;
    Ok(())
}

pub async fn own_offer_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let mut form = OfferForm::blank();
    if let Some(person) = store::people::for_account(&mut conn, user.account_id).await? {
        form.phone = person.phone;
        form.gender = person.gender.unwrap_or_default();
    }
    page(&OfferPage {
        shell,
        action: "/help/offers/new".into(),
        back: "/help".into(),
        for_person: String::new(),
        form,
        terms: views::terms(&mut conn).await?,
        errors: FieldErrors::default(),
    })
}

pub async fn own_offer(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    StrictForm(form): StrictForm<OfferForm>,
) -> Result<Response> {
    let terms = terms(&state).await?;
    let place = place(&state, &form.postcode).await?;
    let mut errors = FieldErrors::default();
    let Some((offer, details)) = form.check(&shell, &terms, place.as_ref(), true, &mut errors)
    else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &OfferPage {
                shell,
                action: "/help/offers/new".into(),
                back: "/help".into(),
                for_person: String::new(),
                form,
                terms,
                errors,
            },
        );
    };
    let mut tx = state.db.begin_write().await?;
    let person = own_person(&mut tx, &user).await?;
    save_details(&mut tx, &person, &details).await?;
    store::people::set_area_if_unknown(
        &mut tx,
        person.id,
        place.as_ref().and_then(|p| p.data_zone.as_deref()),
    )
    .await?;
    store::offers::create(&mut tx, person.id, &offer, Some(user.account_id)).await?;
    tx.commit().await?;
    Ok(redirect("/help?done=offer"))
}

pub async fn their_offer_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let person = their_person(&state, &user, id).await?;
    page(&OfferPage {
        shell,
        action: format!("/coordination/people/{id}/offers/new"),
        back: format!("/coordination/people/{id}"),
        for_person: person.display_name,
        form: OfferForm::blank(),
        terms: terms(&state).await?,
        errors: FieldErrors::default(),
    })
}

pub async fn their_offer(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<OfferForm>,
) -> Result<Response> {
    let person = their_person(&state, &user, id).await?;
    let terms = terms(&state).await?;
    let place = place(&state, &form.postcode).await?;
    let mut errors = FieldErrors::default();
    let Some((offer, _)) = form.check(&shell, &terms, place.as_ref(), false, &mut errors) else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &OfferPage {
                shell,
                action: format!("/coordination/people/{id}/offers/new"),
                back: format!("/coordination/people/{id}"),
                for_person: person.display_name,
                form,
                terms,
                errors,
            },
        );
    };
    let mut tx = state.db.begin_write().await?;
    store::people::set_area_if_unknown(
        &mut tx,
        person.id,
        place.as_ref().and_then(|p| p.data_zone.as_deref()),
    )
    .await?;
    let offer_id = store::offers::create(&mut tx, person.id, &offer, Some(user.account_id)).await?;
    audit_action(
        &mut tx,
        &user,
        &ip,
        Action::HelpEnteredOnBehalf,
        person.id,
        format!("offer {offer_id} by {}", offer.channel.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/coordination/people/{id}?done=offer")))
}

pub async fn own_request_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
) -> Result<Response> {
    let mut conn = state.db.pool().acquire().await?;
    let mut form = RequestForm::blank();
    form.date = today().to_string();
    if let Some(person) = store::people::for_account(&mut conn, user.account_id).await? {
        form.phone = person.phone;
        form.gender = person.gender.unwrap_or_default();
    }
    page(&RequestPage {
        shell,
        action: "/help/requests/new".into(),
        back: "/help".into(),
        for_person: String::new(),
        form,
        terms: views::terms(&mut conn).await?,
        errors: FieldErrors::default(),
    })
}

pub async fn own_request(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    StrictForm(form): StrictForm<RequestForm>,
) -> Result<Response> {
    let terms = terms(&state).await?;
    let place = place(&state, &form.postcode).await?;
    let mut errors = FieldErrors::default();
    let Some((request, details)) =
        form.check(&shell, &terms, place.as_ref(), today(), true, &mut errors)
    else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &RequestPage {
                shell,
                action: "/help/requests/new".into(),
                back: "/help".into(),
                for_person: String::new(),
                form,
                terms,
                errors,
            },
        );
    };
    let mut tx = state.db.begin_write().await?;
    let person = own_person(&mut tx, &user).await?;
    save_details(&mut tx, &person, &details).await?;
    store::people::set_area_if_unknown(
        &mut tx,
        person.id,
        place.as_ref().and_then(|p| p.data_zone.as_deref()),
    )
    .await?;
    store::requests::create(&mut tx, person.id, &request, Some(user.account_id)).await?;
    tx.commit().await?;
    Ok(redirect("/help?done=request"))
}

pub async fn their_request_form(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let person = their_person(&state, &user, id).await?;
    let mut form = RequestForm::blank();
    form.date = today().to_string();
    page(&RequestPage {
        shell,
        action: format!("/coordination/people/{id}/requests/new"),
        back: format!("/coordination/people/{id}"),
        for_person: person.display_name,
        form,
        terms: terms(&state).await?,
        errors: FieldErrors::default(),
    })
}

pub async fn their_request(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<RequestForm>,
) -> Result<Response> {
    let person = their_person(&state, &user, id).await?;
    let terms = terms(&state).await?;
    let place = place(&state, &form.postcode).await?;
    let mut errors = FieldErrors::default();
    let Some((request, _)) =
        form.check(&shell, &terms, place.as_ref(), today(), false, &mut errors)
    else {
        return page_with_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &RequestPage {
                shell,
                action: format!("/coordination/people/{id}/requests/new"),
                back: format!("/coordination/people/{id}"),
                for_person: person.display_name,
                form,
                terms,
                errors,
            },
        );
    };
    let mut tx = state.db.begin_write().await?;
    store::people::set_area_if_unknown(
        &mut tx,
        person.id,
        place.as_ref().and_then(|p| p.data_zone.as_deref()),
    )
    .await?;
    let request_id =
        store::requests::create(&mut tx, person.id, &request, Some(user.account_id)).await?;
    audit_action(
        &mut tx,
        &user,
        &ip,
        Action::HelpEnteredOnBehalf,
        person.id,
        format!("request {request_id} by {}", request.channel.as_str()),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!(
        "/coordination/requests/{request_id}?done=request"
    )))
}
