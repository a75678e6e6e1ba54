//! The `format` forms of a stored statement (Communication 2.1.3): `ids` keeps only
//! identifiers, `canonical` keeps one language per language map.

use serde_json::{Map, Value};

use crate::Format;

const IFI_KEYS: [&str; 4] = ["mbox", "mbox_sha1sum", "openid", "account"];

pub(crate) fn apply(statement: &mut Value, format: Format, languages: &[String]) {
    let Value::Object(m) = statement else { return };
    statement_fields(m, format, languages);
}

fn statement_fields(m: &mut Map<String, Value>, format: Format, languages: &[String]) {
    if let Some(Value::Object(ctx)) = m.get_mut("context") {
        context(ctx, format, languages);
    }
    match format {
        Format::Exact => {}
        Format::Ids => {
            for key in ["actor", "authority"] {
                if let Some(a) = m.get_mut(key) {
                    agent_ids(a);
                }
            }
            if let Some(Value::Object(verb)) = m.get_mut("verb") {
                verb.retain(|k, _| k == "id");
            }
        }
        Format::Canonical => {
            if let Some(d) = m.get_mut("verb").and_then(|v| v.get_mut("display")) {
                one_language(d, languages);
            }
            if let Some(Value::Array(list)) = m.get_mut("attachments") {
                for a in list {
                    for key in ["display", "description"] {
                        if let Some(d) = a.get_mut(key) {
                            one_language(d, languages);
                        }
                    }
                }
            }
        }
    }
    if let Some(o) = m.get_mut("object") {
        object(o, format, languages);
    }
}

fn object(o: &mut Value, format: Format, languages: &[String]) {
    let Value::Object(m) = o else { return };
    match m.get("objectType").and_then(Value::as_str) {
        Some("Agent" | "Group") if format == Format::Ids => agent_ids(o),
        Some("SubStatement") => statement_fields(m, format, languages),
        Some("Agent" | "Group" | "StatementRef") => {}
        _ => activity(o, format, languages),
    }
}

fn activity(a: &mut Value, format: Format, languages: &[String]) {
    let Value::Object(m) = a else { return };
    match format {
        Format::Exact => {}
        // XAPI-00171: an Activity is its id alone, objectType too is left out.
        Format::Ids => m.retain(|k, _| k == "id"),
        Format::Canonical => {
            let Some(Value::Object(def)) = m.get_mut("definition") else {
                return;
            };
            for key in ["name", "description"] {
                if let Some(d) = def.get_mut(key) {
                    one_language(d, languages);
                }
            }
            for key in ["choices", "scale", "source", "target", "steps"] {
                if let Some(Value::Array(list)) = def.get_mut(key) {
                    for c in list {
                        if let Some(d) = c.get_mut("description") {
                            one_language(d, languages);
                        }
                    }
                }
            }
        }
    }
}

fn context(ctx: &mut Map<String, Value>, format: Format, languages: &[String]) {
    if let Some(Value::Object(ca)) = ctx.get_mut("contextActivities") {
        for list in ca.values_mut() {
            if list.is_object() {
                *list = Value::Array(vec![list.take()]);
            }
            if let Value::Array(items) = list {
                for a in items {
                    activity(a, format, languages);
                }
            }
        }
    }
    if format != Format::Ids {
        return;
    }
    for key in ["instructor", "team"] {
        if let Some(a) = ctx.get_mut(key) {
            agent_ids(a);
        }
    }
    for (key, inner) in [("contextAgents", "agent"), ("contextGroups", "group")] {
        if let Some(Value::Array(list)) = ctx.get_mut(key) {
            for item in list {
                if let Some(a) = item.get_mut(inner) {
                    agent_ids(a);
                }
            }
        }
    }
}

/// An Agent or identified Group reduced to objectType and IFI; an anonymous Group keeps
/// its members, each reduced.
fn agent_ids(a: &mut Value) {
    let Value::Object(m) = a else { return };
    let identified = IFI_KEYS.iter().any(|k| m.contains_key(*k));
    m.retain(|k, _| {
        k == "objectType" || IFI_KEYS.contains(&k.as_str()) || (!identified && k == "member")
    });
    if let Some(Value::Array(members)) = m.get_mut("member") {
        for member in members {
            agent_ids(member);
        }
    }
}

/// Keep the entry best matching the caller's languages (in preference order; a primary
/// tag matches its regional forms), else the first.
fn one_language(map: &mut Value, languages: &[String]) {
    let Value::Object(m) = map else { return };
    if m.len() <= 1 {
        return;
    }
    let best = languages
        .iter()
        .find_map(|want| {
            m.keys()
                .find(|k| k.eq_ignore_ascii_case(want))
                .or_else(|| {
                    m.keys().find(|k| {
                        k.len() > want.len()
                            && k.as_bytes()[want.len()] == b'-'
                            && k[..want.len()].eq_ignore_ascii_case(want)
                    })
                })
                .or_else(|| {
                    let primary = want.split('-').next().unwrap_or(want);
                    m.keys().find(|k| {
                        k.split('-')
                            .next()
                            .is_some_and(|p| p.eq_ignore_ascii_case(primary))
                    })
                })
        })
        .or_else(|| m.keys().next())
        .cloned();
    if let Some(keep) = best {
        m.retain(|k, _| *k == keep);
    }
}
