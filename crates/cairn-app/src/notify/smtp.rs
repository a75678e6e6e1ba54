//! A minimal SMTP client (RFC 5321) for handing notifications to a mail relay.
//!
//! Plain SMTP only: no AUTH and no TLS (neither STARTTLS nor implicit TLS). It is meant for
//! a relay inside the hospital network that accepts mail from this server by its address;
//! anything that crosses an untrusted network needs a relay that adds TLS onwards.
//!
//! The message is always 7-bit clean (headers as RFC 2047 encoded-words, the body as
//! quoted-printable), so it passes relays that do not offer 8BITMIME.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use time::OffsetDateTime;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// Each step (connect, every command and its reply) must finish within this.
const STEP: Duration = Duration::from_secs(10);
/// A longer reply line than this is not SMTP; refusing it bounds what a broken relay costs.
const MAX_LINE: u64 = 4096;

/// One e-mail to hand over.
pub(crate) struct Mail<'a> {
    pub from: &'a str,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    pub date: OffsetDateTime,
    /// Without angle brackets, e.g. `{uuid}@hospital.example`. Stable across retries so
    /// that a message sent twice (accepted, but not recorded as sent) can be recognized.
    pub message_id: &'a str,
}

/// Why an e-mail was not accepted; the text is safe to store and log (no message content).
#[derive(Debug, thiserror::Error)]
pub(crate) enum SmtpError {
    #[error("{step}: timed out after {} s", STEP.as_secs())]
    Timeout { step: &'static str },
    #[error("{step}: {source}")]
    Io {
        step: &'static str,
        source: std::io::Error,
    },
    #[error("{step}: the relay answered {code} {text}")]
    Refused {
        step: &'static str,
        code: u16,
        text: String,
    },
    #[error("{step}: the relay's reply is not SMTP")]
    Garbled { step: &'static str },
    #[error("{0}")]
    BadAddress(String),
}

/// Send `mail` through the relay at `host:port`.
pub(crate) async fn send(host: &str, port: u16, mail: &Mail<'_>) -> Result<(), SmtpError> {
    check_address(mail.from)?;
    check_address(mail.to)?;
    let stream = step("connect", TcpStream::connect((host, port))).await?;
    let (read, mut write) = stream.into_split();
    let mut read = BufReader::new(read);
    expect(&mut read, "greeting", &[220]).await?;
    let helo = domain_of(mail.from);
    command(&mut write, "EHLO", &format!("EHLO {helo}\r\n")).await?;
    let (code, _) = reply(&mut read, "EHLO").await?;
    if code != 250 {
        // An old relay that knows only RFC 821.
        command(&mut write, "HELO", &format!("HELO {helo}\r\n")).await?;
        expect(&mut read, "HELO", &[250]).await?;
    }
    command(
        &mut write,
        "MAIL FROM",
        &format!("MAIL FROM:<{}>\r\n", mail.from),
    )
    .await?;
    expect(&mut read, "MAIL FROM", &[250]).await?;
    command(&mut write, "RCPT TO", &format!("RCPT TO:<{}>\r\n", mail.to)).await?;
    expect(&mut read, "RCPT TO", &[250, 251]).await?;
    command(&mut write, "DATA", "DATA\r\n").await?;
    expect(&mut read, "DATA", &[354]).await?;
    let mut data = dot_stuff(&message(mail));
    data.push_str(".\r\n");
    command(&mut write, "message", &data).await?;
    expect(&mut read, "message", &[250]).await?;
    // The relay has taken the message; a failed goodbye changes nothing.
    if command(&mut write, "QUIT", "QUIT\r\n").await.is_ok() {
        let _ = reply(&mut read, "QUIT").await;
    }
    Ok(())
}

async fn step<T>(
    name: &'static str,
    f: impl std::future::Future<Output = std::io::Result<T>>,
) -> Result<T, SmtpError> {
    match tokio::time::timeout(STEP, f).await {
        Err(_) => Err(SmtpError::Timeout { step: name }),
        Ok(Err(source)) => Err(SmtpError::Io { step: name, source }),
        Ok(Ok(v)) => Ok(v),
    }
}

async fn command(
    w: &mut tokio::net::tcp::OwnedWriteHalf,
    name: &'static str,
    text: &str,
) -> Result<(), SmtpError> {
    step(name, async {
        w.write_all(text.as_bytes()).await?;
        w.flush().await
    })
    .await
}

/// A reply, possibly of several lines (`250-…` continued, `250 …` last): its code and the
/// text of its lines joined.
async fn reply(
    r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    name: &'static str,
) -> Result<(u16, String), SmtpError> {
    let fut = async {
        let mut text = Vec::new();
        loop {
            let mut line = Vec::new();
            let n = (&mut *r)
                .take(MAX_LINE)
                .read_until(b'\n', &mut line)
                .await
                .map_err(|source| SmtpError::Io { step: name, source })?;
            if n == 0 || !line.ends_with(b"\n") || line.len() < 4 {
                return Err(SmtpError::Garbled { step: name });
            }
            let line = String::from_utf8_lossy(&line);
            let line = line.trim_end_matches(['\r', '\n']);
            let code: u16 = line
                .get(..3)
                .and_then(|c| c.parse().ok())
                .ok_or(SmtpError::Garbled { step: name })?;
            text.push(line.get(4..).unwrap_or("").to_owned());
            match line.as_bytes().get(3) {
                Some(b'-') => continue,
                Some(b' ') | None => return Ok((code, text.join(" "))),
                _ => return Err(SmtpError::Garbled { step: name }),
            }
        }
    };
    match tokio::time::timeout(STEP, fut).await {
        Err(_) => Err(SmtpError::Timeout { step: name }),
        Ok(r) => r,
    }
}

async fn expect(
    r: &mut BufReader<tokio::net::tcp::OwnedReadHalf>,
    name: &'static str,
    ok: &[u16],
) -> Result<(), SmtpError> {
    let (code, text) = reply(r, name).await?;
    if ok.contains(&code) {
        Ok(())
    } else {
        Err(SmtpError::Refused {
            step: name,
            code,
            text: text.chars().take(200).collect(),
        })
    }
}

/// Addresses go into commands and headers verbatim, so anything that could end a line or
/// the angle brackets around them is refused.
fn check_address(a: &str) -> Result<(), SmtpError> {
    let ok = a.len() <= 254
        && a.split_once('@')
            .is_some_and(|(l, d)| !l.is_empty() && !d.is_empty())
        && a.chars()
            .all(|c| c.is_ascii_graphic() && !matches!(c, '<' | '>' | '(' | ')' | ',' | ';'));
    if ok {
        Ok(())
    } else {
        Err(SmtpError::BadAddress(format!(
            "'{}' is not an e-mail address this client sends to",
            a.escape_debug()
        )))
    }
}

fn domain_of(address: &str) -> &str {
    address.rsplit_once('@').map_or("localhost", |(_, d)| d)
}

/// The message: headers, a blank line, the body; lines end in CRLF, the last one too.
pub(crate) fn message(m: &Mail<'_>) -> String {
    let date = m
        .date
        .format(&time::format_description::well_known::Rfc2822)
        .unwrap_or_default();
    let mut out = String::new();
    out.push_str(&format!("From: Cairn <{}>\r\n", m.from));
    out.push_str(&format!("To: <{}>\r\n", m.to));
    out.push_str(&format!("Subject: {}\r\n", encode_header(m.subject)));
    out.push_str(&format!("Date: {date}\r\n"));
    out.push_str(&format!("Message-ID: <{}>\r\n", m.message_id));
    out.push_str("MIME-Version: 1.0\r\n");
    out.push_str("Content-Type: text/plain; charset=utf-8\r\n");
    out.push_str("Content-Transfer-Encoding: quoted-printable\r\n");
    out.push_str("\r\n");
    out.push_str(&quoted_printable(m.body));
    out
}

/// A header value: as it is when it is short printable ASCII, else RFC 2047 encoded-words
/// (UTF-8, base64), each at most 75 characters and on a folded line of its own. Line breaks
/// never survive, so a value cannot add headers.
pub(crate) fn encode_header(value: &str) -> String {
    let value: String = value
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let plain = value.chars().all(|c| c.is_ascii() && !c.is_ascii_control())
        && !value.contains("=?")
        && value.len() <= 900;
    if plain {
        return value;
    }
    // 75 - len("=?UTF-8?B?") - len("?=") = 63 base64 characters: 45 bytes of text.
    const BYTES_PER_WORD: usize = 45;
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in value.chars() {
        if chunk.len() + c.len_utf8() > BYTES_PER_WORD {
            words.push(std::mem::take(&mut chunk));
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(chunk);
    }
    words
        .iter()
        .map(|w| format!("=?UTF-8?B?{}?=", STANDARD.encode(w.as_bytes())))
        .collect::<Vec<_>>()
        .join("\r\n ")
}

/// Quoted-printable (RFC 2045 §6.7) of UTF-8 text, lines ending in CRLF (hard breaks from
/// the text's own line ends), none longer than 76 characters.
pub(crate) fn quoted_printable(text: &str) -> String {
    let mut out = String::new();
    let text = text.replace("\r\n", "\n");
    for line in text.split('\n') {
        let bytes = line.as_bytes();
        let mut width = 0;
        for (i, &b) in bytes.iter().enumerate() {
            let last = i + 1 == bytes.len();
            let literal = (b == b' ' || b == b'\t') && !last || (b.is_ascii_graphic() && b != b'=');
            let piece = if literal {
                (b as char).to_string()
            } else {
                format!("={b:02X}")
            };
            // Leave room for the soft break's '='.
            if width + piece.len() > 75 {
                out.push_str("=\r\n");
                width = 0;
            }
            width += piece.len();
            out.push_str(&piece);
        }
        out.push_str("\r\n");
    }
    out
}

/// RFC 5321 §4.5.2: a line that starts with a period gets another, so that no line of the
/// message can end it early.
pub(crate) fn dot_stuff(message: &str) -> String {
    let mut out = String::with_capacity(message.len() + 16);
    for line in message.split_inclusive("\r\n") {
        if line.starts_with('.') {
            out.push('.');
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_printable_keeps_lines_short_and_escapes_what_it_must() {
        let qp = quoted_printable("Grüße = hello \nsecond");
        assert_eq!(qp, "Gr=C3=BC=C3=9Fe =3D hello=20\r\nsecond\r\n");
        let long = quoted_printable(&"é".repeat(40));
        assert!(long.split("\r\n").all(|l| l.len() <= 76), "{long}");
        assert!(long.contains("=\r\n"));
    }

    #[test]
    fn subjects_are_encoded_only_when_they_must_be() {
        assert_eq!(encode_header("Your badge"), "Your badge");
        assert_eq!(encode_header("a\r\nBcc: x"), "a  Bcc: x");
        let e = encode_header("Zertifikat läuft ab");
        assert_eq!(e, "=?UTF-8?B?WmVydGlmaWthdCBsw6R1ZnQgYWI=?=");
        let long = encode_header(&"ü".repeat(60));
        assert!(long.split("\r\n ").all(|w| w.len() <= 75), "{long}");
        assert_eq!(long.split("\r\n ").count(), 3);
    }

    #[test]
    fn periods_at_line_starts_are_doubled() {
        assert_eq!(dot_stuff(".a\r\nb.\r\n.\r\n"), "..a\r\nb.\r\n..\r\n");
    }

    #[test]
    fn addresses_that_could_inject_are_refused() {
        assert!(check_address("a@b.example").is_ok());
        for bad in ["a@b\r\nRCPT TO:<c@d>", "a b@c", "<a@b>", "nobody", "@b"] {
            assert!(check_address(bad).is_err(), "{bad}");
        }
    }
}
