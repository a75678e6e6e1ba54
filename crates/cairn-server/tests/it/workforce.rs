//! Workforce over HTTP: consent decides what an employer sees in gaps, heat maps and
//! rankings (shared one by one, all at once, withdrawn; its own credentials always count),
//! role profiles from templates and their versions, bad input as problem+json naming the
//! problem, other organizations and learners kept out, and CSV exports.

use axum::http::{Method, StatusCode, header};
use cairn_app::credentials::{IssueRequest, NewAchievement, Recipient};
use cairn_app::orgs::NewOrg;
use cairn_core::{
    AchievementAlignment, AchievementKind, AchievementSpec, OrgKind, Principal, Role, Team,
};
use cairn_store::backend_tests;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::*;

const EMP: &str = "riverside";

struct World {
    admin: String,
    manager: String,
    learner: String,
    wil: Person,
    wil_id: Uuid,
    coding_cred: Uuid,
    role: Uuid,
    team: Uuid,
    icd1: Uuid,
}

async fn org(h: &Harness, slug: &str, kinds: Vec<OrgKind>) -> Uuid {
    h.app
        .create_org(
            &Principal::system(),
            NewOrg {
                slug: Some(slug.into()),
                name: format!("Org {slug}"),
                kinds,
            },
        )
        .await
        .unwrap()
        .id
}

async fn badge(h: &Harness, issuer: &str, name: &str, aligned: (Uuid, i32)) -> Uuid {
    let spec = AchievementSpec {
        alignments: vec![AchievementAlignment {
            competency_id: aligned.0,
            level: Some(aligned.1),
        }],
        ..Default::default()
    };
    h.app
        .create_achievement(
            &Principal::system(),
            issuer,
            NewAchievement {
                kind: AchievementKind::Badge,
                name: name.into(),
                description: format!("{name}, for tests."),
                criteria: format!("Earn {name}."),
                spec,
            },
        )
        .await
        .unwrap()
        .id
}

async fn issue(h: &Harness, issuer: &str, achievement: Uuid, email: &str) -> Uuid {
    h.app
        .issue_credential(
            &Principal::system(),
            issuer,
            IssueRequest {
                achievement_id: achievement,
                recipient: Recipient::Email(email.into()),
                valid_until: None,
                jwt: false,
            },
        )
        .await
        .unwrap()
        .record
        .id
}

/// The council's "Coding" (ICD.2 at 3) held by wil, unshared; the employer's own
/// "Orientation" (ICD.1 at 1) held by wil; a role needing both; a team of wil.
async fn world(h: &Harness) -> World {
    org(h, "council", vec![OrgKind::Issuer]).await;
    let emp_id = org(h, EMP, vec![OrgKind::Employer, OrgKind::Issuer]).await;
    let fw = h
        .app
        .import_builtin_framework(&Principal::system(), None)
        .await
        .unwrap();
    let (icd1, icd2) = {
        let mut r = h.app.store.reader().await.unwrap();
        let icd1 = r
            .conn()
            .competency_by_code(fw.id, "ICD.1")
            .await
            .unwrap()
            .unwrap()
            .id;
        let icd2 = r
            .conn()
            .competency_by_code(fw.id, "ICD.2")
            .await
            .unwrap()
            .unwrap()
            .id;
        (icd1, icd2)
    };
    let coding = badge(h, "council", "Coding", (icd2, 3)).await;
    let orientation = badge(h, EMP, "Orientation", (icd1, 1)).await;
    let wil = h.member("wil@riverside.example", EMP, Role::Learner).await;
    let wil_id = h
        .app
        .store
        .reader()
        .await
        .unwrap()
        .conn()
        .user_id_by_email("wil@riverside.example")
        .await
        .unwrap()
        .unwrap();
    let coding_cred = issue(h, "council", coding, "wil@riverside.example").await;
    issue(h, EMP, orientation, "wil@riverside.example").await;
    let team = Uuid::now_v7();
    {
        let mut tx = h.app.store.begin().await.unwrap();
        tx.conn()
            .insert_team(&Team {
                id: team,
                org_id: emp_id,
                name: "Coding desk".into(),
            })
            .await
            .unwrap();
        tx.conn().add_team_member(team, wil_id).await.unwrap();
        tx.commit().await.unwrap();
    }
    let admin = h.token(EMP, Role::Admin).await;
    let res = h
        .json(
            Method::POST,
            "/api/v1/orgs/riverside/roles",
            Some(&admin),
            json!({"name": "Coder", "description": "Codes episodes.", "requirements": [
                {"type": "competency", "competency_id": icd2, "min_level": 3},
                {"type": "competency", "competency_id": icd1, "min_level": 1},
            ]}),
        )
        .await;
    assert_eq!(res.status(), StatusCode::CREATED);
    let role: Uuid = body_json(res).await["profile"]["id"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    World {
        manager: h.token(EMP, Role::Manager).await,
        learner: h.token(EMP, Role::Learner).await,
        admin,
        wil,
        wil_id,
        coding_cred,
        role,
        team,
        icd1,
    }
}

/// What the manager sees of wil: (gap coverage numerator, heat map ICD.2 met, wil ranked
/// with coverage numerator).
async fn sees(h: &Harness, w: &World) -> (u64, u64, Option<u64>) {
    let g = body_json(
        h.get(
            &format!(
                "/api/v1/orgs/riverside/workers/{}/gaps/{}",
                w.wil_id, w.role
            ),
            Some(&w.manager),
        )
        .await,
    )
    .await;
    let m = body_json(
        h.get(
            &format!(
                "/api/v1/orgs/riverside/roles/{}/heat-map?team={}",
                w.role, w.team
            ),
            Some(&w.manager),
        )
        .await,
    )
    .await;
    let c = body_json(
        h.get(
            &format!("/api/v1/orgs/riverside/roles/{}/candidates", w.role),
            Some(&w.manager),
        )
        .await,
    )
    .await;
    let ranked = c["candidates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["worker"]["user_id"] == w.wil_id.to_string())
        .map(|x| x["coverage"]["numerator"].as_u64().unwrap());
    (
        g["coverage"]["numerator"].as_u64().unwrap(),
        m["rows"][0]["met"].as_u64().unwrap(),
        ranked,
    )
}

backend_tests! {
    async fn consent_decides_what_the_employer_sees_over_http(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        let one = format!("/api/v1/me/shares/riverside/credentials/{}", w.coding_cred);

        // Not shared: only the employer's own credential counts (1 of 2).
        assert_eq!(sees(&h, &w).await, (1, 0, Some(1)));
        let g = body_json(h.get(&format!("/api/v1/orgs/riverside/workers/{}/gaps/{}", w.wil_id, w.role), Some(&w.manager)).await).await;
        assert_eq!(g["requirements"][0]["status"]["status"], "missing");
        assert_eq!(g["requirements"][1]["status"]["status"], "met");
        assert_eq!(g["coverage"], json!({"numerator": 1, "denominator": 2}));

        // Shared one by one: counts at once.
        let res = w.wil.api(&h, Method::PUT, &one, None).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        assert_eq!(sees(&h, &w).await, (2, 1, Some(2)));
        let p = body_json(h.get(&format!("/api/v1/orgs/riverside/workers/{}/profile", w.wil_id), Some(&w.manager)).await).await;
        assert_eq!(p["competencies"].as_array().unwrap().len(), 2);

        // Withdrawn: gone at once.
        assert_eq!(w.wil.api(&h, Method::DELETE, &one, None).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(sees(&h, &w).await, (1, 0, Some(1)));

        // All, with this employer; then withdrawn.
        assert_eq!(w.wil.api(&h, Method::PUT, "/api/v1/me/shares/riverside", None).await.status(), StatusCode::CREATED);
        assert_eq!(sees(&h, &w).await, (2, 1, Some(2)));
        assert_eq!(w.wil.api(&h, Method::DELETE, "/api/v1/me/shares/riverside", None).await.status(), StatusCode::NO_CONTENT);
        assert_eq!(sees(&h, &w).await, (1, 0, Some(1)));

        // Withdrawing again: nothing to withdraw.
        problem(w.wil.api(&h, Method::DELETE, "/api/v1/me/shares/riverside", None).await, StatusCode::NOT_FOUND).await;
        // An organization wil does not belong to.
        let p = problem(w.wil.api(&h, Method::PUT, "/api/v1/me/shares/council", None).await, StatusCode::CONFLICT).await;
        assert!(p["detail"].as_str().unwrap().contains("not a member"), "{p}");

        // The record, and why the employer sees what it sees.
        let mine = body_json(w.wil.api(&h, Method::GET, "/api/v1/me/shares", None).await).await;
        let history = mine["history"].as_array().unwrap();
        assert_eq!(history.len(), 2);
        assert!(history.iter().all(|s| !s["revoked_at"].is_null()));
        let here = mine["orgs"].as_array().unwrap().iter().find(|o| o["slug"] == EMP).unwrap();
        let vis: Vec<(&str, &str)> = here["credentials"].as_array().unwrap().iter()
            .map(|c| (c["name"].as_str().unwrap(), c["visibility"].as_str().unwrap())).collect();
        assert!(vis.iter().any(|(n, v)| n.contains("Coding") && *v == "not_shared"), "{vis:?}");
        assert!(vis.iter().any(|(n, v)| n.contains("Orientation") && *v == "issued_by_org"), "{vis:?}");
    }

    async fn role_profiles_over_http_with_versions_problems_permissions_and_csv(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        let other = h.org("elsewhere").await;

        // Templates, and a copy resolved against the installed framework.
        let t = body_json(h.get("/api/v1/role-templates", Some(&w.manager)).await).await;
        assert_eq!(t.as_array().unwrap().len(), 7);
        let res = h.json(Method::POST, "/api/v1/orgs/riverside/roles/from-template/icd11-clinical-coder", Some(&w.admin), json!({})).await;
        assert_eq!(res.status(), StatusCode::CREATED);
        let copied = body_json(res).await;
        assert_eq!(copied["template"], "icd11-clinical-coder");
        assert_eq!(copied["profile"]["version"], 1);
        assert_eq!(copied["requirements"].as_array().unwrap().len(), 8);
        assert_eq!(copied["requirements"][1]["code"], "ICD.2");
        assert_eq!(copied["requirements"][1]["min_level"], 3);
        let id = copied["profile"]["id"].as_str().unwrap().to_owned();

        // A new version keeps the first.
        let res = h.json(Method::PUT, &format!("/api/v1/orgs/riverside/roles/{id}"), Some(&w.admin),
            json!({"name": "Coder II", "requirements": [{"type": "competency", "competency_id": w.icd1, "min_level": 2}]})).await;
        assert_eq!(res.status(), StatusCode::OK);
        let v2 = body_json(res).await;
        assert_eq!(v2["profile"]["version"], 2);
        let versions: Vec<&Value> = v2["versions"].as_array().unwrap().iter().map(|v| &v["version"]).collect();
        assert_eq!(versions, vec![&json!(2), &json!(1)]);
        let got = body_json(h.get(&format!("/api/v1/orgs/riverside/roles/{id}"), Some(&w.manager)).await).await;
        assert_eq!(got["versions"][1]["name"], "ICD-11 Clinical Coder");

        // Bad input: 422 naming the problem.
        let unknown = Uuid::from_u128(7);
        let p = problem(h.json(Method::POST, "/api/v1/orgs/riverside/roles", Some(&w.admin),
            json!({"name": "X", "requirements": [{"type": "competency", "competency_id": unknown, "min_level": 2}]})).await,
            StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(p.to_string().contains(&unknown.to_string()), "{p}");
        let dup = json!({"type": "competency", "competency_id": w.icd1, "min_level": 2});
        let p = problem(h.json(Method::POST, "/api/v1/orgs/riverside/roles", Some(&w.admin),
            json!({"name": "X", "requirements": [dup, dup]})).await, StatusCode::UNPROCESSABLE_ENTITY).await;
        assert!(p.to_string().contains("repeats"), "{p}");

        // Another organization's admin and the employer's learner are kept out.
        let body = json!({"name": "X", "requirements": [dup]});
        problem(h.json(Method::POST, "/api/v1/orgs/riverside/roles", Some(&other.admin_token), body.clone()).await, StatusCode::FORBIDDEN).await;
        problem(h.json(Method::POST, "/api/v1/orgs/riverside/roles", Some(&w.learner), body).await, StatusCode::FORBIDDEN).await;
        problem(h.get(&format!("/api/v1/orgs/riverside/roles/{}/candidates", w.role), Some(&other.admin_token)).await, StatusCode::FORBIDDEN).await;
        problem(h.get(&format!("/api/v1/orgs/riverside/workers/{}/gaps/{}", w.wil_id, w.role), Some(&w.learner)).await, StatusCode::FORBIDDEN).await;
        problem(h.get("/api/v1/orgs/riverside/expiring?days=30", Some(&w.learner)).await, StatusCode::FORBIDDEN).await;

        // CSV export of the heat map: a header and one row per requirement.
        let res = h.get(&format!("/api/v1/orgs/riverside/roles/{}/heat-map?team={}&format=csv", w.role, w.team), Some(&w.manager)).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert_eq!(res.headers()[header::CONTENT_TYPE], "text/csv; charset=utf-8");
        assert!(res.headers()[header::CONTENT_DISPOSITION].to_str().unwrap().starts_with("attachment; filename=\"heat-map-Coder.csv\""));
        let csv = body_text(res).await;
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(lines.len(), 3, "{csv}");
        assert_eq!(lines[0], "requirement,met,partly met,missing");
        assert!(lines[1].starts_with("\"ICD.2 ") && lines[1].ends_with(",0,0,1"), "{csv}");
        assert!(lines[2].starts_with("\"ICD.1 ") && lines[2].ends_with(",1,0,0"), "{csv}");
        let roles_csv = body_text(h.get("/api/v1/orgs/riverside/roles?format=csv", Some(&w.manager)).await).await;
        let lines: Vec<&str> = roles_csv.lines().collect();
        assert_eq!(lines[0], "id,name,version,requirements,template,archived");
        assert_eq!(lines.len(), 3, "{roles_csv}");
        assert!(lines.iter().any(|l| l.ends_with(",Coder II,2,1,icd11-clinical-coder,false")), "{roles_csv}");
        let res = h.get("/api/v1/orgs/riverside/roles?format=xml", Some(&w.manager)).await;
        problem(res, StatusCode::UNPROCESSABLE_ENTITY).await;

        // Archived: gone from the list.
        let res = h.json(Method::DELETE, &format!("/api/v1/orgs/riverside/roles/{id}"), Some(&w.admin), json!({})).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT);
        let list = body_json(h.get("/api/v1/orgs/riverside/roles", Some(&w.manager)).await).await;
        assert_eq!(list.as_array().unwrap().len(), 1);
        assert_eq!(list[0]["name"], "Coder");
    }
}
