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
