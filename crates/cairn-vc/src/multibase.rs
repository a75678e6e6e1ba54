//! Multibase (`z` base58btc, `u` base64url) and the multicodec prefixes Cairn uses.

use crate::error::{Error, Result};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Multicodec `ed25519-pub` (0xed) as an unsigned varint.
pub const ED25519_PUB: [u8; 2] = [0xed, 0x01];
/// Multicodec `ed25519-priv` (0x1300) as an unsigned varint.
pub const ED25519_PRIV: [u8; 2] = [0x80, 0x26];

pub fn encode_base58btc(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(1 + bytes.len() * 138 / 100 + 1);
    s.push('z');
    s.push_str(&bs58::encode(bytes).into_string());
    s
}

pub fn decode_base58btc(value: &str) -> Result<Vec<u8>> {
    let rest = value.strip_prefix('z').ok_or_else(|| {
        Error::Multibase(format!(
            "`{}` must start with `z` (base58btc)",
            truncate(value)
        ))
    })?;
    bs58::decode(rest)
        .into_vec()
        .map_err(|e| Error::Multibase(format!("`{}` is not base58btc: {e}", truncate(value))))
}

pub fn encode_base64url(bytes: &[u8]) -> String {
    let mut s = String::from("u");
    URL_SAFE_NO_PAD.encode_string(bytes, &mut s);
    s
}

pub fn decode_base64url(value: &str) -> Result<Vec<u8>> {
    let rest = value.strip_prefix('u').ok_or_else(|| {
        Error::Multibase(format!(
            "`{}` must start with `u` (base64url without padding)",
            truncate(value)
        ))
    })?;
    URL_SAFE_NO_PAD
        .decode(rest.trim_end_matches('='))
        .map_err(|e| Error::Multibase(format!("not base64url: {e}")))
}

pub(crate) fn truncate(s: &str) -> String {
    if s.len() <= 80 {
        return s.to_string();
    }
    let mut end = 77;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &s[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let b = [0u8, 0, 1, 2, 255];
        assert_eq!(decode_base58btc(&encode_base58btc(&b)).unwrap(), b);
        assert_eq!(decode_base64url(&encode_base64url(&b)).unwrap(), b);
        assert!(decode_base58btc("u123").is_err());
        assert!(decode_base58btc("z0OIl").is_err());
    }
}
