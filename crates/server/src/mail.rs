//! Outgoing mail: through an SMTP server, or — for a laptop with no mail
//! server — into `.eml` files in the data directory's outbox.

use std::path::PathBuf;

use anyhow::Context;
use lettre::{
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
    message::{Mailbox, header::ContentType},
    transport::smtp::authentication::Credentials,
};
use secrecy::ExposeSecret;

use crate::settings::{MailTransport, Settings, SmtpSecurity};

/// Sends plain-text messages.
#[derive(Clone)]
pub enum Mailer {
    Smtp {
        transport: AsyncSmtpTransport<Tokio1Executor>,
        from: Mailbox,
    },
    Outbox {
        dir: PathBuf,
        from: Mailbox,
    },
}

impl Mailer {
    pub fn from_settings(settings: &Settings) -> anyhow::Result<Self> {
        let mail = &settings.mail;
        let from: Mailbox = mail
            .from
            .parse()
            .with_context(|| format!("mail.from ({}) is not a valid address", mail.from))?;
        Ok(match mail.transport {
            MailTransport::Outbox => Mailer::Outbox {
                dir: settings.data_dir.join("outbox"),
                from,
            },
            MailTransport::Smtp => {
                let mut builder = match mail.smtp_security {
                    SmtpSecurity::None => {
                        AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&mail.smtp_host)
                    }
                    SmtpSecurity::Starttls => {
                        AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&mail.smtp_host)?
                    }
                    SmtpSecurity::Tls => {
                        AsyncSmtpTransport::<Tokio1Executor>::relay(&mail.smtp_host)?
                    }
                }
                .port(mail.smtp_port)
                .timeout(Some(std::time::Duration::from_secs(20)));
                if let (Some(user), Some(password)) = (&mail.smtp_username, &mail.smtp_password) {
                    builder = builder.credentials(Credentials::new(
                        user.clone(),
                        password.expose_secret().to_owned(),
                    ));
                }
                Mailer::Smtp {
                    transport: builder.build(),
                    from,
                }
            }
        })
    }

    /// Whether the mail library takes `address` as a recipient. Addresses
    /// are checked with this where they are collected, so one that can
    /// never be mailed (`jo,doe@example.org`) is refused at the form rather
    /// than stored and failing later.
    pub fn deliverable(address: &str) -> bool {
        address.parse::<lettre::Address>().is_ok()
    }

    pub async fn send(&self, to: &str, subject: &str, body: &str) -> anyhow::Result<()> {
        let from = match self {
            Mailer::Smtp { from, .. } | Mailer::Outbox { from, .. } => from.clone(),
        };
        let message = Message::builder()
            .from(from)
            .to(to.parse().context("the recipient is not a valid address")?)
            .subject(subject)
            .header(ContentType::TEXT_PLAIN)
            .body(body.to_owned())?;
        match self {
            Mailer::Smtp { transport, .. } => {
                transport
                    .send(message)
                    .await
                    .context("the SMTP server refused the message")?;
            }
            Mailer::Outbox { dir, .. } => {
                tokio::fs::create_dir_all(dir).await?;
                let name = format!(
                    "{}-{}.eml",
                    crate::db::now(),
                    &crate::crypto::random_token()[..8]
                );
                tokio::fs::write(dir.join(name), message.formatted()).await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::Mailer;

    #[test]
    fn deliverable_is_the_mail_library_s_own_judgement() {
        assert!(Mailer::deliverable("jo.doe+news@example.org"));
        for refused in [
            "jo,doe@example.org",
            "jo doe@example.org",
            "jo@",
            "<jo@example.org>",
        ] {
            assert!(!Mailer::deliverable(refused), "{refused}");
        }
    }
}
