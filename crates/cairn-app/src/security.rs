//! Secrets: random tokens, their hashes, and password hashing.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest, Sha256};

use crate::config::PasswordCost;
use crate::{AppError, Result};

/// `n` bytes from the operating system's generator, URL-safe base64 encoded.
pub fn random_secret(n: usize) -> Result<String> {
    let mut buf = vec![0u8; n];
    getrandom::fill(&mut buf)
        .map_err(|e| AppError::Internal(format!("no randomness available: {e}")))?;
    Ok(URL_SAFE_NO_PAD.encode(buf))
}

/// Tokens and session ids carry 256 bits of entropy, so a plain SHA-256 is a safe way to
/// store them (no salt or slow hash needed, unlike passwords).
pub fn secret_hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

fn argon2(cost: PasswordCost) -> Result<Argon2<'static>> {
    let params = Params::new(cost.memory_kib, cost.iterations, 1, None)
        .map_err(|e| AppError::Internal(format!("password hashing parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Argon2id hash in PHC string form (parameters travel with the hash).
pub fn hash_password(password: &str, cost: PasswordCost) -> Result<String> {
    let mut salt = [0u8; 16];
    getrandom::fill(&mut salt)
        .map_err(|e| AppError::Internal(format!("no randomness available: {e}")))?;
    let salt = SaltString::encode_b64(&salt)
        .map_err(|e| AppError::Internal(format!("password salt: {e}")))?;
    let hash = argon2(cost)?
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| AppError::Internal(format!("password hashing: {e}")))?;
    Ok(hash.to_string())
}

/// Check a password against a stored hash, using the parameters stored with the hash.
pub fn verify_password(password: &str, stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// Compare two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_when_right() {
        let h = hash_password("correct horse battery", PasswordCost::TEST).unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("correct horse batterY", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn secrets_are_random_and_hash_stably() {
        let a = random_secret(32).unwrap();
        assert_ne!(a, random_secret(32).unwrap());
        assert_eq!(a.len(), 43);
        assert_eq!(secret_hash(&a), secret_hash(&a));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
