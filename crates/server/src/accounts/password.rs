//! Argon2id with the crate's defaults (the OWASP-recommended 19 MiB, two
//! passes). Hashing runs on the blocking pool so it never stalls the server.

use argon2::{
    Argon2, PasswordHash, PasswordHasher, PasswordVerifier,
    password_hash::{SaltString, rand_core::OsRng},
};
use coprod_engine::people::NewPassword;

use crate::web::{FieldErrors, Shell};

/// The new password from a "choose a password" pair of fields: it must
/// meet the policy and both fields must match. Problems go into `errors`
/// against the field at fault.
pub fn chosen(
    shell: &Shell,
    password: &str,
    confirm: &str,
    errors: &mut FieldErrors,
) -> Option<NewPassword> {
    let parsed = NewPassword::parse(password)
        .map_err(|e| errors.add("password", shell.t(e.key)))
        .ok()?;
    if password != confirm {
        errors.add("password_confirm", shell.t("error.password.mismatch"));
        return None;
    }
    Some(parsed)
}

/// Hashes a policy-checked password into a PHC string.
pub async fn hash(password: NewPassword) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.expose().as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// A hash of a random password no one knows, checked when the email is
/// unknown so that a wrong email and a wrong password take the same time.
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        let secret = crate::crypto::random_token();
        Argon2::default()
            .hash_password(secret.as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Whether `candidate` matches `stored`; `None` checks against a decoy.
pub async fn verify(candidate: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let real = stored.is_some();
        let stored = stored.unwrap_or_else(|| decoy_hash().to_owned());
        let Ok(parsed) = PasswordHash::new(&stored) else {
            return false;
        };
        let matched = Argon2::default()
            .verify_password(candidate.as_bytes(), &parsed)
            .is_ok();
        matched && real
    })
    .await
    .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hashes_verify_and_are_argon2id() {
        let stored = hash(NewPassword::parse("a long heather walk").unwrap())
            .await
            .unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(verify("a long heather walk".into(), Some(stored.clone())).await);
        assert!(!verify("a long heather walK".into(), Some(stored)).await);
        assert!(!verify("anything".into(), None).await);
    }
}
