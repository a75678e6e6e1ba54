//! The string formats xAPI requires (IRI, UUID, language tag, timestamp, duration, media
//! type), checked by hand: validation is the ingest hot path, so no regex and no allocation.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};
use uuid::Uuid;

/// An absolute IRI: a scheme, a colon and something after it, with no whitespace or
/// characters IRIs exclude. IRLs are checked the same way (a resolvable IRI has a scheme).
pub fn is_iri(s: &str) -> bool {
    let Some(colon) = s.find(':') else {
        return false;
    };
    let scheme = &s.as_bytes()[..colon];
    let Some((first, rest)) = scheme.split_first() else {
        return false;
    };
    first.is_ascii_alphabetic()
        && rest
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'-' | b'.'))
        && s.len() > colon + 1
        && !s
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"'))
}

/// A UUID in the standard hyphenated form only (xAPI refuses braces, URNs and bare hex).
pub fn parse_uuid(s: &str) -> Option<Uuid> {
    let b = s.as_bytes();
    if b.len() != 36 {
        return None;
    }
    for (i, c) in b.iter().enumerate() {
        let ok = if matches!(i, 8 | 13 | 18 | 23) {
            *c == b'-'
        } else {
            c.is_ascii_hexdigit()
        };
        if !ok {
            return None;
        }
    }
    Uuid::parse_str(s).ok()
}

/// An `mbox`: `mailto:` and an address with one `@` between non-empty parts.
pub fn is_mailto(s: &str) -> bool {
    let Some(addr) = s.strip_prefix("mailto:") else {
        return false;
    };
    match addr.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.is_empty()
                && !domain.contains('@')
                && !addr.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    }
}

/// 40 hexadecimal digits.
pub fn is_sha1_hex(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A SHA-224/256/384/512 digest in hexadecimal.
pub fn is_sha2_hex(s: &str) -> bool {
    matches!(s.len(), 56 | 64 | 96 | 128) && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// `type/subtype` with optional `; parameters` (RFC 6838 token characters).
pub fn is_media_type(s: &str) -> bool {
    let main = s.split(';').next().unwrap_or("").trim();
    let Some((ty, sub)) = main.split_once('/') else {
        return false;
    };
    let token = |t: &str| {
        !t.is_empty()
            && t.bytes().all(|b| {
                b.is_ascii_alphanumeric()
                    || matches!(
                        b,
                        b'!' | b'#'
                            | b'$'
                            | b'&'
                            | b'-'
                            | b'^'
                            | b'_'
                            | b'.'
                            | b'+'
                            | b'%'
                            | b'*'
                            | b'\''
                            | b'`'
                            | b'|'
                            | b'~'
                    )
            })
    };
    token(ty) && token(sub)
}

/// A language tag per RFC 5646 (BCP 47): language with extlangs, script, region,
/// variants, extensions and private use, in that order; plus the irregular grandfathered
/// tags still in the registry.
pub fn is_language_tag(s: &str) -> bool {
    const IRREGULAR: &[&str] = &[
        "en-GB-oed",
        "i-ami",
        "i-bnn",
        "i-default",
        "i-enochian",
        "i-hak",
        "i-klingon",
        "i-lux",
        "i-mingo",
        "i-navajo",
        "i-pwn",
        "i-tao",
        "i-tay",
        "i-tsu",
        "sgn-BE-FR",
        "sgn-BE-NL",
        "sgn-CH-DE",
    ];
    if IRREGULAR.iter().any(|t| t.eq_ignore_ascii_case(s)) {
        return true;
    }
    let alpha = |t: &str| t.bytes().all(|b| b.is_ascii_alphabetic());
    let digit = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    let alnum = |t: &str| t.bytes().all(|b| b.is_ascii_alphanumeric());

    // States: 0 start, 1 after a 2-3 letter language or its extlangs, 2 after a longer one,
    // 3 after script, 4 after region, 5 variants, 6 in an extension needing a subtag,
    // 7 in an extension, 8 private use needing a subtag, 9 in private use.
    let mut state = 0u8;
    let mut extlangs = 0;
    for part in s.split('-') {
        let n = part.len();
        if n == 0 || n > 8 || !alnum(part) {
            return false;
        }
        state = match state {
            0 if part.eq_ignore_ascii_case("x") => 8,
            0 if alpha(part) && (2..=3).contains(&n) => 1,
            0 if alpha(part) && (4..=8).contains(&n) => 2,
            0 => return false,
            8 | 9 => 9,
            6 if n >= 2 => 7,
            6 => return false,
            _ if part.eq_ignore_ascii_case("x") => 8,
            7 if n == 1 => 6,
            7 => 7,
            _ if n == 1 => 6,
            1 if alpha(part) && n == 3 => {
                extlangs += 1;
                1
            }
            1 | 2 if alpha(part) && n == 4 => 3,
            1..=3 if (alpha(part) && n == 2) || (digit(part) && n == 3) => 4,
            1..=5 if (5..=8).contains(&n) || (n == 4 && part.as_bytes()[0].is_ascii_digit()) => 5,
            _ => return false,
        };
        if state == 1 && extlangs > 3 {
            return false;
        }
    }
    !matches!(state, 0 | 6 | 8)
}

/// An ISO 8601 date-time with a time zone (extended or basic format), as an instant.
/// A negative zero offset (`-00`, `-0000`, `-00:00`) means "zone unknown" in RFC 3339 and
/// is refused.
pub fn parse_timestamp(s: &str) -> Option<OffsetDateTime> {
    let b = s.as_bytes();
    let mut i = 0;
    let num = |i: &mut usize, n: usize| -> Option<u32> {
        let d = b.get(*i..*i + n)?;
        if !d.iter().all(u8::is_ascii_digit) {
            return None;
        }
        *i += n;
        Some(d.iter().fold(0u32, |a, c| a * 10 + u32::from(c - b'0')))
    };
    let year = num(&mut i, 4)?;
    let extended = b.get(i) == Some(&b'-');
    let sep = |i: &mut usize, c: u8| -> Option<()> {
        if extended {
            if b.get(*i) != Some(&c) {
                return None;
            }
            *i += 1;
        }
        Some(())
    };
    sep(&mut i, b'-')?;
    let month = num(&mut i, 2)?;
    sep(&mut i, b'-')?;
    let day = num(&mut i, 2)?;
    if !matches!(b.get(i), Some(b'T' | b't')) {
        return None;
    }
    i += 1;
    let hour = num(&mut i, 2)?;
    sep(&mut i, b':')?;
    let minute = num(&mut i, 2)?;
    let mut second = 0;
    let mut nanos = 0u32;
    let has_seconds = if extended {
        b.get(i) == Some(&b':')
    } else {
        b.get(i).is_some_and(u8::is_ascii_digit)
    };
    if has_seconds {
        sep(&mut i, b':')?;
        second = num(&mut i, 2)?;
        if matches!(b.get(i), Some(b'.' | b',')) {
            i += 1;
            let start = i;
            let mut scale = 100_000_000u32;
            while let Some(c) = b.get(i).filter(|c| c.is_ascii_digit()) {
                nanos += u32::from(c - b'0') * scale;
                scale /= 10;
                i += 1;
            }
            if i == start {
                return None;
            }
        }
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' => {
            i += 1;
            0i32
        }
        sign @ (b'+' | b'-') => {
            i += 1;
            let h = num(&mut i, 2)?;
            let m = if i == b.len() {
                0
            } else {
                // Offsets without the colon are common in extended-format stamps too.
                if b.get(i) == Some(&b':') {
                    i += 1;
                }
                num(&mut i, 2)?
            };
            if *sign == b'-' && h == 0 && m == 0 {
                return None;
            }
            let secs = i32::try_from(h * 3600 + m * 60).ok()?;
            if *sign == b'-' { -secs } else { secs }
        }
        _ => return None,
    };
    if i != b.len() {
        return None;
    }
    let date = Date::from_calendar_date(
        i32::try_from(year).ok()?,
        Month::try_from(u8::try_from(month).ok()?).ok()?,
        u8::try_from(day).ok()?,
    )
    .ok()?;
    let time = Time::from_hms_nano(
        u8::try_from(hour).ok()?,
        u8::try_from(minute).ok()?,
        u8::try_from(second).ok()?,
        nanos,
    )
    .ok()?;
    let offset = UtcOffset::from_whole_seconds(offset).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_offset(offset))
}

/// An ISO 8601 duration: `PnW`, or `P[nY][nM][nD][T[nH][nM][nS]]` with at least one part,
/// decimals allowed.
pub fn is_duration(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('P') else {
        return false;
    };
    if let Some(w) = rest.strip_suffix('W') {
        return is_decimal(w);
    }
    let (date, time) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let parts = |mut text: &str, units: &[u8]| -> Option<usize> {
        let mut count = 0;
        let mut next_unit = 0;
        while !text.is_empty() {
            let end = text.find(|c: char| c.is_ascii_alphabetic())?;
            let unit = text.as_bytes()[end];
            let pos = units[next_unit..].iter().position(|u| *u == unit)? + next_unit;
            if !is_decimal(&text[..end]) {
                return None;
            }
            next_unit = pos + 1;
            count += 1;
            text = &text[end + 1..];
        }
        Some(count)
    };
    let Some(date_parts) = parts(date, b"YMD") else {
        return false;
    };
    match time {
        None => date_parts > 0,
        Some(t) => matches!(parts(t, b"HMS"), Some(n) if n > 0),
    }
}

fn is_decimal(s: &str) -> bool {
    let (int, frac) = match s.find(['.', ',']) {
        Some(p) => (&s[..p], Some(&s[p + 1..])),
        None => (s, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// A version a statement may carry: `1.0`, `1.0.x`, `2.0` or `2.0.x`.
pub fn is_statement_version(s: &str) -> bool {
    let rest = match s.strip_prefix("1.0").or_else(|| s.strip_prefix("2.0")) {
        Some(r) => r,
        None => return false,
    };
    rest.is_empty()
        || rest
            .strip_prefix('.')
            .is_some_and(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_follow_rfc_5646() {
        for ok in [
            "en",
            "en-US",
            "zh-Hant-TW",
            "sr-Latn-RS",
            "es-419",
            "de-CH-1996",
            "x-private",
            "en-a-bbb-x-a-ccc",
            "zh-yue-HK",
            "i-klingon",
            "und",
        ] {
            assert!(is_language_tag(ok), "{ok}");
        }
        for bad in [
            "",
            "e",
            "en-",
            "-en",
            "en--US",
            "12",
            "en-US-",
            "abcdefghi",
            "en-a",
            "x",
            "en_US",
            "en-x",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    #[test]
    fn timestamps_need_a_zone_and_refuse_negative_zero() {
        for ok in [
            "2008-09-15T15:53:00.601+00:00",
            "2008-09-15T15:53:00Z",
            "2008-09-15T15:53Z",
            "20080915T155300Z",
            "2008-09-15T15:53:00.601-05:00",
            "2008-09-15T15:53:00.601+0530",
            "2008-09-15T15:53:00.601+05",
        ] {
            assert!(parse_timestamp(ok).is_some(), "{ok}");
        }
        for bad in [
            "01/011/2015",
            "should fail",
            "2008-09-15T15:53:00.601-00",
            "2008-09-15T15:53:00.601-0000",
            "2008-09-15T15:53:00.601-00:00",
            "2008-09-15T15:53:00",
            "2008-02-30T15:53:00Z",
            "2008-09-15T25:53:00Z",
            "2008-09-15 15:53:00Z",
        ] {
            assert!(parse_timestamp(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn durations_follow_iso_8601() {
        for ok in [
            "PT1H0M0S",
            "P1Y2M3DT4H5M6.7S",
            "P3W",
            "PT0.5S",
            "P1D",
            "PT1M",
        ] {
            assert!(is_duration(ok), "{ok}");
        }
        for bad in [
            "", "P", "PT", "1H", "PT1H2H", "PT1S1M", "P1H", "PTS", "P1.S",
        ] {
            assert!(!is_duration(bad), "{bad}");
        }
    }

    #[test]
    fn uuids_only_in_the_hyphenated_form() {
        assert!(parse_uuid("fd41c918-b88b-4b20-a0a5-a4c32391aaa0").is_some());
        assert!(parse_uuid("AA97B177-9383-4934-8543-0F91A7A028368").is_none());
        assert!(parse_uuid("MA97B177-9383-4934-8543-0F91A7A02836").is_none());
        assert!(parse_uuid("fd41c918b88b4b20a0a5a4c32391aaa0").is_none());
    }

    #[test]
    fn iris_need_a_scheme() {
        assert!(is_iri("http://adlnet.gov/expapi/verbs/attempted"));
        assert!(is_iri("urn:uuid:1"));
        assert!(!is_iri("adlnet.gov/verbs"));
        assert!(!is_iri(""));
        assert!(!is_iri("http://a b"));
        assert!(!is_iri("1http://x"));
    }
}
