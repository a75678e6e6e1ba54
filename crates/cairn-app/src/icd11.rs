//! ICD-11 MMS: import of WHO's simple tabulation, lookup, search and code validation.
//!
//! The tabulation (`SimpleTabulation-ICD-11-MMS-en.txt`, alone or in WHO's zip) is
//! tab-separated UTF-8 with a byte-order mark, one row per chapter, block or category in
//! the classification's order. The tree is not a column: each title starts with one `- `
//! per level, so a row's parent is the nearest row above it one level up. Those markers are
//! the only thing removed from titles (see docs/decisions/0009-icd11.md).

use std::collections::{HashMap, HashSet};
use std::io::Read;

use cairn_core::Principal;
use cairn_core::authz::Denied;
use cairn_core::icd11::{
    ClassKind, ClusterCheck, CodeFacts, is_extension_code, is_stem_code, normalize_code,
    strip_depth_markers, validate_cluster,
};
use cairn_core::validate::Invalid;
pub use cairn_store::{Icd11Counts, Icd11Entity, Icd11Release};
use serde::Serialize;
use serde_json::json;

use crate::{App, AppError, Result, audit_entry, now};

/// Largest file accepted (the 2024-01 tabulation is 10.9 MB unpacked).
pub const MAX_TABULATION_BYTES: u64 = 200 * 1024 * 1024;
/// Longest search text.
pub const SEARCH_MAX_CHARS: usize = 200;
pub const SEARCH_DEFAULT_LIMIT: i64 = 20;
pub const SEARCH_MAX_LIMIT: i64 = 100;
/// At most this many problems are listed when a file is refused.
const MAX_PROBLEMS: usize = 10;

/// What an import loaded.
#[derive(Debug, Clone, Serialize)]
pub struct ImportSummary {
    pub version: String,
    pub chapters: i64,
    pub blocks: i64,
    pub categories: i64,
    pub extension_codes: i64,
}

/// The loaded release, if any, and how much it holds.
#[derive(Debug, Clone)]
pub struct Icd11Status {
    pub release: Option<Icd11Release>,
    pub counts: Icd11Counts,
}

/// A code with its place in the classification.
#[derive(Debug, Clone)]
pub struct Icd11Code {
    pub entity: Icd11Entity,
    /// Chapter first, parent last.
    pub ancestors: Vec<Icd11Entity>,
    pub children: Vec<Icd11Entity>,
}

/// A parsed tabulation, ready to store.
#[derive(Debug, Clone)]
pub struct Tabulation {
    pub version: String,
    pub entities: Vec<Icd11Entity>,
}

fn refuse(problems: &[String]) -> AppError {
    AppError::Invalid(Invalid::new(
        "file",
        format!(
            "this is not a WHO ICD-11 MMS simple tabulation Cairn can read: {}",
            problems.join("; ")
        ),
    ))
}

fn refuse_one(problem: impl Into<String>) -> AppError {
    refuse(&[problem.into()])
}

/// The tabulation text from WHO's zip, or the bytes themselves when they are not a zip.
pub fn tabulation_text(bytes: &[u8]) -> Result<String> {
    let raw = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        unzip_tabulation(bytes)?
    } else {
        bytes.to_vec()
    };
    let text = String::from_utf8(raw)
        .map_err(|_| refuse_one("the file is not UTF-8 text; give WHO's .txt or its zip"))?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(&text).to_owned())
}

fn u16_at(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at + 2)?;
    Some(usize::from(u16::from_le_bytes([s[0], s[1]])))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at + 4)?;
    Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
}

/// A minimal zip reader: the central directory, then the one tabulation entry (stored or
/// deflated), checked against its CRC-32.
fn unzip_tabulation(zip: &[u8]) -> Result<Vec<u8>> {
    let bad = || refuse_one("the zip file is damaged or incomplete");
    let search_from = zip.len().saturating_sub(22 + 65_535);
    let eocd = (search_from..zip.len().saturating_sub(21))
        .rev()
        .find(|&i| u32_at(zip, i) == Some(0x0605_4b50))
        .ok_or_else(bad)?;
    let entries = u16_at(zip, eocd + 10).ok_or_else(bad)?;
    let cd = u32_at(zip, eocd + 16).ok_or_else(bad)? as usize;
    let mut at = cd;
    let mut names = Vec::new();
    for _ in 0..entries {
        if u32_at(zip, at) != Some(0x0201_4b50) {
            return Err(bad());
        }
        let method = u16_at(zip, at + 10).ok_or_else(bad)?;
        let crc = u32_at(zip, at + 16).ok_or_else(bad)?;
        let compressed = u32_at(zip, at + 20).ok_or_else(bad)? as usize;
        let size = u32_at(zip, at + 24).ok_or_else(bad)?;
        let name_len = u16_at(zip, at + 28).ok_or_else(bad)?;
        let extra_len = u16_at(zip, at + 30).ok_or_else(bad)?;
        let comment_len = u16_at(zip, at + 32).ok_or_else(bad)?;
        let local = u32_at(zip, at + 42).ok_or_else(bad)? as usize;
        let name = zip.get(at + 46..at + 46 + name_len).ok_or_else(bad)?;
        let name = String::from_utf8_lossy(name).into_owned();
        at += 46 + name_len + extra_len + comment_len;
        let base = name
            .rsplit('/')
            .next()
            .unwrap_or(&name)
            .to_ascii_lowercase();
        if !(base.starts_with("simpletabulation") && base.ends_with(".txt")) {
            names.push(name);
            continue;
        }
        if u64::from(size) > MAX_TABULATION_BYTES {
            return Err(refuse_one(format!(
                "{name} in the zip is larger than 200 MB"
            )));
        }
        if u32_at(zip, local) != Some(0x0403_4b50) {
            return Err(bad());
        }
        let start = local
            + 30
            + u16_at(zip, local + 26).ok_or_else(bad)?
            + u16_at(zip, local + 28).ok_or_else(bad)?;
        let data = zip.get(start..start + compressed).ok_or_else(bad)?;
        let mut out = Vec::with_capacity(size as usize);
        match method {
            0 => out.extend_from_slice(data),
            8 => {
                flate2::read::DeflateDecoder::new(data)
                    .take(MAX_TABULATION_BYTES)
                    .read_to_end(&mut out)
                    .map_err(|_| bad())?;
            }
            m => {
                return Err(refuse_one(format!(
                    "{name} in the zip uses compression method {m}; repack it with deflate"
                )));
            }
        }
        let mut sum = flate2::Crc::new();
        sum.update(&out);
        if sum.sum() != crc || out.len() != size as usize {
            return Err(bad());
        }
        return Ok(out);
    }
    Err(refuse_one(format!(
        "the zip holds no SimpleTabulation-….txt (it holds: {})",
        if names.is_empty() {
            "nothing".to_owned()
        } else {
            names.join(", ")
        }
    )))
}

/// One line split at tabs; a field in double quotes may hold tabs, and `""` inside it is a quote.
fn split_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    let mut at_start = true;
    while let Some(ch) = chars.next() {
        if quoted {
            if ch == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(ch);
            }
        } else if ch == '\t' {
            fields.push(std::mem::take(&mut cur));
            at_start = true;
            continue;
        } else if ch == '"' && at_start {
            quoted = true;
        } else {
            cur.push(ch);
        }
        at_start = false;
    }
    fields.push(cur);
    fields
}

fn flag(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// Read the tabulation: rows in order, parents from the depth markers, every row checked.
pub fn parse_tabulation(text: &str) -> Result<Tabulation> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate();
    let Some((_, header)) = lines.next() else {
        return Err(refuse_one("the file is empty"));
    };
    let header = split_fields(header);
    let col = |names: &[&str]| {
        header.iter().position(|h| {
            let h = h.trim().to_ascii_lowercase();
            names.iter().any(|n| h == *n)
        })
    };
    let wanted: [(&str, &[&str]); 9] = [
        (
            "Linearization URI",
            &["linearization uri", "linearization (release) uri"],
        ),
        ("Foundation URI", &["foundation uri"]),
        ("Code", &["code"]),
        ("BlockId", &["blockid"]),
        ("Title", &["title"]),
        ("ClassKind", &["classkind"]),
        ("IsResidual", &["isresidual"]),
        ("ChapterNo", &["chapterno"]),
        ("isLeaf", &["isleaf"]),
    ];
    let mut idx = [0usize; 9];
    let mut missing = Vec::new();
    for (i, (label, names)) in wanted.iter().enumerate() {
        match col(names) {
            Some(c) => idx[i] = c,
            None => missing.push(*label),
        }
    }
    if !missing.is_empty() {
        return Err(refuse_one(format!(
            "the first line lacks the column(s) {}",
            missing.join(", ")
        )));
    }
    let [
        c_uri,
        c_furi,
        c_code,
        c_block,
        c_title,
        c_kind,
        c_res,
        c_chap,
        c_leaf,
    ] = idx;
    let version = header
        .iter()
        .find_map(|h| {
            h.trim()
                .strip_prefix("Version:")
                .map(|v| v.trim().to_owned())
        })
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "unknown".to_owned());

    let mut entities: Vec<Icd11Entity> = Vec::new();
    let mut problems: Vec<String> = Vec::new();
    // The most recent row at each depth: the parent candidates.
    let mut stack: Vec<i32> = Vec::new();
    let mut uris = HashSet::new();
    let mut codes = HashSet::new();
    for (n, line) in lines {
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let f = split_fields(line);
        let get = |i: usize| f.get(i).map(String::as_str).unwrap_or("");
        let mut problem = |m: String| problems.push(format!("line {line_no}: {m}"));
        let Some(kind) = ClassKind::parse(get(c_kind)) else {
            problem(format!(
                "ClassKind '{}' is not chapter, block or category",
                get(c_kind)
            ));
            continue;
        };
        let (title, depth) = strip_depth_markers(get(c_title));
        if title.trim().is_empty() {
            problem("the title is empty".into());
            continue;
        }
        let uri = get(c_uri).trim().to_owned();
        if uri.is_empty() {
            problem("the linearization URI is empty".into());
            continue;
        }
        if !uris.insert(uri.clone()) {
            problem(format!("the linearization URI {uri} appears twice"));
            continue;
        }
        if (kind == ClassKind::Chapter) != (depth == 0) {
            problem(format!(
                "a {} with {depth} depth marker(s) before its title",
                kind.as_str()
            ));
            continue;
        }
        if depth > stack.len() {
            problem(format!(
                "the title is {depth} levels deep but the row above is only {} deep",
                stack.len().saturating_sub(1)
            ));
            continue;
        }
        stack.truncate(depth);
        let parent = stack.last().copied();
        let chapter = get(c_chap).trim().to_owned();
        if chapter.is_empty() {
            problem("ChapterNo is empty".into());
            continue;
        }
        let is_extension = chapter == "X";
        let code = opt(get(c_code));
        match (&code, kind) {
            (None, ClassKind::Category) => {
                problem("a category without a code".into());
                continue;
            }
            (Some(c), ClassKind::Category) => {
                let ok = if is_extension {
                    is_extension_code(c)
                } else {
                    is_stem_code(c)
                };
                if !ok {
                    problem(format!(
                        "'{c}' is not a valid {} code",
                        if is_extension { "extension" } else { "stem" }
                    ));
                    continue;
                }
                if !codes.insert(c.clone()) {
                    problem(format!("the code {c} appears twice"));
                    continue;
                }
            }
            (Some(c), _) => {
                problem(format!("a {} with a code ({c})", kind.as_str()));
                continue;
            }
            (None, _) => {}
        }
        let (Some(is_leaf), Some(is_residual)) = (flag(get(c_leaf)), flag(get(c_res))) else {
            problem("isLeaf and IsResidual must be True or False".into());
            continue;
        };
        let seq = i32::try_from(entities.len() + 1).unwrap_or(i32::MAX);
        entities.push(Icd11Entity {
            seq,
            uri,
            foundation_uri: opt(get(c_furi)),
            code,
            block_id: opt(get(c_block)),
            title: title.to_owned(),
            kind: kind.as_str().to_owned(),
            depth: i32::try_from(depth).unwrap_or(i32::MAX),
            parent_seq: parent,
            chapter,
            is_leaf,
            is_residual,
            is_extension,
        });
        stack.push(seq);
    }
    if !problems.is_empty() {
        return Err(refuse(&problems));
    }
    if entities.is_empty() {
        return Err(refuse_one("the file has a header but no rows"));
    }
    Ok(Tabulation { version, entities })
}

/// Rows of WHO's 2024-01 MMS tabulation (verbatim titles, WHO's order numbers) that the demo
/// needs without the file: each code with its chapter and blocks above it.
struct SampleRow {
    seq: i32,
    uri: &'static str,
    foundation_uri: Option<&'static str>,
    code: Option<&'static str>,
    block_id: Option<&'static str>,
    title: &'static str,
    kind: &'static str,
    depth: i32,
    parent_seq: Option<i32>,
    chapter: &'static str,
    is_leaf: bool,
    is_residual: bool,
}

/// The release the sample comes from.
pub const SAMPLE_VERSION: &str = "2024 Jan 21 - 22:30 UTC";
pub const SAMPLE_SOURCE: &str =
    "built-in sample of the WHO ICD-11 MMS (import the full tabulation with `cairn icd11 import`)";

const SAMPLE: &[SampleRow] = &[
    SampleRow {
        seq: 1,
        uri: "http://id.who.int/icd/release/11/mms/1435254666",
        foundation_uri: Some("http://id.who.int/icd/entity/1435254666"),
        code: None,
        block_id: None,
        title: "Certain infectious or parasitic diseases",
        kind: "chapter",
        depth: 0,
        parent_seq: None,
        chapter: "01",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 2,
        uri: "http://id.who.int/icd/release/11/mms/588616678",
        foundation_uri: Some("http://id.who.int/icd/entity/588616678"),
        code: None,
        block_id: Some("BlockL1-1A0"),
        title: "Gastroenteritis or colitis of infectious origin",
        kind: "block",
        depth: 1,
        parent_seq: Some(1),
        chapter: "01",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 3,
        uri: "http://id.who.int/icd/release/11/mms/135352227",
        foundation_uri: Some("http://id.who.int/icd/entity/135352227"),
        code: None,
        block_id: Some("BlockL2-1A0"),
        title: "Bacterial intestinal infections",
        kind: "block",
        depth: 2,
        parent_seq: Some(2),
        chapter: "01",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 4,
        uri: "http://id.who.int/icd/release/11/mms/257068234",
        foundation_uri: Some("http://id.who.int/icd/entity/257068234"),
        code: Some("1A00"),
        block_id: None,
        title: "Cholera",
        kind: "category",
        depth: 3,
        parent_seq: Some(3),
        chapter: "01",
        is_leaf: true,
        is_residual: false,
    },
    SampleRow {
        seq: 2874,
        uri: "http://id.who.int/icd/release/11/mms/21500692",
        foundation_uri: Some("http://id.who.int/icd/entity/21500692"),
        code: None,
        block_id: None,
        title: "Endocrine, nutritional or metabolic diseases",
        kind: "chapter",
        depth: 0,
        parent_seq: None,
        chapter: "05",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 2875,
        uri: "http://id.who.int/icd/release/11/mms/461716838",
        foundation_uri: Some("http://id.who.int/icd/entity/461716838"),
        code: None,
        block_id: Some("BlockL1-5A0"),
        title: "Endocrine diseases",
        kind: "block",
        depth: 1,
        parent_seq: Some(2874),
        chapter: "05",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 2927,
        uri: "http://id.who.int/icd/release/11/mms/465177735",
        foundation_uri: Some("http://id.who.int/icd/entity/465177735"),
        code: None,
        block_id: Some("BlockL2-5A1"),
        title: "Diabetes mellitus",
        kind: "block",
        depth: 2,
        parent_seq: Some(2875),
        chapter: "05",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 2928,
        uri: "http://id.who.int/icd/release/11/mms/1651053999",
        foundation_uri: Some("http://id.who.int/icd/entity/1651053999"),
        code: Some("5A10"),
        block_id: None,
        title: "Type 1 diabetes mellitus",
        kind: "category",
        depth: 3,
        parent_seq: Some(2927),
        chapter: "05",
        is_leaf: true,
        is_residual: false,
    },
    SampleRow {
        seq: 2929,
        uri: "http://id.who.int/icd/release/11/mms/119724091",
        foundation_uri: Some("http://id.who.int/icd/entity/119724091"),
        code: Some("5A11"),
        block_id: None,
        title: "Type 2 diabetes mellitus",
        kind: "category",
        depth: 3,
        parent_seq: Some(2927),
        chapter: "05",
        is_leaf: true,
        is_residual: false,
    },
    SampleRow {
        seq: 6281,
        uri: "http://id.who.int/icd/release/11/mms/426429380",
        foundation_uri: Some("http://id.who.int/icd/entity/426429380"),
        code: None,
        block_id: None,
        title: "Diseases of the circulatory system",
        kind: "chapter",
        depth: 0,
        parent_seq: None,
        chapter: "11",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 6282,
        uri: "http://id.who.int/icd/release/11/mms/924915526",
        foundation_uri: Some("http://id.who.int/icd/entity/924915526"),
        code: None,
        block_id: Some("BlockL1-BA0"),
        title: "Hypertensive diseases",
        kind: "block",
        depth: 1,
        parent_seq: Some(6281),
        chapter: "11",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 6283,
        uri: "http://id.who.int/icd/release/11/mms/761947693",
        foundation_uri: Some("http://id.who.int/icd/entity/761947693"),
        code: Some("BA00"),
        block_id: None,
        title: "Essential hypertension",
        kind: "category",
        depth: 2,
        parent_seq: Some(6282),
        chapter: "11",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 6898,
        uri: "http://id.who.int/icd/release/11/mms/197934298",
        foundation_uri: Some("http://id.who.int/icd/entity/197934298"),
        code: None,
        block_id: None,
        title: "Diseases of the respiratory system",
        kind: "chapter",
        depth: 0,
        parent_seq: None,
        chapter: "12",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 7037,
        uri: "http://id.who.int/icd/release/11/mms/915779102",
        foundation_uri: Some("http://id.who.int/icd/entity/915779102"),
        code: None,
        block_id: Some("BlockL1-CA4"),
        title: "Lung infections",
        kind: "block",
        depth: 1,
        parent_seq: Some(6898),
        chapter: "12",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 7038,
        uri: "http://id.who.int/icd/release/11/mms/142052508",
        foundation_uri: Some("http://id.who.int/icd/entity/142052508"),
        code: Some("CA40"),
        block_id: None,
        title: "Pneumonia",
        kind: "category",
        depth: 2,
        parent_seq: Some(7037),
        chapter: "12",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 13987,
        uri: "http://id.who.int/icd/release/11/mms/435227771",
        foundation_uri: Some("http://id.who.int/icd/entity/435227771"),
        code: None,
        block_id: None,
        title: "Injury, poisoning or certain other consequences of external causes",
        kind: "chapter",
        depth: 0,
        parent_seq: None,
        chapter: "22",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 15251,
        uri: "http://id.who.int/icd/release/11/mms/375360441",
        foundation_uri: Some("http://id.who.int/icd/entity/375360441"),
        code: None,
        block_id: Some("BlockL1-NC7"),
        title: "Injuries to the hip or thigh",
        kind: "block",
        depth: 1,
        parent_seq: Some(13987),
        chapter: "22",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 15269,
        uri: "http://id.who.int/icd/release/11/mms/1810119958",
        foundation_uri: Some("http://id.who.int/icd/entity/1810119958"),
        code: Some("NC72"),
        block_id: None,
        title: "Fracture of femur",
        kind: "category",
        depth: 2,
        parent_seq: Some(15251),
        chapter: "22",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 15272,
        uri: "http://id.who.int/icd/release/11/mms/398412176",
        foundation_uri: Some("http://id.who.int/icd/entity/398412176"),
        code: Some("NC72.2"),
        block_id: None,
        title: "Fracture of neck of femur",
        kind: "category",
        depth: 3,
        parent_seq: Some(15269),
        chapter: "22",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 18604,
        uri: "http://id.who.int/icd/release/11/mms/979408586",
        foundation_uri: Some("http://id.who.int/icd/entity/979408586"),
        code: None,
        block_id: None,
        title: "Extension Codes",
        kind: "chapter",
        depth: 0,
        parent_seq: None,
        chapter: "X",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 18605,
        uri: "http://id.who.int/icd/release/11/mms/815889539",
        foundation_uri: Some("http://id.who.int/icd/entity/815889539"),
        code: None,
        block_id: None,
        title: "Severity Scale Value",
        kind: "block",
        depth: 1,
        parent_seq: Some(18604),
        chapter: "X",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 18606,
        uri: "http://id.who.int/icd/release/11/mms/146631584",
        foundation_uri: Some("http://id.who.int/icd/entity/146631584"),
        code: None,
        block_id: None,
        title: "Generic Severity Scale Value",
        kind: "block",
        depth: 2,
        parent_seq: Some(18605),
        chapter: "X",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 18607,
        uri: "http://id.who.int/icd/release/11/mms/1726150948",
        foundation_uri: Some("http://id.who.int/icd/entity/1726150948"),
        code: None,
        block_id: None,
        title: "Mild Moderate Severe Scale Value",
        kind: "block",
        depth: 3,
        parent_seq: Some(18606),
        chapter: "X",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 18609,
        uri: "http://id.who.int/icd/release/11/mms/562478860",
        foundation_uri: Some("http://id.who.int/icd/entity/562478860"),
        code: Some("XS5W"),
        block_id: None,
        title: "Mild",
        kind: "category",
        depth: 4,
        parent_seq: Some(18607),
        chapter: "X",
        is_leaf: true,
        is_residual: false,
    },
    SampleRow {
        seq: 18610,
        uri: "http://id.who.int/icd/release/11/mms/1663264387",
        foundation_uri: Some("http://id.who.int/icd/entity/1663264387"),
        code: Some("XS0T"),
        block_id: None,
        title: "Moderate",
        kind: "category",
        depth: 4,
        parent_seq: Some(18607),
        chapter: "X",
        is_leaf: true,
        is_residual: false,
    },
    SampleRow {
        seq: 18611,
        uri: "http://id.who.int/icd/release/11/mms/1201187093",
        foundation_uri: Some("http://id.who.int/icd/entity/1201187093"),
        code: Some("XS25"),
        block_id: None,
        title: "Severe",
        kind: "category",
        depth: 4,
        parent_seq: Some(18607),
        chapter: "X",
        is_leaf: true,
        is_residual: false,
    },
    SampleRow {
        seq: 18750,
        uri: "http://id.who.int/icd/release/11/mms/614922797",
        foundation_uri: Some("http://id.who.int/icd/entity/614922797"),
        code: None,
        block_id: None,
        title: "Temporality",
        kind: "block",
        depth: 1,
        parent_seq: Some(18604),
        chapter: "X",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 18751,
        uri: "http://id.who.int/icd/release/11/mms/1770621312",
        foundation_uri: Some("http://id.who.int/icd/entity/1770621312"),
        code: None,
        block_id: None,
        title: "Course of the Condition",
        kind: "block",
        depth: 2,
        parent_seq: Some(18750),
        chapter: "X",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 18765,
        uri: "http://id.who.int/icd/release/11/mms/2082570273",
        foundation_uri: Some("http://id.who.int/icd/entity/2082570273"),
        code: None,
        block_id: None,
        title: "Course",
        kind: "block",
        depth: 3,
        parent_seq: Some(18751),
        chapter: "X",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 18766,
        uri: "http://id.who.int/icd/release/11/mms/943864406",
        foundation_uri: Some("http://id.who.int/icd/entity/943864406"),
        code: None,
        block_id: None,
        title: "Acute-Subacute-Chronic Scale Value",
        kind: "block",
        depth: 4,
        parent_seq: Some(18765),
        chapter: "X",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 18769,
        uri: "http://id.who.int/icd/release/11/mms/490003542",
        foundation_uri: Some("http://id.who.int/icd/entity/490003542"),
        code: Some("XT8W"),
        block_id: None,
        title: "Chronic",
        kind: "category",
        depth: 5,
        parent_seq: Some(18766),
        chapter: "X",
        is_leaf: true,
        is_residual: false,
    },
    SampleRow {
        seq: 19859,
        uri: "http://id.who.int/icd/release/11/mms/1413523709",
        foundation_uri: Some("http://id.who.int/icd/entity/1413523709"),
        code: None,
        block_id: None,
        title: "Topology Scale Value",
        kind: "block",
        depth: 1,
        parent_seq: Some(18604),
        chapter: "X",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 19890,
        uri: "http://id.who.int/icd/release/11/mms/1435602785",
        foundation_uri: Some("http://id.who.int/icd/entity/1435602785"),
        code: None,
        block_id: None,
        title: "Laterality",
        kind: "block",
        depth: 2,
        parent_seq: Some(19859),
        chapter: "X",
        is_leaf: false,
        is_residual: false,
    },
    SampleRow {
        seq: 19893,
        uri: "http://id.who.int/icd/release/11/mms/876572005",
        foundation_uri: Some("http://id.who.int/icd/entity/876572005"),
        code: Some("XK9K"),
        block_id: None,
        title: "Right",
        kind: "category",
        depth: 3,
        parent_seq: Some(19890),
        chapter: "X",
        is_leaf: true,
        is_residual: false,
    },
];

fn sample_entities() -> Vec<Icd11Entity> {
    SAMPLE
        .iter()
        .map(|r| Icd11Entity {
            seq: r.seq,
            uri: r.uri.to_owned(),
            foundation_uri: r.foundation_uri.map(str::to_owned),
            code: r.code.map(str::to_owned),
            block_id: r.block_id.map(str::to_owned),
            title: r.title.to_owned(),
            kind: r.kind.to_owned(),
            depth: r.depth,
            parent_seq: r.parent_seq,
            chapter: r.chapter.to_owned(),
            is_leaf: r.is_leaf,
            is_residual: r.is_residual,
            is_extension: r.chapter == "X",
        })
        .collect()
}

/// Whether `by` may import a release, and the tabulation in `bytes` (WHO's zip or .txt)
/// read and checked, before anything is changed.
pub fn check_icd11_import(by: &Principal, bytes: &[u8]) -> Result<Tabulation> {
    if !by.is_operator {
        return Err(AppError::Forbidden(Denied::NotOperator(
            "import the ICD-11 classification",
        )));
    }
    let text = tabulation_text(bytes)?;
    parse_tabulation(&text)
}

impl App {
    /// Replace the loaded ICD-11 release with the tabulation in `bytes` (WHO's zip or .txt),
    /// in one transaction: a refused or failed import leaves the previous release in place.
    /// Platform operators (and the command line) only.
    pub async fn import_icd11(
        &self,
        by: &Principal,
        bytes: &[u8],
        source: &str,
    ) -> Result<ImportSummary> {
        let tab = check_icd11_import(by, bytes)?;
        let mut tx = self.store.begin().await?;
        let summary = self.replace_icd11_in(&mut tx, by, &tab, source).await?;
        tx.commit().await?;
        Ok(summary)
    }

    /// Replace the loaded release with `tab` in the caller's transaction, recording it.
    pub(crate) async fn replace_icd11_in(
        &self,
        tx: &mut cairn_store::Tx,
        by: &Principal,
        tab: &Tabulation,
        source: &str,
    ) -> Result<ImportSummary> {
        tx.conn().icd11_clear().await?;
        tx.conn().icd11_insert_entities(&tab.entities).await?;
        tx.conn()
            .icd11_set_release(&Icd11Release {
                version: tab.version.clone(),
                source: source.to_owned(),
                imported_at: now(),
            })
            .await?;
        let counts = tx.conn().icd11_counts().await?;
        let entry = audit_entry(
            by,
            None,
            "icd11.import",
            "icd11:mms".to_owned(),
            json!({
                "version": tab.version,
                "source": source,
                "chapters": counts.chapters,
                "blocks": counts.blocks,
                "categories": counts.categories,
            }),
        );
        tx.conn().append_audit(&entry, now()).await?;
        Ok(ImportSummary {
            version: tab.version.clone(),
            chapters: counts.chapters,
            blocks: counts.blocks,
            categories: counts.categories,
            extension_codes: counts.extension_codes,
        })
    }

    /// Put the built-in sample of codes in place when no ICD-11 data is loaded, inside the
    /// caller's transaction. Returns whether it did.
    pub async fn seed_icd11_sample(&self, tx: &mut cairn_store::Tx) -> Result<bool> {
        if tx.conn().icd11_release().await?.is_some() {
            return Ok(false);
        }
        tx.conn().icd11_clear().await?;
        tx.conn().icd11_insert_entities(&sample_entities()).await?;
        tx.conn()
            .icd11_set_release(&Icd11Release {
                version: SAMPLE_VERSION.to_owned(),
                source: SAMPLE_SOURCE.to_owned(),
                imported_at: now(),
            })
            .await?;
        Ok(true)
    }

    /// The loaded release and its counts.
    pub async fn icd11_status(&self) -> Result<Icd11Status> {
        let mut r = self.store.reader().await?;
        Ok(Icd11Status {
            release: r.conn().icd11_release().await?,
            counts: r.conn().icd11_counts().await?,
        })
    }

    /// One code with its parent chain and children.
    pub async fn icd11_code(&self, code: &str) -> Result<Icd11Code> {
        let code = normalize_code(code).map_err(|m| Invalid::new("code", m))?;
        let mut r = self.store.reader().await?;
        let entity = r
            .conn()
            .icd11_by_code(&code)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("ICD-11 code {code}")))?;
        let ancestors = r.conn().icd11_ancestors(entity.seq).await?;
        let children = r.conn().icd11_children(entity.seq).await?;
        Ok(Icd11Code {
            entity,
            ancestors,
            children,
        })
    }

    /// Categories matching a code prefix or every word of `q`.
    pub async fn icd11_search(&self, q: &str, limit: Option<i64>) -> Result<Vec<Icd11Entity>> {
        let q = q.trim();
        if q.is_empty() {
            return Err(Invalid::new(
                "q",
                "give words (e.g. diabetes) or a code (e.g. 5A1) to search for",
            )
            .into());
        }
        if q.chars().count() > SEARCH_MAX_CHARS {
            return Err(Invalid::new("q", format!("at most {SEARCH_MAX_CHARS} characters")).into());
        }
        let limit = limit.unwrap_or(SEARCH_DEFAULT_LIMIT);
        if !(1..=SEARCH_MAX_LIMIT).contains(&limit) {
            return Err(
                Invalid::new("limit", format!("must be between 1 and {SEARCH_MAX_LIMIT}")).into(),
            );
        }
        let upper = q.to_ascii_uppercase();
        let code_prefix = if upper.len() >= 2
            && upper.bytes().any(|b| b.is_ascii_digit())
            && upper
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.')
        {
            upper
        } else {
            String::new()
        };
        let words: Vec<String> = q.split_whitespace().map(str::to_lowercase).collect();
        let mut r = self.store.reader().await?;
        Ok(r.conn().icd11_search(&code_prefix, &words, limit).await?)
    }

    /// Check a code or postcoordinated cluster against the loaded release, part by part.
    pub async fn icd11_validate(&self, input: &str) -> Result<ClusterCheck> {
        if input.trim().is_empty() {
            return Err(Invalid::new(
                "code",
                "give a code such as 5A11 or a cluster such as 5A11&XT8W",
            )
            .into());
        }
        let mut facts: HashMap<String, CodeFacts> = HashMap::new();
        if let Ok(cluster) = cairn_core::icd11::parse_cluster(input) {
            let mut r = self.store.reader().await?;
            for (code, _) in cluster.parts() {
                if facts.contains_key(code) {
                    continue;
                }
                if let Some(e) = r.conn().icd11_by_code(code).await? {
                    facts.insert(
                        code.to_owned(),
                        CodeFacts {
                            title: e.title,
                            is_extension: e.is_extension,
                            is_leaf: e.is_leaf,
                            is_residual: e.is_residual,
                        },
                    );
                }
            }
        }
        Ok(validate_cluster(input, &facts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "\u{feff}Foundation URI\tLinearization URI\tCode\tBlockId\tTitle\tClassKind\tDepthInKind\tIsResidual\tChapterNo\tBrowserLink\tisLeaf\tVersion:2024 Jan 21 - 22:30 UTC\r\n";

    fn row(uri: &str, code: &str, title: &str, kind: &str, chapter: &str, leaf: &str) -> String {
        format!(
            "f/{uri}\tl/{uri}\t{code}\t\t\"{title}\"\t{kind}\t1\tFalse\t{chapter}\t\"=hyperlink(\"\"x\"\",\"\"browser\"\")\"\t{leaf}\r\n"
        )
    }

    #[test]
    fn parses_tree_from_depth_markers() {
        let text = format!(
            "{HEAD}{}{}{}{}{}",
            row(
                "1",
                "",
                "Certain infectious or parasitic diseases",
                "chapter",
                "01",
                "False"
            ),
            row("2", "", "- Gastroenteritis", "block", "01", "False"),
            row("3", "1A00", "- - Cholera", "category", "01", "True"),
            row("4", "", "Extension Codes", "chapter", "X", "False"),
            row("5", "XT8W", "- Chronic", "category", "X", "True"),
        );
        let t = parse_tabulation(tabulation_text(text.as_bytes()).unwrap().as_str()).unwrap();
        assert_eq!(t.version, "2024 Jan 21 - 22:30 UTC");
        assert_eq!(t.entities.len(), 5);
        assert_eq!(t.entities[2].title, "Cholera");
        assert_eq!(t.entities[2].parent_seq, Some(2));
        assert_eq!(t.entities[1].parent_seq, Some(1));
        assert_eq!(t.entities[3].parent_seq, None);
        assert!(t.entities[4].is_extension);
        assert_eq!(t.entities[0].foundation_uri.as_deref(), Some("f/1"));
    }

    #[test]
    fn refuses_broken_rows_with_line_numbers() {
        let text = format!(
            "{HEAD}{}{}{}",
            row("1", "", "Chapter", "chapter", "01", "False"),
            row("2", "hello", "- - - Deep", "category", "01", "True"),
            row("3", "1A00", "- Cholera", "thing", "01", "True"),
        );
        let e = parse_tabulation(&text).unwrap_err().to_string();
        assert!(e.contains("line 3"), "{e}");
        assert!(e.contains("line 4") && e.contains("ClassKind"), "{e}");
        assert!(
            parse_tabulation("just some text")
                .unwrap_err()
                .to_string()
                .contains("lacks the column")
        );
        assert!(tabulation_text(b"PK\x03\x04garbage").is_err());
    }

    #[test]
    fn quoted_fields_keep_tabs_and_quotes() {
        assert_eq!(
            split_fields("a\t\"b\tc\"\t\"d \"\"e\"\"\""),
            vec!["a", "b\tc", "d \"e\""]
        );
    }

    #[test]
    fn sample_is_a_tree() {
        let s = sample_entities();
        let seqs: HashSet<i32> = s.iter().map(|e| e.seq).collect();
        for e in &s {
            if let Some(p) = e.parent_seq {
                assert!(seqs.contains(&p) && p < e.seq, "{e:?}");
            }
        }
    }
}
