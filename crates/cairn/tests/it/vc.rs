//! `cairn verify`, `cairn keygen` and `cairn sign` as a user runs them, including both
//! directions against the reference Node harness in ../shared/interop when it is there.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::{Value, json};

// ---------------------------------------------------------------------------------------
// helpers

/// Runs `cairn ARGS`, feeding `stdin` when given.
fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cairn"))
        .args(args)
        .env("RUST_LOG", "warn")
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child.stdin.take().unwrap().write_all(input).unwrap();
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs and asserts the exit code, showing both streams on failure.
#[track_caller]
fn expect(code: i32, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let out = run(args, stdin);
    assert_eq!(
        out.status.code(),
        Some(code),
        "cairn {args:?}\nstdout:\n{}\nstderr:\n{}",
        stdout(&out),
        stderr(&out)
    );
    out
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Skips (prints `skipping: WHY`, returns false) or, with CAIRN_REQUIRE_SHARED=1, fails.
/// The one place that decides what a missing ../shared or Node means.
fn available(ok: bool, why: &str) -> bool {
    if ok {
        return true;
    }
    if std::env::var("CAIRN_REQUIRE_SHARED").as_deref() == Ok("1") {
        panic!("{why}, and CAIRN_REQUIRE_SHARED=1");
    }
    eprintln!("skipping: {why}");
    false
}

/// `../shared/interop` beside the workspace, if present.
fn interop() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/interop");
    available(dir.is_dir(), "../shared/interop not found").then_some(dir)
}

/// `../shared/interop` when Node can run its scripts too.
fn interop_with_node() -> Option<PathBuf> {
    let dir = interop()?;
    let node = Command::new("node")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    available(node, "node is not available").then_some(dir)
}

fn unsigned_credential() -> Value {
    json!({
        "@context": [
            "https://www.w3.org/ns/credentials/v2",
            "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
        ],
        "id": "urn:uuid:7d1c2a5e-2f0b-4c39-9a55-1e4b7d9f0c11",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": "Sterile Field Maintenance",
        "issuer": {
            "id": "did:example:replaced-by-cairn-sign",
            "type": ["Profile"],
            "name": "Riverside Clinical Skills Centre"
        },
        "validFrom": "2025-03-01T00:00:00Z",
        "validUntil": "2035-03-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:nurse-42",
            "type": ["AchievementSubject"],
            "achievement": {
                "id": "https://skills.example.org/achievements/sterile-field",
                "type": ["Achievement"],
                "achievementType": "MicroCredential",
                "name": "Sterile Field Maintenance",
                "description": "Sets up and keeps a sterile field during invasive procedures.",
                "criteria": { "narrative": "Observed on three procedures by a qualified assessor." }
            }
        }
    })
}

struct Fixture {
    dir: tempfile::TempDir,
}

impl Fixture {
    fn new() -> Self {
        Self {
            dir: tempfile::tempdir().unwrap(),
        }
    }
    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
    fn write_json(&self, name: &str, v: &Value) -> PathBuf {
        self.write(name, serde_json::to_vec_pretty(v).unwrap())
    }
    /// A fresh key file from `cairn keygen --out`.
    fn key(&self, name: &str) -> PathBuf {
        let p = self.path(name);
        expect(0, &["keygen", "--out", s(&p)], None);
        p
    }
    /// `cairn sign` of the standard credential with `key`, written to `name`.
    fn signed(&self, name: &str, key: &Path) -> PathBuf {
        let input = self.write_json(&format!("{name}.unsigned"), &unsigned_credential());
        let out = self.path(name);
        expect(
            0,
            &[
                "sign",
                "--key",
                s(key),
                "--created",
                "2025-03-01T08:00:00Z",
                "--out",
                s(&out),
                s(&input),
            ],
            None,
        );
        out
    }
}

fn read_json(p: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

fn report_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("--json output is not JSON ({e}): {}", stdout(out)))
}

fn check_status<'a>(report: &'a Value, name: &str) -> &'a str {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no check {name} in {report}"))["status"]
        .as_str()
        .unwrap()
}

// ---------------------------------------------------------------------------------------
// keygen, sign, verify

#[test]
fn keygen_sign_verify_round_trip() {
    let f = Fixture::new();
    let key_path = f.key("issuer-key.json");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "key file mode {mode:o}");
    }
    let key = read_json(&key_path);
    let controller = key["controller"].as_str().unwrap();
    let public = key["publicKeyMultibase"].as_str().unwrap();
    assert!(public.starts_with("z6Mk"), "{key}");
    assert_eq!(controller, format!("did:key:{public}"));
    assert_eq!(key["id"], format!("{controller}#{public}"));
    assert_eq!(key["type"], "Multikey");
    assert_eq!(key["@context"], "https://w3id.org/security/multikey/v1");
    assert!(
        key["secretKeyMultibase"]
            .as_str()
            .unwrap()
            .starts_with("z3u2")
    );

    // An existing key is never overwritten.
    let again = expect(2, &["keygen", "--out", s(&key_path)], None);
    assert!(
        stderr(&again).contains("already exists"),
        "{}",
        stderr(&again)
    );
    assert_eq!(read_json(&key_path), key);

    // Without --out the key file goes to standard output only.
    let printed = expect(0, &["keygen"], None);
    let printed: Value = serde_json::from_slice(&printed.stdout).unwrap();
    assert!(printed["secretKeyMultibase"].is_string());
    assert_ne!(printed["publicKeyMultibase"], key["publicKeyMultibase"]);

    let signed_path = f.signed("signed.json", &key_path);
    let signed = read_json(&signed_path);
    assert_eq!(signed["issuer"]["id"], controller);
    assert_eq!(signed["issuer"]["name"], "Riverside Clinical Skills Centre");
    assert_eq!(signed["proof"]["verificationMethod"], key["id"]);
    assert_eq!(signed["proof"]["cryptosuite"], "eddsa-rdfc-2022");
    assert_eq!(signed["proof"]["created"], "2025-03-01T08:00:00Z");

    let out = expect(0, &["verify", s(&signed_path)], None);
    let text = stdout(&out);
    for check in ["syntax", "proof", "issuer", "validity", "ob3"] {
        assert!(text.contains(&format!("✓ {check}")), "{text}");
    }
    assert!(text.contains("VALID"), "{text}");
    assert!(!text.contains("INVALID"), "{text}");

    let out = expect(0, &["verify", "--json", s(&signed_path)], None);
    let report = report_json(&out);
    assert_eq!(report["verified"], true);
    let names: Vec<&str> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["syntax", "proof", "issuer", "validity", "status", "ob3"]
    );
    assert_eq!(check_status(&report, "status"), "skipped");
    for c in report["checks"].as_array().unwrap() {
        assert!(c["message"].as_str().is_some_and(|m| !m.is_empty()), "{c}");
    }

    // Standard input works both ways, and the secret never shows up on stderr.
    let unsigned = serde_json::to_vec(&unsigned_credential()).unwrap();
    let out = expect(0, &["sign", "--key", s(&key_path), "-"], Some(&unsigned));
    let secret = key["secretKeyMultibase"].as_str().unwrap();
    assert!(!stdout(&out).contains(secret) && !stderr(&out).contains(secret));
    expect(0, &["verify", "-"], Some(&out.stdout));

    // The validity window is checked against --now.
    let out = expect(
        1,
        &["verify", "--now", "2040-01-01T00:00:00Z", s(&signed_path)],
        None,
    );
    assert!(stdout(&out).contains("✗ validity"), "{}", stdout(&out));
    assert!(stdout(&out).contains("expired"), "{}", stdout(&out));
}

#[test]
fn tampered_or_misattributed_credentials_are_invalid_and_say_why() {
    let f = Fixture::new();
    let key = f.key("k.json");
    let mut signed = read_json(&f.signed("signed.json", &key));
    signed["credentialSubject"]["achievement"]["name"] = json!("Brain Surgery");
    let tampered = f.write_json("tampered.json", &signed);

    let out = expect(1, &["verify", s(&tampered)], None);
    let text = stdout(&out);
    assert!(text.contains("✗ proof"), "{text}");
    assert!(text.contains("INVALID: failed proof"), "{text}");
    let out = expect(1, &["verify", "--json", s(&tampered)], None);
    let report = report_json(&out);
    assert_eq!(report["verified"], false);
    assert_eq!(check_status(&report, "proof"), "failed");

    // A credential whose issuer is not the key's controller.
    let input = f.write_json("u.json", &unsigned_credential());
    let other = f.path("other.json");
    let out = expect(
        0,
        &[
            "sign",
            "--key",
            s(&key),
            "--issuer",
            "did:key:z6MkwLwUEA1sPxj4VwzuSHv3UiFVhYpHwwsaG5hyrYqLREV4",
            "--out",
            s(&other),
            s(&input),
        ],
        None,
    );
    assert!(
        stderr(&out).contains("not the key's controller"),
        "{}",
        stderr(&out)
    );
    let out = expect(1, &["verify", s(&other)], None);
    assert!(stdout(&out).contains("✗ issuer"), "{}", stdout(&out));
}

#[test]
fn bad_input_exits_2_with_a_reason() {
    let f = Fixture::new();
    let cases: Vec<(PathBuf, &str)> = vec![
        (
            f.write("notes.txt", "this is not a credential"),
            "neither a JSON credential nor a compact JWS",
        ),
        (f.path("missing.json"), "cannot open"),
        (f.write("array.json", "[1, 2, 3]"), "JSON array"),
        (
            f.write("other.json", r#"{"hello": "world"}"#),
            "not a credential",
        ),
        (
            f.write("binary.bin", [0u8, 159, 146, 150, 255]),
            "binary but not a PNG",
        ),
        (
            f.write("plain.png", tiny_png()),
            "carries no Open Badges credential",
        ),
        (
            f.write("plain.svg", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>"),
            "carries no Open Badges credential",
        ),
    ];
    for (path, reason) in &cases {
        let out = expect(2, &["verify", s(path)], None);
        assert!(
            stderr(&out).contains(reason),
            "{}: expected `{reason}` in {}",
            path.display(),
            stderr(&out)
        );
        assert!(stdout(&out).is_empty(), "{}", stdout(&out));
    }
    expect(2, &["verify", "-"], Some(b"{not json"));
    let key = f.key("k.json");
    let signed = f.signed("signed.json", &key);
    let out = expect(2, &["verify", "--now", "yesterday", s(&signed)], None);
    assert!(stderr(&out).contains("--now"), "{}", stderr(&out));
    let out = expect(
        2,
        &["verify", "--docs", s(&f.path("nope")), s(&signed)],
        None,
    );
    assert!(stderr(&out).contains("--docs"), "{}", stderr(&out));

    // Hostile but credential-shaped input is invalid (1), not bad input.
    let deep = format!(
        "{{\"@context\": {}1{}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    expect(1, &["verify", "-"], Some(deep.as_bytes()));
    let mut unknown = unsigned_credential();
    unknown["@context"][1] = json!("https://evil.example/context.json");
    expect(
        1,
        &["verify", "-"],
        Some(&serde_json::to_vec(&unknown).unwrap()),
    );

    // sign: every refusal is exit 2 with the reason.
    let input = f.write_json("u.json", &unsigned_credential());
    let not_key = f.write("notkey.json", r#"{"id": "x"}"#);
    let out = expect(2, &["sign", "--key", s(&not_key), s(&input)], None);
    assert!(
        stderr(&out).contains("secretKeyMultibase"),
        "{}",
        stderr(&out)
    );
    let out = expect(
        2,
        &["sign", "--key", s(&f.path("none.json")), s(&input)],
        None,
    );
    assert!(stderr(&out).contains("key file"), "{}", stderr(&out));
    let out = expect(2, &["sign", "--key", s(&key), s(&cases[0].0)], None);
    assert!(stderr(&out).contains("not valid JSON"), "{}", stderr(&out));
    let mut undefined = unsigned_credential();
    undefined["favouriteColour"] = json!("teal");
    let undefined = f.write_json("undefined.json", &undefined);
    let out = expect(2, &["sign", "--key", s(&key), s(&undefined)], None);
    assert!(stderr(&out).contains("favouriteColour"), "{}", stderr(&out));
    let out = expect(
        2,
        &[
            "sign",
            "--key",
            s(&key),
            "--created",
            "2025-01-01",
            s(&input),
        ],
        None,
    );
    assert!(stderr(&out).contains("--created"), "{}", stderr(&out));
    let mut wrong = read_json(&key);
    wrong["controller"] = json!("did:key:z6MkwLwUEA1sPxj4VwzuSHv3UiFVhYpHwwsaG5hyrYqLREV4");
    let wrong = f.write_json("wrong.json", &wrong);
    let out = expect(2, &["sign", "--key", s(&wrong), s(&input)], None);
    assert!(stderr(&out).contains("controller"), "{}", stderr(&out));
}

// ---------------------------------------------------------------------------------------
// the reference harness's examples, baked images, vc+jwt

#[test]
fn verifies_the_reference_examples() {
    let Some(interop) = interop() else { return };
    let examples = interop.join("examples");
    let docs = tempfile::tempdir().unwrap();
    std::fs::copy(
        examples.join("status-revocation-1.json"),
        docs.path().join("status-revocation-1.json"),
    )
    .unwrap();
    let mut seen = 0;
    for entry in std::fs::read_dir(&examples).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if !name.ends_with(".signed.json") {
            continue;
        }
        seen += 1;
        let out = expect(
            0,
            &["verify", "--json", "--docs", s(docs.path()), s(&path)],
            None,
        );
        assert_eq!(report_json(&out)["verified"], true, "{name}");
        if name.contains("status") {
            let report = report_json(&out);
            assert_eq!(check_status(&report, "status"), "passed", "{report}");
            // Without its status list the credential cannot be shown to be unrevoked.
            let out = expect(1, &["verify", s(&path)], None);
            assert!(stdout(&out).contains("✗ status"), "{}", stdout(&out));
            assert!(stdout(&out).contains("--docs"), "{}", stdout(&out));
        }
    }
    assert!(seen >= 3, "only {seen} signed examples found");
}

/// A 1×1 PNG, built here (stored deflate, CRC-32 by hand) to stay free of image crates.
fn tiny_png() -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xedb8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&1u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut png, b"IHDR", &ihdr);
    let raw = [0u8, 40, 120, 200]; // filter byte, one RGB pixel
    let (mut a, mut b) = (1u32, 0u32);
    for &x in &raw {
        a = (a + u32::from(x)) % 65521;
        b = (b + a) % 65521;
    }
    let mut z = vec![
        0x78,
        0x01,
        0x01,
        raw.len() as u8,
        0,
        !(raw.len() as u8),
        0xff,
    ];
    z.extend_from_slice(&raw);
    z.extend_from_slice(&((b << 16) | a).to_be_bytes());
    chunk(&mut png, b"IDAT", &z);
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn baked_images_and_vc_jwt_verify() {
    use cairn_vc::bake::{bake_png, bake_svg};
    let f = Fixture::new();
    let key = f.key("k.json");
    let signed = std::fs::read_to_string(f.signed("signed.json", &key)).unwrap();

    let png = f.write("badge.png", bake_png(&tiny_png(), &signed).unwrap());
    let out = expect(0, &["verify", s(&png)], None);
    assert!(
        stdout(&out).contains("credential baked in a PNG image"),
        "{}",
        stdout(&out)
    );
    let svg = bake_svg(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><circle r=\"4\"/></svg>",
        &signed,
    )
    .unwrap();
    let svg = f.write("badge.svg", svg);
    let out = expect(0, &["verify", s(&svg)], None);
    assert!(
        stdout(&out).contains("baked in an SVG image"),
        "{}",
        stdout(&out)
    );
    expect(0, &["verify", "-"], Some(&std::fs::read(&svg).unwrap()));

    // A tampered credential stays invalid when baked.
    let tampered = signed.replace("Sterile Field Maintenance", "Open Heart Surgery");
    let png = f.write("bad.png", bake_png(&tiny_png(), &tampered).unwrap());
    expect(1, &["verify", s(&png)], None);

    // vc+jwt, bare and baked.
    let keypair = cairn_vc::keys::KeyPair::from_multikey_json(&read_json(&key)).unwrap();
    let mut credential = unsigned_credential();
    credential["issuer"]["id"] = json!(keypair.did_key());
    let jwt = cairn_vc::jwt::issue_jwt(
        &credential,
        &keypair,
        &keypair.did_key_verification_method(),
    )
    .unwrap();
    let out = expect(0, &["verify", "--json", "-"], Some(jwt.as_bytes()));
    let report = report_json(&out);
    assert_eq!(check_status(&report, "proof"), "passed", "{report}");
    assert_eq!(check_status(&report, "ob3"), "passed", "{report}");
    let png = f.write("jwt.png", bake_png(&tiny_png(), &jwt).unwrap());
    expect(0, &["verify", s(&png)], None);
    let out = expect(
        1,
        &["verify", "--now", "2036-01-01T00:00:00Z", s(&png)],
        None,
    );
    assert!(stdout(&out).contains("✗ validity"), "{}", stdout(&out));
    // Flip one character of the signature.
    let mut bad = jwt.clone().into_bytes();
    let last = bad.len() - 3;
    bad[last] = if bad[last] == b'A' { b'B' } else { b'A' };
    let out = expect(1, &["verify", "-"], Some(&bad));
    assert!(stdout(&out).contains("✗ proof"), "{}", stdout(&out));
}

// ---------------------------------------------------------------------------------------
// did:web: --docs, loopback, and refusing everything else

/// A key file whose controller is `did`.
fn did_web_key(f: &Fixture, did: &str) -> (PathBuf, Value) {
    let mut key = read_json(&f.key("base.json"));
    let mb = key["publicKeyMultibase"].as_str().unwrap().to_owned();
    key["id"] = json!(format!("{did}#{mb}"));
    key["controller"] = json!(did);
    let doc = json!({
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/multikey/v1"],
        "id": did,
        "verificationMethod": [{
            "id": format!("{did}#{mb}"), "type": "Multikey",
            "controller": did, "publicKeyMultibase": mb
        }],
        "assertionMethod": [format!("{did}#{mb}")]
    });
    (f.write_json("web-key.json", &key), doc)
}

/// Answers `n` requests on `listener` with `body` as JSON; returns the requests' heads.
fn serve_json(
    listener: TcpListener,
    body: String,
    n: usize,
) -> std::thread::JoinHandle<Vec<String>> {
    std::thread::spawn(move || {
        let mut requests = Vec::new();
        for stream in listener.incoming().take(n) {
            let mut stream = stream.unwrap();
            let mut buf = Vec::new();
            let mut byte = [0u8; 1];
            while !buf.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap() == 1 {
                buf.push(byte[0]);
            }
            requests.push(String::from_utf8_lossy(&buf).into_owned());
            let response = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/did+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
            stream.write_all(response.as_bytes()).unwrap();
        }
        requests
    })
}

#[test]
fn did_web_from_docs_and_loopback_and_nowhere_else() {
    let f = Fixture::new();

    // A remote did:web is never fetched, even with --allow-loopback.
    let (key, doc) = did_web_key(&f, "did:web:issuer.example:orgs:acme");
    let signed = f.signed("remote.json", &key);
    let out = expect(1, &["verify", "--allow-loopback", s(&signed)], None);
    let text = stdout(&out);
    assert!(text.contains("✗ proof"), "{text}");
    assert!(
        text.contains("refusing to fetch from issuer.example"),
        "{text}"
    );
    // …but its DID document can be supplied.
    let docs = tempfile::tempdir().unwrap();
    std::fs::write(
        docs.path().join("did.json"),
        serde_json::to_vec(&doc).unwrap(),
    )
    .unwrap();
    expect(0, &["verify", "--docs", s(docs.path()), s(&signed)], None);

    // A did:web on this machine is fetched with --allow-loopback only.
    let f2 = Fixture::new();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let did = format!("did:web:127.0.0.1%3A{port}:orgs:riverside");
    let (key, doc) = did_web_key(&f2, &did);
    let server = serve_json(listener, doc.to_string(), 1);
    let signed = f2.signed("local.json", &key);
    let out = expect(1, &["verify", s(&signed)], None);
    assert!(
        stdout(&out).contains("--allow-loopback"),
        "{}",
        stdout(&out)
    );
    let out = expect(0, &["verify", "--allow-loopback", s(&signed)], None);
    assert!(stdout(&out).contains("✓ proof"), "{}", stdout(&out));
    let requests = server.join().unwrap();
    assert!(
        requests[0].starts_with("GET /orgs/riverside/did.json HTTP/1.1\r\n"),
        "{requests:?}"
    );
    assert!(
        requests[0].contains(&format!("Host: 127.0.0.1:{port}\r\n")),
        "{requests:?}"
    );
}

// ---------------------------------------------------------------------------------------
// both directions with the reference Node harness

/// The reference harness's `run` copies its sources into one cache folder on every call, so
/// two calls at once can collide ("File exists"); tests in this binary take turns.
static HARNESS: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn harness(interop: &Path, args: &[&str], cwd: &Path) -> Output {
    let _turn = HARNESS.lock().unwrap_or_else(|e| e.into_inner());
    Command::new(interop.join("run"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap()
}

#[test]
fn interoperates_with_the_reference_harness() {
    let Some(interop) = interop_with_node() else {
        return;
    };
    let f = Fixture::new();
    let issued = f.path("issued.json");
    let out = harness(&interop, &["issue.js", "--out", s(&issued)], f.dir.path());
    assert!(
        out.status.success(),
        "issue.js failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    expect(0, &["verify", s(&issued)], None);

    let key = f.key("k.json");
    let signed = f.signed("cairn-signed.json", &key);
    let out = harness(
        &interop,
        &["verify.js", s(&signed), "--schema"],
        f.dir.path(),
    );
    assert!(
        out.status.success(),
        "verify.js rejected a credential signed by cairn sign:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}
