//! Accreditation over HTTP: from an adopted standard to a signed endorsement that the
//! independent verifier accepts, shown in the catalog and on the module page, until it is
//! withdrawn; a conflict of interest refused as problem+json; each persona's pages.

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use cairn_app::orgs::{NewMember, NewOrg};
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use serde_json::{Value, json};

use crate::awards::{HARNESS, reference_verifier_with};
use crate::*;

const ACCREDITOR_NAME: &str = "Council for Clinical Learning";

/// The people of an accreditation: a provider's author, an accreditor's admin and reviewer.
struct Cast {
    author: Person,
    admin: Person,
    reviewer: Person,
    reviewer_id: String,
}

async fn user_id(h: &Harness, who: &Person) -> String {
    let me = body_json(who.api(h, Method::GET, "/api/v1/me", None).await).await;
    me["user"]["id"].as_str().unwrap().to_owned()
}

/// "academy" (provider and issuer) and "council" (accreditor), with their people.
async fn cast(h: &Harness) -> Cast {
    let sys = Principal::system();
    for (slug, name, kinds) in [
        (
            "academy",
            "Academy of Care",
            vec![OrgKind::Provider, OrgKind::Issuer],
        ),
        ("council", ACCREDITOR_NAME, vec![OrgKind::Accreditor]),
    ] {
        h.app
            .create_org(
                &sys,
                NewOrg {
                    slug: Some(slug.into()),
                    name: name.into(),
                    kinds,
                },
            )
            .await
            .unwrap();
    }
    let author = h
        .member("priya@academy.example", "academy", Role::Author)
        .await;
    let admin = h
        .member("ada@council.example", "council", Role::Admin)
        .await;
    let reviewer = h
        .member("rui@council.example", "council", Role::Reviewer)
        .await;
    let reviewer_id = user_id(h, &reviewer).await;
    Cast {
        author,
        admin,
        reviewer,
        reviewer_id,
    }
}

/// The accreditor adopts the default standard over the API; its id and criteria.
async fn adopt(h: &Harness, c: &Cast) -> (String, Vec<Value>) {
    let default = body_json(h.get("/api/v1/accreditation/default-standard", None).await).await;
    let res = c
        .admin
        .api(
            h,
            Method::POST,
            "/api/v1/orgs/council/standards",
            Some(default),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        body_text(res).await
    );
    let st = body_json(res).await;
    let criteria = st["criteria"].as_array().unwrap().clone();
    assert_eq!(criteria.len(), 7, "{st}");
    (st["id"].as_str().unwrap().to_owned(), criteria)
}

/// A published lesson of the academy; its id.
async fn module(h: &Harness, c: &Cast, title: &str) -> String {
    let content = json!({
        "title": title, "summary": "The five moments for hand hygiene.",
        "objectives": ["Name the five moments"], "duration_minutes": 8, "language": "en", "format": "lesson",
        "alignments": [], "tags": [],
        "pages": [{"title": "Moments", "markdown": "Before touching a patient."}], "questions": []
    });
    let res = c
        .author
        .api(
            h,
            Method::POST,
            "/api/v1/orgs/academy/modules",
            Some(content),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        body_text(res).await
    );
    let id = body_json(res).await["module_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = c
        .author
        .api(
            h,
            Method::POST,
            &format!("/api/v1/modules/{id}/publish"),
            None,
        )
        .await;
    assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);
    id
}

/// The author submits the module's published version; the submission's id.
async fn submit(h: &Harness, c: &Cast, module: &str, standard: &str) -> String {
    let res = c
        .author
        .api(
            h,
            Method::POST,
            "/api/v1/orgs/academy/submissions",
            Some(json!({"module_id": module, "accreditor": "council", "standard_id": standard, "note": "First submission."})),
        )
        .await;
    assert_eq!(
        res.status(),
        StatusCode::CREATED,
        "{}",
        body_text(res).await
    );
    let s = body_json(res).await;
    assert_eq!(s["state"], "submitted", "{s}");
    assert_eq!(s["version_number"], 1, "{s}");
    s["id"].as_str().unwrap().to_owned()
}

/// Module ids the catalog lists with `?accredited=true`.
async fn accredited_in_catalog(h: &Harness) -> Vec<String> {
    let page = body_json(
        h.get("/api/v1/catalog?accredited=true&limit=100", None)
            .await,
    )
    .await;
    page["modules"]
        .as_array()
        .unwrap_or_else(|| panic!("{page}"))
        .iter()
        .map(|m| m["module_id"].as_str().unwrap().to_owned())
        .collect()
}

/// What the harness's own EndorsementCredential JSON Schema says of `doc`: (valid, output).
/// `verify.js --schema` always applies the AchievementCredential schema, which no
/// endorsement can meet, so the endorsement's own schema is checked this way.
fn endorsement_schema(doc: &Value) -> Option<(bool, String)> {
    let interop = cairn_store::testing::interop_harness()?;
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("schema-kind.mjs");
    std::fs::write(
        &script,
        "import fs from 'node:fs';\n\
         const {validateOb3} = await import(process.cwd() + '/lib/schema.js');\n\
         const doc = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));\n\
         const r = validateOb3(doc, process.argv[3]);\n\
         console.log(JSON.stringify(r));\n\
         process.exit(r.valid ? 0 : 1);\n",
    )
    .unwrap();
    let file = dir.path().join("endorsement.json");
    std::fs::write(&file, doc.to_string()).unwrap();
    let out = {
        let _turn = HARNESS.lock().unwrap_or_else(|e| e.into_inner());
        std::process::Command::new(interop.join("run"))
            .arg(&script)
            .arg(&file)
            .arg("EndorsementCredential")
            .output()
            .unwrap()
    };
    Some((
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    ))
}

/// The errors `verify.js` printed that are not about the JSON Schema.
fn non_schema_errors(output: &str) -> Vec<String> {
    let start = output.find('{').unwrap_or_else(|| panic!("{output}"));
    let report: Value = serde_json::Deserializer::from_str(&output[start..])
        .into_iter::<Value>()
        .next()
        .unwrap()
        .unwrap_or_else(|e| panic!("{e}: {output}"));
    report["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{output}"))
        .iter()
        .map(|e| e.as_str().unwrap_or_default().to_owned())
        .filter(|e| !e.starts_with("schema:"))
        .collect()
}

/// A page (or, with `form`, a form posted from one) as `who`'s browser asks for it in `lang`.
async fn in_language(
    h: &Harness,
    who: &Person,
    path: &str,
    lang: &str,
    form: Option<&str>,
) -> (StatusCode, String) {
    let req = match form {
        None => Request::get(path),
        Some(_) => {
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        }
    };
    let body = form
        .map(|f| format!("csrf={}&{f}", form_encode(&who.csrf)))
        .unwrap_or_default();
    let res = h
        .send(
            req.header(header::COOKIE, &who.cookie)
                .header(header::ACCEPT_LANGUAGE, lang)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    (res.status(), body_text(res).await)
}

backend_tests! {
    async fn an_accredited_module_is_endorsed_verifiably_over_http_until_withdrawn(db: TestDb) {
        let h = Harness::new(db);
        let c = cast(&h).await;
        let (standard, criteria) = adopt(&h, &c).await;
        let module = module(&h, &c, "Hand hygiene in five moments").await;
        let accreditors = body_json(h.get("/api/v1/accreditors", None).await).await;
        assert_eq!(accreditors[0]["slug"], "council", "{accreditors}");
        let submission = submit(&h, &c, &module, &standard).await;
        assert!(!accredited_in_catalog(&h).await.contains(&module));

        // The accreditor sees the reviewer as a candidate without conflict, and assigns them.
        let view = body_json(c.admin.api(&h, Method::GET, &format!("/api/v1/submissions/{submission}"), None).await).await;
        let candidate = view["candidates"].as_array().unwrap().iter().find(|x| x["user_id"] == c.reviewer_id.as_str()).cloned();
        assert_eq!(candidate.map(|x| x["conflict"].clone()), Some(Value::Null), "{view}");
        let res = c.admin.api(&h, Method::POST, &format!("/api/v1/submissions/{submission}/reviewers"), Some(json!({"user_id": c.reviewer_id}))).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{}", body_text(res).await);
        let queue = body_json(c.reviewer.api(&h, Method::GET, "/api/v1/me/accreditation-reviews", None).await).await;
        assert_eq!(queue[0]["id"], submission.as_str(), "{queue}");

        // The reviewer scores every criterion at its top level and recommends accreditation.
        let scores: Vec<Value> = criteria.iter().map(|cr| {
            let top = cr["levels"].as_array().unwrap().iter().map(|l| l["score"].as_u64().unwrap()).max().unwrap();
            json!({"criterion": cr["key"], "score": top, "comment": "Meets it."})
        }).collect();
        let res = c.reviewer.api(&h, Method::POST, &format!("/api/v1/submissions/{submission}/review"),
            Some(json!({"scores": scores, "comment": "A sound module.", "recommendation": "accredited"}))).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{}", body_text(res).await);

        let valid_until = format!("{}-12-31", h.app.now().year() + 3);
        let res = c.admin.api(&h, Method::POST, &format!("/api/v1/submissions/{submission}/decision"),
            Some(json!({"outcome": "accredited", "rationale": "Every criterion met.", "valid_until": valid_until}))).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", body_text(res).await);
        let decision = body_json(res).await;
        assert_eq!((decision["outcome"].as_str(), decision["standing"].as_str()), (Some("accredited"), Some("current")), "{decision}");
        assert!(decision["valid_until"].as_str().unwrap().starts_with(&valid_until), "{decision}");
        let credential = decision["endorsement"]["credential_id"].as_str().unwrap().to_owned();
        assert_eq!(decision["endorsement"]["json_url"], format!("/credentials/{credential}.json"));
        let decision_id = decision["id"].as_str().unwrap().to_owned();

        // Accredited: the catalog's filter, the module API and the module page say so.
        assert!(accredited_in_catalog(&h).await.contains(&module));
        let api_module = body_json(h.get(&format!("/api/v1/modules/{module}"), None).await).await;
        assert_eq!(api_module["accredited"], true);
        assert_eq!(api_module["endorsements"][0]["credential_id"], credential.as_str(), "{api_module}");
        let html = body_text(h.get(&format!("/modules/{module}"), None).await).await;
        assert!(html.contains(&format!("Accredited by {ACCREDITOR_NAME} until {valid_until}")), "{html}");
        assert!(html.contains(&format!("href=\"/credentials/{credential}\"")), "{html}");

        let html = body_text(h.get("/catalog?accredited=true", None).await).await;
        assert!(html.contains("Hand hygiene in five moments") && html.contains("class=\"badge\">Accredited"), "{html}");
        let html = body_text(c.admin.page(&h, &format!("/accreditation/decisions/{decision_id}")).await).await;
        assert!(html.contains("Standing: Current") && html.contains(&format!("href=\"/credentials/{credential}\">Verify the endorsement")), "{html}");
        assert!(html.contains("Withdraw the accreditation") && html.contains("Version 1: reviewed"), "{html}");

        // The endorsement, as anyone fetches it, verifies in Cairn and in the reference verifier.
        let doc = body_json(h.get(&format!("/credentials/{credential}.json"), None).await).await;
        assert_eq!(doc["type"], json!(["VerifiableCredential", "EndorsementCredential"]));
        let verified = body_json(h.json(Method::POST, "/credentials/verify", None, json!({"verifiableCredential": doc})).await).await;
        assert_eq!(verified["verified"], true, "{verified}");
        if let Some((ok, out)) = reference_verifier_with(&h, &doc, true).await {
            // The harness applies the AchievementCredential schema to every credential; an
            // endorsement can only fail that part (unless the harness learns better).
            assert!(ok || non_schema_errors(&out).is_empty(), "{out}");
            let (valid, out) = endorsement_schema(&doc).unwrap();
            assert!(valid, "{out}");
        }

        // Withdrawn: no longer accredited anywhere, and the endorsement no longer verifies.
        let res = c.admin.api(&h, Method::POST, &format!("/api/v1/accreditations/{decision_id}/withdraw"),
            Some(json!({"reason": "The video misstates the fourth moment."}))).await;
        assert_eq!(res.status(), StatusCode::OK, "{}", body_text(res).await);
        let withdrawn = body_json(res).await;
        assert_eq!(withdrawn["standing"], "withdrawn", "{withdrawn}");
        assert_eq!(withdrawn["endorsement"]["inactive"], true, "{withdrawn}");
        assert!(!accredited_in_catalog(&h).await.contains(&module));
        let html = body_text(c.author.page(&h, &format!("/accreditation/decisions/{decision_id}")).await).await;
        assert!(html.contains("Standing: Withdrawn") && html.contains("The video misstates the fourth moment."), "{html}");
        let html = body_text(h.get(&format!("/modules/{module}"), None).await).await;
        assert!(!html.contains("Accredited by") && !html.contains("class=\"badge\">Accredited"), "{html}");
        let verified = body_json(h.json(Method::POST, "/credentials/verify", None, json!({"verifiableCredential": doc})).await).await;
        assert_eq!(verified["verified"], false, "{verified}");
        let status = verified["report"]["checks"].as_array().unwrap().iter().find(|ch| ch["name"] == "status").cloned().unwrap_or_else(|| panic!("{verified}"));
        assert_eq!(status["status"], "failed", "{verified}");
        if let Some((ok, out)) = reference_verifier_with(&h, &doc, false).await {
            assert!(!ok, "{out}");
            let errors = non_schema_errors(&out);
            assert!(errors.iter().any(|e| e.starts_with("credential status \"revocation\" is set")), "{out}");
        }
    }

    async fn a_member_of_the_provider_cannot_be_assigned_to_review_its_module(db: TestDb) {
        let h = Harness::new(db);
        let c = cast(&h).await;
        let (standard, _) = adopt(&h, &c).await;
        let module = module(&h, &c, "Sepsis screening").await;
        let submission = submit(&h, &c, &module, &standard).await;
        // Ines reviews for the council and also learns at the academy.
        let ines = h.member("ines@council.example", "council", Role::Reviewer).await;
        h.app.add_member(&Principal::system(), "academy", NewMember {
            email: "ines@council.example".into(), display_name: None, role: Role::Learner, job_title: None,
        }).await.unwrap();
        let ines_id = user_id(&h, &ines).await;

        let view = body_json(c.admin.api(&h, Method::GET, &format!("/api/v1/submissions/{submission}"), None).await).await;
        let candidate = view["candidates"].as_array().unwrap().iter().find(|x| x["user_id"] == ines_id.as_str()).cloned().unwrap_or_else(|| panic!("{view}"));
        assert!(candidate["conflict"].as_str().is_some_and(|w| w.contains("Academy of Care")), "{candidate}");

        let res = c.admin.api(&h, Method::POST, &format!("/api/v1/submissions/{submission}/reviewers"), Some(json!({"user_id": ines_id}))).await;
        let p = problem(res, StatusCode::CONFLICT).await;
        let detail = p["detail"].as_str().unwrap();
        assert!(detail.contains("member of Academy of Care") && detail.contains("cannot review"), "{p}");
        // Nobody was assigned: the reviewer's own queue is empty.
        let queue = body_json(ines.api(&h, Method::GET, "/api/v1/me/accreditation-reviews", None).await).await;
        assert_eq!(queue, json!([]));

        // The page shows the same refusal beside the form, and the candidate disabled with why.
        let page = c.admin.page(&h, &format!("/accreditation/submissions/{submission}")).await;
        let html = body_text(page).await;
        assert!(html.contains(&format!("value=\"{ines_id}\" disabled")), "{html}");
        let res = c.admin.form(&h, &format!("/accreditation/submissions/{submission}/reviewers"), &[("user_id", &ines_id)]).await;
        assert_eq!(res.status(), StatusCode::CONFLICT);
        let html = body_text(res).await;
        assert!(html.contains("role=\"alert\"") && html.contains("cannot review"), "{html}");
    }

    async fn each_persona_sees_its_pages_and_outsiders_are_refused(db: TestDb) {
        let h = Harness::new(db);
        let c = cast(&h).await;
        // The accreditor adopts the default standard from its standards page.
        let res = c.admin.form(&h, "/orgs/council/accreditation/standards/adopt", &[]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body_text(res).await);
        let standard_page = location(&res);
        let html = body_text(c.admin.page(&h, &standard_page).await).await;
        assert!(html.contains("Accessibility") && html.contains("meets the standard from level"), "{html}");
        let standard = standard_page.rsplit('/').next().unwrap().to_owned();
        let html = body_text(c.admin.page(&h, "/orgs/council/accreditation/standards").await).await;
        assert!(html.contains("Adopt the default standard") && html.contains("in use"), "{html}");

        // The provider submits from its page; the form offers the module and the standard.
        let module = module(&h, &c, "Safe moving and handling").await;
        let page = c.author.page(&h, "/orgs/academy/submissions").await;
        assert_eq!(page.status(), StatusCode::OK);
        let html = body_text(page).await;
        assert!(html.contains("Safe moving and handling") && html.contains(ACCREDITOR_NAME), "{html}");
        let res = c.author.form(&h, "/orgs/academy/submissions", &[("module", ""), ("choice", "")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(body_text(res).await.contains("Choose one of your modules."));
        let choice = format!("council|{standard}");
        let res = c.author.form(&h, "/orgs/academy/submissions", &[("module", &module), ("choice", &choice), ("note", "Please look at the video.")]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body_text(res).await);
        let submission_page = location(&res);
        let submission = submission_page.rsplit('/').next().unwrap().to_owned();
        let html = body_text(c.author.page(&h, "/orgs/academy/submissions").await).await;
        assert!(html.contains(&submission) && html.contains("waiting for reviewers"), "{html}");

        // The accreditor's queue lists it; the submission page offers reviewers and no decision yet.
        let html = body_text(c.admin.page(&h, "/orgs/council/accreditation").await).await;
        assert!(html.contains("Open submissions") && html.contains("Safe moving and handling") && html.contains("Academy of Care"), "{html}");
        let res = c.admin.form(&h, &format!("{submission_page}/reviewers"), &[("user_id", &c.reviewer_id)]).await;
        assert_eq!(res.status(), StatusCode::SEE_OTHER, "{}", body_text(res).await);

        // The reviewer's queue and the review form: a level per criterion with its guidance.
        let html = body_text(c.reviewer.page(&h, "/accreditation/reviews").await).await;
        assert!(html.contains(&submission_page), "{html}");
        let html = body_text(c.reviewer.page(&h, &submission_page).await).await;
        assert!(html.contains("Your review against") && html.contains("name=\"score_accessibility\"") && html.contains("Your recommendation"), "{html}");
        assert!(!html.contains("Record the decision"), "{html}");

        // A review missing its recommendation comes back with the levels as chosen.
        let res = c.reviewer.form(&h, &format!("{submission_page}/review"), &[("score_accessibility", "2")]).await;
        assert_eq!(res.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let html = body_text(res).await;
        assert!(html.contains("Choose the outcome you recommend.") && html.contains("value=\"2\" checked"), "{html}");

        // The provider's view of its submission shows where it is, without the forms.
        let html = body_text(c.author.page(&h, &submission_page).await).await;
        assert!(html.contains("Where it is") && html.contains("1 reviewer assigned"), "{html}");
        assert!(!html.contains("Your review against") && !html.contains("Assign a reviewer"), "{html}");

        // An outsider: a learner of another organization sees none of it.
        h.app.create_org(&Principal::system(), NewOrg { slug: Some("clinic".into()), name: "Clinic".into(), kinds: vec![OrgKind::Employer] }).await.unwrap();
        let outsider = h.member("otto@clinic.example", "clinic", Role::Learner).await;
        for path in [submission_page.as_str(), "/orgs/council/accreditation", "/orgs/academy/submissions"] {
            let status = outsider.page(&h, path).await.status();
            assert!(status == StatusCode::FORBIDDEN || status == StatusCode::NOT_FOUND, "{path}: {status}");
        }
        // The reviewer cannot reach the accreditor's queue either.
        let status = c.reviewer.page(&h, "/orgs/council/accreditation").await.status();
        assert_eq!(status, StatusCode::FORBIDDEN);
    }

    async fn the_accreditation_pages_and_the_registry_read_in_french(db: TestDb) {
        let h = Harness::new(db);
        let c = cast(&h).await;
        let (standard, criteria) = adopt(&h, &c).await;
        let module = module(&h, &c, "Hygiène des mains").await;
        let submission = submit(&h, &c, &module, &standard).await;
        let submission_page = format!("/accreditation/submissions/{submission}");

        // The accreditor's queue: headings from the templates, the state from the page code.
        let (status, queue) = in_language(&h, &c.admin, "/orgs/council/accreditation", "fr-FR,fr;q=0.9", None).await;
        assert_eq!(status, StatusCode::OK);
        assert!(queue.contains("<html lang=\"fr\">"), "{queue}");
        assert!(queue.contains(&format!("Accréditation chez {ACCREDITOR_NAME}")) && queue.contains("Dossiers en cours"), "{queue}");
        assert!(queue.contains("Organisme de formation") && queue.contains("en attente d’évaluateurs"), "{queue}");

        // The same pages in English, for the check that no message id shows below.
        let (_, english) = in_language(&h, &c.admin, "/orgs/council/accreditation", "en", None).await;
        assert!(english.contains("<html lang=\"en\">") && english.contains("Open submissions") && english.contains("waiting for reviewers"), "{english}");
        let (_, english_page) = in_language(&h, &c.admin, &submission_page, "en", None).await;
        assert!(english_page.contains("Assign a reviewer"), "{english_page}");

        // The submission page offers its forms in French, and a refusal made by the page code
        // comes back in French too.
        let (_, page) = in_language(&h, &c.admin, &submission_page, "fr", None).await;
        assert!(page.contains("Accréditation de Hygiène des mains") && page.contains("Désigner un évaluateur"), "{page}");
        let (status, refused) = in_language(&h, &c.admin, &format!("{submission_page}/reviewers"), "fr", Some("user_id=")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(refused.contains("Choisissez un évaluateur dans la liste.") && refused.contains("<html lang=\"fr\">"), "{refused}");

        // The provider's page, with its form's module labels built in the page code.
        let (_, provider) = in_language(&h, &c.author, "/orgs/academy/submissions", "fr", None).await;
        assert!(provider.contains("Dossiers d’accréditation de Academy of Care") && provider.contains("Hygiène des mains (version 1)"), "{provider}");
        assert!(provider.contains("Déposer pour accréditation"), "{provider}");

        // Reviewed and decided over the API; the decision's outcome, standing and versions are
        // words the page code chooses.
        let res = c.admin.api(&h, Method::POST, &format!("/api/v1/submissions/{submission}/reviewers"), Some(json!({"user_id": c.reviewer_id}))).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{}", body_text(res).await);
        let (_, review_form) = in_language(&h, &c.reviewer, &submission_page, "fr", None).await;
        assert!(review_form.contains("Votre évaluation selon") && review_form.contains("Accrédité sous conditions"), "{review_form}");
        let scores: Vec<Value> = criteria.iter().map(|cr| json!({"criterion": cr["key"], "score": 3, "comment": ""})).collect();
        let res = c.reviewer.api(&h, Method::POST, &format!("/api/v1/submissions/{submission}/review"),
            Some(json!({"scores": scores, "comment": "Solide.", "recommendation": "accredited"}))).await;
        assert_eq!(res.status(), StatusCode::NO_CONTENT, "{}", body_text(res).await);
        let (_, summary) = in_language(&h, &c.admin, &submission_page, "fr", None).await;
        assert!(summary.contains("Synthèse de 1 évaluation<") && summary.contains("Recommande : <strong>Accrédité</strong>"), "{summary}");
        assert!(summary.contains("Enregistrer la décision"), "{summary}");
        let valid_until = format!("{}-12-31", h.app.now().year() + 3);
        let res = c.admin.api(&h, Method::POST, &format!("/api/v1/submissions/{submission}/decision"),
            Some(json!({"outcome": "accredited", "rationale": "Tous les critères sont satisfaits.", "valid_until": valid_until}))).await;
        assert_eq!(res.status(), StatusCode::CREATED, "{}", body_text(res).await);
        let decision = body_json(res).await["id"].as_str().unwrap().to_owned();
        let (_, decided) = in_language(&h, &c.author, &format!("/accreditation/decisions/{decision}"), "fr", None).await;
        assert!(decided.contains("Accrédité : Hygiène des mains") && decided.contains("Statut : En vigueur"), "{decided}");
        assert!(decided.contains("Version 1 : évaluée le") && decided.contains("Vérifier l’approbation"), "{decided}");

        // The registry, for anyone.
        let registry = body_text(h.send(Request::get("/registry").header(header::ACCEPT_LANGUAGE, "fr").body(Body::empty()).unwrap()).await).await;
        assert!(registry.contains("<html lang=\"fr\">") && registry.contains("Organismes accréditeurs et émetteurs reconnus"), "{registry}");
        assert!(registry.contains("Entrées reconnues : 0") && registry.contains("Le registre est vide"), "{registry}");

        // A missing message would show its id: none of this area's ids reach a page, in
        // either language.
        for html in [&queue, &page, &refused, &provider, &review_form, &summary, &decided, &english, &english_page] {
            for id in ["accr-", "accr-queue-open", "accr-state-submitted", "accr-submission-assign-legend"] {
                assert!(!html.contains(id), "{id} leaked: {html}");
            }
        }
        assert!(!registry.contains("registry-") && !registry.contains("trust-"), "{registry}");
    }
}
