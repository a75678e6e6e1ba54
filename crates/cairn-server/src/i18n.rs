//! The message catalog: every word the pages show comes from `locales/<lang>/*.ftl`,
//! looked up by id with [`t`]. The files are a subset of Project Fluent's syntax
//! (`id = text`, `{ $name }` placeholders, `#` comments) so translators' tools read them.
//!
//! The language of a request is chosen once, by [`negotiate`] in a middleware, and kept in
//! a task-local for the request's lifetime, so templates and handlers ask for words without
//! every page struct carrying the language.

use std::collections::HashMap;
use std::fmt;
use std::sync::LazyLock;

/// A language the interface ships in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    Fr,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// The BCP 47 tag, for `<html lang>`, cookies and links.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
        }
    }

    /// The language's own name for itself, shown in the language switcher.
    pub fn endonym(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Fr => "Français",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default().trim();
        Lang::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(primary))
    }
}

/// Catalog files, one per area of the interface, so the areas can be written and
/// reviewed apart. An id must be unique across all of a language's files.
const SOURCES: &[(Lang, &str, &str)] = &[
    (Lang::En, "core", include_str!("../locales/en/core.ftl")),
    (
        Lang::En,
        "accreditation",
        include_str!("../locales/en/accreditation.ftl"),
    ),
    (
        Lang::En,
        "validation",
        include_str!("../locales/en/validation.ftl"),
    ),
    (
        Lang::En,
        "workforce",
        include_str!("../locales/en/workforce.ftl"),
    ),
    (Lang::En, "jobs", include_str!("../locales/en/jobs.ftl")),
    (
        Lang::En,
        "learning",
        include_str!("../locales/en/learning.ftl"),
    ),
    (
        Lang::En,
        "issuing",
        include_str!("../locales/en/issuing.ftl"),
    ),
    (Lang::Fr, "core", include_str!("../locales/fr/core.ftl")),
    (
        Lang::Fr,
        "accreditation",
        include_str!("../locales/fr/accreditation.ftl"),
    ),
    (
        Lang::Fr,
        "validation",
        include_str!("../locales/fr/validation.ftl"),
    ),
    (
        Lang::Fr,
        "workforce",
        include_str!("../locales/fr/workforce.ftl"),
    ),
    (Lang::Fr, "jobs", include_str!("../locales/fr/jobs.ftl")),
    (
        Lang::Fr,
        "learning",
        include_str!("../locales/fr/learning.ftl"),
    ),
    (
        Lang::Fr,
        "issuing",
        include_str!("../locales/fr/issuing.ftl"),
    ),
];

/// A problem in a catalog file, found by [`check_catalogs`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogProblem(pub String);

type Catalog = HashMap<&'static str, &'static str>;

struct Catalogs {
    by_lang: HashMap<Lang, Catalog>,
    problems: Vec<CatalogProblem>,
}

fn parse(file: &'static str, name: &str, lang: Lang, into: &mut Catalog) -> Vec<CatalogProblem> {
    let mut problems = Vec::new();
    for (n, line) in file.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let Some((id, text)) = line.split_once(" = ") else {
            problems.push(CatalogProblem(format!(
                "{}/{name}.ftl line {}: expected `id = text`",
                lang.tag(),
                n + 1
            )));
            continue;
        };
        let id = id.trim();
        let valid_id = id.starts_with(|c: char| c.is_ascii_alphabetic())
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !valid_id {
            problems.push(CatalogProblem(format!(
                "{}/{name}.ftl line {}: `{id}` is not a message id (letters, digits, - and _)",
                lang.tag(),
                n + 1
            )));
            continue;
        }
        if into.insert(id, text.trim()).is_some() {
            problems.push(CatalogProblem(format!(
                "{}/{name}.ftl line {}: `{id}` is defined twice",
                lang.tag(),
                n + 1
            )));
        }
    }
    problems
}

static CATALOGS: LazyLock<Catalogs> = LazyLock::new(|| {
    let mut by_lang: HashMap<Lang, Catalog> = HashMap::new();
    let mut problems = Vec::new();
    for &(lang, name, text) in SOURCES {
        problems.extend(parse(text, name, lang, by_lang.entry(lang).or_default()));
    }
    Catalogs { by_lang, problems }
});

/// Every problem in the shipped catalogs: malformed lines, ids defined twice, ids that one
/// language has and another lacks, and placeholders that differ between languages.
pub fn check_catalogs() -> Vec<CatalogProblem> {
    let cats = &*CATALOGS;
    let mut problems = cats.problems.clone();
    let empty = Catalog::new();
    let en = cats.by_lang.get(&Lang::En).unwrap_or(&empty);
    for lang in Lang::ALL.into_iter().filter(|l| *l != Lang::En) {
        let other = cats.by_lang.get(&lang).unwrap_or(&empty);
        let mut missing: Vec<_> = en.keys().filter(|k| !other.contains_key(*k)).collect();
        missing.sort();
        for id in missing {
            problems.push(CatalogProblem(format!(
                "{}: `{id}` is not translated",
                lang.tag()
            )));
        }
        let mut extra: Vec<_> = other.keys().filter(|k| !en.contains_key(*k)).collect();
        extra.sort();
        for id in extra {
            problems.push(CatalogProblem(format!(
                "{}: `{id}` is not in the English catalog",
                lang.tag()
            )));
        }
        for (id, text) in en {
            if let Some(theirs) = other.get(id) {
                let (mut a, mut b) = (placeholders(text), placeholders(theirs));
                a.sort();
                b.sort();
                if a != b {
                    problems.push(CatalogProblem(format!(
                        "{}: `{id}` has placeholders {b:?}, English has {a:?}",
                        lang.tag()
                    )));
                }
            }
        }
    }
    problems
}

/// Whether the English catalog defines `id`; for tests that check every id used.
pub fn is_defined(id: &str) -> bool {
    CATALOGS
        .by_lang
        .get(&Lang::En)
        .is_some_and(|c| c.contains_key(id))
}

fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{ $") {
        let after = &rest[start + 3..];
        let Some(end) = after.find(" }") else { break };
        out.push(&after[..end]);
        rest = &after[end + 2..];
    }
    out
}

/// The cookie that keeps the language a person chose with the switcher.
pub const LANG_COOKIE: &str = "cairn_lang";

/// What a request carries for the pages it renders.
#[derive(Debug, Clone)]
pub struct RequestLocale {
    pub lang: Lang,
    /// The path and query of the page asked for, so the language switcher can come back.
    pub path: String,
}

tokio::task_local! {
    static LOCALE: RequestLocale;
}

/// Run `fut` with `locale` as the language for every message looked up inside it.
pub async fn scope<F: Future>(locale: RequestLocale, fut: F) -> F::Output {
    LOCALE.scope(locale, fut).await
}

/// The language of the request being served; English outside a request.
pub fn lang() -> Lang {
    LOCALE.try_with(|l| l.lang).unwrap_or(Lang::En)
}

/// The `<html lang>` value of the page being rendered.
pub fn lang_tag() -> &'static str {
    lang().tag()
}

/// The languages to offer a link to from the page being rendered, with the address that
/// switches to each and comes back here.
pub fn other_languages() -> Vec<(Lang, String)> {
    let (current, path) = LOCALE
        .try_with(|l| (l.lang, l.path.clone()))
        .unwrap_or((Lang::En, "/".to_owned()));
    Lang::ALL
        .into_iter()
        .filter(|l| *l != current)
        .map(|l| {
            let back = form_urlencode(&path);
            (l, format!("/language?to={}&back={back}", l.tag()))
        })
        .collect()
}

fn form_urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// Choose the language: the `lang` cookie the switcher sets, else the best of the
/// browser's `Accept-Language` that Cairn ships, else English.
pub fn negotiate(cookie: Option<&str>, accept_language: Option<&str>) -> Lang {
    if let Some(l) = cookie.and_then(Lang::from_tag) {
        return l;
    }
    let Some(header) = accept_language else {
        return Lang::En;
    };
    let mut best: Option<(Lang, f32)> = None;
    for part in header.split(',') {
        let mut pieces = part.split(';');
        let tag = pieces.next().unwrap_or_default().trim();
        let q = pieces
            .find_map(|p| p.trim().strip_prefix("q="))
            .and_then(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        if let Some(l) = Lang::from_tag(tag)
            && best.is_none_or(|(_, bq)| q > bq)
        {
            best = Some((l, q));
        }
    }
    best.map_or(Lang::En, |(l, _)| l)
}

/// A message in the request's language, ready to display; fill its placeholders with
/// [`Msg::with`].
#[derive(Debug, Clone)]
pub struct Msg {
    text: &'static str,
    args: Vec<(&'static str, String)>,
}

impl Msg {
    /// Fill the placeholder `{ $name }`.
    pub fn with(mut self, name: &'static str, value: impl fmt::Display) -> Msg {
        self.args.push((name, value.to_string()));
        self
    }
}

impl fmt::Display for Msg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.args.is_empty() {
            return f.write_str(self.text);
        }
        let mut rest = self.text;
        while let Some(start) = rest.find("{ $") {
            let after = &rest[start + 3..];
            let Some(end) = after.find(" }") else { break };
            f.write_str(&rest[..start])?;
            let name = &after[..end];
            match self.args.iter().find(|(n, _)| *n == name) {
                Some((_, v)) => f.write_str(v)?,
                None => write!(f, "{{ ${name} }}")?,
            }
            rest = &after[end + 2..];
        }
        f.write_str(rest)
    }
}

impl From<Msg> for String {
    fn from(m: Msg) -> String {
        m.to_string()
    }
}

/// The message `id` in the request's language. An id the language lacks falls back to
/// English, and one English lacks shows as the id itself, so a slip is visible rather
/// than blank; the catalog tests keep both from shipping.
pub fn t(id: &str) -> Msg {
    let cats = &*CATALOGS;
    let text = cats
        .by_lang
        .get(&lang())
        .and_then(|c| c.get(id))
        .or_else(|| cats.by_lang.get(&Lang::En).and_then(|c| c.get(id)))
        .copied();
    match text {
        Some(text) => Msg {
            text,
            args: Vec::new(),
        },
        None => Msg {
            text: leak_id(id),
            args: Vec::new(),
        },
    }
}

/// A role's name as the pages show it (`role-admin`, …).
pub fn role_name(role: cairn_core::Role) -> Msg {
    use cairn_core::Role;
    t(match role {
        Role::Admin => "role-admin",
        Role::Manager => "role-manager",
        Role::Author => "role-author",
        Role::Assessor => "role-assessor",
        Role::Reviewer => "role-reviewer",
        Role::Learner => "role-learner",
    })
}

/// As [`role_name`], for a role stored as its code (`"admin"`); an unknown code shows as is.
pub fn role_label(code: &str) -> String {
    cairn_core::Role::ALL
        .into_iter()
        .find(|r| r.as_str() == code)
        .map_or_else(|| code.to_owned(), |r| role_name(r).to_string())
}

/// An organization kind's name as the pages show it.
pub fn org_kind_name(kind: cairn_core::OrgKind) -> Msg {
    use cairn_core::OrgKind;
    t(match kind {
        OrgKind::Employer => "org-kind-employer",
        OrgKind::Provider => "org-kind-provider",
        OrgKind::Accreditor => "org-kind-accreditor",
        OrgKind::Issuer => "org-kind-issuer",
    })
}

/// A credential's state as its holder and verifiers read it.
pub fn credential_state_name(state: cairn_core::CredentialState) -> Msg {
    use cairn_core::CredentialState;
    t(match state {
        CredentialState::Active => "credential-state-valid",
        CredentialState::Suspended => "credential-state-suspended",
        CredentialState::Revoked => "credential-state-revoked",
    })
}

/// Unknown ids are rare slips caught by tests; keeping one copy of each avoids
/// allocating on every render without changing `Msg`'s borrowed text.
fn leak_id(id: &str) -> &'static str {
    static UNKNOWN: LazyLock<std::sync::Mutex<HashMap<String, &'static str>>> =
        LazyLock::new(Default::default);
    let Ok(mut seen) = UNKNOWN.lock() else {
        return "?";
    };
    if let Some(s) = seen.get(id) {
        return s;
    }
    let s: &'static str = Box::leak(id.to_owned().into_boxed_str());
    seen.insert(id.to_owned(), s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_catalogs_are_complete_and_well_formed() {
        let problems = check_catalogs();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn the_cookie_wins_then_the_best_accepted_language_then_english() {
        assert_eq!(negotiate(Some("fr"), Some("en")), Lang::Fr);
        assert_eq!(negotiate(Some("xx"), Some("fr-CA,en;q=0.5")), Lang::Fr);
        assert_eq!(negotiate(None, Some("de, en;q=0.3, fr;q=0.7")), Lang::Fr);
        assert_eq!(negotiate(None, Some("fr;q=0, en-GB")), Lang::En);
        assert_eq!(negotiate(None, Some("de")), Lang::En);
        assert_eq!(negotiate(None, None), Lang::En);
    }

    #[test]
    fn placeholders_are_filled_and_unknown_ones_stay_visible() {
        let m = Msg {
            text: "{ $done } of { $total } rows, { $other }",
            args: Vec::new(),
        }
        .with("done", 3)
        .with("total", 10);
        assert_eq!(m.to_string(), "3 of 10 rows, { $other }");
        assert_eq!(
            placeholders("{ $a } and { $b }"),
            vec!["a", "b"],
            "placeholders are read in order"
        );
    }

    #[tokio::test]
    async fn a_request_scope_chooses_the_language_and_missing_ids_show_themselves() {
        let fr = RequestLocale {
            lang: Lang::Fr,
            path: "/catalog?q=a b".into(),
        };
        let (tag, links) = scope(fr, async { (lang_tag(), other_languages()) }).await;
        assert_eq!(tag, "fr");
        assert_eq!(
            links,
            vec![(
                Lang::En,
                "/language?to=en&back=/catalog%3Fq%3Da%20b".to_owned()
            )]
        );
        assert_eq!(
            lang_tag(),
            "en",
            "outside a request the language is English"
        );
        assert_eq!(t("no-such-message-id").to_string(), "no-such-message-id");
    }
}
