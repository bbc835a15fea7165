//! The project's one written form of a moment: RFC 3339 in UTC, to the second
//! (`2026-11-24T10:00:00Z`), as answer markers, reports, logs and local-forge files carry it.
use jiff::Timestamp;

/// `at` in the project's written form: UTC, to the second (any fraction is dropped), with `Z`.
pub fn rfc3339(at: Timestamp) -> String {
    at.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// `at` without its fraction of a second: the moment [`rfc3339`] writes.
pub fn to_the_second(at: Timestamp) -> Timestamp {
    Timestamp::from_second(at.as_second()).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_in_utc_to_the_second() {
        let at: Timestamp = "2026-11-24T11:00:09.75+01:00".parse().unwrap();
        assert_eq!(rfc3339(at), "2026-11-24T10:00:09Z");
        assert_eq!(rfc3339(to_the_second(at)), rfc3339(at));
        assert_eq!(to_the_second(at).to_string(), "2026-11-24T10:00:09Z");
    }
}
