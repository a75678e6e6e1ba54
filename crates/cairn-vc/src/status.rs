//! W3C Bitstring Status List: the list itself, its credential, and checking an entry.

use crate::contexts::VC_V2;
use crate::error::{Error, Result};
use crate::multibase::{decode_base64url, encode_base64url};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde_json::{Value, json};
use std::io::{Read as _, Write as _};

/// A list of status bits. Bit 0 is the left-most bit of the first byte, as the
/// specification orders them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BitstringStatusList {
    bytes: Vec<u8>,
}

/// Largest decompressed list accepted from others (a gzip bomb stops here).
const MAX_DECODED_BYTES: u64 = 16 << 20;

impl BitstringStatusList {
    /// 131,072 bits (16 KiB): the specification's minimum, for herd privacy.
    pub const MIN_BITS: usize = 131_072;

    /// A list of at least `bits` bits (rounded up to whole bytes and to the minimum).
    pub fn new(bits: usize) -> Self {
        let bits = bits.max(Self::MIN_BITS);
        Self {
            bytes: vec![0; bits.div_ceil(8)],
        }
    }

    pub fn len(&self) -> usize {
        self.bytes.len() * 8
    }

    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    pub fn get(&self, index: usize) -> Option<bool> {
        self.bytes
            .get(index / 8)
            .map(|b| b & (0x80 >> (index % 8)) != 0)
    }

    pub fn set(&mut self, index: usize, value: bool) -> Result<()> {
        let len = self.len();
        let byte = self.bytes.get_mut(index / 8).ok_or_else(|| {
            Error::StatusList(format!(
                "index {index} is outside the list of {len} entries"
            ))
        })?;
        let mask = 0x80 >> (index % 8);
        if value {
            *byte |= mask;
        } else {
            *byte &= !mask;
        }
        Ok(())
    }

    /// Indexes of the set bits.
    pub fn set_indexes(&self) -> Vec<usize> {
        (0..self.len())
            .filter(|&i| self.get(i) == Some(true))
            .collect()
    }

    /// `encodedList`: GZIP, then base64url multibase (`u…`).
    pub fn encode(&self) -> Result<String> {
        let mut gz = GzEncoder::new(Vec::new(), Compression::best());
        gz.write_all(&self.bytes)
            .map_err(|e| Error::StatusList(format!("compression failed: {e}")))?;
        let compressed = gz
            .finish()
            .map_err(|e| Error::StatusList(format!("compression failed: {e}")))?;
        Ok(encode_base64url(&compressed))
    }

    pub fn decode(encoded: &str) -> Result<Self> {
        let compressed = decode_base64url(encoded)
            .map_err(|e| Error::StatusList(format!("encodedList: {e}")))?;
        let mut bytes = Vec::new();
        GzDecoder::new(&compressed[..])
            .take(MAX_DECODED_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::StatusList(format!("encodedList is not GZIP data: {e}")))?;
        if bytes.len() as u64 > MAX_DECODED_BYTES {
            return Err(Error::StatusList(format!(
                "encodedList expands beyond {MAX_DECODED_BYTES} bytes"
            )));
        }
        Ok(Self { bytes })
    }
}

/// The purposes Cairn issues and checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StatusPurpose {
    Revocation,
    Suspension,
}

impl StatusPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Revocation => "revocation",
            Self::Suspension => "suspension",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "revocation" => Some(Self::Revocation),
            "suspension" => Some(Self::Suspension),
            _ => None,
        }
    }
}

/// An unsigned `BitstringStatusListCredential` (sign it with [`crate::di::sign_credential`]).
pub fn status_list_credential(
    id: &str,
    issuer: &str,
    purpose: StatusPurpose,
    list: &BitstringStatusList,
    valid_from: time::OffsetDateTime,
) -> Result<Value> {
    Ok(json!({
        "@context": [VC_V2],
        "id": id,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": crate::di::format_datetime(valid_from),
        "credentialSubject": {
            "id": format!("{id}#list"),
            "type": "BitstringStatusList",
            "statusPurpose": purpose.as_str(),
            "encodedList": list.encode()?,
        }
    }))
}

/// A `BitstringStatusListEntry` to put in a credential's `credentialStatus`.
pub fn status_entry(list_url: &str, index: usize, purpose: StatusPurpose) -> Value {
    json!({
        "id": format!("{list_url}#{index}"),
        "type": "BitstringStatusListEntry",
        "statusPurpose": purpose.as_str(),
        "statusListIndex": index.to_string(),
        "statusListCredential": list_url,
    })
}

/// A parsed `BitstringStatusListEntry`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StatusEntry {
    pub purpose: String,
    pub index: usize,
    pub list_url: String,
}

impl StatusEntry {
    pub fn parse(entry: &Value) -> Result<Self> {
        let field = |name: &str| {
            entry.get(name).and_then(Value::as_str).ok_or_else(|| {
                Error::StatusList(format!(
                    "the BitstringStatusListEntry has no `{name}` string"
                ))
            })
        };
        let index_str = field("statusListIndex")?;
        let index = index_str
            .parse::<usize>()
            .ok()
            .filter(|_| !index_str.starts_with('+'))
            .ok_or_else(|| {
                Error::StatusList(format!(
                    "statusListIndex `{index_str}` is not a non-negative integer in a string"
                ))
            })?;
        Ok(Self {
            purpose: field("statusPurpose")?.to_string(),
            index,
            list_url: field("statusListCredential")?.to_string(),
        })
    }
}

/// The bit at `entry.index` in an already verified status list credential, after checking
/// that the list is the kind and purpose the entry says.
/// Decoded status lists by their exact `encodedList` text. Every credential of an issuer
/// points at the same few lists, and un-gzipping one (16 KB and more) for each
/// verification was a visible share of it; a list whose text changes is decoded afresh.
mod decoded {
    use super::BitstringStatusList;
    use crate::error::Result;
    use std::collections::HashMap;
    use std::sync::{Arc, LazyLock, Mutex};

    const CAPACITY: usize = 64;

    static CACHE: LazyLock<Mutex<HashMap<String, Arc<BitstringStatusList>>>> =
        LazyLock::new(Default::default);

    pub(super) fn list(encoded: &str) -> Result<Arc<BitstringStatusList>> {
        if let Some(l) = CACHE.lock().ok().and_then(|c| c.get(encoded).cloned()) {
            return Ok(l);
        }
        let list = Arc::new(BitstringStatusList::decode(encoded)?);
        if let Ok(mut c) = CACHE.lock() {
            if c.len() >= CAPACITY {
                c.clear();
            }
            c.insert(encoded.to_owned(), list.clone());
        }
        Ok(list)
    }
}

pub fn read_status(entry: &StatusEntry, list_credential: &Value) -> Result<bool> {
    let types = list_credential.get("type");
    let has_type = |t: &str| match types {
        Some(Value::Array(a)) => a.iter().any(|v| v == t),
        Some(Value::String(s)) => s == t,
        _ => false,
    };
    if !has_type("BitstringStatusListCredential") {
        return Err(Error::StatusList(format!(
            "{} is not a BitstringStatusListCredential",
            entry.list_url
        )));
    }
    let subject = list_credential
        .get("credentialSubject")
        .ok_or_else(|| Error::StatusList("the status list has no credentialSubject".into()))?;
    let purposes: Vec<&str> = match subject.get("statusPurpose") {
        Some(Value::String(s)) => vec![s.as_str()],
        Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !purposes.contains(&entry.purpose.as_str()) {
        return Err(Error::StatusList(format!(
            "the entry's statusPurpose `{}` does not match the list's ({})",
            entry.purpose,
            purposes.join(", ")
        )));
    }
    let encoded = subject
        .get("encodedList")
        .and_then(Value::as_str)
        .ok_or_else(|| Error::StatusList("the status list has no encodedList".into()))?;
    let list = decoded::list(encoded)?;
    list.get(entry.index).ok_or_else(|| {
        Error::StatusList(format!(
            "statusListIndex {} is beyond the list's {} entries",
            entry.index,
            list.len()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_encode_decode() {
        let mut l = BitstringStatusList::new(10);
        assert_eq!(l.len(), BitstringStatusList::MIN_BITS);
        l.set(0, true).unwrap();
        l.set(42, true).unwrap();
        l.set(131_071, true).unwrap();
        assert!(l.set(131_072, true).is_err());
        let enc = l.encode().unwrap();
        assert!(enc.starts_with("uH4sI"));
        let back = BitstringStatusList::decode(&enc).unwrap();
        assert_eq!(back.set_indexes(), vec![0, 42, 131_071]);
        assert_eq!(back.bytes[0], 0x80);
        l.set(42, false).unwrap();
        assert_eq!(l.get(42), Some(false));
    }
}
