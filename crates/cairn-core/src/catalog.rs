//! Micro-learning modules and their versions, as plain data and pure rules: what a module
//! version holds, how it is validated, how its content hash is computed, how drafts become
//! published (frozen) versions, and how lesson Markdown is rendered safely.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::validate::{self, Invalid};

pub const DURATION_MIN_MINUTES: u32 = 1;
pub const DURATION_MAX_MINUTES: u32 = 240;
pub const SUMMARY_MAX_CHARS: usize = 2000;
pub const OBJECTIVES_MAX: usize = 20;
pub const TAGS_MAX: usize = 20;
pub const TAG_MAX_CHARS: usize = 40;
pub const PAGES_MAX: usize = 50;
pub const PAGE_MAX_CHARS: usize = 50_000;
pub const QUESTIONS_MAX: usize = 20;
pub const CHOICES_MAX: usize = 8;
pub const LEVEL_MAX: u8 = 10;

/// How a module is delivered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ModuleFormat {
    /// Pages written in Cairn, with an optional knowledge check at the end.
    Lesson,
    /// A page elsewhere on the web.
    Link,
    /// An xAPI or cmi5 activity elsewhere that reports to Cairn's LRS.
    Xapi,
}

impl ModuleFormat {
    pub const ALL: [ModuleFormat; 3] =
        [ModuleFormat::Lesson, ModuleFormat::Link, ModuleFormat::Xapi];

    pub fn as_str(self) -> &'static str {
        match self {
            ModuleFormat::Lesson => "lesson",
            ModuleFormat::Link => "link",
            ModuleFormat::Xapi => "xapi",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ModuleFormat::Lesson => "Built-in lesson",
            ModuleFormat::Link => "External link",
            ModuleFormat::Xapi => "xAPI / cmi5 activity",
        }
    }
}

/// A competency the module develops, and the proficiency level it aims at. The competency's
/// code and statement are copied in, so a published version keeps what it was aligned to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Alignment {
    pub competency_id: Uuid,
    /// 1 = the lowest level of the competency's proficiency scale.
    pub target_level: u8,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub statement: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LessonPage {
    pub title: String,
    /// CommonMark; raw HTML is shown as text, and only http(s), mailto and relative links work.
    pub markdown: String,
}

/// A single-choice question of the knowledge check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Question {
    pub prompt: String,
    pub choices: Vec<String>,
    /// Index (from 0) of the right choice.
    pub answer: usize,
    #[serde(default)]
    pub explanation: Option<String>,
}

/// Everything a module version says. Its canonical serialization (JSON with fields in this
/// order, lists in the author's order) is what the content hash covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleContent {
    pub title: String,
    pub summary: String,
    #[serde(default)]
    pub objectives: Vec<String>,
    pub duration_minutes: u32,
    /// BCP 47 language tag, e.g. "en" or "fr-CA".
    pub language: String,
    pub format: ModuleFormat,
    /// The page to open, for `link` modules (and optionally the launch URL of `xapi` ones).
    #[serde(default)]
    pub url: Option<String>,
    /// The xAPI activity IRI, for `xapi` modules.
    #[serde(default)]
    pub activity_iri: Option<String>,
    #[serde(default)]
    pub alignments: Vec<Alignment>,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub pages: Vec<LessonPage>,
    #[serde(default)]
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VersionState {
    Draft,
    Published,
}

impl VersionState {
    pub fn as_str(self) -> &'static str {
        match self {
            VersionState::Draft => "draft",
            VersionState::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(VersionState::Draft),
            "published" => Some(VersionState::Published),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Module {
    pub id: Uuid,
    pub org_id: Uuid,
    /// Set by accreditation; false until then.
    pub accredited: bool,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
}

/// One version of a module. Drafts change; published versions never do, and everything
/// recorded later (attempts, awards) names the version's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModuleVersion {
    pub id: Uuid,
    pub module_id: Uuid,
    /// 1, 2, 3… in order of creation.
    pub number: i32,
    pub state: VersionState,
    pub content: ModuleContent,
    /// Hex SHA-256 of the canonical content, set when published.
    pub content_hash: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub published_at: Option<OffsetDateTime>,
}

/// The canonical bytes of a version's content: a domain tag, then its JSON.
pub fn canonical_bytes(c: &ModuleContent) -> Vec<u8> {
    let mut out = b"cairn-module-content-v1\n".to_vec();
    // Serializing plain structs, strings and numbers cannot fail.
    out.extend(serde_json::to_vec(c).unwrap_or_default());
    out
}

/// Hex SHA-256 of [`canonical_bytes`].
pub fn content_hash(c: &ModuleContent) -> String {
    hex::encode(Sha256::digest(canonical_bytes(c)))
}

/// What an edit of a module does, given the state of its latest version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EditPlan {
    /// The latest version is a draft: change it in place.
    UpdateDraft,
    /// The latest version is published (frozen): start a new draft numbered after it.
    NewDraft { number: i32 },
}

pub fn plan_edit(latest_state: VersionState, latest_number: i32) -> EditPlan {
    match latest_state {
        VersionState::Draft => EditPlan::UpdateDraft,
        VersionState::Published => EditPlan::NewDraft {
            number: latest_number + 1,
        },
    }
}

/// May this version be published? Only drafts can, and only when complete for their format.
pub fn check_publishable(state: VersionState, c: &ModuleContent) -> Result<(), Invalid> {
    if state == VersionState::Published {
        return Err(Invalid::new(
            "state",
            "this version is already published and frozen; edit the module to start a new draft",
        ));
    }
    match c.format {
        ModuleFormat::Lesson if c.pages.is_empty() => Err(Invalid::new(
            "pages",
            "a built-in lesson needs at least one page before it can be published",
        )),
        ModuleFormat::Link if c.url.is_none() => Err(Invalid::new(
            "url",
            "an external-link module needs the address of its page",
        )),
        ModuleFormat::Xapi if c.activity_iri.is_none() => Err(Invalid::new(
            "activity_iri",
            "an xAPI/cmi5 module needs its activity IRI",
        )),
        _ => Ok(()),
    }
}

fn text(field: &'static str, v: &str, max: usize) -> Result<String, Invalid> {
    let v = v.trim();
    if v.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    let n = v.chars().count();
    if n > max {
        return Err(Invalid::new(
            field,
            format!("is {n} characters long; the limit is {max}"),
        ));
    }
    if v.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Invalid::new(field, "must not contain control characters"));
    }
    Ok(v.to_owned())
}

fn absolute_url(field: &'static str, v: &str, schemes: &[&str]) -> Result<String, Invalid> {
    let v = v.trim();
    let scheme = v.split_once(':').map(|(s, _)| s.to_ascii_lowercase());
    let ok = scheme.as_deref().is_some_and(|s| schemes.contains(&s))
        && v.len() > 8
        && v.len() <= 2000
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    if !ok {
        return Err(Invalid::new(
            field,
            format!(
                "'{v}' is not an absolute address starting with {} (e.g. https://example.org/course)",
                schemes.join(": or ")
            ),
        ));
    }
    Ok(v.to_owned())
}

/// A BCP 47-looking language tag: 2–3 letters, then optional subtags of 2–8 letters or digits.
pub fn language(v: &str) -> Result<String, Invalid> {
    let v = v.trim();
    let mut parts = v.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| (2..=3).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphabetic()));
    let rest_ok =
        parts.all(|p| (1..=8).contains(&p.len()) && p.chars().all(|c| c.is_ascii_alphanumeric()));
    if !first_ok || !rest_ok {
        return Err(Invalid::new(
            "language",
            format!("'{v}' is not a language tag: use e.g. 'en', 'fr' or 'pt-BR'"),
        ));
    }
    let mut out = String::new();
    for (i, p) in v.split('-').enumerate() {
        if i > 0 {
            out.push('-');
        }
        if i == 0 {
            out.push_str(&p.to_ascii_lowercase());
        } else if p.len() == 2 {
            out.push_str(&p.to_ascii_uppercase());
        } else {
            out.push_str(p);
        }
    }
    Ok(out)
}

/// Check and tidy module content (trimmed texts, normalized tags and language). Alignments
/// are checked for their level only; the caller fills code and statement from the framework.
pub fn validate_content(c: ModuleContent) -> Result<ModuleContent, Invalid> {
    let title = validate::name("title", &c.title)?;
    let summary = text("summary", &c.summary, SUMMARY_MAX_CHARS)?;
    if c.objectives.len() > OBJECTIVES_MAX {
        return Err(Invalid::new(
            "objectives",
            format!("at most {OBJECTIVES_MAX} learning objectives"),
        ));
    }
    let objectives = c
        .objectives
        .iter()
        .filter(|o| !o.trim().is_empty())
        .map(|o| text("objectives", o, 500))
        .collect::<Result<Vec<_>, _>>()?;
    if !(DURATION_MIN_MINUTES..=DURATION_MAX_MINUTES).contains(&c.duration_minutes) {
        return Err(Invalid::new(
            "duration_minutes",
            format!(
                "{} minutes is out of range: give {DURATION_MIN_MINUTES}–{DURATION_MAX_MINUTES} minutes (micro-learning modules usually take 5–20)",
                c.duration_minutes
            ),
        ));
    }
    let language = language(&c.language)?;
    let url = match c.url.as_deref().map(str::trim).filter(|u| !u.is_empty()) {
        Some(u) => Some(absolute_url("url", u, &["https", "http"])?),
        None => None,
    };
    let activity_iri = match c
        .activity_iri
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty())
    {
        Some(u) => Some(absolute_url("activity_iri", u, &["https", "http", "urn"])?),
        None => None,
    };
    if c.format != ModuleFormat::Xapi && activity_iri.is_some() {
        return Err(Invalid::new(
            "activity_iri",
            "only xAPI/cmi5 modules have an activity IRI; choose the xapi format or leave it empty",
        ));
    }
    let mut seen = std::collections::HashSet::new();
    for a in &c.alignments {
        if !(1..=LEVEL_MAX).contains(&a.target_level) {
            return Err(Invalid::new(
                "alignments",
                format!(
                    "target level {} is out of range: give 1–{LEVEL_MAX}",
                    a.target_level
                ),
            ));
        }
        if !seen.insert(a.competency_id) {
            return Err(Invalid::new(
                "alignments",
                format!("competency {} is aligned twice", a.competency_id),
            ));
        }
    }
    if c.tags.len() > TAGS_MAX {
        return Err(Invalid::new("tags", format!("at most {TAGS_MAX} tags")));
    }
    let mut tags: Vec<String> = Vec::new();
    for t in &c.tags {
        let t = t.trim().to_lowercase();
        if t.is_empty() {
            continue;
        }
        if t.chars().count() > TAG_MAX_CHARS || t.chars().any(char::is_control) {
            return Err(Invalid::new(
                "tags",
                format!("'{t}' is not a tag: use up to {TAG_MAX_CHARS} characters on one line"),
            ));
        }
        if !tags.contains(&t) {
            tags.push(t);
        }
    }
    if c.format != ModuleFormat::Lesson && (!c.pages.is_empty() || !c.questions.is_empty()) {
        return Err(Invalid::new(
            "pages",
            "only built-in lessons have pages and knowledge checks; choose the lesson format",
        ));
    }
    if c.pages.len() > PAGES_MAX {
        return Err(Invalid::new("pages", format!("at most {PAGES_MAX} pages")));
    }
    let pages = c
        .pages
        .iter()
        .map(|p| {
            Ok(LessonPage {
                title: validate::name("pages.title", &p.title)?,
                markdown: text("pages.markdown", &p.markdown, PAGE_MAX_CHARS)?,
            })
        })
        .collect::<Result<Vec<_>, Invalid>>()?;
    if c.questions.len() > QUESTIONS_MAX {
        return Err(Invalid::new(
            "questions",
            format!("at most {QUESTIONS_MAX} questions"),
        ));
    }
    let mut questions = Vec::new();
    for (i, q) in c.questions.iter().enumerate() {
        let n = i + 1;
        let prompt = text("questions.prompt", &q.prompt, 1000)?;
        let choices = q
            .choices
            .iter()
            .map(|c| text("questions.choices", c, 500))
            .collect::<Result<Vec<_>, _>>()?;
        if !(2..=CHOICES_MAX).contains(&choices.len()) {
            return Err(Invalid::new(
                "questions.choices",
                format!(
                    "question {n} has {} choices; give 2–{CHOICES_MAX}",
                    choices.len()
                ),
            ));
        }
        if q.answer >= choices.len() {
            return Err(Invalid::new(
                "questions.answer",
                format!(
                    "question {n}: the right answer must be one of its {} choices",
                    choices.len()
                ),
            ));
        }
        let explanation = match q.explanation.as_deref().map(str::trim) {
            Some(e) if !e.is_empty() => Some(text("questions.explanation", e, 2000)?),
            _ => None,
        };
        questions.push(Question {
            prompt,
            choices,
            answer: q.answer,
            explanation,
        });
    }
    Ok(ModuleContent {
        title,
        summary,
        objectives,
        duration_minutes: c.duration_minutes,
        language,
        format: c.format,
        url,
        activity_iri,
        alignments: c.alignments,
        tags,
        pages,
        questions,
    })
}

/// How many of `answers` (one per question, the chosen index) are right.
pub fn score(questions: &[Question], answers: &[Option<usize>]) -> usize {
    questions
        .iter()
        .zip(answers)
        .filter(|(q, a)| **a == Some(q.answer))
        .count()
}

/// Is `url` safe as a link target in lesson text: http(s), mailto, or relative?
pub fn is_safe_link(url: &str) -> bool {
    // Browsers ignore tabs, line breaks and leading control characters and spaces in a
    // scheme ("java\tscript:"), so look at the address as they would.
    let cleaned: String = url
        .chars()
        .filter(|c| !c.is_control() && !c.is_whitespace())
        .collect::<String>()
        .to_ascii_lowercase();
    let end = cleaned.find(['/', '?', '#']).unwrap_or(cleaned.len());
    match cleaned[..end].find(':') {
        None => true,
        Some(i) => matches!(&cleaned[..i], "http" | "https" | "mailto"),
    }
}

/// Render lesson Markdown to HTML that is safe to put in a page: raw HTML is shown as text,
/// images become links, and links with other schemes (`javascript:`, `data:`, …) go nowhere.
pub fn render_markdown(src: &str) -> String {
    use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd};
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let safe = |u: CowStr<'_>| -> CowStr<'static> {
        if is_safe_link(&u) {
            CowStr::from(u.into_string())
        } else {
            CowStr::Borrowed("#")
        }
    };
    let events = Parser::new_ext(src, opts).map(|ev| match ev {
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(CowStr::from(h.into_string())),
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe(dest_url),
            title: CowStr::from(title.into_string()),
            id: CowStr::from(id.into_string()),
        }),
        Event::Start(Tag::Image {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: safe(dest_url),
            title: CowStr::from(title.into_string()),
            id: CowStr::from(id.into_string()),
        }),
        Event::End(TagEnd::Image) => Event::End(TagEnd::Link),
        Event::Start(Tag::HtmlBlock) | Event::End(TagEnd::HtmlBlock) => {
            Event::Text(CowStr::Borrowed(""))
        }
        other => other,
    });
    let mut out = String::new();
    pulldown_cmark::html::push_html(&mut out, events);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> ModuleContent {
        ModuleContent {
            title: "ICD-11 in practice".into(),
            summary: "How ICD-11 codes are built.".into(),
            objectives: vec!["Find a stem code".into()],
            duration_minutes: 12,
            language: "en".into(),
            format: ModuleFormat::Lesson,
            url: None,
            activity_iri: None,
            alignments: vec![],
            tags: vec!["ICD-11".into(), "coding".into(), "icd-11".into()],
            pages: vec![LessonPage {
                title: "Stems".into(),
                markdown: "A **stem** code.".into(),
            }],
            questions: vec![Question {
                prompt: "Which is a stem code?".into(),
                choices: vec!["1A00".into(), "XT8W".into()],
                answer: 0,
                explanation: None,
            }],
        }
    }

    #[test]
    fn the_content_hash_is_stable_and_covers_every_field() {
        let c = validate_content(content()).unwrap();
        assert_eq!(c.tags, vec!["icd-11", "coding"]);
        let h = content_hash(&c);
        assert_eq!(h.len(), 64);
        assert_eq!(h, content_hash(&c.clone()));
        let mut d = c.clone();
        d.pages[0].markdown.push('!');
        assert_ne!(content_hash(&d), h);
        let mut d = c.clone();
        d.questions[0].answer = 1;
        assert_ne!(content_hash(&d), h);
        // A known value pins the canonical form: changing it breaks stored hashes.
        let json = String::from_utf8(canonical_bytes(&c)).unwrap();
        assert!(
            json.starts_with(
                "cairn-module-content-v1\n{\"title\":\"ICD-11 in practice\",\"summary\""
            ),
            "{json}"
        );
    }

    #[test]
    fn versions_move_from_draft_to_published_and_edits_of_published_ones_start_a_draft() {
        assert_eq!(plan_edit(VersionState::Draft, 3), EditPlan::UpdateDraft);
        assert_eq!(
            plan_edit(VersionState::Published, 3),
            EditPlan::NewDraft { number: 4 }
        );
        let c = content();
        assert!(check_publishable(VersionState::Draft, &c).is_ok());
        let e = check_publishable(VersionState::Published, &c).unwrap_err();
        assert!(e.message.contains("already published"), "{e}");
        let mut empty = c.clone();
        empty.pages.clear();
        assert_eq!(
            check_publishable(VersionState::Draft, &empty)
                .unwrap_err()
                .field,
            "pages"
        );
        let mut link = c.clone();
        link.format = ModuleFormat::Link;
        assert_eq!(
            check_publishable(VersionState::Draft, &link)
                .unwrap_err()
                .field,
            "url"
        );
    }

    #[test]
    fn validation_says_what_to_fix() {
        let mut c = content();
        c.duration_minutes = 0;
        assert!(validate_content(c).unwrap_err().message.contains("5–20"));
        let mut c = content();
        c.duration_minutes = 5000;
        assert_eq!(validate_content(c).unwrap_err().field, "duration_minutes");
        let mut c = content();
        c.language = "english please".into();
        assert_eq!(validate_content(c).unwrap_err().field, "language");
        let mut c = content();
        c.language = "pt-br".into();
        assert_eq!(validate_content(c).unwrap().language, "pt-BR");
        let mut c = content();
        c.questions[0].answer = 7;
        assert_eq!(validate_content(c).unwrap_err().field, "questions.answer");
        let mut c = content();
        c.format = ModuleFormat::Link;
        c.url = Some("javascript:alert(1)".into());
        c.pages.clear();
        c.questions.clear();
        assert_eq!(validate_content(c).unwrap_err().field, "url");
        let mut c = content();
        c.format = ModuleFormat::Xapi;
        c.pages.clear();
        c.questions.clear();
        c.activity_iri = Some("https://provider.example/xapi/activities/coding-101".into());
        assert!(validate_content(c).is_ok());
        let mut c = content();
        c.title = "  ".into();
        assert_eq!(validate_content(c).unwrap_err().field, "title");
    }

    #[test]
    fn markdown_with_script_or_javascript_links_renders_inert() {
        let html = render_markdown(
            "# Title\n\n<script>alert('x')</script>\n\nSome <b onclick=\"x()\">bold</b> text.\n\n\
             [click](javascript:alert(1)) [tab](java\tscript:alert(1)) [data](data:text/html;base64,PHNjcmlwdD4=) \
             [ok](https://who.int/icd) [rel](/catalog) [mail](mailto:a@b.example)\n\n\
             ![img](javascript:alert(2))\n\n<img src=x onerror=alert(3)>\n",
        );
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.to_lowercase().contains("href=\"javascript"), "{html}");
        assert!(!html.contains("href=\"data:"), "{html}");
        assert!(html.contains("href=\"https://who.int/icd\""), "{html}");
        assert!(html.contains("href=\"/catalog\""), "{html}");
        assert!(html.contains("href=\"mailto:a@b.example\""), "{html}");
        assert!(html.contains("<h1>Title</h1>"), "{html}");
        // Autolinks and reference links go through the same filter.
        let html = render_markdown("<javascript:alert(1)>\n\n[x][r]\n\n[r]: JAVASCRIPT:alert(1)\n");
        assert!(!html.to_lowercase().contains("href=\"javascript"), "{html}");
    }

    #[test]
    fn safe_links() {
        for ok in [
            "https://a.example",
            "http://a",
            "mailto:x@y",
            "/p",
            "p/q",
            "#top",
            "?q=a:b",
            "a/b:c",
        ] {
            assert!(is_safe_link(ok), "{ok}");
        }
        for bad in [
            "javascript:x",
            " JavaScript:x",
            "java\nscript:x",
            "data:text/html,x",
            "vbscript:x",
            "file:///etc",
        ] {
            assert!(!is_safe_link(bad), "{bad}");
        }
    }

    #[test]
    fn knowledge_check_scores() {
        let c = content();
        assert_eq!(score(&c.questions, &[Some(0)]), 1);
        assert_eq!(score(&c.questions, &[Some(1)]), 0);
        assert_eq!(score(&c.questions, &[None]), 0);
    }
}
