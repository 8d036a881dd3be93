//! Random tokens and their stored hashes. Tokens (sessions, reset links, API
//! keys) are shown to their holder once; the database keeps only a SHA-256,
//! so a stolen database copy cannot be used to sign in.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Length of a token from [`random_token`]: 32 random bytes in base64url.
pub const TOKEN_CHARS: usize = 43;

/// 256 bits from the operating system's generator, URL-safe.
pub fn random_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The form in which a token is stored.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// A token derived from a secret one for a single purpose, in the same
/// form as [`random_token`]. Knowing it reveals nothing of the secret, and
/// the purpose keeps it apart from the secret's stored [`token_hash`].
pub fn derived_token(purpose: &str, secret: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(purpose.as_bytes());
    hasher.update([0]);
    hasher.update(secret.as_bytes());
    URL_SAFE_NO_PAD.encode(hasher.finalize())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_long_unique_and_hashed() {
        let a = random_token();
        let b = random_token();
        assert_eq!(a.len(), TOKEN_CHARS);
        assert_ne!(a, b);
        assert_eq!(token_hash(&a).len(), 64);
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn derived_tokens_look_random_and_differ_by_purpose() {
        let secret = random_token();
        let one = derived_token("one", &secret);
        assert_eq!(one.len(), TOKEN_CHARS);
        assert_eq!(one, derived_token("one", &secret));
        assert_ne!(one, derived_token("two", &secret));
        assert_ne!(one, derived_token("one", &random_token()));
    }
}

/// A random (version 4) UUID, the id form HSDS documents use.
pub fn uuid_v4() -> String {
    let mut bytes = [0_u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex = hex::encode(bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod uuid_tests {
    #[test]
    fn uuids_have_the_version_4_shape() {
        let id = super::uuid_v4();
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
        assert_ne!(id, super::uuid_v4());
    }
}
