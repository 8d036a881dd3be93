//! Invitations: one-time links emailed to a list of people. Only each
//! link's hash is kept, and the address only for an identified survey, so
//! an anonymous survey's invitations cannot be tied back to anyone.

use askama::Template;
use axum::{
    Extension,
    extract::{Path, State},
    http::StatusCode,
    response::Response,
};
use coprod_engine::{people::EmailAddress, surveys::Audience};
use serde::Deserialize;

use super::{
    builder::runnable,
    store::{self, AccessMode, Status, SurveyRecord},
    ui::{Opt, opts},
};
use crate::{
    accounts::CurrentUser,
    app::AppState,
    audit::{self, Action, Event},
    crypto,
    error::Result,
    web::{ClientIp, FieldErrors, Shell, StrictForm, page_with_status},
};

/// The most invitations sent in one go, so one slip cannot mail thousands.
const MAX_AT_ONCE: usize = 500;

#[derive(Deserialize, Default, Clone, Debug)]
#[serde(default)]
pub(super) struct InviteForm {
    audience: String,
    emails: String,
}

#[derive(Template)]
#[template(path = "surveys/invitations.html")]
struct InvitationsPage {
    shell: Shell,
    survey: SurveyRecord,
    sent: i64,
    answered: i64,
    form: InviteForm,
    errors: FieldErrors,
    just_sent: usize,
    not_sent: Vec<String>,
}

impl InvitationsPage {
    fn audiences(&self) -> Vec<Opt> {
        opts(
            self.survey.version.draft.audiences.iter().map(|a| {
                let key = store::audience_key(*a);
                (
                    key,
                    self.shell.t(&format!("survey.audience.{key}")),
                    String::new(),
                )
            }),
            &self.form.audience,
        )
    }

    fn usable(&self) -> bool {
        self.survey.access == AccessMode::Invitation && self.survey.status == Status::Open
    }
}

async fn show(
    state: &AppState,
    shell: Shell,
    survey: SurveyRecord,
    form: InviteForm,
    errors: FieldErrors,
    outcome: (usize, Vec<String>),
) -> Result<Response> {
    let (sent, answered) = store::invitation_counts(&state.db, survey.id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    page_with_status(
        status,
        &InvitationsPage {
            shell,
            survey,
            sent,
            answered,
            form,
            errors,
            just_sent: outcome.0,
            not_sent: outcome.1,
        },
    )
}

pub(super) async fn list(
    State(state): State<AppState>,
    shell: Shell,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let form = InviteForm {
        audience: survey
            .version
            .draft
            .audiences
            .iter()
            .next()
            .map(|a| store::audience_key(*a).to_owned())
            .unwrap_or_default(),
        ..InviteForm::default()
    };
    show(
        &state,
        shell,
        survey,
        form,
        FieldErrors::default(),
        (0, Vec::new()),
    )
    .await
}

/// The addresses in the box: one a line, or separated by commas.
fn addresses(shell: &Shell, text: &str, errors: &mut FieldErrors) -> Vec<EmailAddress> {
    let mut found: Vec<EmailAddress> = Vec::new();
    let mut bad = Vec::new();
    for raw in text
        .split(['\n', ',', ';'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        match EmailAddress::parse(raw) {
            Ok(email) if !found.contains(&email) => found.push(email),
            Ok(_) => {}
            Err(_) => bad.push(raw.to_owned()),
        }
    }
    if !bad.is_empty() {
        errors.add(
            "emails",
            shell.t1("survey.invitations.bad_addresses", &bad.join(", ")),
        );
    } else if found.is_empty() {
        errors.add("emails", shell.t("survey.invitations.none"));
    } else if found.len() > MAX_AT_ONCE {
        errors.add(
            "emails",
            shell.t1("survey.invitations.too_many", &MAX_AT_ONCE.to_string()),
        );
    }
    found
}

pub(super) async fn send(
    State(state): State<AppState>,
    shell: Shell,
    ClientIp(ip): ClientIp,
    Extension(user): Extension<CurrentUser>,
    Path(id): Path<i64>,
    StrictForm(form): StrictForm<InviteForm>,
) -> Result<Response> {
    let survey = runnable(&state, &user, id).await?;
    let mut errors = FieldErrors::default();
    if survey.access != AccessMode::Invitation || survey.status != Status::Open {
        errors.add("emails", shell.t("survey.invitations.not_usable"));
    }
    let audience: Option<Audience> = store::parse_audience(&form.audience)
        .filter(|a| survey.version.draft.audiences.contains(a));
    if audience.is_none() {
        errors.add("audience", shell.t("survey.invitations.audience"));
    }
    let emails = addresses(&shell, &form.emails, &mut errors);
    let Some(audience) = audience.filter(|_| errors.is_empty()) else {
        return show(&state, shell, survey, form, errors, (0, Vec::new())).await;
    };
    let base = state.settings.public_url.trim_end_matches('/').to_owned();
    let subject = shell.t1("survey.invitations.mail_subject", &survey.title);
    let mut sent = 0;
    let mut not_sent = Vec::new();
    let mut unsent = Vec::new();
    // Each invitation is stored before its mail goes (the link must work
    // as soon as it arrives); the mails that failed take their invitations
    // away again in the transaction that records how many were sent.
    for email in &emails {
        let token = crypto::random_token();
        let kept = survey.identified.then_some(email.as_str());
        let invitation =
            store::create_invitation(&state.db, id, audience, &token, kept, user.account_id)
                .await?;
        let body = shell.tn(
            "survey.invitations.mail_body",
            &[
                &state.settings.partnership_name,
                &survey.title,
                &format!("{base}/invitations/{token}"),
            ],
        );
        match state.mailer.send(email.as_str(), &subject, &body).await {
            Ok(()) => sent += 1,
            Err(error) => {
                tracing::warn!(survey.id = id, error = %error, "an invitation could not be sent");
                unsent.push(invitation);
                not_sent.push(email.as_str().to_owned());
            }
        }
    }
    let mut tx = state.db.begin_write().await?;
    for invitation in unsent {
        store::delete_invitation(&mut tx, invitation).await?;
    }
    audit::record_in(
        &mut tx,
        Event::new(Action::SurveyInvitationsSent, Some(user.account_id), &ip)
            .subject("survey", id)
            .detail(format!("{sent} sent")),
    )
    .await?;
    tx.commit().await?;
    let form = InviteForm {
        audience: form.audience,
        emails: not_sent.join("\n"),
    };
    show(&state, shell, survey, form, errors, (sent, not_sent)).await
}
