//! Every rule, table-driven: what is denied, why, and the next allowed moment.
use std::path::Path;

use jiff::Timestamp;
use jiff::civil::DateTime;
use jiff::tz::TimeZone;

use super::*;
use crate::forge::FreezePeriod;

const MADRID: &str = "\
environments: [stage, qa, production]
windows:
  timezone: Europe/Madrid
  holidays: [2026-12-08]
  holidays_file: ops/holidays.ics
  vacations:
    - { from: 2026-08-03, to: 2026-08-21, reason: summer }
    - { from: 2026-10-14, to: 2026-10-15 }
  freezes:
    - { from: 2026-12-18T18:00, to: 2027-01-07T08:00, reason: year-end }
    - { from: 2026-11-10T00:00, to: 2026-11-11T00:00, reason: stage rebuild, environments: [stage] }
  hours: \"09:00-17:00\"
  min_time_left: 60m
  high_risk: { deny_weekdays: [thu], min_time_left: 2h }
  environments:
    stage: { open: true }
    qa: { deny_weekdays: [], deny_day_before_holiday: false, hours: \"06:00-22:00\", min_time_left: 0m }
";

const HOLIDAYS: &str = "BEGIN:VCALENDAR\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20261225\r
DTEND;VALUE=DATE:20261227\r
SUMMARY:Christmas\r
END:VEVENT\r
BEGIN:VEVENT\r
DTSTART;VALUE=DATE:20260501\r
RRULE:FREQ=YEARLY\r
SUMMARY:Labour Day\r
END:VEVENT\r
END:VCALENDAR\r
";

const NEW_YORK: &str = "\
environments: [gap, margin, early]
windows:
  timezone: America/New_York
  deny_weekdays: []
  deny_day_before_holiday: false
  hours: \"01:30-03:30\"
  environments:
    margin: { min_time_left: 60m }
    early: { hours: \"00:00-01:30\" }
";

fn calendar(yaml: &str) -> Calendar {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("ops")).unwrap();
    std::fs::write(dir.path().join("ops/holidays.ics"), HOLIDAYS).unwrap();
    let config = crate::config::parse(yaml, "shipgate.yml").unwrap();
    Calendar::load(&config.windows, dir.path()).unwrap()
}

/// A wall-clock time in `zone` as an instant (the earlier one in a fold).
fn local(text: &str, zone: &str) -> Timestamp {
    let dt: DateTime = text.parse().unwrap();
    dt.to_zoned(TimeZone::get(zone).unwrap())
        .unwrap()
        .timestamp()
}

fn utc(text: &str) -> Timestamp {
    text.parse().unwrap()
}

struct Case {
    env: &'static str,
    risk: Risk,
    at: Timestamp,
    /// `None`: allowed; else the reason and the next allowed instant (UTC).
    denied: Option<(&'static str, Option<&'static str>)>,
}

fn run(cal: &Calendar, cases: &[Case]) {
    for (i, case) in cases.iter().enumerate() {
        let verdict = cal.check(case.env, case.risk, case.at);
        let label = format!("case {i}: {} {} at {}", case.env, case.risk, case.at);
        match case.denied {
            None => {
                assert!(verdict.allowed, "{label}: {}", verdict.reason());
                assert_eq!(verdict.reason(), "allowed");
                assert_eq!(verdict.next, None, "{label}");
            }
            Some((reason, next)) => {
                assert!(!verdict.allowed, "{label}: allowed");
                assert_eq!(verdict.reason(), reason, "{label}");
                assert_eq!(verdict.next, next.map(utc), "{label}");
            }
        }
        if let Some(next) = verdict.next {
            assert!(cal.check(case.env, case.risk, next).allowed, "{label}");
        }
    }
}

fn madrid(text: &str) -> Timestamp {
    local(text, "Europe/Madrid")
}

#[test]
fn every_rule_in_madrid() {
    use Risk::{High, Low};
    let cal = calendar(MADRID);
    let case = |env, risk, at, denied| Case {
        env,
        risk,
        at,
        denied,
    };
    run(
        &cal,
        &[
            case("production", Low, madrid("2026-11-24T10:00"), None),
            // Weekday and the day before a non-working day.
            case(
                "production",
                Low,
                madrid("2026-11-27T10:00"),
                Some((
                    "Friday is a denied weekday for production; Friday 2026-11-27 is the day \
                     before a non-working day (Saturday)",
                    Some("2026-11-30T08:00:00Z"),
                )),
            ),
            // high_risk adds Thursday and a longer margin.
            case(
                "production",
                High,
                madrid("2026-11-26T10:00"),
                Some((
                    "Thursday is a denied weekday for high-risk releases to production",
                    Some("2026-11-30T08:00:00Z"),
                )),
            ),
            case("production", Low, madrid("2026-11-26T10:00"), None),
            case("production", High, madrid("2026-11-24T15:00"), None),
            case(
                "production",
                High,
                madrid("2026-11-24T15:01"),
                Some((
                    "only 119m left before the deployment hours end at 17:00; min_time_left is \
                     120m",
                    Some("2026-11-25T08:00:00Z"),
                )),
            ),
            // Hours and min_time_left.
            case(
                "production",
                Low,
                madrid("2026-11-24T08:15"),
                Some((
                    "08:15 is outside the deployment hours 09:00-17:00 Europe/Madrid",
                    Some("2026-11-24T08:00:00Z"),
                )),
            ),
            case(
                "production",
                Low,
                madrid("2026-11-24T16:30"),
                Some((
                    "only 30m left before the deployment hours end at 17:00; min_time_left is 60m",
                    Some("2026-11-25T08:00:00Z"),
                )),
            ),
            case(
                "production",
                Low,
                madrid("2026-11-24T17:00"),
                Some((
                    "17:00 is outside the deployment hours 09:00-17:00 Europe/Madrid",
                    Some("2026-11-25T08:00:00Z"),
                )),
            ),
            // Holidays: the config's, and the day before one.
            case(
                "production",
                Low,
                madrid("2026-12-07T10:00"),
                Some((
                    "Monday 2026-12-07 is the day before a holiday (2026-12-08)",
                    Some("2026-12-09T08:00:00Z"),
                )),
            ),
            case(
                "production",
                Low,
                madrid("2026-12-08T12:00"),
                Some(("2026-12-08 is a holiday", Some("2026-12-09T08:00:00Z"))),
            ),
            // Holidays from the .ics file, a yearly one included.
            case(
                "production",
                Low,
                madrid("2026-04-30T10:00"),
                Some((
                    "Thursday 2026-04-30 is the day before a holiday (2026-05-01, Labour Day)",
                    Some("2026-05-04T07:00:00Z"),
                )),
            ),
            case(
                "qa",
                Low,
                madrid("2028-05-01T10:00"),
                Some((
                    "2028-05-01 is a holiday (Labour Day)",
                    Some("2028-05-02T04:00:00Z"),
                )),
            ),
            // Vacations, and the day before one.
            case(
                "production",
                Low,
                madrid("2026-08-10T10:00"),
                Some((
                    "vacation \"summer\" (2026-08-03 to 2026-08-21)",
                    Some("2026-08-24T07:00:00Z"),
                )),
            ),
            case(
                "production",
                Low,
                madrid("2026-10-13T10:00"),
                Some((
                    "Tuesday 2026-10-13 is the day before a vacation (from 2026-10-14)",
                    Some("2026-10-19T07:00:00Z"),
                )),
            ),
            // A freeze from the config; its end falls before the hours.
            case(
                "production",
                Low,
                madrid("2026-12-21T10:00"),
                Some((
                    "freeze \"year-end\" until 2027-01-07 08:00 Europe/Madrid",
                    Some("2027-01-07T08:00:00Z"),
                )),
            ),
            // An open environment skips every rule, unnamed freezes too...
            case("stage", High, madrid("2026-12-25T23:30"), None),
            // ...but not a freeze that names it.
            case(
                "stage",
                Low,
                madrid("2026-11-10T12:00"),
                Some((
                    "freeze \"stage rebuild\" until 2026-11-11 00:00 Europe/Madrid",
                    Some("2026-11-10T23:00:00Z"),
                )),
            ),
            // A per-environment policy.
            case("qa", High, madrid("2026-11-27T19:59"), None),
            case(
                "qa",
                Low,
                madrid("2026-11-27T22:00"),
                Some((
                    "22:00 is outside the deployment hours 06:00-22:00 Europe/Madrid",
                    Some("2026-11-28T05:00:00Z"),
                )),
            ),
        ],
    );
}

#[test]
fn gitlab_weekend_freeze_across_the_spring_change() {
    let cal = calendar(MADRID)
        .with_freeze_periods(&[FreezePeriod {
            freeze_start: "0 23 * * 5".into(),
            freeze_end: "0 7 * * 1".into(),
            cron_timezone: "Europe/Madrid".into(),
        }])
        .unwrap();
    assert_eq!(cal.freeze_period_count(), 1);
    run(
        &cal,
        &[
            Case {
                env: "qa",
                risk: Risk::Low,
                at: madrid("2026-03-27T21:00"),
                denied: None,
            },
            Case {
                env: "qa",
                risk: Risk::Low,
                at: madrid("2026-03-28T10:00"),
                denied: Some((
                    "GitLab deploy freeze (`0 23 * * 5` to `0 7 * * 1`, Europe/Madrid) until \
                     2026-03-30 07:00 Europe/Madrid",
                    // Monday 07:00 CEST, the day after the change.
                    Some("2026-03-30T05:00:00Z"),
                )),
            },
            Case {
                env: "stage",
                risk: Risk::High,
                at: madrid("2026-03-28T10:00"),
                denied: None,
            },
        ],
    );
}

#[test]
fn hours_across_dst_changes_in_new_york() {
    let cal = calendar(NEW_YORK);
    let case = |env, at: &str, denied| Case {
        env,
        risk: Risk::Low,
        at: utc(at),
        denied,
    };
    let outside =
        |time: &str| format!("{time} is outside the deployment hours 01:30-03:30 America/New_York");
    let before = outside("01:00");
    let after = outside("03:30");
    let fold = outside("01:00");
    run(
        &cal,
        &[
            // Spring forward, 2026-03-08: 02:00 EST becomes 03:00 EDT.
            case(
                "gap",
                "2026-03-08T06:00:00Z",
                Some((before.leak(), Some("2026-03-08T06:30:00Z"))),
            ),
            case("gap", "2026-03-08T06:45:00Z", None), // 01:45 EST
            case("gap", "2026-03-08T07:00:00Z", None), // 03:00 EDT
            case(
                "gap",
                "2026-03-08T07:30:00Z",
                Some((after.leak(), Some("2026-03-09T05:30:00Z"))),
            ),
            // The margin counts real minutes: at 01:31 EST only 59 are left before 03:30 EDT.
            case("margin", "2026-03-08T06:30:00Z", None),
            case(
                "margin",
                "2026-03-08T06:31:00Z",
                Some((
                    "only 59m left before the deployment hours end at 03:30; min_time_left is 60m",
                    Some("2026-03-09T05:30:00Z"),
                )),
            ),
            // Fall back, 2026-11-01: 02:00 EDT becomes 01:00 EST; 01:00-01:59 happens twice.
            case("gap", "2026-11-01T05:30:00Z", None), // 01:30 EDT
            case(
                "gap",
                "2026-11-01T06:00:00Z",
                Some((fold.leak(), Some("2026-11-01T06:30:00Z"))),
            ), // 01:00 EST
            case(
                "early",
                "2026-11-01T05:45:00Z", // 01:45 EDT, past the hours until the clock goes back
                Some((
                    "01:45 is outside the deployment hours 00:00-01:30 America/New_York",
                    Some("2026-11-01T06:00:00Z"),
                )),
            ),
        ],
    );
}

#[test]
fn hours_that_start_in_the_spring_gap_in_madrid() {
    let cal = calendar(
        "windows:\n  timezone: Europe/Madrid\n  deny_weekdays: []\n  deny_day_before_holiday: false\n  hours: \"02:30-04:00\"\n",
    );
    // 2026-03-29: 02:00 CET becomes 03:00 CEST, so 02:30 never shows; 03:00 CEST is inside.
    let verdict = cal.check("production", Risk::Low, utc("2026-03-29T00:59:00Z"));
    assert_eq!(verdict.next, Some(utc("2026-03-29T01:00:00Z")));
    // 2026-10-25: 03:00 CEST becomes 02:00 CET; after 04:00 CEST comes no second chance.
    let verdict = cal.check("production", Risk::Low, utc("2026-10-25T00:30:00Z")); // 02:30 CEST
    assert!(verdict.allowed);
    let verdict = cal.check("production", Risk::Low, utc("2026-10-25T03:00:00Z")); // 04:00 CET
    assert_eq!(verdict.next, Some(utc("2026-10-26T01:30:00Z")));
}

#[test]
fn nothing_allowed_within_the_horizon_is_said() {
    let cal = calendar("windows:\n  deny_weekdays: [mon, tue, wed, thu, fri, sat, sun]\n");
    let verdict = cal.check("production", Risk::Low, utc("2026-11-24T10:00:00Z"));
    assert_eq!(verdict.next, None);
    assert_eq!(
        verdict.reason(),
        "Tuesday is a denied weekday for production; no allowed moment in the next 400 days"
    );
}

#[test]
fn load_errors_name_the_zone_and_the_file() {
    let config = crate::config::parse("windows: {timezone: Europe/Atlantis}\n", "f").unwrap();
    let err = Calendar::load(&config.windows, Path::new(".")).unwrap_err();
    assert!(matches!(err, WindowError::UnknownTimeZone { .. }), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let config = crate::config::parse("windows: {holidays_file: ops/none.ics}\n", "f").unwrap();
    let err = Calendar::load(&config.windows, dir.path()).unwrap_err();
    assert!(
        err.to_string()
            .contains("ops/none.ics: cannot read the holidays file"),
        "{err}"
    );

    std::fs::write(
        dir.path().join("bad.ics"),
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:2026\nEND:VEVENT\nEND:VCALENDAR\n",
    )
    .unwrap();
    let config = crate::config::parse("windows: {holidays_file: bad.ics}\n", "f").unwrap();
    let err = Calendar::load(&config.windows, dir.path()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "{}:3: DTSTART `2026` is not a date; write YYYYMMDD, e.g. 20261225",
            dir.path().join("bad.ics").display()
        )
    );
}

#[test]
fn time_zones_come_with_the_binary() {
    let bundled = jiff::tz::TimeZoneDatabase::bundled();
    for zone in ["Europe/Madrid", "America/New_York", "Australia/Lord_Howe"] {
        assert!(bundled.get(zone).is_ok(), "{zone}");
    }
}
