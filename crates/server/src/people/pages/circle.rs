use askama::Template;
use axum::{
    Extension,
    extract::{Path, Query, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::plain;
use sqlx::AnyConnection;

use super::{Flash, changed, held, read};
use crate::{
    access::redirect,
    accounts::CurrentUser,
    app::AppState,
    audit::Action,
    coordination::{COORDINATING_ROLES, store as coordination},
    error::{AppError, Result},
    people::{
        forms::TieForm,
        model::{Layer, Record, Tie},
        rings::{self, Picture},
        store::{self, record::Basis},
    },
    web::{ClientIp, FieldErrors, NoFields, Shell, StrictForm, page_with_status},
};

#[derive(Template)]
#[template(path = "people/circle.html")]
struct CirclePage {
    shell: Shell,
    done: String,
    id: i64,
    name: String,
    called: String,
    locked: bool,
    ties: Vec<Tie>,
    picture: Picture,
    size: String,
    centre: String,
    centre_radius: String,
    offers: Vec<String>,
    hours_given: String,
    /// Whether the reader may open the desk's pages of the person.
    coordinator: bool,
    form: TieForm,
    errors: FieldErrors,
    services: Vec<(String, String)>,
}

impl CirclePage {
    fn layers(&self) -> Vec<(String, String)> {
        Layer::ALL
            .iter()
            .map(|l| (l.key().to_owned(), self.shell.t(&l.label_key())))
            .collect()
    }

    fn ring_of(&self, tie: &Tie) -> String {
        self.shell.t(&tie.layer.label_key())
    }
}

#[expect(
    clippy::too_many_arguments,
    reason = "the page's parts, read in the caller's transaction"
)]
async fn render(
    conn: &mut AnyConnection,
    shell: Shell,
    user: &CurrentUser,
    record: Record,
    done: String,
    form: TieForm,
    errors: FieldErrors,
    status: StatusCode,
) -> Result<Response> {
    let id = record.id();
    let ties = store::circle::list(conn, id).await?;
    let picture = rings::layout(
        |layer| shell.t(&layer.label_key()),
        &ties
            .iter()
            .map(|t| (t.layer, t.name.clone(), t.in_plan))
            .collect::<Vec<_>>(),
    );
    let offers = coordination::offers::for_person(conn, id)
        .await?
        .into_iter()
        .filter(|o| o.open)
        .map(|o| o.description)
        .collect();
    let hours_given = plain::minutes(store::record::minutes_given(conn, id).await?);
    let locked = store::record::basis(conn, id).await? == Basis::Withdrawn;
    let services = store::record::services(conn).await?;
    page_with_status(
        status,
        &CirclePage {
            done,
            id,
            called: record.called().to_owned(),
            coordinator: user.may(COORDINATING_ROLES, record.person.organisation_id),
            name: record.person.display_name,
            locked,
            ties,
            picture,
            size: format!("{:.0}", rings::SIZE),
            centre: format!("{:.0}", rings::SIZE / 2.0),
            centre_radius: format!("{:.0}", rings::CENTRE_RADIUS),
            offers,
            hours_given,
            form,
            errors,
            services,
            shell,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    Query(flash): Query<Flash>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let found = held(&mut tx, &user, id).await?;
    read(&mut tx, &user, &ip, &found, "circle of support").await?;
    let done = flash.message(&shell);
    let response = render(
        &mut tx,
        shell,
        &user,
        found.record,
        done,
        TieForm::default(),
        FieldErrors::default(),
        StatusCode::OK,
    )
    .await?;
    tx.commit().await?;
    Ok(response)
}

pub async fn add(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<TieForm>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    let found = held(&mut tx, &user, id).await?;
    let mut errors = FieldErrors::default();
    if store::record::basis(&mut tx, id).await? == Basis::Withdrawn {
        errors.add("name", shell.t("record.error.withdrawn"));
    }
    let tie = form.check(&shell, &mut errors);
    if let Some(service) = tie.as_ref().and_then(|t| t.service_id.as_deref())
        && !store::record::service_exists(&mut tx, service).await?
    {
        errors.add("service_id", shell.t("record.error.service"));
    }
    let Some(tie) = tie.filter(|_| errors.is_empty()) else {
        // The page shown again reads the record: that read is recorded.
        read(&mut tx, &user, &ip, &found, "circle of support").await?;
        let response = render(
            &mut tx,
            shell,
            &user,
            found.record,
            String::new(),
            form,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await?;
        tx.commit().await?;
        return Ok(response);
    };
    let tie_id = store::circle::add(&mut tx, id, &tie, Some(user.account_id)).await?;
    changed(
        &mut tx,
        &user,
        &ip,
        Action::PersonCircleChanged,
        id,
        format!("tie {tie_id} added ({})", tie.layer.key()),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/people/{id}/circle?done=tie_added")))
}

pub async fn remove(
    State(state): State<AppState>,
    Extension(user): Extension<CurrentUser>,
    ClientIp(ip): ClientIp,
    Path((id, tie_id)): Path<(i64, i64)>,
    StrictForm(_): StrictForm<NoFields>,
) -> Result<Response> {
    let mut tx = state.db.begin_write().await?;
    held(&mut tx, &user, id).await?;
    if !store::circle::remove(&mut tx, id, tie_id).await? {
        return Err(AppError::NotFound);
    }
    changed(
        &mut tx,
        &user,
        &ip,
        Action::PersonCircleChanged,
        id,
        format!("tie {tie_id} removed"),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect(&format!("/people/{id}/circle?done=tie_removed")))
}
