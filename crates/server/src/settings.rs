//! One typed settings struct: defaults, then an optional TOML file, then
//! `COPROD_*` environment variables, then command-line flags (applied by the
//! CLI). Secrets are `SecretString`, which never prints in `Debug` or logs.

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Everything an operator can configure.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Address and port the HTTP server listens on.
    pub listen: SocketAddr,
    /// Where the `SQLite` database, backups and the mail outbox live.
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…`; empty means `SQLite` in `data_dir`.
    pub database_url: Option<SecretString>,
    /// The address people reach the service at, used in emailed links and to
    /// decide whether cookies are marked `Secure`.
    pub public_url: String,
    /// The partnership this deployment serves.
    pub partnership_name: String,
    /// How long a signed-in session lasts without use, in minutes.
    pub session_idle_minutes: i64,
    /// How long a password reset link stays valid, in minutes.
    pub reset_link_minutes: i64,
    /// Failed sign-ins for one account, within the window, before it is paused.
    pub throttle_account_failures: i64,
    /// Failed sign-ins from one address, within the window, before it is paused.
    pub throttle_ip_failures: i64,
    /// The throttling window, in minutes.
    pub throttle_window_minutes: i64,
    /// Password reset requests for one email address, within the request
    /// window, before further ones are refused.
    pub reset_requests_per_address: i64,
    /// Password reset requests from one client address, within the request
    /// window, before further ones are refused.
    pub reset_requests_per_client: i64,
    /// Sign-ups tried with one email address, within the request window,
    /// before further ones are refused.
    pub sign_ups_per_address: i64,
    /// Sign-ups tried from one client address, within the request window,
    /// before further ones are refused.
    pub sign_ups_per_client: i64,
    /// The window for the password reset and sign-up limits, in minutes.
    pub request_window_minutes: i64,
    /// Addresses of load balancers or reverse proxies whose
    /// `X-Forwarded-For` header names the real client.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Largest request body accepted, in bytes.
    pub max_body_bytes: usize,
    /// Memory for the public HSDS API's kept answers, in megabytes; 0 turns
    /// keeping them off.
    pub hsds_cache_megabytes: u64,
    /// Outgoing mail.
    pub mail: MailSettings,
    /// The map beside the search results.
    pub map: MapSettings,
    /// How long each kind of record about a person is kept.
    pub retention: RetentionSettings,
    /// How quickly referrals are answered and followed up.
    pub referrals: ReferralSettings,
    /// The background job queue's workers in this instance.
    pub jobs: JobSettings,
}

/// The background job queue's workers in one serving instance
/// (`crate::jobs`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct JobSettings {
    /// Whether this instance claims and runs jobs (and enqueues the
    /// recurring sweeps). Off, it only serves pages; others do the work.
    pub enabled: bool,
    /// How long an idle worker waits before looking for due jobs again, in
    /// milliseconds. A worker that found a job looks again at once.
    pub poll_interval_ms: u64,
    /// Workers in this instance on `PostgreSQL`; `SQLite` runs one.
    pub concurrency: usize,
    /// How often the recurring sweeps (escalating overdue referrals,
    /// reminding about stalled ones) run, in minutes.
    pub sweep_minutes: u64,
}

impl Default for JobSettings {
    fn default() -> Self {
        Self {
            enabled: true,
            poll_interval_ms: 2000,
            concurrency: 2,
            sweep_minutes: 15,
        }
    }
}

impl JobSettings {
    pub fn poll_interval(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.poll_interval_ms.max(10))
    }

    /// The sweep period in seconds, at least a minute.
    pub fn sweep_period_seconds(&self) -> i64 {
        i64::try_from(self.sweep_minutes.max(1).saturating_mul(60)).unwrap_or(i64::MAX)
    }
}

/// How quickly a receiving organisation answers a referral and follows it
/// up, in working days (Monday to Friday, less `holidays`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ReferralSettings {
    /// A referral not accepted or declined within this many working days
    /// is escalated.
    pub respond_working_days: u32,
    /// An accepted referral with no contact for this long has stalled.
    pub contact_working_days: u32,
    /// A contacted referral with no attendance for this long has stalled.
    pub attend_working_days: u32,
    /// Days that are not working days; Scotland's bank holidays unless set.
    pub holidays: Vec<coprod_engine::schedule::Date>,
}

impl Default for ReferralSettings {
    fn default() -> Self {
        Self {
            respond_working_days: 5,
            contact_working_days: 5,
            attend_working_days: 15,
            holidays: coprod_engine::referrals::calendar::WorkingCalendar::scotland()
                .holidays()
                .collect(),
        }
    }
}

impl ReferralSettings {
    /// The working calendar these settings describe.
    pub fn calendar(&self) -> coprod_engine::referrals::calendar::WorkingCalendar {
        coprod_engine::referrals::calendar::WorkingCalendar::new(self.holidays.iter().copied())
    }

    /// When referrals stall.
    pub fn stall_rules(&self) -> coprod_engine::referrals::stall::StallRules {
        coprod_engine::referrals::stall::StallRules {
            contact_within: self.contact_working_days,
            attend_within: self.attend_working_days,
        }
    }
}

/// How long each kind of record about a person is kept, in days. The daily
/// housekeeping applies them (`privacy::retention`); the privacy notice
/// states them. Failed sign-ins keep the typed email only for
/// `throttle_window_minutes`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionSettings {
    /// Offers withdrawn and requests closed or withdrawn: after this long
    /// their description, address and postcode are removed (the fact that
    /// help was given, and its hours, stay).
    pub help_records_days: i64,
    /// A personal star whose consent was withdrawn is deleted after this long.
    pub withdrawn_star_days: i64,
    /// Email addresses of survey invitations are removed after this long.
    pub survey_invitation_days: i64,
    /// The reporter's email address on a listing report is removed this long after it was made.
    pub listing_report_days: i64,
    /// Audit log entries lose their address (ip) and details after this long.
    pub audit_days: i64,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            help_records_days: 2 * 365,
            withdrawn_star_days: 30,
            survey_invitation_days: 180,
            listing_report_days: 365,
            audit_days: 6 * 365,
        }
    }
}

/// How mail leaves the service.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailSettings {
    /// `smtp` sends through `smtp_host`; `outbox` writes `.eml` files to
    /// `data_dir/outbox`, for a laptop without a mail server.
    pub transport: MailTransport,
    pub from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    /// `none` (a local relay), `starttls` or `tls`.
    pub smtp_security: SmtpSecurity,
    pub smtp_username: Option<String>,
    pub smtp_password: Option<SecretString>,
}

/// Where the search page's map draws its background from.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MapSettings {
    /// A tile server's URL template (`https://tiles.example.org/{z}/{x}/{y}.png`).
    /// None draws the pins on a plain background: no third party learns
    /// where anyone searched until an operator chooses a tile provider.
    pub tile_url: Option<TileUrl>,
    /// The credit the tile provider asks for, shown on the map as plain text.
    pub tile_attribution: String,
}

/// A tile server's URL template with `{z}`, `{x}` and `{y}` (and optionally
/// `{s}` for the leftmost part of the host, `{r}` for high-density tiles),
/// known to name one http(s) origin that a Content-Security-Policy can allow.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct TileUrl {
    template: String,
    source: String,
}

impl TileUrl {
    /// Checks the template and works out the origin its tiles come from.
    pub fn parse(template: &str) -> Result<Self, String> {
        let template = template.trim();
        for placeholder in ["{z}", "{x}", "{y}"] {
            if !template.contains(placeholder) {
                return Err(format!(
                    "a tile URL needs {{z}}, {{x}} and {{y}}, like https://tiles.example.org/{{z}}/{{x}}/{{y}}.png; {template:?} has no {placeholder}"
                ));
            }
        }
        let (scheme, rest) = template
            .split_once("://")
            .filter(|(scheme, _)| matches!(*scheme, "http" | "https"))
            .ok_or_else(|| {
                format!("a tile URL starts with https:// or http://, not {template:?}")
            })?;
        // Leaflet puts one of a few letters in place of `{s}` to spread the
        // load over mirrors; the policy then allows any one-label subdomain
        // of the rest of the host, and nothing above it.
        let (any_subdomain, rest) = match rest.strip_prefix("{s}.") {
            Some(rest) => (true, rest),
            None => (false, rest),
        };
        let url = url::Url::parse(&format!("{scheme}://{rest}"))
            .map_err(|e| format!("{template:?} is not a URL: {e}"))?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(format!(
                "a tile URL is sent to every visitor's browser, so it must not hold a user name or password: {template:?}"
            ));
        }
        let host = match url.host() {
            Some(url::Host::Domain(name))
                if name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.') =>
            {
                name.to_owned()
            }
            Some(url::Host::Ipv4(address)) if !any_subdomain => address.to_string(),
            Some(url::Host::Ipv6(address)) if !any_subdomain => format!("[{address}]"),
            _ => return Err(format!("{template:?} does not name a tile server's host")),
        };
        let port = url.port().map(|p| format!(":{p}")).unwrap_or_default();
        let wildcard = if any_subdomain { "*." } else { "" };
        Ok(Self {
            template: template.to_owned(),
            source: format!("{scheme}://{wildcard}{host}{port}"),
        })
    }

    /// The template as configured, for Leaflet.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// The origin tiles are fetched from, as a Content-Security-Policy
    /// source: `https://tiles.example.org`, or `https://*.tiles.example.org`
    /// for a template with `{s}`.
    pub fn policy_source(&self) -> &str {
        &self.source
    }
}

impl TryFrom<String> for TileUrl {
    type Error = String;

    fn try_from(template: String) -> Result<Self, Self::Error> {
        Self::parse(&template)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailTransport {
    Smtp,
    Outbox,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmtpSecurity {
    None,
    Starttls,
    Tls,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            data_dir: PathBuf::from("./data"),
            database_url: None,
            public_url: "http://127.0.0.1:8080".to_owned(),
            partnership_name: "coprod".to_owned(),
            session_idle_minutes: 8 * 60,
            reset_link_minutes: 60,
            throttle_account_failures: 5,
            throttle_ip_failures: 30,
            throttle_window_minutes: 15,
            reset_requests_per_address: 3,
            reset_requests_per_client: 20,
            sign_ups_per_address: 3,
            sign_ups_per_client: 20,
            request_window_minutes: 60,
            trusted_proxies: Vec::new(),
            max_body_bytes: 1024 * 1024,
            hsds_cache_megabytes: 32,
            mail: MailSettings::default(),
            map: MapSettings::default(),
            retention: RetentionSettings::default(),
            referrals: ReferralSettings::default(),
            jobs: JobSettings::default(),
        }
    }
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            transport: MailTransport::Outbox,
            from: "coprod <no-reply@localhost>".to_owned(),
            smtp_host: "localhost".to_owned(),
            smtp_port: 25,
            smtp_security: SmtpSecurity::None,
            smtp_username: None,
            smtp_password: None,
        }
    }
}

/// A setting that could not be read, with where it came from.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("could not read the settings file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the settings file {path} is not valid: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("the environment variable {name} is not valid: {reason}")]
    Env { name: String, reason: String },
}

/// A yes-or-no setting from the environment.
fn flag(value: &str) -> Result<bool, String> {
    match value {
        "true" | "1" | "yes" | "on" => Ok(true),
        "false" | "0" | "no" | "off" => Ok(false),
        other => Err(format!("expected true or false, got {other:?}")),
    }
}

impl Settings {
    /// Defaults, overlaid by the TOML file (if given), overlaid by `COPROD_*`
    /// variables from `env`.
    pub fn load(
        file: Option<&Path>,
        env: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Self, SettingsError> {
        let mut settings = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| SettingsError::Read {
                    path: path.to_owned(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| SettingsError::Parse {
                    path: path.to_owned(),
                    source,
                })?
            }
            None => Settings::default(),
        };
        for (name, value) in env {
            if let Some(key) = name.strip_prefix("COPROD_") {
                settings
                    .apply_env(key, &value)
                    .map_err(|reason| SettingsError::Env {
                        name: name.clone(),
                        reason,
                    })?;
            }
        }
        Ok(settings)
    }

    fn apply_env(&mut self, key: &str, value: &str) -> Result<(), String> {
        fn number<T: std::str::FromStr>(value: &str) -> Result<T, String> {
            value
                .parse()
                .map_err(|_| format!("expected a number, got {value:?}"))
        }
        match key {
            "LISTEN" => {
                self.listen = value.parse().map_err(|_| {
                    format!("expected HOST:PORT such as 127.0.0.1:8080, got {value:?}")
                })?;
            }
            "DATA_DIR" => self.data_dir = PathBuf::from(value),
            "DATABASE_URL" => self.database_url = Some(SecretString::from(value.to_owned())),
            "PUBLIC_URL" => value.clone_into(&mut self.public_url),
            "PARTNERSHIP_NAME" => value.clone_into(&mut self.partnership_name),
            "SESSION_IDLE_MINUTES" => self.session_idle_minutes = number(value)?,
            "RESET_LINK_MINUTES" => self.reset_link_minutes = number(value)?,
            "THROTTLE_ACCOUNT_FAILURES" => self.throttle_account_failures = number(value)?,
            "THROTTLE_IP_FAILURES" => self.throttle_ip_failures = number(value)?,
            "THROTTLE_WINDOW_MINUTES" => self.throttle_window_minutes = number(value)?,
            "RESET_REQUESTS_PER_ADDRESS" => self.reset_requests_per_address = number(value)?,
            "RESET_REQUESTS_PER_CLIENT" => self.reset_requests_per_client = number(value)?,
            "SIGN_UPS_PER_ADDRESS" => self.sign_ups_per_address = number(value)?,
            "SIGN_UPS_PER_CLIENT" => self.sign_ups_per_client = number(value)?,
            "REQUEST_WINDOW_MINUTES" => self.request_window_minutes = number(value)?,
            "TRUSTED_PROXIES" => {
                self.trusted_proxies = value
                    .split(',')
                    .map(str::trim)
                    .filter(|part| !part.is_empty())
                    .map(|part| {
                        part.parse()
                            .map_err(|_| format!("{part:?} is not an IP address"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "MAX_BODY_BYTES" => self.max_body_bytes = number(value)?,
            "HSDS_CACHE_MEGABYTES" => self.hsds_cache_megabytes = number(value)?,
            "MAIL_TRANSPORT" => {
                self.mail.transport = match value {
                    "smtp" => MailTransport::Smtp,
                    "outbox" => MailTransport::Outbox,
                    other => return Err(format!("expected smtp or outbox, got {other:?}")),
                }
            }
            "MAIL_FROM" => value.clone_into(&mut self.mail.from),
            "SMTP_HOST" => value.clone_into(&mut self.mail.smtp_host),
            "SMTP_PORT" => self.mail.smtp_port = number(value)?,
            "SMTP_SECURITY" => {
                self.mail.smtp_security = match value {
                    "none" => SmtpSecurity::None,
                    "starttls" => SmtpSecurity::Starttls,
                    "tls" => SmtpSecurity::Tls,
                    other => return Err(format!("expected none, starttls or tls, got {other:?}")),
                }
            }
            "SMTP_USERNAME" => self.mail.smtp_username = Some(value.to_owned()),
            "SMTP_PASSWORD" => self.mail.smtp_password = Some(SecretString::from(value.to_owned())),
            // Empty turns a tile server set in the file off again.
            "MAP_TILE_URL" if value.trim().is_empty() => self.map.tile_url = None,
            "MAP_TILE_URL" => self.map.tile_url = Some(TileUrl::parse(value)?),
            "RETENTION_HELP_RECORDS_DAYS" => self.retention.help_records_days = number(value)?,
            "RETENTION_WITHDRAWN_STAR_DAYS" => {
                self.retention.withdrawn_star_days = number(value)?;
            }
            "RETENTION_SURVEY_INVITATION_DAYS" => {
                self.retention.survey_invitation_days = number(value)?;
            }
            "RETENTION_LISTING_REPORT_DAYS" => self.retention.listing_report_days = number(value)?,
            "RETENTION_AUDIT_DAYS" => self.retention.audit_days = number(value)?,
            "REFERRAL_RESPOND_WORKING_DAYS" => {
                self.referrals.respond_working_days = number(value)?;
            }
            "REFERRAL_CONTACT_WORKING_DAYS" => {
                self.referrals.contact_working_days = number(value)?;
            }
            "REFERRAL_ATTEND_WORKING_DAYS" => self.referrals.attend_working_days = number(value)?,
            "REFERRAL_HOLIDAYS" => {
                self.referrals.holidays = value
                    .split(',')
                    .map(str::trim)
                    .filter(|part| !part.is_empty())
                    .map(|part| {
                        coprod_engine::schedule::Date::parse(part)
                            .map_err(|_| format!("{part:?} is not a date (YYYY-MM-DD)"))
                    })
                    .collect::<Result<_, _>>()?;
            }
            "JOBS_ENABLED" => self.jobs.enabled = flag(value)?,
            "JOBS_POLL_INTERVAL_MS" => self.jobs.poll_interval_ms = number(value)?,
            "JOBS_CONCURRENCY" => self.jobs.concurrency = number(value)?,
            "JOBS_SWEEP_MINUTES" => self.jobs.sweep_minutes = number(value)?,
            "MAP_TILE_ATTRIBUTION" => value.trim().clone_into(&mut self.map.tile_attribution),
            // Variables for other tools (the test harness, the CLI's own
            // flags) share the prefix; they are not settings.
            _ => {}
        }
        Ok(())
    }

    /// The database to use: the configured URL, or `SQLite` in the data dir.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) if !url.expose_secret().trim().is_empty() => url.expose_secret().to_owned(),
            _ => format!(
                "sqlite://{}",
                self.data_dir.join("coprod.sqlite3").display()
            ),
        }
    }

    /// Whether people reach the service over HTTPS (the public URL says so).
    pub fn served_over_https(&self) -> bool {
        self.public_url
            .get(..8)
            .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
    }

    /// Cookies carry `Secure` whenever people reach the service over HTTPS.
    pub fn cookies_secure(&self) -> bool {
        self.served_over_https()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_then_file_then_environment() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("coprod.toml");
        std::fs::write(
            &file,
            "listen = \"0.0.0.0:9000\"\npartnership_name = \"Glenmorach\"\n[mail]\nsmtp_port = 2525\n",
        )
        .unwrap();
        let settings = Settings::load(
            Some(&file),
            env(&[("COPROD_LISTEN", "127.0.0.1:7000"), ("HOME", "/root")]),
        )
        .unwrap();
        assert_eq!(settings.listen.to_string(), "127.0.0.1:7000");
        assert_eq!(settings.partnership_name, "Glenmorach");
        assert_eq!(settings.mail.smtp_port, 2525);
        assert_eq!(settings.session_idle_minutes, 480);
    }

    #[test]
    fn trusted_proxies_are_a_list_of_addresses() {
        let settings =
            Settings::load(None, env(&[("COPROD_TRUSTED_PROXIES", "10.0.0.1, ::1")])).unwrap();
        assert_eq!(settings.trusted_proxies.len(), 2);
        let err =
            Settings::load(None, env(&[("COPROD_TRUSTED_PROXIES", "lb.internal")])).unwrap_err();
        assert!(err.to_string().contains("lb.internal"), "{err}");
    }

    #[test]
    fn secrets_never_appear_in_debug_output() {
        let settings = Settings::load(
            None,
            env(&[
                (
                    "COPROD_DATABASE_URL",
                    "postgres://coprod:hunter2secret@db/coprod",
                ),
                ("COPROD_SMTP_PASSWORD", "mailpass-secret"),
            ]),
        )
        .unwrap();
        let shown = format!("{settings:?}");
        assert!(!shown.contains("hunter2secret"), "{shown}");
        assert!(!shown.contains("mailpass-secret"), "{shown}");
        assert_eq!(
            settings.database_url(),
            "postgres://coprod:hunter2secret@db/coprod"
        );
    }

    #[test]
    fn bad_values_say_where_they_came_from() {
        let err = Settings::load(None, env(&[("COPROD_LISTEN", "not an address")])).unwrap_err();
        assert!(err.to_string().contains("COPROD_LISTEN"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("bad.toml");
        std::fs::write(&file, "listne = 1\n").unwrap();
        let err = Settings::load(Some(&file), Vec::new()).unwrap_err();
        assert!(err.to_string().contains("bad.toml"), "{err}");
    }

    #[test]
    fn no_tile_server_unless_one_is_configured() {
        let settings = Settings::load(None, env(&[])).unwrap();
        assert!(settings.map.tile_url.is_none());
        let settings = Settings::load(
            None,
            env(&[
                (
                    "COPROD_MAP_TILE_URL",
                    "https://Tiles.Example.org/styles/{z}/{x}/{y}{r}.png",
                ),
                ("COPROD_MAP_TILE_ATTRIBUTION", " © Example Maps "),
            ]),
        )
        .unwrap();
        let tiles = settings.map.tile_url.unwrap();
        assert_eq!(
            tiles.template(),
            "https://Tiles.Example.org/styles/{z}/{x}/{y}{r}.png"
        );
        assert_eq!(tiles.policy_source(), "https://tiles.example.org");
        assert_eq!(settings.map.tile_attribution, "© Example Maps");
    }

    #[test]
    fn a_tile_server_comes_from_the_file_and_an_empty_variable_turns_it_off() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("coprod.toml");
        std::fs::write(
            &file,
            "[map]\ntile_url = \"http://127.0.0.1:8099/{z}/{x}/{y}.png\"\ntile_attribution = \"Local tiles\"\n",
        )
        .unwrap();
        let settings = Settings::load(Some(&file), Vec::new()).unwrap();
        let tiles = settings.map.tile_url.as_ref().unwrap();
        assert_eq!(tiles.policy_source(), "http://127.0.0.1:8099");
        assert_eq!(settings.map.tile_attribution, "Local tiles");
        let settings = Settings::load(Some(&file), env(&[("COPROD_MAP_TILE_URL", "")])).unwrap();
        assert!(settings.map.tile_url.is_none());

        std::fs::write(&file, "[map]\ntile_url = \"ftp://tiles/{z}/{x}/{y}\"\n").unwrap();
        let err = Settings::load(Some(&file), Vec::new()).unwrap_err();
        assert!(err.to_string().contains("https://"), "{err}");
    }

    #[test]
    fn a_tile_url_names_one_origin_or_is_refused() {
        let origin =
            |template: &str| TileUrl::parse(template).map(|t| t.policy_source().to_owned());
        assert_eq!(
            origin("https://{s}.tile.example.org/{z}/{x}/{y}.png").unwrap(),
            "https://*.tile.example.org"
        );
        assert_eq!(
            origin("https://tiles.example.org:8443/{z}/{x}/{y}.png?key=abc").unwrap(),
            "https://tiles.example.org:8443"
        );
        assert_eq!(
            origin("http://[::1]:9000/{z}/{x}/{y}.png").unwrap(),
            "http://[::1]:9000"
        );
        for refused in [
            "https://tiles.example.org/{z}/{x}.png",
            "tiles.example.org/{z}/{x}/{y}.png",
            "javascript://tiles/{z}/{x}/{y}",
            "https://user:secret@tiles.example.org/{z}/{x}/{y}.png",
            "https://tile-{s}.example.org/{z}/{x}/{y}.png",
            "https://{s}.127.0.0.1/{z}/{x}/{y}.png",
            "https://tiles.example.org;script-src *;/{z}/{x}/{y}.png",
            "https:///{z}/{x}/{y}.png",
        ] {
            assert!(origin(refused).is_err(), "{refused} was taken");
        }
        let err =
            Settings::load(None, env(&[("COPROD_MAP_TILE_URL", "https://x/{z}")])).unwrap_err();
        assert!(err.to_string().contains("COPROD_MAP_TILE_URL"), "{err}");
    }

    #[test]
    fn job_workers_come_from_the_file_and_the_environment() {
        let settings = Settings::load(None, env(&[])).unwrap();
        assert!(settings.jobs.enabled);
        assert_eq!(settings.jobs.sweep_period_seconds(), 900);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("coprod.toml");
        std::fs::write(&file, "[jobs]\nconcurrency = 4\nsweep_minutes = 5\n").unwrap();
        let settings = Settings::load(
            Some(&file),
            env(&[
                ("COPROD_JOBS_ENABLED", "false"),
                ("COPROD_JOBS_POLL_INTERVAL_MS", "250"),
            ]),
        )
        .unwrap();
        assert!(!settings.jobs.enabled);
        assert_eq!(settings.jobs.concurrency, 4);
        assert_eq!(settings.jobs.sweep_period_seconds(), 300);
        assert_eq!(settings.jobs.poll_interval().as_millis(), 250);
        let err = Settings::load(None, env(&[("COPROD_JOBS_ENABLED", "maybe")])).unwrap_err();
        assert!(err.to_string().contains("COPROD_JOBS_ENABLED"), "{err}");
    }

    #[test]
    fn sqlite_in_the_data_dir_by_default() {
        let settings = Settings::load(None, env(&[("COPROD_DATA_DIR", "/srv/coprod")])).unwrap();
        assert_eq!(
            settings.database_url(),
            "sqlite:///srv/coprod/coprod.sqlite3"
        );
    }
}
