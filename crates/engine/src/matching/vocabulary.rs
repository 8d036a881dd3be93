//! The words offers and requests share: who and what they are about, and the
//! languages and genders people state.
//!
//! Ids are opaque strings chosen by whoever stores the records, so the
//! engine never needs to know whether they are database keys or UUIDs.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::Invalid;

/// Declares an opaque string id with the conversions storage and tests need.
macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                Self(value.to_owned())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_id!(
    /// A person: a volunteer, someone asking for help, or the steward of a
    /// place or a thing.
    PersonId
);
string_id!(
    /// One offer of time, a skill, a place or a thing.
    OfferId
);
string_id!(
    /// One request for help.
    RequestId
);
string_id!(
    /// A term of the asset map's taxonomy ("shopping", "befriending").
    CategoryId
);

/// Longest language or gender text accepted; a BCP 47 tag is at most 35
/// characters, and a gender in a person's own words rarely needs more.
const MAX_WORD_CHARS: usize = 60;

/// Trims, lower-cases and bounds a word a person typed, so that "Polish",
/// "polish " and "POLISH" are the same language.
fn normalised(raw: &str, missing: &'static str) -> Result<String, Invalid> {
    let value = raw.trim().to_lowercase();
    if value.is_empty() {
        return Err(Invalid::new(missing));
    }
    if value.chars().count() > MAX_WORD_CHARS {
        return Err(Invalid::new("error.text.too_long"));
    }
    if value.chars().any(char::is_control) {
        return Err(Invalid::new("error.text.control"));
    }
    Ok(value)
}

/// A language someone speaks or needs help in: a code such as "gd" or
/// "bfi" (British Sign Language) or a name, compared without regard to case.
/// Pages translate codes into names; the engine only compares them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Language(String);

impl Language {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        normalised(raw, "error.language.missing").map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Language {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Language> for String {
    fn from(value: Language) -> Self {
        value.0
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A gender as the person states it, in their own words, compared without
/// regard to case. It is only ever used when someone asks for a helper of
/// the same gender, or a volunteer asks to help only people of theirs, and
/// then only equality matters; a fixed list would leave people out.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Gender(String);

impl Gender {
    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        normalised(raw, "error.gender.missing").map(Self)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Gender {
    type Error = Invalid;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Gender> for String {
    fn from(value: Gender) -> Self {
        value.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn languages_compare_without_case_or_spacing() {
        assert_eq!(
            Language::parse(" Polish ").unwrap(),
            Language::parse("POLISH").unwrap()
        );
        assert_eq!(Language::parse("gd").unwrap().as_str(), "gd");
        assert_eq!(
            Language::parse("  ").unwrap_err().key,
            "error.language.missing"
        );
        assert_eq!(
            Language::parse(&"x".repeat(61)).unwrap_err().key,
            "error.text.too_long"
        );
    }

    #[test]
    fn genders_are_the_persons_own_words() {
        assert_eq!(
            Gender::parse("Woman").unwrap(),
            Gender::parse("woman").unwrap()
        );
        assert_ne!(
            Gender::parse("woman").unwrap(),
            Gender::parse("non-binary").unwrap()
        );
        assert_eq!(Gender::parse("").unwrap_err().key, "error.gender.missing");
        assert_eq!(
            Gender::parse("a\u{7}").unwrap_err().key,
            "error.text.control"
        );
    }

    #[test]
    fn ids_serialise_as_plain_strings() {
        let id = OfferId::from("offer-7");
        assert_eq!(serde_json::to_string(&id).unwrap(), "\"offer-7\"");
        assert_eq!(id.to_string(), "offer-7");
        let language: Language = serde_json::from_str("\"BFI\"").unwrap();
        assert_eq!(language.as_str(), "bfi");
        assert!(serde_json::from_str::<Gender>("\"\"").is_err());
    }
}
