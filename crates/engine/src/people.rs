use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Longest text we accept in a one-line field such as a name or a title.
/// Generous for real names, small enough that nobody can store a novel.
pub const MAX_LINE_CHARS: usize = 200;

/// An email address, trimmed and lower-cased so the same person cannot hold
/// two accounts by changing letter case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

impl EmailAddress {
    /// Accepts `local@domain.tld` shapes; deliberately not the full RFC 5322
    /// grammar, which allows addresses no mail server here would deliver to.
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(Invalid::new("error.email.missing"));
        }
        if value.chars().count() > 254 {
            return Err(Invalid::new("error.email.too_long"));
        }
        let Some((local, domain)) = value.split_once('@') else {
            return Err(Invalid::new("error.email.format"));
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains("..")
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '.' || c == '-');
        let local_ok = !local.is_empty()
            && local.len() <= 64
            && !local
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || c == '@');
        if !domain_ok || !local_ok {
            return Err(Invalid::new("error.email.format"));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<EmailAddress> for String {
    fn from(value: EmailAddress) -> Self {
        value.0
    }
}

impl fmt::Display for EmailAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A required single line of text (a person's name, an organisation's name):
/// trimmed, not empty, no control characters, at most [`MAX_LINE_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct LineOfText(String);

impl LineOfText {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let value = raw.trim();
        if value.is_empty() {
            return Err(Invalid::new("error.text.missing"));
        }
        if value.chars().count() > MAX_LINE_CHARS {
            return Err(Invalid::new("error.text.too_long"));
        }
        if value.chars().any(char::is_control) {
            return Err(Invalid::new("error.text.control"));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for LineOfText {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<LineOfText> for String {
    fn from(value: LineOfText) -> Self {
        value.0
    }
}

impl fmt::Display for LineOfText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A password a person has chosen, checked against the policy before hashing.
///
/// Follows NCSC guidance: length over complexity rules, and a refusal of the
/// passwords attackers try first.
pub struct NewPassword(String);

/// Shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// Longest password accepted; bounds the hashing work an attacker can demand.
pub const MAX_PASSWORD_CHARS: usize = 128;

const COMMON_PASSWORDS: &[&str] = &[
    "1234567890",
    "123456789a",
    "password12",
    "password123",
    "passw0rd123",
    "qwertyuiop",
    "iloveyou12",
    "letmein123",
    "1q2w3e4r5t",
    "abcdefghij",
    "aaaaaaaaaa",
    "0987654321",
    "welcome123",
    "football12",
    "trustno1234",
];

impl NewPassword {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(Invalid::new("error.password.too_short"));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(Invalid::new("error.password.too_long"));
        }
        if COMMON_PASSWORDS.contains(&raw.to_lowercase().as_str()) {
            return Err(Invalid::new("error.password.common"));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NewPassword([redacted])")
    }
}

/// What a person may do within one organisation. A person can hold several
/// roles, in several organisations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Citizen,
    Volunteer,
    Coordinator,
    LinkWorker,
    Manager,
    Admin,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Citizen,
        Role::Volunteer,
        Role::Coordinator,
        Role::LinkWorker,
        Role::Manager,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Volunteer => "volunteer",
            Role::Coordinator => "coordinator",
            Role::LinkWorker => "link_worker",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == raw.trim())
            .ok_or(Invalid::new("error.role.unknown"))
    }

    /// Staff act on behalf of others and can see people's records; every such
    /// read is audited.
    pub fn is_staff(self) -> bool {
        matches!(
            self,
            Role::Coordinator | Role::LinkWorker | Role::Manager | Role::Admin
        )
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The three sectors of a partnership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    /// Councils, the NHS, the health and social care partnership itself.
    Public,
    /// Charities, community groups, social enterprises.
    Third,
    /// Private and independent providers.
    Independent,
}

impl Sector {
    pub const ALL: [Sector; 3] = [Sector::Public, Sector::Third, Sector::Independent];

    pub fn as_str(self) -> &'static str {
        match self {
            Sector::Public => "public",
            Sector::Third => "third",
            Sector::Independent => "independent",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        Sector::ALL
            .into_iter()
            .find(|sector| sector.as_str() == raw.trim())
            .ok_or(Invalid::new("error.sector.unknown"))
    }
}

impl fmt::Display for Sector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn email_is_normalised() {
        let email = EmailAddress::parse("  Morag.Example@Example.ORG ").unwrap();
        assert_eq!(email.as_str(), "morag.example@example.org");
    }

    #[test]
    fn email_shapes_that_cannot_be_delivered_are_refused() {
        for bad in [
            "",
            "no-at-sign",
            "a@b",
            "a@.org",
            "a@b..org",
            "@x.org",
            "a b@x.org",
            "a@x.org.",
        ] {
            assert!(EmailAddress::parse(bad).is_err(), "{bad:?} was accepted");
        }
    }

    #[test]
    fn line_of_text_rules() {
        assert_eq!(
            LineOfText::parse("  Ness Bank Lunch Club ")
                .unwrap()
                .as_str(),
            "Ness Bank Lunch Club"
        );
        assert_eq!(
            LineOfText::parse("   ").unwrap_err().key,
            "error.text.missing"
        );
        assert_eq!(
            LineOfText::parse(&"x".repeat(201)).unwrap_err().key,
            "error.text.too_long"
        );
        assert_eq!(
            LineOfText::parse("a\u{0}b").unwrap_err().key,
            "error.text.control"
        );
    }

    #[test]
    fn password_policy() {
        assert_eq!(
            NewPassword::parse("short").unwrap_err().key,
            "error.password.too_short"
        );
        assert_eq!(
            NewPassword::parse("Password123").unwrap_err().key,
            "error.password.common"
        );
        assert_eq!(
            NewPassword::parse(&"x".repeat(129)).unwrap_err().key,
            "error.password.too_long"
        );
        assert!(NewPassword::parse("heather on the hill").is_ok());
        assert!(
            !format!("{:?}", NewPassword::parse("heather on the hill").unwrap())
                .contains("heather")
        );
    }

    #[test]
    fn roles_and_sectors_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Ok(role));
        }
        for sector in Sector::ALL {
            assert_eq!(Sector::parse(sector.as_str()), Ok(sector));
        }
        assert!(Role::parse("superuser").is_err());
        assert!(Role::Admin.is_staff() && !Role::Volunteer.is_staff());
    }

    proptest! {
        #[test]
        fn parsed_email_is_stable(raw in "[a-zA-Z0-9._%+-]{1,20}@[a-zA-Z0-9-]{1,10}\\.[a-z]{2,6}") {
            let once = EmailAddress::parse(&raw).unwrap();
            let twice = EmailAddress::parse(once.as_str()).unwrap();
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn line_of_text_never_keeps_edge_whitespace(raw in "\\PC{0,250}") {
            if let Ok(line) = LineOfText::parse(&raw) {
                prop_assert_eq!(line.as_str(), line.as_str().trim());
                prop_assert!(line.as_str().chars().count() <= MAX_LINE_CHARS);
            }
        }
    }
}
