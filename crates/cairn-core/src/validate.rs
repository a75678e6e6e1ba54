//! Input rules shared by every face (CLI, API, pages), each with a message that says what to fix.

use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

pub const NAME_MAX_CHARS: usize = 200;
pub const SLUG_MAX_CHARS: usize = 63;
pub const EMAIL_MAX_CHARS: usize = 254;
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 256;

/// A human name or title: any script, trimmed, 1–200 characters, no control characters.
pub fn name(field: &'static str, value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    let n = v.chars().count();
    if n > NAME_MAX_CHARS {
        return Err(Invalid::new(
            field,
            format!("is {n} characters long; the limit is {NAME_MAX_CHARS}"),
        ));
    }
    if v.chars().any(char::is_control) {
        return Err(Invalid::new(
            field,
            "must not contain control characters such as line breaks or tabs",
        ));
    }
    Ok(v.to_owned())
}

/// A slug: lower-case ASCII letters, digits and single hyphens, starting with a letter,
/// because it becomes part of URLs and of did:web identifiers.
pub fn slug(value: &str) -> Result<String, Invalid> {
    let v = value.trim();
    let ok_chars = v
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if v.is_empty()
        || v.len() > SLUG_MAX_CHARS
        || !ok_chars
        || !v.starts_with(|c: char| c.is_ascii_lowercase())
        || v.ends_with('-')
        || v.contains("--")
    {
        return Err(Invalid::new(
            "slug",
            format!(
                "'{v}' is not a valid slug: use 1–{SLUG_MAX_CHARS} lower-case letters, digits and single hyphens, starting with a letter (e.g. 'riverside-health')"
            ),
        ));
    }
    Ok(v.to_owned())
}

/// Derive a slug from a display name, e.g. "St. Mary's Hospital" → "st-mary-s-hospital".
pub fn slugify(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    while out.ends_with('-') {
        out.pop();
    }
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.insert_str(0, "org-");
    }
    out.truncate(SLUG_MAX_CHARS);
    while out.ends_with('-') {
        out.pop();
    }
    out
}

/// An e-mail address, normalized to lower case. Deliberately simple: one '@', a dot in
/// the domain, no spaces; deliverability is the mail system's business.
pub fn email(value: &str) -> Result<String, Invalid> {
    let v = value.trim().to_lowercase();
    let bad = || {
        Invalid::new(
            "email",
            format!(
                "'{}' is not an e-mail address like name@example.org",
                value.trim()
            ),
        )
    };
    if v.len() > EMAIL_MAX_CHARS || v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(bad());
    }
    let (local, domain) = v.split_once('@').ok_or_else(bad)?;
    if local.is_empty()
        || domain.contains('@')
        || !domain.contains('.')
        || domain.starts_with('.')
        || domain.ends_with('.')
    {
        return Err(bad());
    }
    Ok(v)
}

pub fn password(value: &str) -> Result<(), Invalid> {
    let n = value.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(Invalid::new(
            "password",
            format!("must be at least {PASSWORD_MIN_CHARS} characters long"),
        ));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(Invalid::new(
            "password",
            format!("must be at most {PASSWORD_MAX_CHARS} characters long"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn names_keep_unicode_and_quotes() {
        assert_eq!(
            name(
                "name",
                "  Hôpital Saint-Jean d'Angély; DROP TABLE users;-- "
            )
            .unwrap(),
            "Hôpital Saint-Jean d'Angély; DROP TABLE users;--"
        );
        assert_eq!(name("name", "医院 🏥").unwrap(), "医院 🏥");
        assert!(name("name", "   ").is_err());
        assert!(name("name", "a\nb").is_err());
        assert!(name("name", &"x".repeat(201)).is_err());
    }

    #[test]
    fn slugs() {
        assert!(slug("riverside-health").is_ok());
        for bad in ["", "Riverside", "1abc", "a--b", "a-", "a_b", "a b", "é"] {
            assert!(slug(bad).is_err(), "{bad}");
        }
        assert_eq!(slugify("St. Mary's Hospital"), "st-mary-s-hospital");
        assert_eq!(slugify("112 Rescue"), "org-112-rescue");
    }

    #[test]
    fn emails() {
        assert_eq!(email(" Ada@Example.ORG ").unwrap(), "ada@example.org");
        for bad in [
            "",
            "ada",
            "ada@",
            "@x.org",
            "a@b",
            "a b@x.org",
            "a@x.org.",
            "a@@x.org",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
    }

    proptest! {
        #[test]
        fn slugify_always_yields_a_valid_slug(s in "\\PC{1,80}") {
            let out = slugify(&s);
            prop_assert!(slug(&out).is_ok(), "{out:?} from {s:?}");
        }

        #[test]
        fn valid_names_round_trip(s in "[\\p{L}\\p{N} '.,;()-]{1,150}") {
            if let Ok(n) = name("name", &s) {
                prop_assert_eq!(n.as_str(), s.trim());
            }
        }
    }
}
