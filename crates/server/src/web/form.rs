//! Strict form parsing. axum's `Form` silently replaces invalid UTF-8 with
//! U+FFFD, which would store mangled names without telling anyone; this
//! extractor refuses such a body with a clear error instead, bounds every
//! field, and checks the anti-forgery token before the handler runs.

use std::{borrow::Cow, collections::BTreeMap};

use axum::{
    body::Bytes,
    extract::{FromRequest, Request},
    http::{StatusCode, header},
};
use serde::de::DeserializeOwned;

use crate::{
    error::AppError,
    web::csrf::{self, CsrfToken},
};

/// The longest value accepted in any single form field. Multi-line fields
/// (descriptions) fit comfortably; each capability applies tighter limits.
pub const MAX_FIELD_CHARS: usize = 10_000;

/// A URL-encoded form body that was valid UTF-8, within limits, and carried
/// the right CSRF token.
pub struct StrictForm<T>(pub T);

impl<S, T> FromRequest<S> for StrictForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_form = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        if !is_form {
            return Err(AppError::BadRequest {
                key: "error.form.content_type",
                field: None,
            });
        }
        let expected = request.extensions().get::<CsrfToken>().cloned();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    AppError::PayloadTooLarge
                } else {
                    AppError::BadRequest {
                        key: "error.form.unreadable",
                        field: None,
                    }
                }
            })?;
        let mut fields = parse_strict(&body)?;
        let submitted = fields.remove(csrf::FIELD);
        match expected {
            Some(expected) if csrf::matches(&expected, submitted.as_deref()) => {}
            _ => return Err(AppError::Csrf),
        }
        let map: serde_json::Map<String, serde_json::Value> = fields
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        let value = serde_json::from_value(serde_json::Value::Object(map)).map_err(|_| {
            AppError::BadRequest {
                key: "error.form.fields",
                field: None,
            }
        })?;
        Ok(StrictForm(value))
    }
}

/// Decodes `application/x-www-form-urlencoded`, refusing invalid UTF-8 and
/// over-long values. A repeated field keeps its last value.
pub fn parse_strict(body: &[u8]) -> Result<BTreeMap<String, String>, AppError> {
    let mut fields = BTreeMap::new();
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = match pair.iter().position(|b| *b == b'=') {
            Some(i) => (&pair[..i], &pair[i + 1..]),
            None => (pair, &b""[..]),
        };
        let key = decode(raw_key).ok_or(AppError::BadRequest {
            key: "error.form.encoding",
            field: None,
        })?;
        let value = decode(raw_value).ok_or(AppError::BadRequest {
            key: "error.form.encoding",
            field: None,
        })?;
        if value.chars().count() > MAX_FIELD_CHARS {
            return Err(AppError::BadRequest {
                key: "error.form.field_too_long",
                field: None,
            });
        }
        fields.insert(key, value);
    }
    Ok(fields)
}

fn decode(raw: &[u8]) -> Option<String> {
    let spaced: Vec<u8> = raw
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
    String::from_utf8(bytes).ok()
}

/// The fields of a form that is only a button (sign out, remove, revoke):
/// nothing but the CSRF token, which [`StrictForm`] checks.
#[derive(serde::Deserialize, Default)]
pub struct NoFields {}

/// Errors found in a submitted form, in the order of its fields, for the
/// design system's error summary and the messages beside each field. Field
/// names are usually fixed (`"email"`) but may be built at run time
/// (`p12`, `rank2` on a ballot).
#[derive(Debug, Default, Clone)]
pub struct FieldErrors {
    errors: Vec<FieldError>,
}

/// One problem with one field.
#[derive(Debug, Clone)]
pub struct FieldError {
    /// The `id` of the input, so the summary can link to it.
    pub field: Cow<'static, str>,
    /// The explanation, already in the reader's language.
    pub message: String,
}

impl FieldErrors {
    pub fn add(&mut self, field: impl Into<Cow<'static, str>>, message: String) {
        self.errors.push(FieldError {
            field: field.into(),
            message,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.errors.is_empty()
    }

    pub fn all(&self) -> &[FieldError] {
        &self.errors
    }

    /// The message for `field`, or an empty string (templates test `!= ""`).
    pub fn get(&self, field: &str) -> String {
        self.errors
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.clone())
            .unwrap_or_default()
    }

    pub fn has(&self, field: &str) -> bool {
        self.errors.iter().any(|e| e.field == field)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_plus_and_percent() {
        let fields = parse_strict(b"name=Morag+Mac%C3%A0idh&empty=&flag").unwrap();
        assert_eq!(fields["name"], "Morag Mac\u{e0}idh");
        assert_eq!(fields["empty"], "");
        assert_eq!(fields["flag"], "");
    }

    #[test]
    fn invalid_utf8_is_refused() {
        assert!(matches!(
            parse_strict(b"name=%FF%FE"),
            Err(AppError::BadRequest {
                key: "error.form.encoding",
                ..
            })
        ));
        assert!(parse_strict(b"na%C3me=x").is_err());
    }

    #[test]
    fn over_long_fields_are_refused() {
        let body = format!("bio={}", "a".repeat(MAX_FIELD_CHARS + 1));
        assert!(matches!(
            parse_strict(body.as_bytes()),
            Err(AppError::BadRequest {
                key: "error.form.field_too_long",
                ..
            })
        ));
    }
}
