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
}
