//! Multipart bodies, attachment matching and signed statements, named after the
//! conformance suite's requirement ids.

use base64::Engine;
use proptest::prelude::*;
use serde_json::{Value, json};

use crate::attachments::{AttachmentPart, check_attachments, sha256_hex, split_request};
use crate::multipart::{Part, boundary_of, parse, write};
use crate::signature::{SIGNATURE_USAGE, duration_to_hundredths, parse_jws, same_as_signed};

const B: &str = "-------314159265358979323846";

fn part(headers: &[(&str, &str)], body: &[u8]) -> Part {
    Part {
        headers: headers
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect(),
        body: body.to_vec(),
    }
}

fn statement() -> Value {
    json!({
        "id": "fd41c918-b88b-4b20-a0a5-a4c32391aaa0",
        "actor": {"mbox": "mailto:ann@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/attempted"},
        "object": {"id": "http://example.org/act/1"},
        "timestamp": "2024-05-01T12:00:00.000Z"
    })
}

fn declaring(content: &[u8], file_url: bool) -> Value {
    let mut s = statement();
    s["attachments"] = json!([{
        "usageType": "http://example.org/usage",
        "display": {"en-US": "a"},
        "contentType": "text/plain",
        "length": content.len(),
        "sha2": sha256_hex(content)
    }]);
    if file_url {
        s["attachments"][0]["fileUrl"] = json!("http://example.org/a.txt");
    }
    s
}

fn attachment(content: &[u8]) -> AttachmentPart {
    AttachmentPart {
        sha2: sha256_hex(content),
        content_type: "text/plain".into(),
        content: content.to_vec(),
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

fn jws(alg: &str, payload: &Value) -> Vec<u8> {
    let h = json!({"alg": alg}).to_string();
    format!(
        "{}.{}.{}",
        b64(h.as_bytes()),
        b64(payload.to_string().as_bytes()),
        b64(b"sig")
    )
    .into_bytes()
}

#[test]
fn multipart_parses_the_suites_body_form() {
    // No preamble CRLF, a header without a space after its colon, no CRLF after the close.
    let body = format!(
        "\r\n--{B}\r\nContent-Type:application/json\r\n\r\n{{\"a\":1}}\r\n--{B}\r\nContent-Type: text/plain\r\n X-Folded: yes\r\n\r\nhello\r\n--{B}--"
    );
    let parts = parse(B, body.as_bytes()).unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].media_type().as_deref(), Some("application/json"));
    assert_eq!(parts[0].body, b"{\"a\":1}");
    assert_eq!(
        parts[1].header("content-type"),
        Some("text/plain X-Folded: yes")
    );
    assert_eq!(parts[1].body, b"hello");
}

#[test]
fn xapi_00131_boundary_comes_from_content_type() {
    assert_eq!(
        boundary_of(&format!("multipart/mixed; boundary={B}")).unwrap(),
        B
    );
    assert_eq!(
        boundary_of("Multipart/Mixed; charset=x; boundary=\"a b\"").unwrap(),
        "a b"
    );
    for bad in [
        "multipart/mixed",
        "multipart/mixed;",
        "multipart/mixed; boundary=\"x",
        "multipart/form-data; boundary=x",
        "multipart/mixed; boundary=bad\u{e9}",
    ] {
        assert!(boundary_of(bad).is_err(), "{bad}");
    }
}

#[test]
fn xapi_00130_every_part_starts_with_a_boundary_and_the_body_is_closed() {
    let no_open = "Content-Type: application/json\r\n\r\n{}\r\n";
    assert!(parse(B, no_open.as_bytes()).is_err());
    let truncated = format!("--{B}\r\nContent-Type: application/json\r\n\r\n{{}}");
    assert!(parse(B, truncated.as_bytes()).is_err());
    let unterminated_headers = format!("--{B}\r\nContent-Type: application/json");
    assert!(parse(B, unterminated_headers.as_bytes()).is_err());
    let bare_lf = format!("--{B}\r\nContent-Type: a/b\nX: y\r\n\r\n{{}}\r\n--{B}--");
    assert!(parse(B, bare_lf.as_bytes()).is_err());
    let only_close = format!("--{B}--\r\n");
    assert!(parse(B, only_close.as_bytes()).is_err());
}

#[test]
fn xapi_00134_the_first_part_is_json() {
    let parts = vec![part(&[("Content-Type", "text/plain")], b"{}")];
    assert_eq!(split_request(parts).unwrap_err().requirement, "XAPI-00134");
    let parts = vec![part(
        &[("Content-Type", "application/json; charset=utf-8")],
        b"[{}]",
    )];
    assert!(split_request(parts).is_ok());
}

#[test]
fn xapi_00133_all_statements_are_in_the_first_part() {
    let parts = vec![part(
        &[("Content-Type", "application/json")],
        b"{} trailing",
    )];
    assert_eq!(split_request(parts).unwrap_err().requirement, "XAPI-00133");
}

#[test]
fn xapi_00132_parts_carry_the_hash_of_their_content() {
    let json = part(&[("Content-Type", "application/json")], b"{}");
    let good = part(
        &[
            ("Content-Type", "text/plain"),
            ("Content-Transfer-Encoding", "binary"),
            ("X-Experience-API-Hash", &sha256_hex(b"x")),
        ],
        b"x",
    );
    let (_, atts) = split_request(vec![json.clone(), good]).unwrap();
    assert_eq!(atts, vec![attachment(b"x")]);
    let wrong = part(
        &[
            ("Content-Type", "text/plain"),
            ("Content-Transfer-Encoding", "binary"),
            ("X-Experience-API-Hash", &sha256_hex(b"y")),
        ],
        b"x",
    );
    assert_eq!(
        split_request(vec![json.clone(), wrong])
            .unwrap_err()
            .requirement,
        "XAPI-00132"
    );
    let missing = part(
        &[
            ("Content-Type", "text/plain"),
            ("Content-Transfer-Encoding", "binary"),
        ],
        b"x",
    );
    assert_eq!(
        split_request(vec![json, missing]).unwrap_err().requirement,
        "XAPI-00132"
    );
}

#[test]
fn xapi_00135_parts_are_binary() {
    let json = part(&[("Content-Type", "application/json")], b"{}");
    let p = part(
        &[
            ("Content-Type", "text/plain"),
            ("X-Experience-API-Hash", &sha256_hex(b"x")),
        ],
        b"x",
    );
    assert_eq!(
        split_request(vec![json, p]).unwrap_err().requirement,
        "XAPI-00135"
    );
}

#[test]
fn xapi_00128_extra_parts_are_refused() {
    let s = declaring(b"x", false);
    let err = check_attachments(&[s], &[attachment(b"x"), attachment(b"y")]).unwrap_err();
    assert_eq!(err.requirement, "XAPI-00128");
    assert!(check_attachments(&[statement()], &[attachment(b"x")]).is_err());
}

#[test]
fn xapi_00129_declared_attachments_without_file_url_need_their_part() {
    let s = declaring(b"x", false);
    assert_eq!(
        check_attachments(std::slice::from_ref(&s), &[])
            .unwrap_err()
            .requirement,
        "XAPI-00129"
    );
    assert!(check_attachments(std::slice::from_ref(&s), &[attachment(b"x")]).is_ok());
    assert!(check_attachments(&[declaring(b"x", true)], &[]).is_ok());
}

fn signed(sent: &Value, sig: &[u8], content_type: &str) -> (Value, AttachmentPart) {
    let mut s = sent.clone();
    s["attachments"] = json!([{
        "usageType": SIGNATURE_USAGE,
        "display": {"en-US": "signature"},
        "contentType": content_type,
        "length": sig.len(),
        "sha2": sha256_hex(sig)
    }]);
    let p = AttachmentPart {
        sha2: sha256_hex(sig),
        content_type: content_type.into(),
        content: sig.to_vec(),
    };
    (s, p)
}

#[test]
fn xapi_00115_a_signature_is_an_octet_stream_jws() {
    let (s, p) = signed(
        &statement(),
        &jws("RS256", &statement()),
        "text/plain; charset=ascii",
    );
    assert_eq!(
        check_attachments(&[s], &[p]).unwrap_err().requirement,
        "XAPI-00115"
    );
    let (s, p) = signed(&statement(), b"not a jws", "application/octet-stream");
    assert_eq!(
        check_attachments(&[s], &[p]).unwrap_err().requirement,
        "XAPI-00115"
    );
    let (s, _) = signed(
        &statement(),
        &jws("RS256", &statement()),
        "application/octet-stream",
    );
    assert_eq!(
        check_attachments(&[s], &[]).unwrap_err().requirement,
        "XAPI-00115"
    );
}

#[test]
fn xapi_00116_the_payload_is_the_statement_sent() {
    let (s, p) = signed(
        &statement(),
        &jws("RS256", &statement()),
        "application/octet-stream",
    );
    assert!(check_attachments(&[s], &[p]).is_ok());
    let mut other = statement();
    other["verb"]["id"] = json!("http://adlnet.gov/expapi/verbs/failed");
    let (s, p) = signed(
        &statement(),
        &jws("RS256", &other),
        "application/octet-stream",
    );
    assert_eq!(
        check_attachments(&[s], &[p]).unwrap_err().requirement,
        "XAPI-00116"
    );
    // A payload that is not JSON.
    let raw = format!(
        "{}.{}.{}",
        b64(br#"{"alg":"RS256"}"#),
        b64(b"{'a':1}"),
        b64(b"sig")
    );
    assert_eq!(
        parse_jws(raw.as_bytes()).unwrap_err().requirement,
        "XAPI-00116"
    );
}

#[test]
fn xapi_00117_only_rsa_algorithms() {
    for alg in ["RS256", "RS384", "RS512"] {
        assert!(parse_jws(&jws(alg, &statement())).is_ok(), "{alg}");
    }
    for alg in ["HS256", "none", "ES256"] {
        assert_eq!(
            parse_jws(&jws(alg, &statement())).unwrap_err().requirement,
            "XAPI-00117"
        );
    }
}

#[test]
fn signed_statements_compare_as_xapi_compares_statements() {
    let sent = statement();
    let mut payload = statement();
    payload["timestamp"] = json!("2024-05-01T14:00:00+02:00");
    assert!(same_as_signed(&sent, &payload));
    // The LRS-added properties and an id the payload leaves out do not count.
    let mut p = statement();
    p.as_object_mut().unwrap().remove("id");
    p["authority"] = json!({"mbox": "mailto:x@example.org"});
    assert!(same_as_signed(&sent, &p));
    // Durations compare to a hundredth of a second.
    let mut a = statement();
    a["result"] = json!({"duration": "P1DT12H36M0.1237S"});
    let mut b = statement();
    b["result"] = json!({"duration": "P1DT12H36M0.12S"});
    assert!(same_as_signed(&a, &b));
    b["result"]["duration"] = json!("P1DT12H36M0.13S");
    assert!(!same_as_signed(&a, &b));
    assert_eq!(duration_to_hundredths("PT1.500S"), "PT1.5S");
    assert_eq!(duration_to_hundredths("PT1.001S"), "PT1S");
    assert_eq!(duration_to_hundredths("P1D"), "P1D");
}

#[test]
fn multipart_writer_output_parses_back() {
    let parts = vec![
        part(&[("Content-Type", "application/json")], b"{}"),
        part(
            &[
                ("Content-Type", "text/plain"),
                ("X-Experience-API-Hash", "ab"),
            ],
            b"\r\n--x\r\n",
        ),
        part(&[], b""),
    ];
    let body = write(B, &parts).unwrap();
    assert_eq!(parse(B, &body).unwrap(), parts);
    let clash = vec![part(&[], format!("a\r\n--{B}--").as_bytes())];
    assert!(write(B, &clash).is_err());
}

fn header_strategy() -> impl Strategy<Value = (String, String)> {
    ("[A-Za-z0-9-]{1,12}", "[ -~]{0,20}").prop_map(|(n, v)| (n, v.trim().to_owned()))
}

fn part_strategy() -> impl Strategy<Value = Part> {
    (
        proptest::collection::vec(header_strategy(), 0..4),
        proptest::collection::vec(any::<u8>(), 0..200),
    )
        .prop_map(|(headers, body)| Part { headers, body })
}

proptest! {
    #[test]
    fn multipart_parser_never_panics(body in proptest::collection::vec(any::<u8>(), 0..400), b in "[-a-z0-9]{1,8}") {
        let _ = parse(&b, &body);
        let _ = boundary_of(&String::from_utf8_lossy(&body));
    }

    #[test]
    fn multipart_parser_never_panics_near_valid_bodies(parts in proptest::collection::vec(part_strategy(), 1..4), cut in any::<usize>(), flip in any::<(usize, u8)>()) {
        if let Ok(body) = write("bnd", &parts) {
            let _ = parse("bnd", &body[..cut % (body.len() + 1)]);
            let mut changed = body.clone();
            let i = flip.0 % changed.len();
            changed[i] = flip.1;
            let _ = parse("bnd", &changed);
        }
    }

    #[test]
    fn multipart_round_trips_what_the_writer_writes(parts in proptest::collection::vec(part_strategy(), 1..5), b in "[-A-Za-z0-9'()+_,./:=?]{1,40}") {
        if let Ok(body) = write(&b, &parts) {
            prop_assert_eq!(parse(&b, &body).unwrap(), parts);
        }
    }
}
