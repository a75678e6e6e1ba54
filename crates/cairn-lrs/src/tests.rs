//! Statement and query rules, named after the conformance suite's requirement ids.

use serde_json::{Value, json};

use crate::{
    Format, Version, agent_ifi, finalize_statement, format_statement, parse_statement_query,
    validate_statement,
};

fn base() -> Value {
    json!({
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": {"objectType": "Agent", "name": "Ann", "mbox": "mailto:ann@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted", "display": {"en-US": "attempted"}},
        "object": {"objectType": "Activity", "id": "http://example.org/act/1",
            "definition": {"name": {"en-US": "One"}, "type": "http://adlnet.gov/expapi/activities/course"}},
        "timestamp": "2024-05-01T12:00:00.000Z"
    })
}

/// The base statement with `value` set at a `/`-separated pointer (parents created).
fn with(pointer: &str, value: Value) -> Value {
    let mut s = base();
    let mut cur = &mut s;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for (i, part) in parts.iter().enumerate() {
        if i + 1 == parts.len() {
            cur.as_object_mut()
                .unwrap()
                .insert((*part).to_owned(), value);
            break;
        }
        let m = cur.as_object_mut().unwrap();
        cur = m.entry((*part).to_owned()).or_insert_with(|| json!({}));
    }
    s
}

fn without(key: &str) -> Value {
    let mut s = base();
    s.as_object_mut().unwrap().remove(key);
    s
}

fn sub(statement: Value) -> Value {
    let mut s = statement;
    let m = s.as_object_mut().unwrap();
    m.remove("id");
    m.insert("objectType".into(), json!("SubStatement"));
    with("/object", s)
}

fn refused(cases: Vec<(&str, Value, &str)>) {
    for (name, stmt, req) in cases {
        for version in [Version::V1_0, Version::V2_0] {
            match validate_statement(&stmt, version) {
                Ok(_) => panic!("{name}: accepted {stmt}"),
                Err(e) => assert_eq!(e.requirement, req, "{name}: {e}"),
            }
        }
    }
}

fn accepted(cases: Vec<(&str, Value)>) {
    for (name, stmt) in cases {
        if let Err(e) = validate_statement(&stmt, Version::V2_0) {
            panic!("{name}: refused: {e}");
        }
    }
}

const GROUP: &str = "Group";

#[test]
fn xapi_statement_structure_bad_cases_are_refused_with_their_requirement() {
    let agent = |extra: Value| {
        let mut a = json!({"objectType": "Agent"});
        a.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        a
    };
    refused(vec![
        (
            "00001 null value",
            with("/actor/name", Value::Null),
            "XAPI-00001",
        ),
        (
            "00001 null result",
            with("/result", Value::Null),
            "XAPI-00001",
        ),
        ("00003 no actor", without("actor"), "XAPI-00003"),
        ("00004 no verb", without("verb"), "XAPI-00004"),
        ("00005 no object", without("object"), "XAPI-00005"),
        ("00006 statement not object", json!([1]), "XAPI-00006"),
        (
            "00007 context language",
            with("/context/language", json!("en_US")),
            "XAPI-00007",
        ),
        ("00008 unknown key", with("/foo", json!(1)), "XAPI-00008"),
        ("00008 key case", with("/Actor", json!({})), "XAPI-00008"),
        (
            "00009 enum case",
            with("/object/objectType", json!("activity")),
            "XAPI-00009",
        ),
        (
            "00017 voided verb needs StatementRef",
            with(
                "/verb",
                json!({"id": "http://adlnet.gov/expapi/verbs/voided"}),
            ),
            "XAPI-00017",
        ),
        (
            "00022 timestamp",
            with("/timestamp", json!("01/011/2015")),
            "XAPI-00022",
        ),
        (
            "00022 negative zero",
            with("/timestamp", json!("2008-09-15T15:53:00.601-00:00")),
            "XAPI-00022",
        ),
        (
            "00023 stored",
            with("/stored", json!("yesterday")),
            "XAPI-00023",
        ),
        (
            "00024 identified group authority",
            with(
                "/authority",
                json!({"objectType": GROUP, "mbox": "mailto:g@example.org"}),
            ),
            "XAPI-00024",
        ),
        (
            "00025 attachments not array",
            with("/attachments", json!({})),
            "XAPI-00025",
        ),
        (
            "00027 id too long",
            with("/id", json!("AA97B177-9383-4934-8543-0F91A7A028368")),
            "XAPI-00027",
        ),
        (
            "00027 id non hex",
            with("/id", json!("MA97B177-9383-4934-8543-0F91A7A02836")),
            "XAPI-00027",
        ),
        (
            "00031 actor objectType",
            with("/actor/objectType", json!("Activity")),
            "XAPI-00031",
        ),
        (
            "00032 objectType numeric",
            with("/actor/objectType", json!(1)),
            "XAPI-00032",
        ),
        (
            "00033 name object",
            with("/actor/name", json!({})),
            "XAPI-00033",
        ),
        (
            "00034 no ifi",
            with("/actor", json!({"name": "x"})),
            "XAPI-00034",
        ),
        (
            "00034 two ifis",
            with(
                "/actor",
                agent(json!({"mbox": "mailto:a@b.c", "openid": "http://o.org/a"})),
            ),
            "XAPI-00034",
        ),
        (
            "00035 anonymous group no member",
            with("/actor", json!({"objectType": GROUP})),
            "XAPI-00035",
        ),
        (
            "00036 member not array",
            with("/actor", json!({"objectType": GROUP, "member": {}})),
            "XAPI-00036",
        ),
        (
            "00036 group member",
            with(
                "/actor",
                json!({"objectType": GROUP, "member": [{"objectType": GROUP, "mbox": "mailto:g@e.org"}]}),
            ),
            "XAPI-00036",
        ),
        (
            "00037 identified group two ifis",
            with(
                "/actor",
                json!({"objectType": GROUP, "mbox": "mailto:g@e.org", "mbox_sha1sum": "a".repeat(40)}),
            ),
            "XAPI-00037",
        ),
        (
            "00038 mbox without mailto",
            with("/actor/mbox", json!("ann@example.org")),
            "XAPI-00038",
        ),
        (
            "00039 sha1 not hex",
            with("/actor", agent(json!({"mbox_sha1sum": "xyz"}))),
            "XAPI-00039",
        ),
        (
            "00040 openid not uri",
            with("/actor", agent(json!({"openid": "not a uri"}))),
            "XAPI-00040",
        ),
        (
            "00041 account string",
            with("/actor", agent(json!({"account": "x"}))),
            "XAPI-00041",
        ),
        (
            "00042 no homePage",
            with("/actor", agent(json!({"account": {"name": "x"}}))),
            "XAPI-00042",
        ),
        (
            "00042 homePage not IRL",
            with(
                "/actor",
                agent(json!({"account": {"homePage": "example.org", "name": "x"}})),
            ),
            "XAPI-00042",
        ),
        (
            "00043 no name",
            with(
                "/actor",
                agent(json!({"account": {"homePage": "http://e.org"}})),
            ),
            "XAPI-00043",
        ),
        (
            "00044 verb no id",
            with("/verb", json!({"display": {"en": "x"}})),
            "XAPI-00044",
        ),
        (
            "00044 verb id not IRI",
            with("/verb/id", json!("attempted")),
            "XAPI-00044",
        ),
        (
            "00045 display numeric",
            with("/verb/display", json!(1)),
            "XAPI-00045",
        ),
        (
            "00046 object objectType",
            with("/object/objectType", json!("Thing")),
            "XAPI-00046",
        ),
        (
            "00047 activity no id",
            with("/object", json!({"objectType": "Activity"})),
            "XAPI-00047",
        ),
        (
            "00047 activity id not IRI",
            with("/object/id", json!("act")),
            "XAPI-00047",
        ),
        (
            "00048 definition not object",
            with("/object/definition", json!("x")),
            "XAPI-00048",
        ),
        (
            "00049 interactionType",
            with("/object/definition/interactionType", json!("essay")),
            "XAPI-00049",
        ),
        (
            "00056 name string",
            with("/object/definition/name", json!("One")),
            "XAPI-00056",
        ),
        (
            "00057 extensions not object",
            with("/object/definition/extensions", json!([])),
            "XAPI-00057",
        ),
        (
            "00059 description numeric",
            with("/object/definition/description", json!(3)),
            "XAPI-00059",
        ),
        (
            "00060 type not IRI",
            with("/object/definition/type", json!("course")),
            "XAPI-00060",
        ),
        (
            "00061 moreInfo not IRL",
            with("/object/definition/moreInfo", json!("x")),
            "XAPI-00061",
        ),
        (
            "00064 choices without interactionType",
            with("/object/definition/choices", json!([{"id": "a"}])),
            "XAPI-00064",
        ),
        (
            "00065 agent object without objectType",
            with("/object", json!({"mbox": "mailto:a@b.c"})),
            "XAPI-00065",
        ),
        (
            "00066 substatement follows statement rules",
            sub(without("verb")),
            "XAPI-00004",
        ),
        (
            "00067 substatement authority",
            sub(with("/authority", json!({"mbox": "mailto:a@b.c"}))),
            "XAPI-00067",
        ),
        (
            "00068 substatement version",
            sub(with("/version", json!("1.0.0"))),
            "XAPI-00068",
        ),
        (
            "00069 substatement stored",
            sub(with("/stored", json!("2024-05-01T12:00:00Z"))),
            "XAPI-00069",
        ),
        (
            "00070 substatement id",
            {
                let mut s = sub(base());
                s["object"]["id"] = json!("fd41c918-b88b-4b20-a0a5-a4c32391aaa0");
                s
            },
            "XAPI-00070",
        ),
        ("00071 nested substatement", sub(sub(base())), "XAPI-00071"),
        (
            "00072 StatementRef no id",
            with("/object", json!({"objectType": "StatementRef"})),
            "XAPI-00072",
        ),
        (
            "00072 StatementRef bad id",
            with("/object", json!({"objectType": "StatementRef", "id": "1"})),
            "XAPI-00072",
        ),
        (
            "00074 success string",
            with("/result/success", json!("true")),
            "XAPI-00074",
        ),
        (
            "00075 completion number",
            with("/result/completion", json!(1)),
            "XAPI-00075",
        ),
        (
            "00076 response object",
            with("/result/response", json!({})),
            "XAPI-00076",
        ),
        (
            "00077 duration number",
            with("/result/duration", json!(5)),
            "XAPI-00077",
        ),
        (
            "00124 duration format",
            with("/result/duration", json!("1 hour")),
            "XAPI-00124",
        ),
        (
            "00078 result extensions",
            with("/result/extensions", json!("x")),
            "XAPI-00078",
        ),
        (
            "00079 score string",
            with("/result/score", json!("x")),
            "XAPI-00079",
        ),
        (
            "00080 max string",
            with("/result/score", json!({"max": "x"})),
            "XAPI-00080",
        ),
        (
            "00081 min above max",
            with("/result/score", json!({"min": 10, "max": 5})),
            "XAPI-00081",
        ),
        (
            "00082 raw above max",
            with("/result/score", json!({"raw": 11, "min": 0, "max": 10})),
            "XAPI-00082",
        ),
        (
            "00083 scaled above 1",
            with("/result/score", json!({"scaled": 1.01})),
            "XAPI-00083",
        ),
        (
            "00084 revision with agent object",
            {
                let mut s = with(
                    "/object",
                    json!({"objectType": "Agent", "mbox": "mailto:a@b.c"}),
                );
                s["context"] = json!({"revision": "1"});
                s
            },
            "XAPI-00084",
        ),
        (
            "00085 platform with StatementRef object",
            {
                let mut s = with(
                    "/object",
                    json!({"objectType": "StatementRef", "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"}),
                );
                s["context"] = json!({"platform": "web"});
                s
            },
            "XAPI-00085",
        ),
        (
            "00086 contextActivities array",
            with("/context/contextActivities", json!([])),
            "XAPI-00086",
        ),
        (
            "00087 registration",
            with("/context/registration", json!("abc")),
            "XAPI-00087",
        ),
        (
            "00088 team agent",
            with(
                "/context/team",
                json!({"objectType": "Agent", "mbox": "mailto:a@b.c"}),
            ),
            "XAPI-00088",
        ),
        (
            "00089 revision number",
            with("/context/revision", json!(1)),
            "XAPI-00089",
        ),
        (
            "00090 platform number",
            with("/context/platform", json!(1)),
            "XAPI-00090",
        ),
        (
            "00091 language number",
            with("/context/language", json!(1)),
            "XAPI-00091",
        ),
        (
            "00092 statement not StatementRef",
            with(
                "/context/statement",
                json!({"id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"}),
            ),
            "XAPI-00092",
        ),
        (
            "00093 contextActivities key",
            with("/context/contextActivities", json!({"parents": []})),
            "XAPI-00093",
        ),
        (
            "00094 contextActivity string",
            with(
                "/context/contextActivities",
                json!({"parent": "http://e.org/a"}),
            ),
            "XAPI-00094",
        ),
        (
            "00098 authority group three members",
            with(
                "/authority",
                json!({"objectType": GROUP, "member": [
                {"mbox": "mailto:a@b.c"}, {"mbox": "mailto:b@b.c"}, {"mbox": "mailto:c@b.c"}]}),
            ),
            "XAPI-00098",
        ),
        (
            "00098 authority group one member",
            with(
                "/authority",
                json!({"objectType": GROUP, "member": [{"mbox": "mailto:a@b.c"}]}),
            ),
            "XAPI-00098",
        ),
        (
            "00101 version",
            with("/version", json!("0.95")),
            "XAPI-00101",
        ),
        (
            "00102 length string",
            with("/attachments", json!([attachment("length", json!("27"))])),
            "XAPI-00102",
        ),
        (
            "00103 sha2 not hex",
            with(
                "/attachments",
                json!([attachment("sha2", json!("should fail"))]),
            ),
            "XAPI-00103",
        ),
        (
            "00104 fileUrl",
            with(
                "/attachments",
                json!([attachment("fileUrl", json!("should fail"))]),
            ),
            "XAPI-00104",
        ),
        (
            "00105 contentType number",
            with("/attachments", json!([attachment("contentType", json!(1))])),
            "XAPI-00105",
        ),
        (
            "00106 display string",
            with("/attachments", json!([attachment("display", json!("x"))])),
            "XAPI-00106",
        ),
        (
            "00107 usageType",
            with(
                "/attachments",
                json!([attachment("usageType", json!("should fail"))]),
            ),
            "XAPI-00107",
        ),
        (
            "00118 extension key",
            with("/context/extensions", json!({"key": 1})),
            "XAPI-00118",
        ),
        (
            "00120 extensions string",
            with("/context/extensions", json!("x")),
            "XAPI-00120",
        ),
        (
            "00121 language map tag",
            with("/verb/display", json!({"en_US": "x"})),
            "XAPI-00121",
        ),
    ]);
}

fn attachment(key: &str, value: Value) -> Value {
    let mut a = json!({
        "usageType": "http://adlnet.gov/expapi/attachments/signature",
        "display": {"en-US": "A test attachment"},
        "contentType": "text/plain; charset=ascii",
        "length": 27,
        "sha2": "495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"
    });
    a[key] = value;
    a
}

#[test]
fn xapi_valid_statements_are_accepted() {
    let sha1 = "cd9b00a5611f94eaa7b1661edab976068e364975";
    accepted(vec![
        ("base", base()),
        (
            "00034 each ifi",
            with("/actor", json!({"mbox_sha1sum": sha1})),
        ),
        (
            "00034 openid",
            with(
                "/actor",
                json!({"openid": "http://openid.example.org/12345"}),
            ),
        ),
        (
            "00034 account",
            with(
                "/actor",
                json!({"account": {"homePage": "http://www.example.com", "name": "xAPI"}}),
            ),
        ),
        (
            "00035 anonymous group",
            with(
                "/actor",
                json!({"objectType": GROUP, "member": [{"mbox": "mailto:a@b.c"}]}),
            ),
        ),
        (
            "00098 OAuth authority",
            with(
                "/authority",
                json!({"objectType": GROUP, "member": [
            {"account": {"homePage": "http://e.org/oauth", "name": "app"}}, {"mbox": "mailto:a@b.c"}]}),
            ),
        ),
        (
            "00119 null extension value",
            with(
                "/result/extensions",
                json!({"http://e.org/x": null, "http://e.org/y": ""}),
            ),
        ),
        (
            "00094 single contextActivity",
            with(
                "/context/contextActivities",
                json!({"parent": {"id": "http://e.org/p"}, "other": [{"id": "http://e.org/o"}]}),
            ),
        ),
        (
            "00096 contextActivity arrays",
            with("/context/contextActivities", json!({"category": []})),
        ),
        ("substatement", sub(base())),
        (
            "StatementRef",
            with(
                "/object",
                json!({"objectType": "StatementRef", "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0"}),
            ),
        ),
        ("00101 version 1.0", with("/version", json!("1.0"))),
        ("00101 version 2.0.0", with("/version", json!("2.0.0"))),
        (
            "timestamp RFC 3339",
            with("/timestamp", json!("2008-09-15T15:53:00.601+00:00")),
        ),
        (
            "score bounds",
            with(
                "/result/score",
                json!({"scaled": -1, "raw": 5, "min": 5, "max": 5}),
            ),
        ),
        (
            "interaction",
            with(
                "/object/definition",
                json!({"interactionType": "choice",
            "correctResponsesPattern": ["golf[,]tetris"],
            "choices": [{"id": "golf", "description": {"en-US": "Golf"}}, {"id": "tetris"}]}),
            ),
        ),
        (
            "attachment",
            with(
                "/attachments",
                json!([attachment("fileUrl", json!("http://e.org/f.txt"))]),
            ),
        ),
        (
            "2.0 context agents",
            with(
                "/context/contextAgents",
                json!([{"objectType": "contextAgent",
            "agent": {"mbox": "mailto:a@b.c"}, "relevantTypes": ["http://e.org/t"]}]),
            ),
        ),
        (
            "2.0 context groups",
            with(
                "/context/contextGroups",
                json!([{"objectType": "contextGroup",
            "group": {"objectType": GROUP, "member": [{"mbox": "mailto:a@b.c"}]}}]),
            ),
        ),
    ]);
}

#[test]
fn xapi_2_0_context_agents_are_checked_and_unknown_to_1_0() {
    let ok = with(
        "/context/contextAgents",
        json!([{"objectType": "contextAgent", "agent": {"mbox": "mailto:a@b.c"}}]),
    );
    assert_eq!(
        validate_statement(&ok, Version::V1_0)
            .unwrap_err()
            .requirement,
        "XAPI-00008"
    );
    for bad in [
        json!([{"objectType": "Should fail", "agent": {"mbox": "mailto:a@b.c"}}]),
        json!([{"objectType": "contextAgent", "agent": {"name": "no ifi"}}]),
        json!([{"objectType": "contextAgent", "agent": {"mbox": "mailto:a@b.c"}, "relevantTypes": []}]),
        json!([{"objectType": "contextAgent", "agent": {"mbox": "mailto:a@b.c"}, "relevantTypes": ["abc"]}]),
    ] {
        let s = with("/context/contextAgents", bad.clone());
        assert!(
            validate_statement(&s, Version::V2_0).is_err(),
            "accepted {bad}"
        );
    }
}

#[test]
fn xapi_00017_voiding_names_its_target_and_indexes_are_collected() {
    let mut s = with(
        "/object",
        json!({"objectType": "StatementRef", "id": "aa97b177-9383-4934-8543-0f91a7a02836"}),
    );
    s["verb"] = json!({"id": "http://adlnet.gov/expapi/verbs/voided"});
    let v = validate_statement(&s, Version::V2_0).unwrap();
    assert_eq!(
        v.voids.map(|u| u.to_string()).as_deref(),
        Some("aa97b177-9383-4934-8543-0f91a7a02836")
    );
    assert_eq!(v.activity_id, None);

    let mut s = base();
    s["context"] = json!({
        "registration": "ec531277-b57b-4c15-8d91-d292c5b2b8f7",
        "instructor": {"mbox": "mailto:teacher@e.org"},
        "contextActivities": {"parent": {"id": "http://e.org/course"}}
    });
    s["object"] = json!({"objectType": "SubStatement",
        "actor": {"objectType": GROUP, "member": [{"mbox_sha1sum": "CD9B00A5611F94EAA7B1661EDAB976068E364975"}]},
        "verb": {"id": "http://e.org/v"}, "object": {"id": "http://e.org/inner"}});
    s["attachments"] = json!([attachment("usageType", json!("http://e.org/u"))]);
    let v = validate_statement(&s, Version::V2_0).unwrap();
    assert_eq!(v.actor_ifi, "mbox:mailto:ann@example.org");
    assert_eq!(v.verb_id, "http://adlnet.gov/expapi/verbs/attempted");
    assert_eq!(v.activity_id, None);
    assert_eq!(
        v.registration.map(|u| u.to_string()).as_deref(),
        Some("ec531277-b57b-4c15-8d91-d292c5b2b8f7")
    );
    assert_eq!(
        v.related_activities,
        ["http://e.org/inner", "http://e.org/course"]
    );
    assert_eq!(
        v.related_agents,
        [
            "mbox:mailto:ann@example.org",
            "mbox_sha1sum:cd9b00a5611f94eaa7b1661edab976068e364975",
            "mbox:mailto:teacher@e.org"
        ]
    );
    assert_eq!(
        v.attachment_hashes,
        ["495395e777cd98da653df9615d09c0fd6bb2f8d4788394cd53c56a3bfdcd848a"]
    );
    assert_eq!(v.value, s);
}

#[test]
fn xapi_00099_finalize_sets_what_the_lrs_owns() {
    let mut s = validate_statement(&without("id"), Version::V2_0).unwrap();
    let mut s2 = s.clone();
    s2.value.as_object_mut().unwrap().remove("timestamp");
    let id = uuid::Uuid::from_u128(7);
    let authority = json!({"objectType": "Agent", "account": {"homePage": "https://lrs.example", "name": "key-1"}});
    finalize_statement(
        &mut s,
        id,
        "2024-05-01T12:00:01.000000Z",
        &authority,
        Version::V2_0,
    );
    assert_eq!(s.id, Some(id));
    assert_eq!(s.value["id"], json!(id.to_string()));
    assert_eq!(s.value["stored"], json!("2024-05-01T12:00:01.000000Z"));
    assert_eq!(s.value["timestamp"], json!("2024-05-01T12:00:00.000Z"));
    assert_eq!(s.value["authority"], authority);
    assert_eq!(s.value["version"], json!("2.0.0"));
    assert!(
        s.related_agents
            .contains(&"account:https://lrs.example|key-1".to_owned())
    );
    finalize_statement(
        &mut s2,
        id,
        "2024-05-01T12:00:01Z",
        &authority,
        Version::V1_0,
    );
    assert_eq!(s2.value["timestamp"], json!("2024-05-01T12:00:01Z"));
    assert_eq!(s2.value["version"], json!("1.0.3"));
}

#[test]
fn agent_ifi_names_each_kind_and_none_for_anonymous_groups() {
    assert_eq!(
        agent_ifi(&json!({"mbox": "mailto:a@b.c"})).as_deref(),
        Some("mbox:mailto:a@b.c")
    );
    assert_eq!(
        agent_ifi(&json!({"openid": "http://o.org/a"})).as_deref(),
        Some("openid:http://o.org/a")
    );
    assert_eq!(
        agent_ifi(&json!({"account": {"homePage": "http://e.org", "name": "n"}})).as_deref(),
        Some("account:http://e.org|n")
    );
    assert_eq!(
        agent_ifi(&json!({"objectType": GROUP, "member": [{"mbox": "mailto:a@b.c"}]})),
        None
    );
    assert_eq!(agent_ifi(&json!("mailto:a@b.c")), None);
}

#[test]
fn xapi_00168_to_00171_formats() {
    let mut s = base();
    s["verb"]["display"] = json!({"en-US": "attempted", "fr-FR": "a essayé", "de": "versuchte"});
    s["context"] = json!({"contextActivities": {"parent": {"id": "http://e.org/p",
        "definition": {"name": {"en-US": "P", "fr-FR": "Pf"}}}}});
    let exact = format_statement(&s, Format::Exact, &[]);
    // XAPI-00096: one context activity comes back in an array.
    assert!(exact["context"]["contextActivities"]["parent"].is_array());
    assert_eq!(exact["actor"], s["actor"]);

    let ids = format_statement(&s, Format::Ids, &[]);
    assert_eq!(
        ids["actor"],
        json!({"objectType": "Agent", "mbox": "mailto:ann@example.org"})
    );
    assert_eq!(
        ids["verb"],
        json!({"id": "http://adlnet.gov/expapi/verbs/attempted"})
    );
    assert_eq!(ids["object"], json!({"id": "http://example.org/act/1"}));
    assert_eq!(
        ids["context"]["contextActivities"]["parent"],
        json!([{"id": "http://e.org/p"}])
    );

    let canonical = format_statement(&s, Format::Canonical, &["fr".to_owned()]);
    assert_eq!(canonical["verb"]["display"], json!({"fr-FR": "a essayé"}));
    assert_eq!(
        canonical["context"]["contextActivities"]["parent"][0]["definition"]["name"],
        json!({"fr-FR": "Pf"})
    );
    let fallback = format_statement(&s, Format::Canonical, &["ja".to_owned()]);
    assert_eq!(fallback["verb"]["display"].as_object().unwrap().len(), 1);
}

fn params(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn xapi_get_parameters_are_parsed() {
    let q = parse_statement_query(&params(&[
        ("agent", r#"{"mbox": "mailto:a@b.c"}"#),
        ("verb", "http://adlnet.gov/expapi/verbs/attempted"),
        ("activity", "http://e.org/a"),
        ("registration", "ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
        ("related_activities", "true"),
        ("related_agents", "false"),
        ("since", "2024-05-01T14:00:00+02:00"),
        ("until", "2024-05-02T00:00:00.5Z"),
        ("limit", "10"),
        ("format", "ids"),
        ("attachments", "true"),
        ("ascending", "true"),
    ]))
    .unwrap();
    assert_eq!(q.agent.as_deref(), Some("mbox:mailto:a@b.c"));
    assert_eq!(
        q.verb.as_deref(),
        Some("http://adlnet.gov/expapi/verbs/attempted")
    );
    assert_eq!(q.activity.as_deref(), Some("http://e.org/a"));
    assert!(q.registration.is_some() && q.related_activities && !q.related_agents);
    assert_eq!(q.since.as_deref(), Some("2024-05-01T12:00:00.000000Z"));
    assert_eq!(q.until.as_deref(), Some("2024-05-02T00:00:00.500000Z"));
    assert_eq!((q.limit, q.format), (10, Format::Ids));
    assert!(q.attachments && q.ascending);

    let one = parse_statement_query(&params(&[
        ("statementId", "ec531277-b57b-4c15-8d91-d292c5b2b8f7"),
        ("format", "canonical"),
        ("attachments", "false"),
    ]))
    .unwrap();
    assert!(one.statement_id.is_some());
    assert_eq!(
        parse_statement_query(&[]).unwrap(),
        crate::StatementQuery::default()
    );
}

#[test]
fn xapi_get_parameters_bad_cases_are_refused() {
    let id = "ec531277-b57b-4c15-8d91-d292c5b2b8f7";
    let cases: Vec<(Vec<(&str, &str)>, &str)> = vec![
        (
            vec![("statementId", id), ("verb", "http://e.org/v")],
            "XAPI-00151",
        ),
        (
            vec![("voidedStatementId", id), ("limit", "1")],
            "XAPI-00150",
        ),
        (
            vec![("statementId", id), ("voidedStatementId", id)],
            "XAPI-00151",
        ),
        (vec![("foo", "1")], "XAPI-00324"),
        (vec![("Verb", "http://e.org/v")], "XAPI-00325"),
        (vec![("statementId", "1")], "XAPI-00012"),
        (vec![("agent", "mailto:a@b.c")], "XAPI-00012"),
        (vec![("agent", r#"{"name": "no ifi"}"#)], "XAPI-00012"),
        (vec![("verb", "attempted")], "XAPI-00012"),
        (vec![("registration", "x")], "XAPI-00012"),
        (vec![("since", "yesterday")], "XAPI-00012"),
        (vec![("limit", "-1")], "XAPI-00012"),
        (vec![("format", "full")], "XAPI-00012"),
        (vec![("ascending", "yes")], "XAPI-00012"),
        (vec![("limit", "1"), ("limit", "2")], "XAPI-00012"),
    ];
    for (list, req) in cases {
        let e = parse_statement_query(&params(&list)).unwrap_err();
        assert_eq!(e.requirement, req, "{list:?}: {e}");
    }
}

#[test]
fn version_header_accepts_1_0_and_2_0_only() {
    for (h, v) in [
        ("1.0", Version::V1_0),
        ("1.0.0", Version::V1_0),
        ("1.0.3", Version::V1_0),
        ("2.0", Version::V2_0),
        ("2.0.0", Version::V2_0),
    ] {
        assert_eq!(Version::parse(h).unwrap(), v);
    }
    for h in ["", "0.95", "1.1.0", "2.1", "1.0.4x"] {
        assert!(Version::parse(h).is_err(), "{h}");
    }
}

#[test]
fn owned_validation_keeps_the_statement_and_refuses_alike() {
    let v = crate::validate_statement_owned(base(), Version::V2_0).unwrap();
    assert_eq!(v.value, base());
    assert_eq!(
        crate::validate_statement_owned(without("verb"), Version::V2_0)
            .unwrap_err()
            .requirement,
        "XAPI-00004"
    );
}

/// The stored text made from a client's own text parses to exactly the finalized
/// statement, whatever the text's layout and whichever properties the LRS added.
#[test]
fn stored_text_from_the_sent_text_is_the_finalized_statement() {
    let authority = json!({"objectType": "Agent", "account": {"homePage": "https://lrs.example", "name": "key"}});
    let id = uuid::Uuid::parse_str("5d8a0a4c-1c33-4bd1-9a39-1b1f4d5f0b3e").unwrap();
    for sent in [without("id"), base(), {
        let mut v = base();
        v["timestamp"] = json!("2026-11-01T10:00:00Z");
        v["version"] = json!("1.0.3");
        v
    }] {
        for text in [
            serde_json::to_string(&sent).unwrap(),
            format!("  {}\n", serde_json::to_string_pretty(&sent).unwrap()),
        ] {
            let mut s = crate::validate_statement_owned(
                serde_json::from_str(&text).unwrap(),
                Version::V2_0,
            )
            .unwrap();
            let done = finalize_statement(
                &mut s,
                id,
                "2026-11-29T10:00:00.000Z",
                &authority,
                Version::V2_0,
            );
            assert!(!done.replaced);
            let stored = crate::stored_text(&s, Some(&text), &done).unwrap();
            // The client's own text is kept, with the additions after it.
            assert!(
                stored.starts_with(text.trim_end().strip_suffix('}').unwrap()),
                "{stored}"
            );
            assert_eq!(
                serde_json::from_str::<Value>(&stored).unwrap(),
                s.value,
                "{stored}"
            );
            assert_eq!(s.value["authority"], authority);
            assert_eq!(s.value["stored"], json!("2026-11-29T10:00:00.000Z"));
        }
    }
}

/// A statement whose `authority` or `stored` the LRS replaces is serialized anew: the
/// client's claim must not survive in the stored text.
#[test]
fn stored_text_drops_a_replaced_authority() {
    let authority = json!({"objectType": "Agent", "account": {"homePage": "https://lrs.example", "name": "key"}});
    let mut sent = base();
    sent["authority"] = json!({"objectType": "Agent", "mbox": "mailto:mallory@example.org"});
    let text = serde_json::to_string(&sent).unwrap();
    let mut s = crate::validate_statement_owned(sent, Version::V2_0).unwrap();
    let done = finalize_statement(
        &mut s,
        uuid::Uuid::new_v4(),
        "2026-11-29T10:00:00.000Z",
        &authority,
        Version::V2_0,
    );
    assert!(done.replaced);
    let stored = crate::stored_text(&s, Some(&text), &done).unwrap();
    assert!(!stored.contains("mallory"), "{stored}");
    assert_eq!(serde_json::from_str::<Value>(&stored).unwrap(), s.value);
}
