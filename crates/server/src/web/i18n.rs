//! Every word coprod shows a person comes from a message catalogue
//! (`locales/<lang>.toml`), so adding Gaelic, Scots or Polish means adding a
//! file, not touching templates or code.

use std::collections::HashMap;

/// The catalogues compiled into the binary: (language tag, TOML text).
/// A language may have several files, one per capability; they are merged.
const BUILT_IN: &[(&str, &str)] = &[
    ("en", include_str!("../../locales/en.toml")),
    ("en", include_str!("../../locales/en/asset_map_search.toml")),
    (
        "en",
        include_str!("../../locales/en/asset_map_listings.toml"),
    ),
    ("en", include_str!("../../locales/en/budgeting.toml")),
    ("en", include_str!("../../locales/en/surveys.toml")),
    ("en", include_str!("../../locales/en/coordination.toml")),
    ("en", include_str!("../../locales/en/star.toml")),
    ("en", include_str!("../../locales/en/referrals.toml")),
    ("en", include_str!("../../locales/en/jobs.toml")),
    ("en", include_str!("../../locales/en/teams.toml")),
    ("en", include_str!("../../locales/en/checkins.toml")),
    ("en", include_str!("../../locales/en/feedback.toml")),
    ("en", include_str!("../../locales/en/planning.toml")),
];

/// One language's messages, flattened to dotted keys (`nav.home`).
#[derive(Debug, Default)]
pub struct Catalogue {
    messages: HashMap<String, String>,
}

/// All languages available, and the default.
#[derive(Debug)]
pub struct Catalogues {
    by_language: HashMap<&'static str, Catalogue>,
}

/// A catalogue that fails to parse is a build defect, caught by the tests.
#[derive(Debug, thiserror::Error)]
#[error("the message catalogue for {language} is not valid TOML: {source}")]
pub struct CatalogueError {
    language: &'static str,
    source: toml::de::Error,
}

impl Catalogues {
    pub fn load() -> Result<Self, CatalogueError> {
        let mut by_language: HashMap<&'static str, Catalogue> = HashMap::new();
        for (language, text) in BUILT_IN {
            let table: toml::Table =
                toml::from_str(text).map_err(|source| CatalogueError { language, source })?;
            let catalogue: &mut Catalogue = by_language.entry(*language).or_default();
            flatten("", &table, &mut catalogue.messages);
        }
        Ok(Self { by_language })
    }

    /// The catalogue for `language`, falling back to English.
    pub fn get(&self, language: &str) -> &Catalogue {
        self.by_language
            .get(language)
            .or_else(|| self.by_language.get("en"))
            .unwrap_or_else(|| empty_catalogue())
    }
}

fn empty_catalogue() -> &'static Catalogue {
    static EMPTY: std::sync::OnceLock<Catalogue> = std::sync::OnceLock::new();
    EMPTY.get_or_init(Catalogue::default)
}

fn flatten(prefix: &str, table: &toml::Table, into: &mut HashMap<String, String>) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, into),
            toml::Value::String(text) => {
                into.insert(full, text.clone());
            }
            other => {
                into.insert(full, other.to_string());
            }
        }
    }
}

/// `message` with each `{}` replaced by the next of `values`, in one pass:
/// a value is copied as it is, so a `{}` inside one is never filled in
/// turn. A `{}` left without a value stays; values left over are dropped.
/// Every message with gaps, from the catalogue or written in code, is
/// filled here.
pub fn fill(message: &str, values: &[&str]) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    for value in values {
        let Some((before, after)) = rest.split_once("{}") else {
            break;
        };
        out.push_str(before);
        out.push_str(value);
        rest = after;
    }
    out.push_str(rest);
    out
}

impl Catalogue {
    /// The message for `key`. A missing key shows the key itself (and the
    /// catalogue test fails), never an empty space on the page.
    pub fn text(&self, key: &str) -> String {
        if let Some(text) = self.messages.get(key) {
            text.clone()
        } else {
            tracing::warn!(key, "message missing from catalogue");
            key.to_owned()
        }
    }

    /// The message with its `{}` replaced by `value`.
    pub fn text_with(&self, key: &str, value: &str) -> String {
        fill(&self.text(key), &[value])
    }

    pub fn contains(&self, key: &str) -> bool {
        self.messages.contains_key(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.messages.keys().map(String::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every literal key a template or handler asks for is in the English
    /// catalogue, so no page ever shows a raw key.
    #[test]
    fn every_key_used_is_in_the_catalogue() {
        let catalogues = Catalogues::load().unwrap();
        let english = catalogues.get("en");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let mut seen = 0;
        for dir in ["templates", "src", "../engine/src"] {
            let mut stack = vec![root.join(dir)];
            while let Some(path) = stack.pop() {
                if path.is_dir() {
                    stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
                    continue;
                }
                if path.ends_with("web/i18n.rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                for pattern in ["t(\"", "t1(\"", "key: \"", "Invalid::new(\""] {
                    for piece in text.split(pattern).skip(1) {
                        let key = piece.split('"').next().unwrap();
                        if key.contains('.') && !key.contains([' ', '{', '/']) {
                            seen += 1;
                            if !english.contains(key) {
                                missing.push(format!("{key} ({})", path.display()));
                            }
                        }
                    }
                }
            }
        }
        assert!(seen > 100, "the scan found the keys ({seen})");
        assert!(missing.is_empty(), "missing from en.toml: {missing:#?}");
    }

    #[test]
    fn fills_each_gap_in_turn() {
        assert_eq!(fill("{} of {}", &["3", "5"]), "3 of 5");
        assert_eq!(fill("{} to {}", &["12:00", "14:00"]), "12:00 to 14:00");
        assert_eq!(fill("{} and {}", &["one"]), "one and {}");
        assert_eq!(fill("none", &["extra"]), "none");
        assert_eq!(fill("", &[]), "");
    }

    #[test]
    fn a_filled_value_is_never_filled_again() {
        assert_eq!(fill("{} met {}", &["{}", "Morag"]), "{} met Morag");
        assert_eq!(
            fill("Group: {} on {}", &["Knit {} natter", "Tuesday"]),
            "Group: Knit {} natter on Tuesday"
        );
        let catalogues = Catalogues::load().unwrap();
        assert_eq!(
            catalogues.get("en").text_with("home.signed_in_as", "{}"),
            "You are signed in as {}."
        );
    }

    #[test]
    fn fills_in_values_and_falls_back_to_english() {
        let catalogues = Catalogues::load().unwrap();
        assert_eq!(
            catalogues.get("gd").text_with("home.signed_in_as", "Morag"),
            "You are signed in as Morag."
        );
        assert_eq!(catalogues.get("en").text("no.such.key"), "no.such.key");
    }
}
