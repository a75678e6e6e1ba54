//! The workforce pages over HTTP: a manager sees teams, roles, heat maps, candidates, a
//! worker's profile and gap, and expiring credentials, each with the names and numbers the
//! worker's consent allows; a learner is refused; the worker's sharing page changes what
//! the employer sees, and back.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use cairn_app::accounts::NewUser;
use cairn_app::credentials::{IssueRequest, NewAchievement, Recipient};
use cairn_app::orgs::{NewMember, NewOrg};
use cairn_core::criteria::Criteria;
use cairn_core::{
    AchievementAlignment, AchievementKind, AchievementSpec, OrgKind, Principal, Role, Team,
};
use cairn_store::backend_tests;
use uuid::Uuid;

use crate::{Harness, PASSWORD, Person, body_text, location};

const EMPLOYER: &str = "riverside";
const COUNCIL: &str = "council";

struct World {
    manager: Person,
    ana: Person,
    ana_id: Uuid,
    ben_id: Uuid,
    /// Ana's credential from the council: the employer sees it only when she shares it.
    council_credential: Uuid,
    /// The module that closes the ICD.4 gap.
    module_id: Uuid,
}

async fn org(h: &Harness, slug: &str, name: &str, kinds: Vec<OrgKind>) {
    h.app
        .create_org(
            &Principal::system(),
            NewOrg {
                slug: Some(slug.into()),
                name: name.into(),
                kinds,
            },
        )
        .await
        .unwrap();
}

/// A learner of the employer who can sign in.
async fn worker(h: &Harness, name: &str) -> (Person, Uuid) {
    let email = format!("{}@riverside.example", name.to_lowercase());
    let sys = Principal::system();
    let user = h
        .app
        .create_user(
            &sys,
            NewUser {
                display_name: name.into(),
                email: email.clone(),
                password: Some(PASSWORD.into()),
                is_operator: false,
            },
        )
        .await
        .unwrap();
    h.app
        .add_member(
            &sys,
            EMPLOYER,
            NewMember {
                email: email.clone(),
                display_name: None,
                role: Role::Learner,
                job_title: Some("Ward clerk".into()),
            },
        )
        .await
        .unwrap();
    (h.signed_in(&email).await, user.id)
}

/// A badge of `issuer` proving `competency` at `level`, issued to `to` for `days`.
async fn credential(
    h: &Harness,
    issuer: &str,
    name: &str,
    competency: Uuid,
    level: i32,
    to: &str,
    days: i64,
) -> Uuid {
    let sys = Principal::system();
    let a = h
        .app
        .create_achievement(
            &sys,
            issuer,
            NewAchievement {
                kind: AchievementKind::Badge,
                name: name.into(),
                description: format!("{name}, for tests."),
                criteria: format!("Earn {name}."),
                spec: AchievementSpec {
                    alignments: vec![AchievementAlignment {
                        competency_id: competency,
                        level: Some(level),
                    }],
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
    h.app
        .issue_credential(
            &sys,
            issuer,
            IssueRequest {
                achievement_id: a.id,
                recipient: Recipient::Email(format!("{to}@riverside.example")),
                valid_until: Some(cairn_app::now() + time::Duration::days(days)),
                jwt: false,
            },
        )
        .await
        .unwrap()
        .record
        .id
}

/// Riverside (employer and issuer) with a manager and two workers in one team; the shipped
/// framework installed; Ana holds a council badge (ICD.2 at level 3, ending in 20 days) and
/// one of Riverside's own (REG.3 at level 2, ending in 45 days); Ben holds nothing.
async fn world(h: &Harness) -> World {
    org(
        h,
        COUNCIL,
        "Regional Council",
        vec![OrgKind::Provider, OrgKind::Issuer],
    )
    .await;
    org(
        h,
        EMPLOYER,
        "Riverside Health",
        vec![OrgKind::Employer, OrgKind::Issuer],
    )
    .await;
    let manager = h
        .member("manager@riverside.example", EMPLOYER, Role::Manager)
        .await;
    let (ana, ana_id) = worker(h, "Ana").await;
    let (_, ben_id) = worker(h, "Ben").await;
    let fw = h
        .app
        .import_builtin_framework(&Principal::system(), None)
        .await
        .unwrap();
    let mut r = h.app.store.reader().await.unwrap();
    let mut ids: std::collections::HashMap<String, Uuid> = std::collections::HashMap::new();
    for c in r.conn().competencies_of(fw.id).await.unwrap() {
        if let Some(k) = c.code {
            ids.insert(k, c.id);
        }
    }
    drop(r);
    let council_credential = credential(
        h,
        COUNCIL,
        "Postcoordination Badge",
        ids["ICD.2"],
        3,
        "ana",
        20,
    )
    .await;
    credential(
        h,
        EMPLOYER,
        "Ward Privacy Badge",
        ids["REG.3"],
        2,
        "ana",
        45,
    )
    .await;
    // A way to learn ICD.4: a 25-minute module whose completion earns a council badge.
    let sys = Principal::system();
    let draft = h
        .app
        .create_module(&sys, COUNCIL, lesson("Clinical Queries in Practice", 25))
        .await
        .unwrap();
    let module_id = h
        .app
        .publish_module(&sys, draft.module_id)
        .await
        .unwrap()
        .module_id;
    h.app
        .create_achievement(
            &sys,
            COUNCIL,
            NewAchievement {
                kind: AchievementKind::Badge,
                name: "Query Writing Badge".into(),
                description: "Query Writing Badge, for tests.".into(),
                criteria: "Complete the module.".into(),
                spec: AchievementSpec {
                    alignments: vec![AchievementAlignment {
                        competency_id: ids["ICD.4"],
                        level: Some(3),
                    }],
                    rule: Some(Criteria::CompletedModule {
                        module_id,
                        min_version: None,
                    }),
                    ..Default::default()
                },
            },
        )
        .await
        .unwrap();
    let org_id = h.app.org_unchecked(EMPLOYER).await.unwrap().id;
    let mut tx = h.app.store.begin().await.unwrap();
    let team = Uuid::now_v7();
    tx.conn()
        .insert_team(&Team {
            id: team,
            org_id,
            name: "Coding Team".into(),
        })
        .await
        .unwrap();
    for m in [ana_id, ben_id] {
        tx.conn().add_team_member(team, m).await.unwrap();
    }
    tx.commit().await.unwrap();
    World {
        manager,
        ana,
        ana_id,
        ben_id,
        council_credential,
        module_id,
    }
}

/// A one-page lesson of `minutes`.
fn lesson(title: &str, minutes: u32) -> cairn_core::catalog::ModuleContent {
    cairn_core::catalog::ModuleContent {
        title: title.into(),
        summary: "Write a compliant query.".into(),
        objectives: vec!["Write a non-leading query".into()],
        duration_minutes: minutes,
        language: "en".into(),
        format: cairn_core::catalog::ModuleFormat::Lesson,
        url: None,
        activity_iri: None,
        alignments: vec![],
        tags: vec!["cdi".into()],
        pages: vec![cairn_core::catalog::LessonPage {
            title: "Queries".into(),
            markdown: "Ask, do not lead.".into(),
        }],
        questions: vec![cairn_core::catalog::Question {
            prompt: "May a query lead the clinician?".into(),
            choices: vec!["Yes".into(), "No".into()],
            answer: 1,
            explanation: None,
        }],
    }
}

/// The page's body, asserting the status first.
async fn text(p: &Person, h: &Harness, path: &str, status: StatusCode) -> String {
    let res = p.page(h, path).await;
    let got = res.status();
    let body = body_text(res).await;
    assert_eq!(got, status, "{path}: {body}");
    body
}

/// The page as a browser set to French asks for it, asserting it is served.
async fn in_french(p: &Person, h: &Harness, path: &str) -> String {
    let res = h
        .send(
            Request::get(path)
                .header(header::COOKIE, &p.cookie)
                .header(header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9,en;q=0.5")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    let got = res.status();
    let body = body_text(res).await;
    assert_eq!(got, StatusCode::OK, "{path}: {body}");
    body
}

/// Fails when any message id of the workforce catalog shows in `html`: a missing message
/// shows as its id.
fn no_catalog_ids(html: &str) {
    let ids = include_str!("../../locales/en/workforce.ftl")
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim()));
    for id in ids {
        assert!(!html.contains(id), "the id {id} shows in the page");
    }
}

/// Copies the clinical coder template through the roles page; its id.
async fn coder_role(h: &Harness, w: &World) -> Uuid {
    let res = w
        .manager
        .form(
            h,
            "/orgs/riverside/roles/copy",
            &[("template", "icd11-clinical-coder")],
        )
        .await;
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let to = location(&res);
    to.strip_prefix("/orgs/riverside/roles/")
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirected to {to}"))
}

/// Every `<svg>…</svg>` in a page, checked for balanced, properly nested tags.
fn pictures(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<svg ") {
        let end = rest[start..].find("</svg>").unwrap() + start + "</svg>".len();
        let svg = &rest[start..end];
        let mut stack: Vec<&str> = Vec::new();
        let mut s = svg;
        while let Some(open) = s.find('<') {
            let close = s[open..].find('>').unwrap() + open;
            let tag = &s[open + 1..close];
            s = &s[close + 1..];
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "in {svg}");
            } else if !tag.ends_with('/') {
                stack.push(tag.split_whitespace().next().unwrap());
            }
        }
        assert!(stack.is_empty(), "unclosed {stack:?} in {svg}");
        assert!(svg.contains(r#"role="img" aria-label=""#), "{svg}");
        assert!(!svg.contains("<script"));
        out.push(svg);
        rest = &rest[end..];
    }
    out
}

backend_tests! {
    async fn a_manager_sees_roles_heat_maps_candidates_and_workers(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;

        let roles = text(&w.manager, &h, "/orgs/riverside/roles", StatusCode::OK).await;
        assert!(roles.contains("<h1>Role profiles of Riverside Health</h1>"));
        for t in [
            "ICD-11 Clinical Coder",
            "Clinical Documentation Integrity Specialist",
            "Interprofessional Team Lead",
        ] {
            assert!(roles.contains(&format!("Copy “{t}”")), "{t}");
        }
        let role = coder_role(&h, &w).await;

        let page = text(&w.manager, &h, &format!("/orgs/riverside/roles/{role}"), StatusCode::OK).await;
        assert!(page.contains("<h1>ICD-11 Clinical Coder</h1>"));
        assert!(page.contains("Version 1"));
        assert!(page.contains("ICD.2 "));
        assert!(page.contains("3 workers counted"), "the manager is a member too");
        let svgs = pictures(&page);
        assert_eq!(svgs.len(), 1);
        assert!(svgs[0].contains("<title>Whole organization</title>"));

        // Before Ana shares anything, Riverside sees only its own badge: REG.3 is met by
        // one of the two in the team, ICD.2 by no one.
        let dash = text(&w.manager, &h, "/orgs/riverside/workforce", StatusCode::OK).await;
        assert!(dash.contains("<h1>Workforce of Riverside Health</h1>"));
        assert!(dash.contains(r#"<th scope="row">Coding Team</th><td class="num">2</td>"#));
        // Every table the page shows can be taken away as CSV, and the link works.
        let csv = format!("/api/v1/orgs/riverside/roles/{role}/heat-map?format=csv");
        assert!(dash.contains(&csv));
        let res = w.manager.page(&h, &csv).await;
        assert_eq!(res.status(), StatusCode::OK);
        assert!(body_text(res).await.contains("ICD.2"));
        let svgs = pictures(&dash);
        assert_eq!(svgs.len(), 1);
        let heat = svgs[0];
        assert!(heat.contains("<title>Coding Team</title>"));
        assert!(heat.contains(">50%</text>") && heat.contains(">1 of 2</text>"));
        assert!(heat.contains(">0%</text>") && heat.contains(">0 of 2</text>"));
        assert!(dash.contains("1 of 2 (50%)"), "the table repeats the numbers");
        assert!(dash.contains(&format!("/orgs/riverside/roles/{role}/candidates")));

        let worker = text(
            &w.manager,
            &h,
            &format!("/orgs/riverside/workers/{}?role={role}", w.ana_id),
            StatusCode::OK,
        )
        .await;
        assert!(worker.contains("<h1>Ana</h1>"));
        assert!(worker.contains("Ward Privacy Badge"));
        assert!(worker.contains("issued by Riverside Health"));
        // The council's credential is not seen; its badge may still be named as a way to
        // learn what is missing.
        assert!(!worker.contains("issued by Regional Council"));
        assert!(!worker.contains("<strong>Postcoordination Badge</strong>"));
        assert!(worker.contains("Meets <strong>1 of 8</strong> requirements"));
        let svgs = pictures(&worker);
        // The coverage bar and the radar (the role names eight competencies).
        assert_eq!(svgs.len(), 2);
        assert!(svgs[0].contains(r#"aria-label="Requirements met: 1 of 8""#));
        let radar = svgs[1];
        assert!(radar.contains("<polygon"));
        assert!(radar.contains(">REG.3</text>") && radar.contains(">has 2 · needs 2</text>"));
        assert!(radar.contains(">ICD.2</text>") && radar.contains(">has 0 · needs 3</text>"));
        assert!(worker.contains("missing"));
        // Each gap comes with the quickest learning that closes it, where there is one.
        assert!(worker.contains("Pathway: earn “Query Writing Badge”, about 25 min of learning."));
        assert!(worker.contains(&format!(
            r#"Module: <a href="/modules/{}">Clinical Queries in Practice</a> (25 min)"#,
            w.module_id
        )));
        assert!(worker.contains("No pathway: "));
        assert!(worker.contains("Time to ready: not known: some gap has no pathway."));

        let cands = text(
            &w.manager,
            &h,
            &format!("/orgs/riverside/roles/{role}/candidates"),
            StatusCode::OK,
        )
        .await;
        assert!(cands.contains("<h1>Candidates for ICD-11 Clinical Coder</h1>"));
        assert!(cands.contains(&format!("/orgs/riverside/workers/{}?role={role}", w.ana_id)));
        assert!(!cands.contains(&format!("/orgs/riverside/workers/{}", w.ben_id)));
        assert!(cands.contains("1 of 8"));
        assert!(cands.contains("1 worker ranked. 2 others hold nothing Riverside Health issued"));
        let svgs = pictures(&cands);
        assert_eq!(svgs.len(), 1);

        // Riverside's badge ends in 45 days: inside 60, not 30; the council's is not seen.
        let e30 = text(&w.manager, &h, "/orgs/riverside/expiring", StatusCode::OK).await;
        assert!(e30.contains("<h1>Credentials expiring within 30 days</h1>"));
        assert!(e30.contains("None end within 30 days."));
        assert!(e30.contains(r#"href="/orgs/riverside/expiring?days=30" aria-current="page""#));
        let e60 = text(&w.manager, &h, "/orgs/riverside/expiring?days=60", StatusCode::OK).await;
        assert!(e60.contains("Ward Privacy Badge"));
        assert!(!e60.contains("Postcoordination Badge"));
        assert!(e60.contains(&format!("/orgs/riverside/workers/{}", w.ana_id)));
        let bad = text(&w.manager, &h, "/orgs/riverside/expiring?days=0", StatusCode::BAD_REQUEST).await;
        assert!(bad.contains("1 to 3650 days"));
    }

    async fn the_role_editor_creates_versions_and_keeps_a_refused_form(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        let form = text(&w.manager, &h, "/orgs/riverside/roles/new", StatusCode::OK).await;
        assert!(form.contains(r#"<label for="req_0">Requirement 1</label>"#));
        assert!(form.contains("Holds &#34;Ward Privacy Badge&#34;") && form.contains("Holds &#34;Query Writing Badge&#34;"), "achievements are choices too");
        // The competency choices carry ids; take ICD.2's from the form itself.
        let at = form.find(">ICD.2 ").unwrap();
        let value_at = form[..at].rfind("value=\"").unwrap() + 7;
        let icd2 = &form[value_at..value_at + form[value_at..].find('"').unwrap()];
        assert!(icd2.starts_with("c:"));

        // Nothing chosen: the form comes back as typed, saying what to fix.
        let res = w
            .manager
            .form(&h, "/orgs/riverside/roles/new", &[("name", "Night Coder"), ("req_0", "")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body = body_text(res).await;
        assert!(body.contains("Choose at least one competency or achievement the role needs."));
        assert!(body.contains(r#"value="Night Coder""#));

        // "Add rows" shows more rows and saves nothing.
        let res = w
            .manager
            .form(
                &h,
                "/orgs/riverside/roles/new",
                &[("name", "Night Coder"), ("req_0", icd2), ("level_0", "2"), ("more", "1")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::OK);
        let body = body_text(res).await;
        assert!(body.contains(r#"<label for="req_3">Requirement 4</label>"#));
        assert!(body.contains(&format!(r#"<option value="{icd2}" selected>"#)));

        let res = w
            .manager
            .form(
                &h,
                "/orgs/riverside/roles/new",
                &[("name", "Night Coder"), ("description", "Codes at night."), ("req_0", icd2), ("level_0", "2")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let to = location(&res);
        let page = text(&w.manager, &h, &to, StatusCode::OK).await;
        assert!(page.contains("<h1>Night Coder</h1>") && page.contains("Version 1"));
        assert!(page.contains("(level 2)"));

        let edit = text(&w.manager, &h, &format!("{to}/edit"), StatusCode::OK).await;
        assert!(edit.contains("Saving makes version 2"));
        assert!(edit.contains(&format!(r#"<option value="{icd2}" selected>"#)));
        let res = w
            .manager
            .form(
                &h,
                &format!("{to}/edit"),
                &[("name", "Night Coder"), ("req_0", icd2), ("level_0", "4")],
            )
            .await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let page = text(&w.manager, &h, &to, StatusCode::OK).await;
        assert!(page.contains("Version 2"));
        assert!(page.contains("(level 4)") && page.contains("(level 2)"), "both versions listed");

        // A level outside the scale is refused with the row named.
        let res = w
            .manager
            .form(&h, &format!("{to}/edit"), &[("name", "Night Coder"), ("req_0", icd2), ("level_0", "7")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("Requirement 1: choose a level from 1 to 4."));

        // Archived, the role leaves the list and can no longer be changed.
        let res = w.manager.form(&h, &format!("{to}/archive"), &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        let list = text(&w.manager, &h, "/orgs/riverside/roles", StatusCode::OK).await;
        assert!(!list.contains("Night Coder"));
        let res = w
            .manager
            .form(&h, &format!("{to}/edit"), &[("name", "Night Coder"), ("req_0", icd2), ("level_0", "3")])
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("is archived; restore it before changing it."));
    }

    async fn a_learner_is_refused_the_manager_pages(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        let role = coder_role(&h, &w).await;
        for path in [
            "/orgs/riverside/workforce".to_owned(),
            "/orgs/riverside/roles".to_owned(),
            "/orgs/riverside/roles/new".to_owned(),
            format!("/orgs/riverside/roles/{role}"),
            format!("/orgs/riverside/roles/{role}/edit"),
            format!("/orgs/riverside/roles/{role}/candidates"),
            format!("/orgs/riverside/workers/{}", w.ben_id),
            format!("/orgs/riverside/workers/{}", w.ana_id),
            "/orgs/riverside/expiring?days=90".to_owned(),
        ] {
            text(&w.ana, &h, &path, StatusCode::FORBIDDEN).await;
        }
        let res = w
            .ana
            .form(&h, "/orgs/riverside/roles/copy", &[("template", "health-data-analyst")])
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        let res = w
            .ana
            .form(&h, &format!("/orgs/riverside/roles/{role}/edit"), &[("name", "Mine")])
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
    }

    async fn sharing_changes_what_the_employer_sees_and_is_recorded(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        let worker_page = format!("/orgs/riverside/workers/{}", w.ana_id);

        let mine = text(&w.ana, &h, "/me/sharing", StatusCode::OK).await;
        assert!(mine.contains("<h1>What you share with employers</h1>"));
        assert!(mine.contains("<h2 id=\"org-1\">Riverside Health</h2>"));
        assert!(mine.contains("Riverside Health sees 0 of your 1 credentials from other issuers, as well as the 1 it issued to you."));
        assert!(mine.contains("<li>Ward Privacy Badge</li>"), "issued by the employer: seen anyway");
        let unchecked = format!(r#"name="credential" value="{}">"#, w.council_credential);
        assert!(mine.contains(&unchecked));
        assert!(mine.contains("You have not shared anything yet."));

        // A form without the session's token changes nothing.
        let res = crate::Person { cookie: w.ana.cookie.clone(), csrf: "forged".into() }
            .form(&h, "/me/sharing/riverside/all", &[("share", "on")])
            .await;
        assert_eq!(res.status(), StatusCode::FORBIDDEN);
        assert!(!text(&w.manager, &h, &worker_page, StatusCode::OK).await.contains("Postcoordination Badge"));

        // Everything, then withdrawn.
        let res = w.ana.form(&h, "/me/sharing/riverside/all", &[("share", "on")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert_eq!(location(&res), "/me/sharing?saved=1");
        let seen = text(&w.manager, &h, &worker_page, StatusCode::OK).await;
        assert!(seen.contains("Postcoordination Badge"));
        assert!(seen.contains("issued by Regional Council"));
        let mine = text(&w.ana, &h, "/me/sharing?saved=1", StatusCode::OK).await;
        assert!(mine.contains("<strong>You share everything you hold with Riverside Health</strong>"));
        assert!(mine.contains("Saved: your employers see what this page now says."));
        assert!(mine.contains("<td>Everything you hold</td>"));
        assert!(mine.contains("still shared"));

        let res = w.ana.form(&h, "/me/sharing/riverside/all", &[("share", "off")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(!text(&w.manager, &h, &worker_page, StatusCode::OK).await.contains("Postcoordination Badge"));
        let mine = text(&w.ana, &h, "/me/sharing", StatusCode::OK).await;
        assert!(!mine.contains("still shared"), "the grant shows when it was withdrawn");
        assert!(mine.contains("<td>Everything you hold</td>"));

        // One by one: ticked, then unticked.
        let id = w.council_credential.to_string();
        let res = w.ana.form(&h, "/me/sharing/riverside", &[("credential", &id)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(text(&w.manager, &h, &worker_page, StatusCode::OK).await.contains("Postcoordination Badge"));
        let mine = text(&w.ana, &h, "/me/sharing", StatusCode::OK).await;
        assert!(mine.contains(&format!(r#"name="credential" value="{id}" checked>"#)));
        assert!(mine.contains("<td>Postcoordination Badge</td>"));
        let res = w.ana.form(&h, "/me/sharing/riverside", &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER);
        assert!(!text(&w.manager, &h, &worker_page, StatusCode::OK).await.contains("Postcoordination Badge"));
        let mine = text(&w.ana, &h, "/me/sharing", StatusCode::OK).await;
        assert_eq!(mine.matches("<tr><th scope=\"row\">Riverside Health</th>").count(), 2);
        assert!(!mine.contains("still shared"));
    }

    async fn the_workforce_pages_read_in_french(db: TestDb) {
        let h = Harness::new(db);
        let w = world(&h).await;
        let role = coder_role(&h, &w).await;
        let worker = format!("/orgs/riverside/workers/{}?role={role}", w.ana_id);

        // English stays the default, word for word, with no id in sight.
        for path in ["/orgs/riverside/workforce", worker.as_str(), "/orgs/riverside/roles"] {
            let en = text(&w.manager, &h, path, StatusCode::OK).await;
            assert!(en.contains(r#"<html lang="en">"#), "{path}");
            no_catalog_ids(&en);
        }

        let dash = in_french(&w.manager, &h, "/orgs/riverside/workforce").await;
        assert!(dash.contains(r#"<html lang="fr">"#));
        assert!(dash.contains("<h1>Effectifs de Riverside Health</h1>"));
        assert!(dash.contains("Couverture d’un poste, équipe par équipe"));
        assert!(dash.contains(r#"aria-label="Carte de chaleur (défile horizontalement sur les petits écrans)""#));
        // The picture speaks French too: its cells, legend and description.
        let heat = pictures(&dash)[0];
        assert!(heat.contains(">50 %</text>") && heat.contains(">1 sur 2</text>"), "{heat}");
        assert!(heat.contains(">aucun professionnel</text>"));
        assert!(heat.contains("8 exigences, 1 équipe."), "{heat}");
        assert!(dash.contains("1 sur 2 (50 %)"), "the table repeats the numbers");
        no_catalog_ids(&dash);

        let page = in_french(&w.manager, &h, &worker).await;
        assert!(page.contains("Remplit <strong>1 sur 8</strong> exigences."));
        assert!(page.contains("Délai pour être prêt : inconnu (un écart n’a pas de parcours)."));
        assert!(page.contains("(niveau 2)") && !page.contains("(level 2)"), "requirements are named in French");
        assert!(page.contains("Parcours : obtenir « Query Writing Badge », environ 25 min de formation."));
        assert!(page.contains(&format!(r#"Module : <a href="/modules/{}">"#, w.module_id)));
        let svgs = pictures(&page);
        assert!(svgs[0].contains(r#"aria-label="Exigences remplies : 1 sur 8""#));
        assert!(svgs[1].contains(">détient 2 · exigé 2</text>") && svgs[1].contains(">Exigé par le poste</text>"));
        no_catalog_ids(&page);

        // The role editor's refusal is French as well.
        let res = h
            .send(
                Request::post("/orgs/riverside/roles/new")
                    .header(header::COOKIE, &w.manager.cookie)
                    .header(header::ACCEPT_LANGUAGE, "fr")
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(Body::from(format!("csrf={}&name=Nuit", crate::form_encode(&w.manager.csrf))))
                    .unwrap(),
            )
            .await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let refused = body_text(res).await;
        assert!(refused.contains("Choisissez au moins une compétence ou un titre exigé par le poste."));
        assert!(refused.contains(r#"<label for="req_0">Exigence 1</label>"#));
        no_catalog_ids(&refused);

        let mine = in_french(&w.ana, &h, "/me/sharing").await;
        assert!(mine.contains(r#"<html lang="fr">"#));
        assert!(mine.contains("<h1>Ce que vous partagez avec vos employeurs</h1>"));
        assert!(mine.contains("Riverside Health voit 0 sur 1 de vos certifications d’autres émetteurs"));
        assert!(mine.contains("Tout partager avec Riverside Health"));
        no_catalog_ids(&mine);
    }
}
