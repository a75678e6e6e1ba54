//! Modules, versions, lesson progress and the catalog, on both backends.

use cairn_app::modules::{CatalogSearch, ProgressUpdate};
use cairn_app::orgs::NewOrg;
use cairn_app::{App, AppError};
use cairn_core::catalog::{Alignment, LessonPage, ModuleFormat, VersionState};
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use uuid::Uuid;

use crate::app as app_for;
use crate::{app, lesson};

fn search(q: &str) -> CatalogSearch {
    CatalogSearch {
        q: Some(q.into()),
        ..Default::default()
    }
}

/// A provider organization, and principals for one of its authors and one of its learners.
async fn provider(app: &App, slug: &str) -> (Principal, Principal) {
    crate::org_of(app, slug, vec![OrgKind::Provider]).await;
    (
        crate::member(app, slug, Role::Author).await,
        crate::member(app, slug, Role::Learner).await,
    )
}

backend_tests! {
    async fn demo_catalog_finds_relevant_modules_first(db: TestDb) {
        let app = app(&db);
        app.seed_demo().await.unwrap();
        let all = app.search_catalog(&CatalogSearch { limit: Some(100), ..Default::default() }).await.unwrap();
        assert!(all.total >= 25, "{} modules", all.total);
        for (q, needle) in [("ICD-11", "icd-11"), ("value-based", "value-based"), ("interprofessional", "interprofessional")] {
            let page = app.search_catalog(&search(q)).await.unwrap();
            assert!(page.total >= 2, "{}: {q} found {}", db.backend, page.total);
            let titles: Vec<_> = page.modules.iter().map(|m| m.title.clone()).collect();
            // The best matches name the subject in the title; every match mentions it somewhere.
            assert!(titles[0].to_lowercase().contains(needle), "{}: {q} → {titles:?}", db.backend);
            assert!(titles[1].to_lowercase().contains(needle), "{}: {q} → {titles:?}", db.backend);
            for m in &page.modules {
                // Titles, summaries, objectives and aligned competency statements are searched.
                let v = app.module(None, m.module_id).await.unwrap().published.unwrap();
                let c = &v.content;
                let statements: Vec<_> = c.alignments.iter().map(|a| a.statement.clone()).collect();
                let text = format!("{} {} {} {} {}", c.title, c.summary, c.objectives.join(" "), c.tags.join(" "), statements.join(" ")).to_lowercase();
                assert!(text.contains(needle) || text.contains(&needle.replace('-', " ")), "{}: {q} → {}", db.backend, m.title);
            }
        }
        // The demo's modules are aligned to the shipped framework, and can be found by
        // competency and by domain.
        let foundations = app.search_catalog(&search("ICD-11 foundations")).await.unwrap();
        let v = app.module(None, foundations.modules[0].module_id).await.unwrap().published.unwrap();
        let a = &v.content.alignments[0];
        assert_eq!(a.code.as_deref(), Some("ICD.1"));
        assert!(a.statement.contains("structure of ICD-11"), "{}", a.statement);
        let by_competency = app.search_catalog(&CatalogSearch { competency: Some(a.competency_id), ..Default::default() }).await.unwrap();
        assert!(by_competency.modules.iter().any(|m| m.module_id == v.module_id));
        let domains = app.catalog_domains().await.unwrap();
        assert_eq!(domains.len(), 12, "{domains:?}");
        let (icd, _, title) = domains.iter().find(|d| d.1.as_deref() == Some("ICD")).unwrap().clone();
        assert!(title.contains("ICD-11"));
        let in_domain = app.search_catalog(&CatalogSearch { domain: Some(icd), limit: Some(100), ..Default::default() }).await.unwrap();
        assert_eq!(in_domain.total, 5, "{:?}", in_domain.modules.iter().map(|m| &m.title).collect::<Vec<_>>());
        // Search reaches the competency statements too: "postcoordination" is in ICD.3's.
        let post = app.search_catalog(&search("clustering stem codes")).await.unwrap();
        assert!(post.modules.iter().any(|m| m.title.contains("postcoordination")));
        // Filters, sorting and pages.
        let rhwc = app.search_catalog(&CatalogSearch { provider: Some("rhwc".into()), limit: Some(100), ..Default::default() }).await.unwrap();
        assert!(rhwc.total > 5 && rhwc.total < all.total);
        assert!(rhwc.modules.iter().all(|m| m.provider_slug == "rhwc"));
        let xapi = app.search_catalog(&CatalogSearch { format: Some(ModuleFormat::Xapi), ..Default::default() }).await.unwrap();
        assert!(xapi.total >= 3 && xapi.modules.iter().all(|m| m.format == ModuleFormat::Xapi));
        let short = app.search_catalog(&CatalogSearch { min_minutes: Some(5), max_minutes: Some(10), sort: Some("duration".into()), limit: Some(100), ..Default::default() }).await.unwrap();
        assert!(short.total > 0);
        let mins: Vec<_> = short.modules.iter().map(|m| m.duration_minutes).collect();
        assert!(mins.windows(2).all(|w| w[0] <= w[1]) && mins.iter().all(|m| (5..=10).contains(m)), "{mins:?}");
        let p1 = app.search_catalog(&CatalogSearch { sort: Some("title".into()), limit: Some(5), ..Default::default() }).await.unwrap();
        let p2 = app.search_catalog(&CatalogSearch { sort: Some("title".into()), limit: Some(5), offset: Some(5), ..Default::default() }).await.unwrap();
        assert_eq!((p1.modules.len(), p2.modules.len()), (5, 5));
        assert_eq!(p1.total, all.total);
        assert!(p1.modules[4].title.to_lowercase() <= p2.modules[0].title.to_lowercase());
        let ranked = app.search_catalog(&CatalogSearch { q: Some("ICD-11".into()), provider: Some("rhwc".into()), ..Default::default() }).await.unwrap();
        assert!(ranked.total >= 1 && ranked.modules.iter().all(|m| m.provider_slug == "rhwc"));
        // The demo's council accredits four modules (one with conditions, one overdue, one
        // carried over to its second version); its other decisions do not count.
        let acc = app.search_catalog(&CatalogSearch { accredited_only: true, ..Default::default() }).await.unwrap();
        assert_eq!(acc.total, 4);
        // The demo's modules have the same ids in every demo database.
        let other_db = cairn_store::testing::TestDb::sqlite().await;
        let other = app_for(&other_db);
        other.seed_demo().await.unwrap();
        let ids = |p: &cairn_app::modules::CatalogPage| p.modules.iter().map(|m| (m.module_id, m.version_id)).collect::<Vec<_>>();
        let by_title = CatalogSearch { sort: Some("title".into()), limit: Some(100), ..Default::default() };
        assert_eq!(ids(&app.search_catalog(&by_title).await.unwrap()), ids(&other.search_catalog(&by_title).await.unwrap()));
        let none = app.search_catalog(&search("zzzyzzx")).await.unwrap();
        assert_eq!(none.total, 0);
        // Odd input is searched as words, never as query syntax.
        for odd in ["\"", "ICD-11 OR", "NEAR(a b)", "*", "a:b", "'); DROP TABLE modules; --"] {
            app.search_catalog(&search(odd)).await.unwrap_or_else(|e| panic!("{odd}: {e}"));
        }
        let err = app.search_catalog(&CatalogSearch { sort: Some("price".into()), ..Default::default() }).await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)) && err.to_string().contains("relevance"), "{err}");
    }

    async fn publishing_freezes_a_version_and_edits_start_a_new_draft(db: TestDb) {
        let app = app(&db);
        let (author, _) = provider(&app, "np").await;
        let draft = app.create_module(&author, "np", lesson("ICD-11 stems")).await.unwrap();
        assert_eq!((draft.number, draft.state), (1, VersionState::Draft));
        // A draft is edited in place.
        let mut c = draft.content.clone();
        c.summary = "Read and write ICD-11 stem codes.".into();
        let same = app.update_module(&author, draft.module_id, c).await.unwrap();
        assert_eq!((same.id, same.number), (draft.id, 1));
        // Drafts are not in the catalog.
        assert_eq!(app.search_catalog(&search("stems")).await.unwrap().total, 0);
        let v1 = app.publish_module(&author, draft.module_id).await.unwrap();
        assert_eq!(v1.id, draft.id);
        assert_eq!(v1.state, VersionState::Published);
        let hash1 = v1.content_hash.clone().unwrap();
        assert_eq!(hash1, cairn_core::catalog::content_hash(&v1.content));
        assert_eq!(app.search_catalog(&search("stems")).await.unwrap().total, 1);
        // Publishing again is refused: there is no draft.
        let err = app.publish_module(&author, draft.module_id).await.unwrap_err();
        assert!(err.to_string().contains("already published"), "{err}");

        let mut c = v1.content.clone();
        c.title = "ICD-11 stems and extensions".into();
        let v2 = app.update_module(&author, draft.module_id, c).await.unwrap();
        assert_ne!(v2.id, v1.id);
        assert_eq!((v2.number, v2.state), (2, VersionState::Draft));
        let old = app.module_version(None, v1.id).await.unwrap();
        assert_eq!(old, v1, "the published version is unchanged");
        // The catalog still shows version 1 until version 2 is published.
        let page = app.search_catalog(&search("stems")).await.unwrap();
        assert_eq!((page.modules[0].version_id, page.modules[0].title.as_str()), (v1.id, "ICD-11 stems"));
        // Anonymous readers do not see drafts.
        assert!(matches!(app.module_version(None, v2.id).await, Err(AppError::NotFound(_))));
        let view = app.module(None, draft.module_id).await.unwrap();
        assert!(view.draft.is_none() && view.versions.len() == 1);
        let view = app.module(Some(&author), draft.module_id).await.unwrap();
        assert_eq!(view.draft.as_ref().map(|d| d.id), Some(v2.id));
        assert!(view.can_author);

        let v2p = app.publish_module(&author, draft.module_id).await.unwrap();
        assert_ne!(v2p.content_hash.as_deref(), Some(hash1.as_str()));
        let page = app.search_catalog(&search("extensions")).await.unwrap();
        assert_eq!((page.total, page.modules[0].version_id), (1, v2.id));
        assert_eq!(app.search_catalog(&search("stems")).await.unwrap().total, 1, "one entry per module");
        assert_eq!(app.module_version(None, v1.id).await.unwrap(), v1);

        // Storage will not update a published version as a draft (and its triggers refuse any change).
        let mut tx = db.store.begin().await.unwrap();
        let frozen = tx.conn().update_draft(&cairn_store::ModuleVersionRow {
            id: v1.id, module_id: v1.module_id, number: 1, state: "published".into(), title: "changed".into(),
            duration_minutes: 5, language: "en".into(), format: "lesson".into(), content: "{}".into(),
            content_hash: None, created_by: "x".into(), created_at: v1.created_at, published_at: None,
        }, &[]).await;
        assert!(frozen.is_err());
        drop(tx);
        assert_eq!(app.module_version(None, v1.id).await.unwrap(), v1);
    }

    async fn only_authors_and_admins_of_providers_write_modules(db: TestDb) {
        let app = app(&db);
        let (author, learner) = provider(&app, "np").await;
        let err = app.create_module(&learner, "np", lesson("Nope")).await.unwrap_err();
        assert!(matches!(err, AppError::Forbidden(_)), "{err}");
        assert!(err.to_string().contains("author"), "{err}");
        let v = app.create_module(&author, "np", lesson("Mine")).await.unwrap();
        assert!(matches!(app.update_module(&learner, v.module_id, lesson("x")).await, Err(AppError::Forbidden(_))));
        assert!(matches!(app.publish_module(&learner, v.module_id).await, Err(AppError::Forbidden(_))));
        // A learner of the provider does not see the unpublished module at all.
        assert!(matches!(app.module(Some(&learner), v.module_id).await, Err(AppError::NotFound(_))));
        // Only providers have modules.
        let sys = Principal::system();
        app.create_org(&sys, NewOrg { slug: Some("emp".into()), name: "Employer".into(), kinds: vec![OrgKind::Employer] }).await.unwrap();
        let err = app.create_module(&sys, "emp", lesson("x")).await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)) && err.to_string().contains("provider"), "{err}");
        // Bad content says what to fix.
        let mut bad = lesson("Too long");
        bad.duration_minutes = 600;
        let err = app.create_module(&author, "np", bad).await.unwrap_err();
        assert!(err.to_string().contains("duration_minutes"), "{err}");
        // Alignments must name a known competency.
        let mut c = lesson("Aligned");
        c.alignments.push(Alignment { competency_id: Uuid::now_v7(), target_level: 2, code: None, statement: String::new() });
        let err = app.create_module(&author, "np", c).await.unwrap_err();
        assert!(matches!(err, AppError::Invalid(_)) && err.to_string().contains("not found"), "{err}");
    }

    async fn a_learner_s_progress_is_saved_as_they_go(db: TestDb) {
        let app = app(&db);
        let (author, learner) = provider(&app, "np").await;
        let mut c = lesson("Two pages");
        c.pages.push(LessonPage { title: "Extensions".into(), markdown: "Use `&`.".into() });
        let v = app.create_module(&author, "np", c).await.unwrap();
        let v = app.publish_module(&author, v.module_id).await.unwrap();
        let p = app.progress(&learner, v.id).await.unwrap();
        assert_eq!((p.page_reached, p.answers.clone(), p.score), (0, vec![None], None));
        let p = app.save_progress(&learner, v.id, ProgressUpdate { page_reached: Some(1), answers: None }).await.unwrap();
        assert_eq!(p.page_reached, 1);
        assert!(p.completed_at.is_none());
        // Going back does not lose the furthest page.
        app.save_progress(&learner, v.id, ProgressUpdate { page_reached: Some(0), answers: None }).await.unwrap();
        assert_eq!(app.progress(&learner, v.id).await.unwrap().page_reached, 1);
        let err = app.save_progress(&learner, v.id, ProgressUpdate { page_reached: None, answers: Some(vec![Some(5)]) }).await.unwrap_err();
        assert!(err.to_string().contains("choices"), "{err}");
        let p = app.save_progress(&learner, v.id, ProgressUpdate { page_reached: None, answers: Some(vec![Some(0)]) }).await.unwrap();
        assert_eq!((p.page_reached, p.score), (2, Some(1)));
        assert!(p.completed_at.is_some());
        assert_eq!(app.progress(&learner, v.id).await.unwrap(), p);
        // Progress belongs to people, not tokens.
        let err = app.progress(&Principal::system(), v.id).await.unwrap_err();
        assert!(matches!(err, AppError::Unauthenticated(_)), "{err}");
    }
}
