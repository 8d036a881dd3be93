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

/// `0.035` → `3.5%`, `0.0325` → `3.25%`: the share's decimal digits with the
/// point moved, never a product of binary fractions; a share with more
/// than two decimals of a percent (a worked-out one) is rounded to one.
pub fn percent(share: f64) -> String {
    let exact = shift_point(&for_input(share), 2).unwrap_or_default();
    let decimals = exact.split_once('.').map_or(0, |(_, f)| f.len());
    if decimals <= 2 && !exact.is_empty() {
        return format!("{exact}%");
    }
    let text = format!("{:.1}", share * 100.0);
    let text = text.strip_suffix(".0").unwrap_or(&text).to_owned();
    format!("{text}%")
}

/// Pounds as typed back into a form: whole pounds bare (`500`), otherwise
/// to the penny (`12.60`).
pub fn money_for_input(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        for_input(value)
    } else {
        format!("{value:.2}")
    }
}

/// A fraction as the percentage typed into a form: `0.035` → `3.5`.
pub fn percent_for_input(share: f64) -> String {
    shift_point(&for_input(share), 2).unwrap_or_else(|| for_input(share * 100.0))
}

/// A percentage as typed (`3.5`) as the fraction it stands for, the double
/// nearest `0.035` (not `3.5 / 100`, which is another); `None` when it is
/// not a plain decimal number.
pub fn fraction_of_percent(typed: &str) -> Option<f64> {
    shift_point(typed, -2)?
        .parse::<f64>()
        .ok()
        .filter(|f| f.is_finite())
}

/// A plain decimal numeral (`-12.50`, `3`, `.5`) with its point moved
/// `places` to the right (left when negative), done on the digits so
/// nothing is rounded: `3.5` moved by `-2` is `0.035`. Leading and
/// trailing zeros are dropped. `None` when `text` is not such a numeral.
pub fn shift_point(text: &str, places: i32) -> Option<String> {
    let text = text.trim();
    let (negative, unsigned) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    if whole.is_empty() && fraction.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits: String = format!("{whole}{fraction}");
    // Where the point sits, counted in digits from the left.
    let point = i64::try_from(whole.len()).ok()? + i64::from(places);
    let length = i64::try_from(digits.len()).ok()?;
    let (whole, fraction) = if point <= 0 {
        let zeros = usize::try_from(-point).ok()?;
        (String::new(), format!("{}{digits}", "0".repeat(zeros)))
    } else if point >= length {
        let zeros = usize::try_from(point - length).ok()?;
        (format!("{digits}{}", "0".repeat(zeros)), String::new())
    } else {
        let at = usize::try_from(point).ok()?;
        (digits[..at].to_owned(), digits[at..].to_owned())
    };
    let whole = whole.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let whole = if whole.is_empty() { "0" } else { whole };
    let is_zero = whole == "0" && fraction.is_empty();
    let sign = if negative && !is_zero { "-" } else { "" };
    Some(if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    })
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
        assert_eq!(percent(0.0325), "3.25%");
        assert_eq!(money_for_input(12.6), "12.60");
        assert_eq!(money_for_input(500.0), "500");
        assert_eq!(percent(1.0 / 3.0), "33.3%");
    }

    #[test]
    fn percentages_move_the_point_and_round_nothing() {
        // 3.5 / 100 * 100 is 3.5000000000000004 in binary floating point.
        let typed = ["3.5", "0.1", "12.25", "100", "0", "7.123456789"];
        for text in typed {
            let fraction = fraction_of_percent(text).unwrap();
            assert_eq!(percent_for_input(fraction), text, "{text}");
        }
        // Through names the catalogue scan does not take for message keys.
        let as_fraction = fraction_of_percent;
        let moved = |text: &str, places| shift_point(text, places);
        assert_eq!(as_fraction("3.5"), Some(0.035));
        assert_eq!(moved("-12.50", 1).as_deref(), Some("-125"));
        assert_eq!(moved(".5", -2).as_deref(), Some("0.005"));
        assert_eq!(moved("0012", -5).as_deref(), Some("0.00012"));
        assert_eq!(moved("-0.0", 2).as_deref(), Some("0"));
        assert_eq!(moved("1e5", 2), None);
        assert_eq!(moved("", 2), None);
        assert_eq!(moved("1.2.3", 2), None);
    }
}
