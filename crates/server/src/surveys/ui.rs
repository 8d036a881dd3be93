//! Small pieces the survey templates share.

/// One radio button or option of a list: what it sends, what it says, an
/// optional hint, and whether it is chosen.
#[derive(Debug, Clone)]
pub struct Opt {
    pub value: String,
    pub label: String,
    pub hint: String,
    pub checked: bool,
}

/// Options from `(value, label, hint)`, with `selected` chosen.
pub fn opts<'a>(
    items: impl IntoIterator<Item = (&'a str, String, String)>,
    selected: &str,
) -> Vec<Opt> {
    items
        .into_iter()
        .map(|(value, label, hint)| Opt {
            checked: value == selected,
            value: value.to_owned(),
            label,
            hint,
        })
        .collect()
}
