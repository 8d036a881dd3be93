//! Numbers as the toolkit's pages show them: money to the penny with
//! thousands separated, ratios to two decimals, shares as percentages.
//! Rounding happens here only, never in the arithmetic.

/// `1234567.891` → `£1,234,567.89`; negative values get a minus sign.
pub fn pounds(value: f64) -> String {
    let pence = (value * 100.0).round();
    let negative = pence < 0.0;
    let text = format!("{:.2}", pence.abs() / 100.0);
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, "00"));
    let mut grouped = String::new();
    for (i, digit) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{}£{grouped}.{fraction}", if negative { "−" } else { "" })
}

/// A ratio such as `£3.42 for every £1`'s `3.42`.
pub fn two_decimals(value: f64) -> String {
    format!("{value:.2}")
}

/// `0.035` → `3.5%`; whole percentages lose the `.0`.
pub fn percent(share: f64) -> String {
    let text = format!("{:.1}", share * 100.0);
    let text = text.strip_suffix(".0").unwrap_or(&text).to_owned();
    format!("{text}%")
}

/// A number as typed back into a form: no grouping, no needless zeros.
pub fn for_input(value: f64) -> String {
    let text = format!("{value}");
    if text.contains('e') {
        format!("{value:.6}")
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_is_grouped_and_rounded_to_the_penny() {
        assert_eq!(pounds(0.0), "£0.00");
        assert_eq!(pounds(999.999), "£1,000.00");
        assert_eq!(pounds(1_234_567.891), "£1,234,567.89");
        assert_eq!(pounds(-12_500.5), "−£12,500.50");
        assert_eq!(pounds(100_000.0), "£100,000.00");
    }

    #[test]
    fn shares_read_as_percentages() {
        assert_eq!(percent(0.035), "3.5%");
        assert_eq!(percent(0.25), "25%");
        assert_eq!(two_decimals(3.456), "3.46");
        assert_eq!(for_input(0.035), "0.035");
        assert_eq!(for_input(120.0), "120");
    }
}
