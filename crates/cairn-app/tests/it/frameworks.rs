//! Competency frameworks: CASE round trips of the shared examples, whole-package rejection
//! that leaves the database unchanged, and the shipped framework.

use std::collections::BTreeMap;
use std::path::PathBuf;

use cairn_app::frameworks::ImportError;
use cairn_app::{App, AppError};
use cairn_core::{OrgKind, Principal};
use cairn_store::backend_tests;
use serde_json::{Value, json};

use super::{app, org_with_admin};

/// The CASE examples in ../shared/data/case, or None (after saying why) when absent.
fn case_examples() -> Option<Vec<(String, String)>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/case");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        if std::env::var("CAIRN_REQUIRE_SHARED").as_deref() == Ok("1") {
            panic!("CAIRN_REQUIRE_SHARED=1 but {} is missing", dir.display());
        }
        println!("skipping: {} is not there", dir.display());
        return None;
    };
    let mut out = Vec::new();
    for e in entries {
        let path = e.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // The CASE JSON schema lives beside the examples; it is not a package.
        if !name.ends_with(".json") || name.contains("schema") {
            continue;
        }
        out.push((name, std::fs::read_to_string(&path).unwrap()));
    }
    out.sort();
    assert!(!out.is_empty(), "no CASE examples in {}", dir.display());
    Some(out)
}

/// Objects of `list` keyed by identifier.
fn by_id(v: &Value, key: &str) -> BTreeMap<String, Value> {
    v[key]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|o| (o["identifier"].as_str().unwrap().to_owned(), o.clone()))
                .collect()
        })
        .unwrap_or_default()
}

fn definitions(v: &Value) -> BTreeMap<String, Value> {
    let mut out = BTreeMap::new();
    if let Some(m) = v["CFDefinitions"].as_object() {
        for (kind, list) in m {
            for o in list.as_array().unwrap() {
                out.insert(
                    format!("{kind}/{}", o["identifier"].as_str().unwrap()),
                    o.clone(),
                );
            }
        }
    }
    out
}

async fn new_org(app: &App, slug: &str) {
    app.create_org(
        &Principal::system(),
        cairn_app::orgs::NewOrg {
            slug: Some(slug.into()),
            name: format!("Org {slug}"),
            kinds: vec![OrgKind::Provider],
        },
    )
    .await
    .unwrap();
}

async fn counts(app: &App) -> [i64; 6] {
    let mut r = app.store.reader().await.unwrap();
    r.conn().framework_table_counts().await.unwrap()
}

fn rejected(e: ImportError) -> Vec<String> {
    match e {
        ImportError::Rejected(p) => p.iter().map(ToString::to_string).collect(),
        ImportError::Other(e) => panic!("expected a rejection, got {e}"),
    }
}

backend_tests! {
    async fn every_case_example_round_trips(db: TestDb) {
        let Some(files) = case_examples() else { return };
        let app = app(&db);
        let sys = Principal::system();
        for (i, (name, text)) in files.iter().enumerate() {
            let (a, b) = (format!("first-{i}"), format!("second-{i}"));
            new_org(&app, &a).await;
            new_org(&app, &b).await;
            let original: Value = serde_json::from_str(text).unwrap();
            let first = app.import_case(&sys, Some(&a), text).await.unwrap_or_else(|e| panic!("{name}: {e}"));
            let exported = app.export_case(first.id).await.unwrap();
            let second = app
                .import_case(&sys, Some(&b), &exported.to_string())
                .await
                .unwrap_or_else(|e| panic!("{name} (its export): {e}"));
            let again = app.export_case(second.id).await.unwrap();
            assert_eq!(first.identifier, original["CFDocument"]["identifier"], "{name}");
            assert_eq!(second.identifier, first.identifier, "{name}");
            for key in ["CFItems", "CFAssociations"] {
                let orig = by_id(&original, key);
                assert!(!orig.is_empty() || key == "CFAssociations", "{name} {key}");
                // Same objects, member for member, identifiers and URIs included.
                assert_eq!(by_id(&exported, key), orig, "{name} {key}");
                assert_eq!(by_id(&again, key), orig, "{name} {key} after re-import");
            }
            assert_eq!(definitions(&exported), definitions(&original), "{name} CFDefinitions");
            assert_eq!(exported["CFDocument"], original["CFDocument"], "{name} CFDocument");
            assert_eq!(again, exported, "{name}");
        }
        let list = app.frameworks().await.unwrap();
        assert_eq!(list.len(), files.len() * 2);
    }

    async fn hierarchy_follows_is_child_of(db: TestDb) {
        let Some(files) = case_examples() else { return };
        let Some((_, text)) = files.iter().find(|(n, _)| n.starts_with("SmartLevel")) else { return };
        let app = app(&db);
        let f = app.import_case(&Principal::system(), None, text).await.unwrap();
        let d = app.framework(f.id).await.unwrap();
        let roots: Vec<_> = d.tree.iter().map(|n| n.statement.as_str()).collect();
        assert_eq!(roots, ["Item 1", "Item 2"]);
        assert_eq!(d.tree[0].children.len(), 10);
        assert_eq!(d.tree[1].children.len(), 2);
        // Sequence numbers order siblings.
        let seq = files.iter().find(|(n, _)| n.starts_with("SequenceNumber")).unwrap();
        // Same CFDocument identifier as the first example: another owner.
        new_org(&app, "seq").await;
        let f = app.import_case(&Principal::system(), Some("seq"), &seq.1).await.unwrap();
        let d = app.framework(f.id).await.unwrap();
        assert_eq!(d.tree[0].code.as_deref(), Some("SNT.2"));
    }

    async fn bad_packages_are_rejected_whole_and_change_nothing(db: TestDb) {
        let app = app(&db);
        let sys = Principal::system();
        org_with_admin(&app, "a").await;
        app.import_builtin_framework(&sys, Some("a")).await.unwrap();
        let before = counts(&app).await;
        let audit_before = app.verify_audit_chain().await.unwrap().events;
        let doc = json!({"identifier": "d1000000-0000-4000-8000-000000000000", "uri": "https://x.example/d", "title": "T", "creator": "C", "lastChangeDateTime": "2024-01-01T00:00:00Z"});
        let item = |n: u32| json!({"identifier": format!("11000000-0000-4000-8000-{n:012}"), "uri": format!("https://x.example/i{n}"), "fullStatement": format!("S{n}"), "lastChangeDateTime": "2024-01-01T00:00:00Z"});
        let node = |id: &str| json!({"identifier": id, "uri": format!("https://x.example/{id}"), "title": "t"});
        let child = |n: u32, from: &str, to: &str| json!({"identifier": format!("a1000000-0000-4000-8000-{n:012}"), "uri": format!("https://x.example/a{n}"), "associationType": "isChildOf", "originNodeURI": node(from), "destinationNodeURI": node(to), "lastChangeDateTime": "2024-01-01T00:00:00Z"});
        let i1 = "11000000-0000-4000-8000-000000000001";
        let missing = "11000000-0000-4000-8000-000000000099";

        // A dangling association (and a valid item that would otherwise be imported).
        let dangling = json!({"CFDocument": doc, "CFItems": [item(1)], "CFAssociations": [child(1, i1, missing)]});
        let p = rejected(app.import_case(&sys, Some("a"), &dangling.to_string()).await.unwrap_err());
        assert_eq!(p.len(), 1, "{p:#?}");
        assert!(p[0].contains("CFAssociations[0].destinationNodeURI") && p[0].contains(missing), "{p:#?}");

        // A duplicate identifier, plus a missing statement: both reported.
        let mut no_statement = item(2);
        no_statement.as_object_mut().unwrap().remove("fullStatement");
        let dup = json!({"CFDocument": doc, "CFItems": [item(1), item(1), no_statement], "CFAssociations": [child(1, i1, doc["identifier"].as_str().unwrap())]});
        let p = rejected(app.import_case(&sys, Some("a"), &dup.to_string()).await.unwrap_err());
        assert_eq!(p.len(), 2, "{p:#?}");
        assert!(p.iter().any(|m| m.contains(i1) && m.contains("used 2 times")), "{p:#?}");
        assert!(p.iter().any(|m| m.contains("CFItems[2].fullStatement")), "{p:#?}");

        // Bad JSON names the line.
        let p = rejected(app.import_case(&sys, Some("a"), "{\n \"CFDocument\": {\n").await.unwrap_err());
        assert!(p[0].starts_with("line "), "{p:#?}");

        // Importing the same framework twice for the same owner is a conflict.
        let e = app.import_builtin_framework(&sys, Some("a")).await.unwrap_err();
        assert!(matches!(e, ImportError::Other(AppError::Conflict(_))), "{e}");

        assert_eq!(counts(&app).await, before);
        assert_eq!(app.verify_audit_chain().await.unwrap().events, audit_before);
    }

    async fn only_admins_and_authors_import(db: TestDb) {
        let app = app(&db);
        let (email, pw) = org_with_admin(&app, "a").await;
        org_with_admin(&app, "b").await;
        let s = app.sign_in(&email, &pw).await.unwrap();
        let p = app.session(&s.session_secret).await.unwrap().principal;
        let e = app.import_builtin_framework(&p, Some("b")).await.unwrap_err();
        assert!(matches!(e, ImportError::Other(AppError::Forbidden(_))), "{e}");
        let e = app.import_builtin_framework(&p, None).await.unwrap_err();
        assert!(matches!(e, ImportError::Other(AppError::Forbidden(_))), "{e}");
        app.import_builtin_framework(&p, Some("a")).await.unwrap();
    }

    async fn the_shipped_framework_loads_exports_and_reimports(db: TestDb) {
        let app = app(&db);
        let sys = Principal::system();
        let f = app.import_builtin_framework(&sys, None).await.unwrap();
        assert_eq!(f.title, "Healthcare Workforce Versatility Framework");
        let d = app.framework(f.id).await.unwrap();
        assert_eq!(d.tree.len(), 12, "12 domains");
        for domain in &d.tree {
            assert_eq!(domain.kind.as_deref(), Some("Domain"));
            let n = domain.children.len();
            assert!((3..=6).contains(&n), "{} has {n} competencies", domain.statement);
            for c in &domain.children {
                assert_eq!(c.kind.as_deref(), Some("Competency"));
                assert!(c.statement.len() > 40, "{}", c.statement);
            }
        }
        assert_eq!(d.scales.len(), 1);
        let names: Vec<_> = d.scales[0].levels.iter().map(|l| l.name.clone().unwrap()).collect();
        assert_eq!(names, ["Foundational", "Working", "Proficient", "Expert"]);
        assert!(d.scales[0].levels.iter().all(|l| l.descriptor.as_ref().is_some_and(|s| s.len() > 60)));

        let case = app.export_case(f.id).await.unwrap();
        new_org(&app, "copy").await;
        let again = app.import_case(&sys, Some("copy"), &case.to_string()).await.unwrap();
        assert_eq!(again.identifier, f.identifier);
        assert_eq!(app.export_case(again.id).await.unwrap(), case);
        assert_eq!(case["CFRubrics"][0]["CFRubricCriteria"][0]["CFRubricCriterionLevels"].as_array().unwrap().len(), 4);
    }

    async fn the_demo_world_has_the_framework(db: TestDb) {
        let app = app(&db);
        app.seed_demo().await.unwrap();
        let rhwc = app.org_unchecked("rhwc").await.unwrap();
        let list = app.frameworks().await.unwrap();
        let f = list.iter().find(|f| f.org_id == Some(rhwc.id)).expect("the demo framework");
        assert!(f.competencies >= 12 + 36);
        let mut r = app.store.reader().await.unwrap();
        let c = r.conn().competency_by_code(f.id, "ICD.3").await.unwrap().unwrap();
        assert!(c.statement.contains("postcoordination"));
        assert_eq!(c.depth, 1);
    }
}
