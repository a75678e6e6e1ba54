//! The demo's workforce: Riverside Health Network has the seven roles, gaps to show, people
//! ready for a role, credentials about to end, assignments overdue — and consent decides
//! who is ranked.

use cairn_app::demo::{EMPLOYER_SLUG, PERSONAS};
use cairn_core::Principal;
use cairn_store::backend_tests;

use crate::app;

backend_tests! {
    async fn the_demo_workforce_shows_roles_gaps_ready_workers_and_consent(db: TestDb) {
        let app = app(&db);
        app.seed_demo().await.unwrap();
        let sys = Principal::system();
        let at = cairn_app::now();

        let roles = app.role_profiles(&sys, EMPLOYER_SLUG, false).await.unwrap();
        assert_eq!(roles.len(), 7, "{roles:?}");
        assert!(roles.iter().all(|r| r.template.is_some()), "copied from the templates");

        // Gaps to close: some role's heat map has workers missing requirements.
        let matrix = app.org_gap_analysis(&sys, EMPLOYER_SLUG, at).await.unwrap();
        assert_eq!(matrix.roles.len(), 7);
        assert!(matrix.roles.iter().any(|r| r.rows.iter().any(|row| row.missing > 0)));
        assert!(matrix.consenting > 100 && matrix.consenting < matrix.workers, "{} of {}", matrix.consenting, matrix.workers);
        let partly: u32 = matrix.roles.iter().flat_map(|r| &r.rows).map(|row| row.partly_met).sum();
        assert!(partly > 0, "some workers hold a competency below the level a role needs");

        // Ready for the coder role: the learner persona (her shared micro-credential) and
        // two coders; others partly.
        let coder = roles.iter().find(|r| r.template.as_deref() == Some("icd11-clinical-coder")).unwrap();
        let ranked = app.redeployment(&sys, EMPLOYER_SLUG, coder.id, 0).await.unwrap();
        let ready: Vec<_> = ranked.candidates.iter().filter(|c| c.coverage.is_complete()).collect();
        assert!(ready.len() >= 3, "{:?}", ready.iter().map(|c| &c.worker.display_name).collect::<Vec<_>>());
        assert!(ready.iter().any(|c| c.worker.display_name == PERSONAS[0].name));
        assert!(ranked.candidates.iter().any(|c| !c.coverage.is_complete() && c.coverage.numerator > 0));
        assert!(ranked.not_consenting > 0);

        // A worker who shared nothing (but holds credentials) is ranked for no role.
        let mut r = db.store.reader().await.unwrap();
        let employer = r.conn().org_by_slug(EMPLOYER_SLUG).await.unwrap().unwrap();
        let mut silent = None;
        for w in r.conn().workers_of_org(employer.id).await.unwrap() {
            if r.conn().shares_of_user(w.user_id).await.unwrap().is_empty()
                && !r.conn().held_by(w.user_id, at).await.unwrap().is_empty()
            {
                silent = Some(w);
                break;
            }
        }
        drop(r);
        let silent = silent.expect("a worker who holds credentials and shared none");
        for role in &roles {
            let ranked = app.redeployment(&sys, EMPLOYER_SLUG, role.id, 0).await.unwrap();
            assert!(
                ranked.candidates.iter().all(|c| c.worker.user_id != silent.user_id),
                "{} shared nothing but is ranked for {}", silent.display_name, role.name
            );
        }

        // Credentials ending within 30, 60 and 90 days, more in each wider window.
        let within = |d| {
            let app = app.clone();
            let sys = sys.clone();
            async move { app.expiring_credentials(&sys, EMPLOYER_SLUG, d).await.unwrap().credentials.len() }
        };
        let (d30, d60, d90) = (within(30).await, within(60).await, within(90).await);
        assert!(d30 >= 2 && d60 > d30 && d90 > d60, "{d30} {d60} {d90}");

        // Assignments: some open, some overdue.
        let progress = app.team_progress(&sys, EMPLOYER_SLUG).await.unwrap();
        let assigned: i64 = progress.iter().map(|t| t.assigned).sum();
        let overdue: i64 = progress.iter().map(|t| t.overdue).sum();
        assert!(overdue >= 1 && assigned > overdue, "{progress:?}");
    }
}
