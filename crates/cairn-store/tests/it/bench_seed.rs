//! Bulk seeding for benchmarks makes the learners and credentials it is asked for, with
//! the ids it promises, readable by the ordinary repository operations.

use cairn_core::{Achievement, AchievementKind, OrgKind};
use cairn_store::backend_tests;
use cairn_store::bench_seed::{self, SeedPlan, Seeded};
use uuid::Uuid;

use crate::{now, org};

fn achievement(org_id: Uuid, name: &str) -> Achievement {
    Achievement {
        id: Uuid::now_v7(),
        org_id,
        kind: AchievementKind::Badge,
        name: name.into(),
        description: format!("{name}, for tests."),
        criteria: format!("Earn {name}."),
        created_at: now(),
        spec: Default::default(),
    }
}

backend_tests! {
    async fn seeding_makes_the_learners_and_credentials_asked_for(db: TestDb) {
        let o = org("bench", "Bench Council", &[OrgKind::Issuer]);
        let badges: Vec<Achievement> =
            ["B1", "B2", "B3", "B4"].iter().map(|n| achievement(o.id, n)).collect();
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&o).await.unwrap();
        for a in &badges {
            tx.conn().insert_achievement(a).await.unwrap();
        }
        tx.commit().await.unwrap();
        let pair = |a: &Achievement| (a.id, a.name.clone());
        let plan = SeedPlan {
            org_id: o.id,
            ladder: badges[..3].iter().map(pair).collect(),
            everyone: vec![pair(&badges[3])],
            learners: 1000,
            issued_at: now(),
        };
        let mut batches = 0;
        let seeded = bench_seed::seed(&db.store, &plan, |_| batches += 1).await.unwrap();
        // A third of the learners hold one, two and three of the ladder, all hold the fourth.
        let expected = Seeded { learners: 1000, credentials: 334 * 2 + 333 * 3 + 333 * 4 };
        assert_eq!(seeded, expected, "{}", db.backend);
        assert_eq!(bench_seed::count(&db.store).await.unwrap(), expected, "{}", db.backend);
        assert_eq!(batches, 1);

        let mut r = db.store.reader().await.unwrap();
        let first = r.conn().user_by_id(bench_seed::learner_id(0)).await.unwrap().unwrap();
        assert_eq!(first.emails[0].address, "learner0@bench.example");
        assert!(r.conn().user_by_id(bench_seed::learner_id(1000)).await.unwrap().is_none());
        let held = r.conn().held_by(bench_seed::learner_id(998), now()).await.unwrap();
        let names: Vec<&str> = held.iter().map(|h| h.name.as_str()).collect();
        assert_eq!(names, ["B1", "B2", "B3", "B4"], "{}", db.backend);
        let held = r.conn().held_by(bench_seed::learner_id(999), now()).await.unwrap();
        assert_eq!(held.len(), 2, "{}", db.backend);
        assert!(held.iter().any(|h| h.credential_id == bench_seed::credential_id(999 * 4)));
        assert!(bench_seed::database_size(&db.store).await.unwrap() > 0);
    }
}

backend_tests! {
    async fn workforce_seeding_follows_its_plan_and_consent_decides_what_the_employer_sees(db: TestDb) {
        use bench_seed::{Consent, Validity, WorkforcePlan, WorkforceSeeded};
        let employer = org("employer", "Bench Employer", &[OrgKind::Employer, OrgKind::Issuer]);
        let issuer = org("council", "Bench Council", &[OrgKind::Issuer]);
        // Every fifth achievement is the employer's own.
        let achievements: Vec<Achievement> = (0..30)
            .map(|k| {
                let o = if k % 5 == 0 { employer.id } else { issuer.id };
                achievement(o, &format!("Skill {k:02}"))
            })
            .collect();
        let mut tx = db.store.begin().await.unwrap();
        tx.conn().insert_org(&employer).await.unwrap();
        tx.conn().insert_org(&issuer).await.unwrap();
        for a in &achievements {
            tx.conn().insert_achievement(a).await.unwrap();
        }
        tx.commit().await.unwrap();
        let plan = WorkforcePlan {
            employer_id: employer.id,
            achievements: achievements.iter().map(|a| a.id).collect(),
            workers: 1000,
            team_size: 25,
            now: now(),
        };
        let seeded = bench_seed::seed_workforce(&db.store, &plan, |_| {}).await.unwrap();
        assert_eq!(seeded, WorkforceSeeded { workers: 1000, teams: 40, credentials: plan.credentials() });
        assert!((3000..=8000).contains(&seeded.credentials));

        // What the plan says the employer may see, worker by worker.
        let mut expected = std::collections::BTreeMap::new();
        let mut consents = [0; 3];
        for i in 0..plan.workers {
            let consent = plan.consent_of(i);
            consents[consent as usize] += 1;
            let mut seen = Vec::new();
            let mut slots = std::collections::HashSet::new();
            for k in 0..plan.credentials_of(i) {
                let a = &achievements[plan.achievement_of(i, k)];
                assert!(slots.insert(a.id), "worker {i} holds one achievement twice");
                let shared = match consent {
                    Consent::All => true,
                    Consent::Some => k % 2 == 0,
                    Consent::Nothing => false,
                };
                if (shared || a.org_id == employer.id)
                    && !plan.revoked(i, k)
                    && plan.validity_of(i, k) != Validity::Expired
                {
                    seen.push(bench_seed::worker_credential_id(i, k));
                }
            }
            if !seen.is_empty() {
                seen.sort();
                expected.insert(bench_seed::worker_id(i), seen);
            }
        }
        // Roughly 70% share all, 10% some, 20% nothing.
        assert!((600..800).contains(&consents[0]) && (50..150).contains(&consents[1]), "{consents:?}");

        let mut r = db.store.reader().await.unwrap();
        let rows = r.conn().visible_held_in_org(employer.id, plan.now).await.unwrap();
        let mut got: std::collections::BTreeMap<Uuid, Vec<Uuid>> = std::collections::BTreeMap::new();
        for row in &rows {
            got.entry(row.user_id).or_default().push(row.credential_id);
        }
        for v in got.values_mut() {
            v.sort();
        }
        assert_eq!(got, expected, "{}", db.backend);
        // Some of what is seen expires within 30 days; none has expired.
        let soon = plan.now + time::Duration::days(30);
        assert!(rows.iter().any(|h| h.valid_until.is_some_and(|u| u <= soon)));
        assert!(rows.iter().all(|h| h.valid_until.is_none_or(|u| u > plan.now)));

        // Teams of 25, and the workers' listing sees every member.
        let team = r.conn().workers_of_team(employer.id, bench_seed::team_id(39)).await.unwrap();
        assert_eq!(team.len(), 25);
        assert_eq!(r.conn().workers_of_org(employer.id).await.unwrap().len(), 1000);
        drop(r);

        // A second seeding of the same employer is refused and writes nothing.
        let again = bench_seed::seed_workforce(&db.store, &plan, |_| {}).await;
        assert!(matches!(again, Err(cairn_store::StoreError::Conflict(_))), "{again:?}");
        let mut r = db.store.reader().await.unwrap();
        assert_eq!(r.conn().workers_of_org(employer.id).await.unwrap().len(), 1000);
    }
}
