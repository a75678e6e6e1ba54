//! ICD-11 MMS rules: code syntax, postcoordination clusters and their validation.
//!
//! A *stem code* names a condition on its own (`5A11`, `NC72.2`); an *extension code*
//! (chapter X, always starting with `X`: `XT8W`, `XK9K`) only adds detail to a stem.
//! WHO writes a cluster as stem codes joined by `/`, each followed by its extension codes
//! joined with `&`: `5A11&XT8W`, `NC72.2&XK9K`, `2C6Z&XH1ZV6/XS25`-like shapes are checked
//! part by part. Codes never contain the letters I or O (WHO leaves them out so they are
//! not mistaken for 1 and 0).
//!
//! Validation needs to know which codes exist; that is asked through [`CodeLookup`], which
//! the application implements over the database, so these rules stay pure.

use std::fmt;

use serde::Serialize;

/// Longest cluster text accepted (generous: real clusters are a few dozen characters).
pub const CLUSTER_MAX_CHARS: usize = 200;

/// Chapter, block or category: WHO's `ClassKind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ClassKind {
    /// The top level (01–26, V, X).
    Chapter,
    /// A grouping without a code.
    Block,
    /// An entity with a code: a stem code, or an extension code in chapter X.
    Category,
}

impl ClassKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ClassKind::Chapter => "chapter",
            ClassKind::Block => "block",
            ClassKind::Category => "category",
        }
    }

    /// Reads WHO's spelling (`chapter`, `block`, `category`), in any case.
    pub fn parse(s: &str) -> Option<ClassKind> {
        match s.trim().to_ascii_lowercase().as_str() {
            "chapter" => Some(ClassKind::Chapter),
            "block" => Some(ClassKind::Block),
            "category" => Some(ClassKind::Category),
            _ => None,
        }
    }
}

fn code_char(c: u8) -> bool {
    (c.is_ascii_digit() || c.is_ascii_uppercase()) && c != b'I' && c != b'O'
}

fn code_letter(c: u8) -> bool {
    c.is_ascii_uppercase() && c != b'I' && c != b'O'
}

/// A stem code: four characters (a digit or letter, a letter, a digit, a digit or letter),
/// optionally `.` and one or two more, e.g. `1A00`, `5A11`, `NC72.2`, `1A36.0Z`. Upper case.
pub fn is_stem_code(s: &str) -> bool {
    let b = s.as_bytes();
    let (head, tail) = match s.split_once('.') {
        Some((h, t)) => (h.as_bytes(), Some(t.as_bytes())),
        None => (b, None),
    };
    let head_ok = head.len() == 4
        && code_char(head[0])
        && head[0] != b'X'
        && code_letter(head[1])
        && head[2].is_ascii_digit()
        && code_char(head[3]);
    let tail_ok = match tail {
        None => true,
        Some(t) => (1..=2).contains(&t.len()) && t.iter().all(|c| code_char(*c)),
    };
    head_ok && tail_ok
}

/// An extension code: `X` and three to five more characters, e.g. `XT8W`, `XN74M`, `XH1ZV6`. Upper case.
pub fn is_extension_code(s: &str) -> bool {
    let b = s.as_bytes();
    (4..=6).contains(&b.len()) && b[0] == b'X' && b[1..].iter().all(|c| code_char(*c))
}

/// Either kind of code.
pub fn is_code(s: &str) -> bool {
    is_stem_code(s) || is_extension_code(s)
}

/// `s` trimmed and upper-cased if it is a code, or why not.
pub fn normalize_code(s: &str) -> Result<String, String> {
    let t = s.trim();
    let up = t.to_ascii_uppercase();
    if is_code(&up) {
        Ok(up)
    } else if t.is_empty() {
        Err("an ICD-11 code is empty; give one such as 5A11 or XT8W".to_owned())
    } else if t.contains('&') || t.contains('/') {
        Err(format!(
            "'{}' is a cluster, not a single code; validate it as a cluster",
            shorten(t)
        ))
    } else {
        Err(format!(
            "'{}' is not an ICD-11 code: a stem code looks like 5A11 or NC72.2 (four characters, then optionally '.' and one or two more); an extension code looks like XT8W",
            shorten(t)
        ))
    }
}

fn shorten(s: &str) -> String {
    const MAX: usize = 40;
    if s.chars().count() <= MAX {
        s.to_owned()
    } else {
        let mut out: String = s.chars().take(MAX).collect();
        out.push('…');
        out
    }
}

/// One stem code with the extension codes that qualify it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StemGroup {
    pub stem: String,
    pub extensions: Vec<String>,
}

/// A postcoordinated cluster: one or more stem groups joined by `/`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Cluster {
    pub groups: Vec<StemGroup>,
}

impl Cluster {
    /// Every code in written order, with whether it is used as an extension.
    pub fn parts(&self) -> impl Iterator<Item = (&str, PartRole)> {
        self.groups.iter().flat_map(|g| {
            std::iter::once((g.stem.as_str(), PartRole::Stem)).chain(
                g.extensions
                    .iter()
                    .map(|e| (e.as_str(), PartRole::Extension)),
            )
        })
    }
}

impl fmt::Display for Cluster {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, g) in self.groups.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            f.write_str(&g.stem)?;
            for e in &g.extensions {
                write!(f, "&{e}")?;
            }
        }
        Ok(())
    }
}

/// Why a text is not a well-formed cluster.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClusterError {
    #[error("the code is empty; give one such as 5A11 or a cluster such as 5A11&XT8W")]
    Empty,
    #[error("the code is longer than {CLUSTER_MAX_CHARS} characters")]
    TooLong,
    #[error("part {position} is empty: two separators in a row, or one at the start or end")]
    EmptyPart { position: usize },
    #[error(
        "part {position} '{part}' is not an ICD-11 code (a stem code looks like 5A11 or NC72.2, an extension code like XT8W)"
    )]
    NotACode { position: usize, part: String },
    #[error(
        "part {position} '{part}' is an extension code: extension codes qualify a stem code and are attached to it with '&' (e.g. 5A11&{part}), they cannot stand first or after '/'"
    )]
    ExtensionWithoutStem { position: usize, part: String },
    #[error("part {position} '{part}' is a stem code: stem codes are joined with '/', not '&'")]
    StemAfterAmpersand { position: usize, part: String },
}

/// Parse a cluster such as `5A11&XT8W` or `NC72.2&XK9K/XS25`'s well-formed cousins. Case is
/// ignored (codes come out upper-case); space around the whole text is ignored, inside it is not.
pub fn parse_cluster(input: &str) -> Result<Cluster, ClusterError> {
    let t = input.trim();
    if t.is_empty() {
        return Err(ClusterError::Empty);
    }
    if t.chars().count() > CLUSTER_MAX_CHARS {
        return Err(ClusterError::TooLong);
    }
    let mut groups: Vec<StemGroup> = Vec::new();
    let mut position = 0;
    for (gi, group) in t.split('/').enumerate() {
        for (pi, raw) in group.split('&').enumerate() {
            position += 1;
            if raw.is_empty() {
                return Err(ClusterError::EmptyPart { position });
            }
            let part = raw.to_ascii_uppercase();
            let stem = is_stem_code(&part);
            let ext = is_extension_code(&part);
            if !stem && !ext {
                return Err(ClusterError::NotACode {
                    position,
                    part: shorten(raw),
                });
            }
            if pi == 0 {
                if ext {
                    return Err(ClusterError::ExtensionWithoutStem { position, part });
                }
                groups.push(StemGroup {
                    stem: part,
                    extensions: Vec::new(),
                });
            } else if stem {
                return Err(ClusterError::StemAfterAmpersand { position, part });
            } else if let Some(g) = groups.get_mut(gi) {
                g.extensions.push(part);
            }
        }
    }
    Ok(Cluster { groups })
}

/// What the classification says about one code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeFacts {
    pub title: String,
    /// In chapter X.
    pub is_extension: bool,
    pub is_leaf: bool,
    pub is_residual: bool,
}

/// Which codes exist: implemented by the application over the loaded release.
pub trait CodeLookup {
    /// Facts about `code` (upper case), or None when the release has no such code.
    fn facts(&self, code: &str) -> Option<CodeFacts>;
}

impl<S: std::hash::BuildHasher> CodeLookup for std::collections::HashMap<String, CodeFacts, S> {
    fn facts(&self, code: &str) -> Option<CodeFacts> {
        self.get(code).cloned()
    }
}

/// How a code is used in a cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum PartRole {
    Stem,
    Extension,
}

/// The verdict on one code of a cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartCheck {
    pub code: String,
    pub role: PartRole,
    pub valid: bool,
    /// WHO's title, when the code exists.
    pub title: Option<String>,
    pub reason: String,
}

/// The verdict on a whole cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ClusterCheck {
    pub input: String,
    pub valid: bool,
    /// The cluster as WHO writes it (upper case), when it parsed.
    pub cluster: Option<String>,
    /// Set when the text is not a well-formed cluster (then `parts` is empty).
    pub syntax_error: Option<String>,
    pub parts: Vec<PartCheck>,
}

/// Check a cluster: well-formed, every stem a stem code of the release, every extension an
/// extension code of the release. Each part gets its own reason.
pub fn validate_cluster(input: &str, lookup: &impl CodeLookup) -> ClusterCheck {
    let cluster = match parse_cluster(input) {
        Ok(c) => c,
        Err(e) => {
            return ClusterCheck {
                input: input.to_owned(),
                valid: false,
                cluster: None,
                syntax_error: Some(e.to_string()),
                parts: Vec::new(),
            };
        }
    };
    let parts: Vec<PartCheck> = cluster
        .parts()
        .map(|(code, role)| check_part(code, role, lookup.facts(code)))
        .collect();
    ClusterCheck {
        input: input.to_owned(),
        valid: parts.iter().all(|p| p.valid),
        cluster: Some(cluster.to_string()),
        syntax_error: None,
        parts,
    }
}

fn check_part(code: &str, role: PartRole, facts: Option<CodeFacts>) -> PartCheck {
    let (valid, reason) = match (&facts, role) {
        (None, _) => (
            false,
            format!("{code} is not a code of the loaded ICD-11 release"),
        ),
        (Some(f), PartRole::Stem) if f.is_extension => (
            false,
            format!("{code} is an extension code; it can only qualify a stem code after '&'"),
        ),
        (Some(f), PartRole::Extension) if !f.is_extension => (
            false,
            format!("{code} is a stem code, not an extension code"),
        ),
        (Some(f), _) if !f.is_leaf => (
            true,
            format!("{code} exists; more specific codes exist below it"),
        ),
        (Some(f), _) if f.is_residual => (
            true,
            format!("{code} exists (a residual 'other' or 'unspecified' category)"),
        ),
        (Some(_), PartRole::Stem) => (true, format!("{code} is a stem code")),
        (Some(_), PartRole::Extension) => (true, format!("{code} is an extension code")),
    };
    PartCheck {
        code: code.to_owned(),
        role,
        valid,
        title: facts.map(|f| f.title),
        reason,
    }
}

/// A title without the depth markers (`- ` repeated) that the simple tabulation puts in front
/// of it, and the depth they gave. Nothing else about the title changes.
pub fn strip_depth_markers(title: &str) -> (&str, usize) {
    let mut rest = title;
    let mut depth = 0;
    while let Some(r) = rest.strip_prefix("- ") {
        rest = r;
        depth += 1;
    }
    (rest, depth)
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use proptest::prelude::*;

    use super::*;

    fn facts(title: &str, ext: bool, leaf: bool) -> CodeFacts {
        CodeFacts {
            title: title.into(),
            is_extension: ext,
            is_leaf: leaf,
            is_residual: false,
        }
    }

    fn release() -> HashMap<String, CodeFacts> {
        HashMap::from([
            (
                "5A11".into(),
                facts("Type 2 diabetes mellitus", false, true),
            ),
            (
                "NC72.2".into(),
                facts("Fracture of neck of femur", false, false),
            ),
            ("XT8W".into(), facts("Chronic", true, true)),
            ("XK9K".into(), facts("Right", true, true)),
            ("XS25".into(), facts("Severe", true, true)),
            ("BA00".into(), facts("Essential hypertension", false, false)),
        ])
    }

    #[test]
    fn code_syntax() {
        for ok in [
            "1A00", "5A11", "NC72.2", "1A36.0Z", "BA00", "VD00", "SA00.0",
        ] {
            assert!(is_stem_code(ok), "{ok}");
            assert!(!is_extension_code(ok), "{ok}");
        }
        for ok in ["XT8W", "XK9K", "XN74M", "XH1ZV6", "XS25"] {
            assert!(is_extension_code(ok), "{ok}");
            assert!(!is_stem_code(ok), "{ok}");
        }
        for bad in [
            "", "1A0", "1A000", "1a00", "1I00", "1A0O", "A100", "1A00.", "1A00.123", "XT8W.1",
            "X12", "XABCDEF", "XI00", "1A00 ", "1-00",
        ] {
            assert!(!is_code(bad), "{bad:?}");
        }
        assert_eq!(normalize_code(" 5a11 ").unwrap(), "5A11");
        assert!(normalize_code("5A11&XT8W").unwrap_err().contains("cluster"));
        assert!(
            normalize_code("hello")
                .unwrap_err()
                .contains("not an ICD-11 code")
        );
    }

    #[test]
    fn clusters_parse_into_groups() {
        let c = parse_cluster("5A11&XT8W").unwrap();
        assert_eq!(
            c.groups,
            vec![StemGroup {
                stem: "5A11".into(),
                extensions: vec!["XT8W".into()]
            }]
        );
        let c = parse_cluster(" nc72.2&xk9k/BA00&XS25&XT8W ").unwrap();
        assert_eq!(c.to_string(), "NC72.2&XK9K/BA00&XS25&XT8W");
        assert_eq!(c.groups.len(), 2);
        assert_eq!(c.groups[1].extensions, vec!["XS25", "XT8W"]);
        assert_eq!(parse_cluster("1A00").unwrap().to_string(), "1A00");
    }

    #[test]
    fn malformed_clusters_say_why() {
        assert_eq!(parse_cluster("  "), Err(ClusterError::Empty));
        assert!(matches!(
            parse_cluster("5A11&&XT8W"),
            Err(ClusterError::EmptyPart { position: 2 })
        ));
        assert!(matches!(
            parse_cluster("5A11/"),
            Err(ClusterError::EmptyPart { position: 2 })
        ));
        assert!(matches!(
            parse_cluster("XT8W"),
            Err(ClusterError::ExtensionWithoutStem { position: 1, .. })
        ));
        assert!(matches!(
            parse_cluster("2C6Z/XH1ZV6&XS25"),
            Err(ClusterError::ExtensionWithoutStem { position: 2, .. })
        ));
        assert!(matches!(
            parse_cluster("5A11&BA00"),
            Err(ClusterError::StemAfterAmpersand { position: 2, .. })
        ));
        assert!(matches!(
            parse_cluster("5A11&hello"),
            Err(ClusterError::NotACode { position: 2, .. })
        ));
        assert_eq!(
            parse_cluster(&"5A11&".repeat(50)),
            Err(ClusterError::TooLong)
        );
    }

    #[test]
    fn validation_reasons_per_part() {
        let r = release();
        let v = validate_cluster("5A11&XT8W", &r);
        assert!(v.valid, "{v:?}");
        assert_eq!(v.parts.len(), 2);
        assert_eq!(
            v.parts[0].title.as_deref(),
            Some("Type 2 diabetes mellitus")
        );
        assert_eq!(v.parts[1].role, PartRole::Extension);

        let v = validate_cluster("NC72.2&XK9K", &r);
        assert!(v.valid);
        assert!(v.parts[0].reason.contains("more specific"));

        let v = validate_cluster("5A11&XZ9Z", &r);
        assert!(!v.valid);
        assert!(v.parts[0].valid);
        assert!(v.parts[1].reason.contains("not a code"));

        let v = validate_cluster("1A00", &r);
        assert!(!v.valid);

        let v = validate_cluster("hello world", &r);
        assert!(!v.valid);
        assert!(v.syntax_error.is_some());
        assert!(v.parts.is_empty());
    }

    #[test]
    fn depth_markers_are_the_only_thing_stripped() {
        assert_eq!(strip_depth_markers("- - - Cholera"), ("Cholera", 3));
        assert_eq!(strip_depth_markers("Neoplasms"), ("Neoplasms", 0));
        assert_eq!(
            strip_depth_markers("- - Haemoglobin H disease (– α/– – included)"),
            ("Haemoglobin H disease (– α/– – included)", 2)
        );
        assert_eq!(strip_depth_markers("-- x"), ("-- x", 0));
    }

    fn code_strategy() -> impl Strategy<Value = String> {
        let c = "[0-9A-HJ-NP-Z]";
        proptest::string::string_regex(&format!(
            "[1-9A-HJ-NP-WYZ][A-HJ-NP-Z][0-9]{c}(\\.{c}{{1,2}})?"
        ))
        .unwrap()
    }

    fn ext_strategy() -> impl Strategy<Value = String> {
        "X[0-9A-HJ-NP-Z]{3,5}".prop_map(|s| s)
    }

    fn cluster_strategy() -> impl Strategy<Value = Cluster> {
        prop::collection::vec(
            (code_strategy(), prop::collection::vec(ext_strategy(), 0..3))
                .prop_map(|(stem, extensions)| StemGroup { stem, extensions }),
            1..4,
        )
        .prop_map(|groups| Cluster { groups })
    }

    proptest! {
        #[test]
        fn parse_display_round_trip(c in cluster_strategy()) {
            let text = c.to_string();
            prop_assert_eq!(parse_cluster(&text), Ok(c.clone()));
            prop_assert_eq!(parse_cluster(&text.to_lowercase()), Ok(c));
        }

        #[test]
        fn no_panic_on_arbitrary_text(s in "\\PC*") {
            if let Ok(c) = parse_cluster(&s) {
                let again = parse_cluster(&c.to_string());
                prop_assert_eq!(again, Ok(c));
            }
            let _ = validate_cluster(&s, &release());
            let _ = normalize_code(&s);
        }

        #[test]
        fn no_panic_on_code_like_text(s in "[0-9A-Za-z.&/ XIO]{0,30}") {
            let _ = validate_cluster(&s, &release());
        }
    }
}
