//! ICD-11: importing WHO's real tabulation, lookups, search, cluster validation and the
//! built-in sample, on both backends.

use std::path::PathBuf;
use std::time::Instant;

use cairn_core::Principal;
use cairn_core::icd11::PartRole;

use super::*;

/// WHO's zip from the shared reference data, beside the repository; None (with a notice)
/// when it is not there, unless CAIRN_REQUIRE_SHARED=1 says it must be.
fn shared_zip() -> Option<Vec<u8>> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/icd11/simple-tab-icd11-mms.zip");
    match std::fs::read(&path) {
        Ok(b) => Some(b),
        Err(e) => {
            if std::env::var("CAIRN_REQUIRE_SHARED").as_deref() == Ok("1") {
                panic!(
                    "CAIRN_REQUIRE_SHARED=1 but {} cannot be read: {e}",
                    path.display()
                );
            }
            eprintln!("skipping: {} is not there ({e})", path.display());
            None
        }
    }
}

async fn title_of(app: &App, code: &str) -> String {
    app.icd11_code(code).await.unwrap().entity.title
}

backend_tests! {
    async fn imports_who_tabulation(db: TestDb) {
        let Some(zip) = shared_zip() else { return };
        let app = app(&db);
        let started = Instant::now();
        let s = app
            .import_icd11(&Principal::system(), &zip, "simple-tab-icd11-mms.zip")
            .await
            .unwrap();
        let took = started.elapsed();
        eprintln!("{}: imported in {took:?}", db.backend);
        assert!(took.as_secs() < 60, "{}: import took {took:?}", db.backend);
        // WHO's ClassKind column: 28 chapter, 1,353 block and 34,663 category rows. The
        // categories include the 16,841 extension codes of chapter X (ClassKind "category"
        // too), leaving 17,822 stem codes.
        assert_eq!((s.chapters, s.blocks, s.categories), (28, 1353, 34663), "{}", db.backend);
        assert_eq!(s.extension_codes, 16841);
        assert_eq!(s.version, "2024 Jan 21 - 22:30 UTC");

        assert_eq!(title_of(&app, "1A00").await, "Cholera");
        assert_eq!(title_of(&app, "5A11").await, "Type 2 diabetes mellitus");
        assert_eq!(title_of(&app, "BA00").await, "Essential hypertension");
        assert_eq!(title_of(&app, "CA40").await, "Pneumonia");
        // Titles are verbatim, non-ASCII included.
        assert_eq!(title_of(&app, "XT8W").await, "Chronic");

        let c = app.icd11_code("1a00").await.unwrap();
        let chain: Vec<_> = c.ancestors.iter().map(|a| a.title.as_str()).collect();
        assert_eq!(
            chain,
            ["Certain infectious or parasitic diseases", "Gastroenteritis or colitis of infectious origin", "Bacterial intestinal infections"]
        );
        assert!(c.entity.is_leaf && !c.entity.is_residual);
        assert_eq!(c.entity.chapter, "01");
        let ca40 = app.icd11_code("CA40").await.unwrap();
        assert!(!ca40.entity.is_leaf);
        assert!(ca40.children.iter().any(|k| k.code.as_deref() == Some("CA40.0")));
        let residual = app.icd11_code("2C6Z").await.unwrap();
        assert!(residual.entity.is_residual);

        for ok in ["5A11&XT8W", "NC72.2&XK9K", "5A11&XT8W/BA00", "ca40&xs25"] {
            let v = app.icd11_validate(ok).await.unwrap();
            assert!(v.valid, "{ok}: {v:?}");
        }
        let v = app.icd11_validate("5A11&XT8W").await.unwrap();
        assert_eq!(v.parts[1].role, PartRole::Extension);
        assert_eq!(v.parts[1].title.as_deref(), Some("Chronic"));
        for bad in ["ZZ99", "5A11&XZZZ", "XT8W", "5A11&BA00", "diabetes", "5A11/&XT8W"] {
            let v = app.icd11_validate(bad).await.unwrap();
            assert!(!v.valid, "{bad}: {v:?}");
        }

        let hits = app.icd11_search("type 2 diabetes", None).await.unwrap();
        assert_eq!(hits[0].code.as_deref(), Some("5A11"), "{hits:?}");
        let hits = app.icd11_search("5A1", Some(5)).await.unwrap();
        assert!(hits.len() <= 5 && hits.iter().all(|h| h.code.as_deref().is_some_and(|c| c.starts_with("5A1"))));
        let hits = app.icd11_search("BA00", None).await.unwrap();
        assert_eq!(hits[0].code.as_deref(), Some("BA00"));
        assert!(app.icd11_search("100%_", None).await.unwrap().is_empty());

        // Re-import replaces the release: same counts, nothing doubled.
        let again = app
            .import_icd11(&Principal::system(), &zip, "simple-tab-icd11-mms.zip")
            .await
            .unwrap();
        assert_eq!((again.chapters, again.blocks, again.categories), (28, 1353, 34663));
        let status = app.icd11_status().await.unwrap();
        assert_eq!(status.counts.categories, 34663);
        assert_eq!(status.release.unwrap().source, "simple-tab-icd11-mms.zip");
    }

    async fn refused_import_leaves_release_in_place(db: TestDb) {
        let app = app(&db);
        let mut tx = db.store.begin().await.unwrap();
        assert!(app.seed_icd11_sample(&mut tx).await.unwrap());
        assert!(!app.seed_icd11_sample(&mut tx).await.unwrap(), "seeds only once");
        tx.commit().await.unwrap();
        let before = app.icd11_status().await.unwrap();
        assert!(before.counts.categories >= 11);

        let e = app
            .import_icd11(&Principal::system(), b"not a tabulation", "x.txt")
            .await
            .unwrap_err();
        assert!(matches!(e, AppError::Invalid(_)), "{e}");
        assert!(e.to_string().contains("lacks the column"), "{e}");
        let e = app
            .import_icd11(&Principal::system(), b"PK\x03\x04truncated", "x.zip")
            .await
            .unwrap_err();
        assert!(e.to_string().contains("zip"), "{e}");

        // Only operators import.
        let (email, password) = org_with_admin(&app, "icd-org").await;
        let _ = (email, password);
        let admin = Principal {
            kind: cairn_core::PrincipalKind::User { user_id: uuid::Uuid::now_v7() },
            is_operator: false,
            grants: Vec::new(),
        };
        let e = app.import_icd11(&admin, b"", "x").await.unwrap_err();
        assert!(matches!(e, AppError::Forbidden(_)), "{e}");

        let after = app.icd11_status().await.unwrap();
        assert_eq!(after.counts, before.counts);
        assert_eq!(after.release, before.release);
    }

    async fn demo_sample_answers_the_demo_codes(db: TestDb) {
        let app = app(&db);
        let mut tx = db.store.begin().await.unwrap();
        app.seed_icd11_sample(&mut tx).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(title_of(&app, "1A00").await, "Cholera");
        assert_eq!(title_of(&app, "5A11").await, "Type 2 diabetes mellitus");
        assert_eq!(title_of(&app, "BA00").await, "Essential hypertension");
        assert_eq!(title_of(&app, "CA40").await, "Pneumonia");
        let c = app.icd11_code("XT8W").await.unwrap();
        assert!(c.entity.is_extension);
        assert_eq!(c.ancestors[0].title, "Extension Codes");
        assert!(app.icd11_validate("5A11&XT8W").await.unwrap().valid);
        assert!(app.icd11_validate("NC72.2&XK9K").await.unwrap().valid);
        assert!(!app.icd11_validate("5A11&XQ12").await.unwrap().valid);
        assert!(matches!(app.icd11_code("9Z99").await, Err(AppError::NotFound(_))));
        assert!(matches!(app.icd11_code("nonsense").await, Err(AppError::Invalid(_))));
        assert!(matches!(app.icd11_search(" ", None).await, Err(AppError::Invalid(_))));
        assert!(matches!(app.icd11_search("x", Some(0)).await, Err(AppError::Invalid(_))));
        assert_eq!(app.icd11_search("diabetes", None).await.unwrap().len(), 2);
    }
}
