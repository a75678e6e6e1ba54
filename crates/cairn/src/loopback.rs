//! A deliberately small HTTP/1.1 GET client for `cairn verify --allow-loopback`: it loads
//! did:web documents and status lists from a server on this machine only (127.0.0.1,
//! localhost, [::1]; plain http), with timeouts and a size cap. Anything else is refused,
//! so verifying a credential never reaches out to the network.

use std::io::{Read, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::time::{Duration, Instant};

use cairn_vc::did::DocumentFetcher;
use cairn_vc::jsonld::{Limits, parse_json};
use serde_json::Value;

/// Largest response body accepted.
pub const MAX_BODY: usize = 1 << 20;
/// Largest status line plus headers accepted.
const MAX_HEADERS: usize = 16 << 10;

/// Fetches JSON documents over plain http from loopback addresses only.
#[derive(Clone, Debug)]
pub struct LoopbackFetcher {
    /// Time allowed to connect, and for each read or write.
    pub io_timeout: Duration,
    /// Time allowed for the whole exchange (guards against a server that trickles bytes).
    pub total_timeout: Duration,
}

impl Default for LoopbackFetcher {
    fn default() -> Self {
        Self {
            io_timeout: Duration::from_secs(5),
            total_timeout: Duration::from_secs(15),
        }
    }
}

impl DocumentFetcher for LoopbackFetcher {
    fn fetch(&self, url: &str) -> cairn_vc::Result<Value> {
        let body = self
            .get(url)
            .map_err(|why| cairn_vc::Error::Resolution(format!("{url}: {why}")))?;
        let text = std::str::from_utf8(&body).map_err(|_| {
            cairn_vc::Error::Resolution(format!("{url}: the response is not UTF-8"))
        })?;
        parse_json(
            text,
            &Limits {
                max_bytes: MAX_BODY,
                ..Limits::default()
            },
        )
        .map_err(|e| cairn_vc::Error::Resolution(format!("{url}: {e}")))
    }
}

/// Where a loopback URL points.
#[derive(Debug, PartialEq, Eq)]
pub struct Target {
    /// The value of the Host header (`127.0.0.1:8080`).
    pub authority: String,
    /// Addresses to try, in order.
    pub addrs: Vec<SocketAddr>,
    /// Path and query (`/orgs/acme/did.json`).
    pub path: String,
}

/// Parses `http://HOST[:PORT]/PATH` and accepts only loopback hosts.
pub fn parse_url(url: &str) -> Result<Target, String> {
    let refuse_remote = |host: &str| {
        format!(
            "refusing to fetch from {host}: --allow-loopback reaches only 127.0.0.1, localhost and [::1] \
             over plain http; save the document and pass its folder with --docs DIR instead"
        )
    };
    let Some(rest) = url.strip_prefix("http://") else {
        let host = url
            .split_once("://")
            .map_or(url, |(_, r)| r.split(['/', '?', '#']).next().unwrap_or(r));
        return Err(refuse_remote(host));
    };
    let rest = rest.split('#').next().unwrap_or(rest);
    let (authority, path) = match rest.find(['/', '?']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let path = if path.starts_with('?') {
        format!("/{path}")
    } else {
        path.to_string()
    };
    if authority.contains('@') {
        return Err("URLs with user information are not fetched".into());
    }
    let (host, port) = if let Some(after) = authority.strip_prefix('[') {
        let (h, tail) = after
            .split_once(']')
            .ok_or_else(|| format!("`{authority}` is not a valid host"))?;
        (format!("[{h}]"), tail)
    } else {
        let i = authority.find(':').unwrap_or(authority.len());
        (authority[..i].to_string(), &authority[i..])
    };
    let port: u16 = match port {
        "" => 80,
        p => p
            .strip_prefix(':')
            .and_then(|p| p.parse().ok())
            .ok_or_else(|| format!("`{authority}` has an invalid port"))?,
    };
    let ips: Vec<IpAddr> = match host.to_ascii_lowercase().as_str() {
        "127.0.0.1" => vec![IpAddr::V4(Ipv4Addr::LOCALHOST)],
        "[::1]" => vec![IpAddr::V6(Ipv6Addr::LOCALHOST)],
        // Fixed addresses, not a name lookup: nothing may redirect "localhost" elsewhere.
        "localhost" => vec![
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(Ipv6Addr::LOCALHOST),
        ],
        _ => return Err(refuse_remote(&host)),
    };
    Ok(Target {
        authority: authority.to_string(),
        addrs: ips
            .into_iter()
            .map(|ip| SocketAddr::new(ip, port))
            .collect(),
        path,
    })
}

impl LoopbackFetcher {
    /// GETs `url` and returns the body of a 200 response.
    pub fn get(&self, url: &str) -> Result<Vec<u8>, String> {
        let target = parse_url(url)?;
        let deadline = Instant::now() + self.total_timeout;
        let mut last_error = String::from("no address to connect to");
        let mut stream = None;
        for addr in &target.addrs {
            match TcpStream::connect_timeout(addr, self.io_timeout) {
                Ok(s) => {
                    stream = Some(s);
                    break;
                }
                Err(e) => last_error = format!("cannot connect to {addr}: {e}"),
            }
        }
        let mut stream = stream.ok_or(last_error)?;
        let io = |e: std::io::Error| format!("while talking to {}: {e}", target.authority);
        stream.set_read_timeout(Some(self.io_timeout)).map_err(io)?;
        stream
            .set_write_timeout(Some(self.io_timeout))
            .map_err(io)?;
        let request = format!(
            "GET {} HTTP/1.1\r\nHost: {}\r\nAccept: application/did+json, application/json;q=0.9, */*;q=0.1\r\n\
             User-Agent: cairn/{}\r\nConnection: close\r\n\r\n",
            target.path,
            target.authority,
            env!("CARGO_PKG_VERSION")
        );
        stream.write_all(request.as_bytes()).map_err(io)?;
        read_response(&mut stream, deadline).map_err(|e| match e {
            ReadError::Io(e) => io(e),
            ReadError::Http(m) => m,
        })
    }
}

enum ReadError {
    Io(std::io::Error),
    Http(String),
}

impl From<String> for ReadError {
    fn from(m: String) -> Self {
        Self::Http(m)
    }
}

/// Reads into `buf` until `done(buf)` or end of stream; fails past `cap` bytes or the deadline.
fn fill(
    r: &mut impl Read,
    buf: &mut Vec<u8>,
    cap: usize,
    deadline: Instant,
    done: impl Fn(&[u8]) -> bool,
) -> Result<bool, ReadError> {
    let mut chunk = [0u8; 8192];
    while !done(buf) {
        if Instant::now() > deadline {
            return Err(ReadError::Http("the server took too long to answer".into()));
        }
        let n = match r.read(&mut chunk) {
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ReadError::Io(e)),
        };
        if n == 0 {
            return Ok(false);
        }
        buf.extend_from_slice(&chunk[..n]);
        if buf.len() > cap {
            return Err(ReadError::Http(format!(
                "the response is larger than {} KiB",
                cap >> 10
            )));
        }
    }
    Ok(true)
}

fn header_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n")
}

fn read_response(r: &mut impl Read, deadline: Instant) -> Result<Vec<u8>, ReadError> {
    let mut buf = Vec::new();
    let cap = MAX_HEADERS + MAX_BODY;
    if !fill(r, &mut buf, cap, deadline, |b| header_end(b).is_some())? {
        return Err(ReadError::Http(
            "the server closed the connection before sending a complete HTTP response".into(),
        ));
    }
    let end = header_end(&buf).unwrap_or(buf.len());
    if end > MAX_HEADERS {
        return Err(ReadError::Http("the response headers are too large".into()));
    }
    let head = String::from_utf8_lossy(&buf[..end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let (version, code) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if !version.starts_with("HTTP/1.") {
        return Err(ReadError::Http(format!(
            "not an HTTP/1.x response: `{status_line}`"
        )));
    }
    if code != "200" {
        let hint = if code.starts_with('3') {
            " (redirects are not followed)"
        } else {
            ""
        };
        return Err(ReadError::Http(format!(
            "the server answered `{status_line}`{hint}; only 200 OK is accepted"
        )));
    }
    let mut content_length = None;
    let mut chunked = false;
    for line in lines {
        let Some((name, value)) = line.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if name.eq_ignore_ascii_case("content-length") {
            let n: usize = value
                .parse()
                .map_err(|_| format!("invalid Content-Length `{value}`"))?;
            if n > MAX_BODY {
                return Err(ReadError::Http(format!(
                    "the document is {n} bytes; the limit is {} KiB",
                    MAX_BODY >> 10
                )));
            }
            content_length = Some(n);
        } else if name.eq_ignore_ascii_case("transfer-encoding") {
            chunked = value
                .rsplit(',')
                .next()
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("chunked"));
            if !chunked {
                return Err(ReadError::Http(format!(
                    "unsupported Transfer-Encoding `{value}`"
                )));
            }
        }
    }
    let body_start = end + 4;
    if chunked {
        // Connection: close was asked for, so the body ends with the stream.
        fill(r, &mut buf, cap, deadline, |_| false)?;
        return Ok(decode_chunked(&buf[body_start..])?);
    }
    match content_length {
        Some(n) => {
            let want = body_start + n;
            if !fill(r, &mut buf, cap, deadline, |b| b.len() >= want)? {
                return Err(ReadError::Http(format!(
                    "the response body ended after {} of {n} bytes",
                    buf.len() - body_start
                )));
            }
            Ok(buf[body_start..want].to_vec())
        }
        None => {
            fill(r, &mut buf, cap, deadline, |_| false)?;
            Ok(buf[body_start..].to_vec())
        }
    }
}

/// Decodes a complete `Transfer-Encoding: chunked` body.
fn decode_chunked(mut raw: &[u8]) -> Result<Vec<u8>, String> {
    let bad = || "malformed chunked response body".to_string();
    let mut out = Vec::new();
    loop {
        let line_end = raw.windows(2).position(|w| w == b"\r\n").ok_or_else(bad)?;
        let size_text = std::str::from_utf8(&raw[..line_end]).map_err(|_| bad())?;
        let size_text = size_text.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| bad())?;
        raw = &raw[line_end + 2..];
        if size == 0 {
            return Ok(out);
        }
        if raw.len() < size + 2 || &raw[size..size + 2] != b"\r\n" {
            return Err(bad());
        }
        out.extend_from_slice(&raw[..size]);
        if out.len() > MAX_BODY {
            return Err(format!(
                "the response is larger than {} KiB",
                MAX_BODY >> 10
            ));
        }
        raw = &raw[size + 2..];
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_hosts() {
        let t = parse_url("http://127.0.0.1:8080/orgs/acme/did.json").unwrap();
        assert_eq!(t.authority, "127.0.0.1:8080");
        assert_eq!(t.path, "/orgs/acme/did.json");
        assert_eq!(t.addrs, vec!["127.0.0.1:8080".parse().unwrap()]);
        let t = parse_url("http://[::1]:9/x?y=1#frag").unwrap();
        assert_eq!(t.addrs, vec!["[::1]:9".parse().unwrap()]);
        assert_eq!(t.path, "/x?y=1");
        assert_eq!(parse_url("http://LOCALHOST").unwrap().addrs.len(), 2);
        for bad in [
            "https://example.com/did.json",
            "http://example.com/did.json",
            "http://127.0.0.2/x",
            "http://127.0.0.1.example.com/x",
            "http://user@127.0.0.1/x",
            "https://127.0.0.1/x",
            "ftp://localhost/x",
        ] {
            assert!(parse_url(bad).is_err(), "{bad}");
        }
        assert!(
            parse_url("https://issuer.example/.well-known/did.json")
                .unwrap_err()
                .contains("issuer.example")
        );
        assert!(parse_url("http://127.0.0.1:99999/").is_err());
    }

    #[test]
    fn responses() {
        let far = Instant::now() + Duration::from_secs(5);
        let ok = |raw: &str| {
            read_response(&mut raw.as_bytes(), far).map_err(|e| match e {
                ReadError::Io(e) => e.to_string(),
                ReadError::Http(m) => m,
            })
        };
        assert_eq!(
            ok("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}trailing").unwrap(),
            b"{}"
        );
        assert_eq!(ok("HTTP/1.0 200 OK\r\n\r\n[1]").unwrap(), b"[1]");
        assert_eq!(
            ok("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3\r\n{\"a\r\n4;x=y\r\n\":1}\r\n0\r\n\r\n")
                .unwrap(),
            b"{\"a\":1}"
        );
        assert!(
            ok("HTTP/1.1 404 Not Found\r\n\r\n")
                .unwrap_err()
                .contains("404")
        );
        assert!(
            ok("HTTP/1.1 301 Moved\r\nLocation: x\r\n\r\n")
                .unwrap_err()
                .contains("redirect")
        );
        assert!(
            ok("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{}")
                .unwrap_err()
                .contains("ended")
        );
        assert!(
            ok("HTTP/1.1 200 OK\r\nContent-Length: 99999999\r\n\r\n")
                .unwrap_err()
                .contains("limit")
        );
        assert!(ok("HTTP/1.1 200 OK\r\n").unwrap_err().contains("closed"));
        let big = format!(
            "HTTP/1.1 200 OK\r\n\r\n{}",
            "x".repeat(MAX_BODY + MAX_HEADERS + 1)
        );
        assert!(ok(&big).unwrap_err().contains("larger"));
    }
}
