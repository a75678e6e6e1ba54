//! Notifications: written once per dedupe key, seen only by their recipient, and e-mailed
//! through a fake SMTP relay in this process, on both backends.

use std::sync::{Arc, Mutex};

use cairn_app::notify::{NewNotification, SmtpConfig};
use cairn_app::{App, AppConfig, AppError};
use cairn_core::{OrgKind, Principal, Role};
use cairn_store::backend_tests;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::{member, org_of};

fn note(to: &Principal, key: &str, title: &str, body: &str) -> NewNotification {
    NewNotification {
        user_id: to.user_id().unwrap(),
        kind: "test".into(),
        dedupe_key: key.into(),
        title: title.into(),
        body: body.into(),
        link: Some("/credentials/00000000-0000-0000-0000-000000000000".into()),
    }
}

/// One message the fake relay accepted: its envelope recipient and the DATA as sent
/// (dot-stuffed, CRLF line ends, without the final ".").
#[derive(Debug, Clone)]
struct Received {
    rcpt: String,
    data: String,
}

/// A fake SMTP relay on 127.0.0.1: records what it accepts; with `refuse_rcpt` it answers
/// every RCPT with 550. Counts connections.
struct FakeRelay {
    port: u16,
    received: Arc<Mutex<Vec<Received>>>,
    connections: Arc<Mutex<usize>>,
}

async fn fake_relay(refuse_rcpt: bool) -> FakeRelay {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let connections = Arc::new(Mutex::new(0));
    let (rec, conns) = (received.clone(), connections.clone());
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                return;
            };
            *conns.lock().unwrap() += 1;
            let rec = rec.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut r = BufReader::new(r);
                w.write_all(b"220 fake.example ESMTP ready\r\n")
                    .await
                    .unwrap();
                let mut rcpt = String::new();
                loop {
                    let mut line = String::new();
                    if r.read_line(&mut line).await.unwrap_or(0) == 0 {
                        return;
                    }
                    let upper = line.to_ascii_uppercase();
                    let answer: &[u8] = if upper.starts_with("EHLO") {
                        // Several lines, as real relays answer.
                        b"250-fake.example greets you\r\n250-8BITMIME\r\n250 SIZE 1000000\r\n"
                    } else if upper.starts_with("MAIL FROM:") {
                        b"250 2.1.0 ok\r\n"
                    } else if upper.starts_with("RCPT TO:") {
                        if refuse_rcpt {
                            b"550 5.1.1 no such mailbox\r\n"
                        } else {
                            rcpt = line.trim_end()[8..].to_owned();
                            b"250 2.1.5 ok\r\n"
                        }
                    } else if upper.starts_with("DATA") {
                        w.write_all(b"354 go ahead\r\n").await.unwrap();
                        let mut data = String::new();
                        loop {
                            let mut l = String::new();
                            assert!(r.read_line(&mut l).await.unwrap() > 0, "cut off in DATA");
                            if l == ".\r\n" {
                                break;
                            }
                            data.push_str(&l);
                        }
                        rec.lock().unwrap().push(Received {
                            rcpt: rcpt.clone(),
                            data,
                        });
                        b"250 2.0.0 queued\r\n"
                    } else if upper.starts_with("QUIT") {
                        w.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    } else {
                        b"502 5.5.1 unknown command\r\n"
                    };
                    w.write_all(answer).await.unwrap();
                }
            });
        }
    });
    FakeRelay {
        port,
        received,
        connections,
    }
}

fn app_with_smtp(db: &cairn_store::testing::TestDb, port: u16) -> App {
    let config = AppConfig {
        smtp: Some(SmtpConfig {
            host: "127.0.0.1".into(),
            port,
            from: "cairn@hospital.example".into(),
        }),
        public_url: "https://cairn.hospital.example".into(),
        ..AppConfig::for_tests()
    };
    App::new(db.store.clone(), config)
}

/// The body of a message as its reader sees it: headers dropped, dots unstuffed,
/// quoted-printable decoded.
fn readable_body(data: &str) -> String {
    let (_, body) = data.split_once("\r\n\r\n").unwrap();
    let unstuffed: String = body
        .split_inclusive("\r\n")
        .map(|l| l.strip_prefix('.').unwrap_or(l))
        .collect();
    let joined = unstuffed.replace("=\r\n", "");
    let mut bytes = Vec::new();
    let mut it = joined.bytes();
    while let Some(b) = it.next() {
        if b == b'=' {
            let hex = [it.next().unwrap(), it.next().unwrap()];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).unwrap(), 16).unwrap());
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).unwrap().replace("\r\n", "\n")
}

fn header<'a>(data: &'a str, name: &str) -> &'a str {
    let (head, _) = data.split_once("\r\n\r\n").unwrap();
    head.split("\r\n")
        .find_map(|l| l.strip_prefix(&format!("{name}: ")))
        .unwrap_or_else(|| panic!("no {name} header in {head}"))
}

backend_tests! {
    async fn a_key_is_notified_once_and_only_its_recipient_sees_it(db: TestDb) {
        let app = crate::app(&db);
        org_of(&app, "a", vec![OrgKind::Employer]).await;
        let ana = member(&app, "a", Role::Learner).await;
        let ben = member(&app, "a", Role::Manager).await;

        assert!(app.notify_now(&note(&ana, "k:1", "First", "one")).await.unwrap());
        assert!(!app.notify_now(&note(&ana, "k:1", "First again", "one")).await.unwrap());
        // The key is unique across people too: the event it names happened once.
        assert!(!app.notify_now(&note(&ben, "k:1", "First", "one")).await.unwrap());
        assert!(app.notify_now(&note(&ana, "k:2", "Second", "two")).await.unwrap());
        assert!(app.notify_now(&note(&ben, "k:3", "Ben's", "three")).await.unwrap());

        let (mine, unread) = app.my_notifications(&ana, 50).await.unwrap();
        assert_eq!(unread, 2);
        let titles: Vec<_> = mine.iter().map(|n| n.title.as_str()).collect();
        assert_eq!(titles, ["Second", "First"], "newest first");
        assert!(mine.iter().all(|n| n.read_at.is_none() && n.email_state == "none"));
        let (bens, _) = app.my_notifications(&ben, 50).await.unwrap();
        assert_eq!(bens.len(), 1);
        assert_eq!(bens[0].title, "Ben's");
        assert_eq!(app.my_notifications(&ana, 1).await.unwrap().0.len(), 1);

        // Nobody marks another's notification, nor learns that it exists.
        let err = app.mark_notification_read(&ana, bens[0].id).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{err}");
        assert_eq!(app.my_notifications(&ben, 50).await.unwrap().1, 1);
        let err = app.mark_notification_read(&ana, uuid::Uuid::now_v7()).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{err}");

        app.mark_notification_read(&ana, mine[1].id).await.unwrap();
        let (after, unread) = app.my_notifications(&ana, 50).await.unwrap();
        assert_eq!(unread, 1);
        let first_read = after[1].read_at.unwrap();
        app.mark_notification_read(&ana, mine[1].id).await.unwrap();
        assert_eq!(app.my_notifications(&ana, 50).await.unwrap().0[1].read_at, Some(first_read), "keeps the first reading");

        assert_eq!(app.mark_all_read(&ana).await.unwrap(), 1);
        assert_eq!(app.my_notifications(&ana, 50).await.unwrap().1, 0);
        assert_eq!(app.my_notifications(&ben, 50).await.unwrap().1, 1, "Ben's stay unread");

        let err = app.my_notifications(&Principal::system(), 50).await.unwrap_err();
        assert!(matches!(err, AppError::Unauthenticated(_)), "{err}");
        let mut bad = note(&ana, "k:4", "Two\nlines", "x");
        assert!(matches!(app.notify_now(&bad).await, Err(AppError::Invalid(_))));
        bad.title = "Fine".into();
        bad.link = Some("javascript:alert(1)".into());
        assert!(matches!(app.notify_now(&bad).await, Err(AppError::Invalid(_))));
    }

    async fn without_smtp_nothing_waits_to_be_emailed(db: TestDb) {
        let app = crate::app(&db);
        org_of(&app, "a", vec![OrgKind::Employer]).await;
        let ana = member(&app, "a", Role::Learner).await;
        app.notify_now(&note(&ana, "k:1", "Hello", "there")).await.unwrap();
        assert_eq!(app.send_pending_emails().await.unwrap(), 0);
        let (mine, _) = app.my_notifications(&ana, 50).await.unwrap();
        assert_eq!(mine[0].email_state, "none");
        // Turning SMTP on later does not send what was written without it.
        let relay = fake_relay(false).await;
        let later = app_with_smtp(&db, relay.port);
        assert_eq!(later.send_pending_emails().await.unwrap(), 0);
        assert_eq!(*relay.connections.lock().unwrap(), 0);
    }

    async fn an_email_reaches_the_relay_once_with_its_headers_and_stuffed_dots(db: TestDb) {
        let relay = fake_relay(false).await;
        let app = app_with_smtp(&db, relay.port);
        org_of(&app, "a", vec![OrgKind::Employer]).await;
        let ana = member(&app, "a", Role::Learner).await;
        let body = "Your credential expires in 30 days.\n.\n.hidden starts with a dot\nGrüße, Cairn";
        app.notify_now(&note(&ana, "k:1", "Zertifikat läuft ab", body)).await.unwrap();
        assert_eq!(app.my_notifications(&ana, 50).await.unwrap().0[0].email_state, "pending");

        assert_eq!(app.send_pending_emails().await.unwrap(), 1);
        assert_eq!(app.send_pending_emails().await.unwrap(), 0, "sent once");
        let got = relay.received.lock().unwrap().clone();
        assert_eq!(got.len(), 1);
        let m = &got[0];
        assert_eq!(m.rcpt, "<learner@a.example>");
        assert_eq!(header(&m.data, "To"), "<learner@a.example>");
        assert_eq!(header(&m.data, "From"), "Cairn <cairn@hospital.example>");
        assert_eq!(header(&m.data, "Subject"), "=?UTF-8?B?WmVydGlmaWthdCBsw6R1ZnQgYWI=?=");
        assert_eq!(header(&m.data, "MIME-Version"), "1.0");
        assert_eq!(header(&m.data, "Content-Type"), "text/plain; charset=utf-8");
        assert!(header(&m.data, "Message-ID").ends_with("@hospital.example>"));
        assert!(time::OffsetDateTime::parse(header(&m.data, "Date"), &time::format_description::well_known::Rfc2822).is_ok());
        // The lone dot and the dot-led line went over the wire doubled, so neither ended
        // the message early.
        assert!(m.data.contains("\r\n..\r\n..hidden starts with a dot\r\n"), "{}", m.data);
        assert!(m.data.is_ascii());
        assert_eq!(
            readable_body(&m.data),
            format!("{body}\n\nhttps://cairn.hospital.example/credentials/00000000-0000-0000-0000-000000000000\n\n"),
        );
        assert_eq!(app.my_notifications(&ana, 50).await.unwrap().0[0].email_state, "sent");
    }

    async fn a_refused_recipient_is_retried_then_given_up(db: TestDb) {
        let relay = fake_relay(true).await;
        let app = app_with_smtp(&db, relay.port);
        org_of(&app, "a", vec![OrgKind::Employer]).await;
        let ana = member(&app, "a", Role::Learner).await;
        app.notify_now(&note(&ana, "k:1", "Hello", "there")).await.unwrap();
        for pass in 1..=5 {
            assert_eq!(app.send_pending_emails().await.unwrap(), 0);
            assert_eq!(*relay.connections.lock().unwrap(), pass, "one try per pass");
            let state = app.my_notifications(&ana, 50).await.unwrap().0[0].email_state.clone();
            assert_eq!(state, if pass < 5 { "pending" } else { "failed" }, "after pass {pass}");
        }
        assert_eq!(app.send_pending_emails().await.unwrap(), 0);
        assert_eq!(*relay.connections.lock().unwrap(), 5, "no try after giving up");
        assert!(relay.received.lock().unwrap().is_empty());
        // Still shown in the app.
        assert_eq!(app.my_notifications(&ana, 50).await.unwrap().1, 1);
    }

    async fn an_unreachable_relay_is_an_error_recorded_not_a_hang(db: TestDb) {
        // A port that was just free: connecting is refused at once.
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let app = app_with_smtp(&db, port);
        org_of(&app, "a", vec![OrgKind::Employer]).await;
        let ana = member(&app, "a", Role::Learner).await;
        app.notify_now(&note(&ana, "k:1", "Hello", "there")).await.unwrap();
        assert_eq!(app.send_pending_emails().await.unwrap(), 0);
        assert_eq!(app.my_notifications(&ana, 50).await.unwrap().0[0].email_state, "pending");
    }
}
