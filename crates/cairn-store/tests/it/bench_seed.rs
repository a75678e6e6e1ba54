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

backend_tests! {
    async fn nation_seeding_puts_each_credential_where_its_plan_says(db: TestDb) {
        use bench_seed::{NationPlan, STATUS_LIST_BITS};
        use cairn_core::CredentialState;
        use std::collections::HashSet;
        // Three issuers for ten slots: the first fills four of a learner's slots, the
        // others three, so their numberings have gaps and still never collide.
        let issuers: Vec<_> = (0..3)
            .map(|o| org(&format!("issuer-{o}"), &format!("Issuer {o}"), &[OrgKind::Issuer]))
            .collect();
        let achievements: Vec<Vec<Achievement>> = issuers
            .iter()
            .map(|o| (0..5).map(|j| achievement(o.id, &format!("{} skill {j}", o.slug))).collect())
            .collect();
        let mut tx = db.store.begin().await.unwrap();
        for (o, list) in issuers.iter().zip(&achievements) {
            tx.conn().insert_org(o).await.unwrap();
            for a in list {
                tx.conn().insert_achievement(a).await.unwrap();
            }
        }
        tx.commit().await.unwrap();
        let at = now();
        let plan = NationPlan {
            issuers: issuers.iter().map(|o| o.id).collect(),
            achievements: achievements
                .iter()
                .map(|l| l.iter().map(|a| (a.id, a.name.clone())).collect())
                .collect(),
            learners: 50,
            per_learner: 10,
            issued_at: at,
        };
        let mut batches = 0;
        let seeded = bench_seed::seed_nation(&db.store, &plan, |_| batches += 1).await.unwrap();
        let expected = Seeded { learners: 50, credentials: 500 };
        assert_eq!(seeded, expected, "{}", db.backend);
        assert_eq!(bench_seed::count(&db.store).await.unwrap(), expected, "{}", db.backend);
        assert_eq!(batches, 1);

        let mut r = db.store.reader().await.unwrap();
        let mut slots = HashSet::new();
        let mut revoked = vec![Vec::new(); 3];
        for i in 0..50 {
            for k in 0..10 {
                let id = bench_seed::credential_id(plan.credential_number(i, k));
                let c = r.conn().credential(id).await.unwrap().unwrap();
                let o = plan.issuer_of(k);
                assert_eq!(c.org_id, issuers[o].id, "{} {i}/{k}", db.backend);
                let a = &achievements[o][plan.achievement_of(i, k)];
                assert_eq!((c.achievement_id, c.name.as_str()), (Some(a.id), a.name.as_str()));
                assert_eq!(c.recipient_user, Some(bench_seed::learner_id(i)));
                assert_eq!(c.recipient, format!("learner{i}@bench.example"));
                let (list, index) = plan.status_of(i, k);
                assert_eq!((c.status_list as u64, c.status_index as u64), (list, index));
                assert!(index < STATUS_LIST_BITS);
                assert!(slots.insert((o, list, index)), "status index given twice: {o} {list} {index}");
                assert!(c.issued_at <= at && c.issued_at > at - time::Duration::days(5 * 366));
                let state = if plan.revoked(i, k) {
                    revoked[o].push(index as i32);
                    CredentialState::Revoked
                } else {
                    CredentialState::Active
                };
                assert_eq!(c.state, state, "{} {i}/{k}", db.backend);
            }
        }
        assert!(revoked.iter().map(Vec::len).sum::<usize>() >= 2, "one in a hundred is revoked");
        for (o, mut want) in revoked.into_iter().enumerate() {
            assert_eq!(plan.lists_of(o), 1);
            let mut got = r.conn().status_set_indexes(issuers[o].id, 0).await.unwrap();
            got.sort();
            want.sort();
            assert_eq!(got, want, "{} issuer {o}", db.backend);
        }
        // A learner's wallet holds their ten, from all three issuers.
        let wallet = r.conn().credentials_of_user(bench_seed::learner_id(17)).await.unwrap();
        assert_eq!(wallet.len(), 10);
        assert_eq!(wallet.iter().map(|c| c.org_id).collect::<HashSet<_>>().len(), 3);
        assert_eq!(r.conn().count_credentials(issuers[0].id).await.unwrap(), 50 * 4);
        assert_eq!(r.conn().count_credentials(issuers[2].id).await.unwrap(), 50 * 3);
        drop(r);
        let again = bench_seed::seed_nation(&db.store, &plan, |_| {}).await;
        assert!(matches!(again, Err(cairn_store::StoreError::Conflict(_))), "{again:?}");
    }
}
