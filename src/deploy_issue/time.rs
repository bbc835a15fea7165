//! Just enough RFC 3339 to tell which of two moments is later, whatever their offsets.

/// Nanoseconds since the Unix epoch of an RFC 3339 date-time (`2026-03-02T10:00:00Z`,
/// `2026-03-02T11:00:00.5+01:00`), or `None` when `text` is not one.
pub(crate) fn instant(text: &str) -> Option<i128> {
    let b = text.trim().as_bytes();
    let num = |range: std::ops::Range<usize>| -> Option<i64> {
        let digits = b.get(range)?;
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        std::str::from_utf8(digits).ok()?.parse().ok()
    };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || b[13] != b':' || b[16] != b':' {
        return None;
    }
    if !matches!(b[10], b'T' | b't' | b' ') {
        return None;
    }
    let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (hour, minute, second) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || hour > 23 || minute > 59 {
        return None;
    }
    if second > 60 {
        return None;
    }
    let mut at = 19;
    let mut nanos: i128 = 0;
    if b[at] == b'.' {
        let start = at + 1;
        let mut end = start;
        while end < b.len() && b[end].is_ascii_digit() {
            end += 1;
        }
        if end == start {
            return None;
        }
        let frac = &b[start..end.min(start + 9)];
        let value = frac
            .iter()
            .fold(0i128, |v, d| v * 10 + i128::from(d - b'0'));
        let scale = 9 - u32::try_from(frac.len()).unwrap_or(9);
        nanos = value * 10i128.pow(scale);
        at = end;
    }
    let offset_seconds: i64 = match b.get(at..)? {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let digits = [*h1, *h2, *m1, *m2];
            if !digits.iter().all(u8::is_ascii_digit) {
                return None;
            }
            let h = i64::from((h1 - b'0') * 10 + (h2 - b'0'));
            let m = i64::from((m1 - b'0') * 10 + (m2 - b'0'));
            let seconds = h * 3600 + m * 60;
            if *sign == b'+' { seconds } else { -seconds }
        }
        _ => return None,
    };
    let days = days_from_civil(year, month, day);
    let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset_seconds;
    Some(i128::from(seconds) * 1_000_000_000 + nanos)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Whether `candidate` is a later moment than `current`. A readable time beats an unreadable or
/// missing one; an unreadable candidate is never later.
pub(crate) fn is_later(candidate: Option<&str>, current: Option<&str>) -> bool {
    match (candidate.and_then(instant), current.and_then(instant)) {
        (Some(a), Some(b)) => a > b,
        (Some(_), None) => true,
        (None, _) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_and_offsets() {
        assert_eq!(instant("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            instant("2026-03-02T11:00:00+01:00"),
            instant("2026-03-02T10:00:00Z")
        );
        assert_eq!(
            instant("2026-03-02T10:00:00.5Z").map(|n| n % 1_000_000_000),
            Some(500_000_000)
        );
        assert_eq!(
            instant("2000-03-01T00:00:00Z"),
            Some(951_868_800 * 1_000_000_000)
        );
    }

    #[test]
    fn rejects_what_is_not_rfc3339() {
        for text in [
            "",
            "yesterday",
            "2026-03-02",
            "2026-13-02T10:00:00Z",
            "2026-03-02T10:00:00",
        ] {
            assert_eq!(instant(text), None, "{text}");
        }
    }

    #[test]
    fn later_compares_instants_not_text() {
        assert!(is_later(
            Some("2026-03-02T10:30:00Z"),
            Some("2026-03-02T11:00:00+01:00")
        ));
        assert!(!is_later(
            Some("2026-03-02T10:00:00Z"),
            Some("2026-03-02T10:00:00Z")
        ));
        assert!(is_later(Some("2026-03-02T10:00:00Z"), None));
        assert!(is_later(Some("2026-03-02T10:00:00Z"), Some("garbage")));
        assert!(!is_later(Some("garbage"), None));
        assert!(!is_later(None, Some("2026-03-02T10:00:00Z")));
    }
}
