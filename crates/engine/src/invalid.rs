/// Why a value given by a person could not be accepted.
///
/// Each variant carries a message key for the message catalogue, so the
/// server can explain the problem in the reader's language and next to the
/// field that caused it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}")]
pub struct Invalid {
    /// The message catalogue key, e.g. `error.email.format`.
    pub key: &'static str,
}

impl Invalid {
    pub(crate) const fn new(key: &'static str) -> Self {
        Self { key }
    }
}
