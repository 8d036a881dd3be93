use axum::http::{HeaderMap, HeaderValue, header};

/// The value of the cookie `name` in a request, if present.
pub fn read<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// How long a cookie lives.
#[derive(Clone, Copy)]
pub enum Lifetime {
    /// Until the browser closes.
    Session,
    /// Delete it now.
    Expired,
}

/// A `Set-Cookie` value that is `HttpOnly`, `SameSite=Lax`, path `/`, and
/// `Secure` when the service is reached over HTTPS.
pub fn set(name: &str, value: &str, lifetime: Lifetime, secure: bool) -> HeaderValue {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if secure {
        cookie.push_str("; Secure");
    }
    if let Lifetime::Expired = lifetime {
        cookie.push_str("; Max-Age=0");
    }
    // Names and values are ours (base64url tokens), so this cannot fail; an
    // empty header would merely set no cookie.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_one_cookie_among_many() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; coprod_session=xyz; b=2"),
        );
        assert_eq!(read(&headers, "coprod_session"), Some("xyz"));
        assert_eq!(read(&headers, "missing"), None);
    }

    #[test]
    fn flags() {
        let cookie = set("n", "v", Lifetime::Session, true);
        let text = cookie.to_str().unwrap();
        assert!(
            text.contains("HttpOnly") && text.contains("SameSite=Lax") && text.contains("Secure")
        );
        assert!(
            set("n", "", Lifetime::Expired, false)
                .to_str()
                .unwrap()
                .contains("Max-Age=0")
        );
    }
}
