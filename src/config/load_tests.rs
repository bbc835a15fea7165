//! [`load`] and [`parse`]: what a good file gives, and the exact text of every kind of error.
use std::path::Path;

use super::promote::{AccessLevel, GitHubPermission};
use super::schema::Dialect;
use super::windows::Weekday;
use super::*;

fn err(text: &str) -> String {
    parse(text, "shipgate.yml").unwrap_err().to_string()
}

#[test]
fn empty_and_comment_only_files_give_the_defaults() {
    for text in [
        "",
        "\n",
        "# only a comment\n",
        "---\n",
        "windows:\n",
        "windows:\n  # hours: x\n",
    ] {
        assert_eq!(parse(text, "f").unwrap(), Config::default(), "{text:?}");
    }
}

#[test]
fn defaults() {
    let c = Config::default();
    assert_eq!(c.environments, ["stage", "production"]);
    assert_eq!(c.schema.dialect, Dialect::Postgres);
    assert_eq!(c.promote.github.permission, GitHubPermission::Maintain);
    assert_eq!(c.promote.gitlab.access_level.value(), 40);
    assert_eq!(c.windows.timezone.as_str(), "UTC");
    assert_eq!(c.windows.hours, DailyHours::ALL_DAY);
    assert_eq!(c.windows.min_time_left, Minutes(0));
    assert_eq!(c.windows.non_working_days, [Weekday::Sat, Weekday::Sun]);
    assert_eq!(
        c.windows.deny_weekdays,
        [Weekday::Fri, Weekday::Sat, Weekday::Sun]
    );
    assert!(c.windows.deny_day_before_holiday);
    assert!(c.windows.gitlab_freeze_periods);
    assert_eq!(c.windows.holidays_file, None);
    assert_eq!(c.windows.high_risk, windows::PolicyOverlay::default());
    assert!(c.windows.environments["stage"].open);
}

#[test]
fn window_policies_per_environment_and_risk() {
    let text = "\
environments: [stage, production]
windows:
  non_working_days: [fri, sat]
  holidays_file: ops/holidays.ics
  vacations: [{ from: 2026-08-03, to: 2026-08-21, reason: summer }]
  freezes: [{ from: 2026-12-18T18:00, to: 2027-01-07T08:00, environments: [production] }]
  gitlab_freeze_periods: false
  high_risk:
    deny_weekdays: [thu]
    min_time_left: 2h
  environments:
    stage: { open: true }
    production: { hours: \"09:00-17:00\", min_time_left: 60m, high_risk: { deny_weekdays: [fri] } }
";
    let w = parse(text, "f").unwrap().windows;
    assert_eq!(w.non_working_days, [Weekday::Fri, Weekday::Sat]);
    assert_eq!(
        w.holidays_file.as_deref(),
        Some(Path::new("ops/holidays.ics"))
    );
    assert_eq!(w.vacations[0].reason.as_deref(), Some("summer"));
    assert_eq!(w.freezes[0].environments, ["production"]);
    assert!(!w.gitlab_freeze_periods);
    assert_eq!(w.high_risk.min_time_left, Some(Minutes(120)));
    let production = &w.environments["production"];
    assert_eq!(
        production.hours.map(|h| h.to_string()).as_deref(),
        Some("09:00-17:00")
    );
    assert_eq!(
        production
            .high_risk
            .as_ref()
            .and_then(|h| h.deny_weekdays.clone()),
        Some(vec![Weekday::Fri])
    );
    let policy = w.policy("production", true);
    assert_eq!(policy.min_time_left, Minutes(120));
    assert!(
        policy.high_risk_weekdays.is_empty(),
        "Friday is denied already"
    );
}

#[test]
fn window_environments_must_be_configured() {
    assert_eq!(
        err("windows:\n  environments:\n    prodution: { hours: \"09:00-17:00\" }\n"),
        "shipgate.yml:3:16: `windows.environments.prodution`: `prodution` is not one of the \
         environments (stage, production); check `environments`"
    );
    assert_eq!(
        err(
            "windows:\n  freezes:\n    - { from: 2026-12-18T18:00, to: 2026-12-19T00:00, environments: [qa] }\n"
        ),
        "shipgate.yml:3:70: `windows.freezes[0].environments[0]`: `qa` is not one of the \
         environments (stage, production); check `environments`"
    );
    // The built-in `stage: { open: true }` is no error where there is no stage.
    assert!(parse("environments: [qa, production]\n", "f").is_ok());
}

#[test]
fn min_time_left_must_leave_time_in_the_hours() {
    assert_eq!(
        err("windows:\n  hours: \"09:00-10:00\"\n  min_time_left: 1h\n"),
        "shipgate.yml:3:18: `windows.min_time_left`: 60m leaves no time to start a deployment \
         within the hours 09:00-10:00 (production); make it shorter than the hours"
    );
    assert_eq!(
        err("windows:\n  hours: \"09:00-17:00\"\n  high_risk: { min_time_left: 8h }\n"),
        "shipgate.yml:3:31: `windows.high_risk.min_time_left`: 480m leaves no time to start a \
         deployment within the hours 09:00-17:00 (high-risk releases to production); make it \
         shorter than the hours"
    );
    assert_eq!(
        err(
            "windows:\n  environments:\n    production: { hours: \"09:00-10:00\", min_time_left: 2h }\n"
        ),
        "shipgate.yml:3:56: `windows.environments.production.min_time_left`: 120m leaves no time \
         to start a deployment within the hours 09:00-10:00 (production); make it shorter than \
         the hours"
    );
}

#[test]
fn the_design_sketch_parses() {
    let text = "\
version:
  tag_prefix: \"v\"
  initial: \"0.1.0\"
  types: { feat: minor, fix: patch }
  manifests: [Cargo.toml, package.json]
schema:
  dialect: mysql
  paths: [db/migrate, migrations]
  post_deploy_paths: [db/post_migrate]
environments: [stage, production]
promote:
  github: { permission: admin }
  gitlab: { access_level: 50 }
  users: [alice]
windows:
  timezone: Europe/Madrid
  deny_weekdays: [fri, sat, sun]
  deny_day_before_holiday: true
  holidays: [2026-12-25, 2027-01-01]
  vacations: [{ from: 2026-08-03, to: 2026-08-21 }]
  freezes: [{ from: 2026-12-18T18:00, to: 2027-01-07T08:00, reason: year-end }]
  hours: \"09:00-17:00\"
  min_time_left: 1h30m
";
    let c = parse(text, "f").unwrap();
    assert_eq!(c.schema.dialect, Dialect::Mysql);
    assert_eq!(c.schema.post_deploy_paths, ["db/post_migrate"]);
    assert_eq!(c.promote.github.permission, GitHubPermission::Admin);
    assert_eq!(c.promote.gitlab.access_level, AccessLevel::Owner);
    assert_eq!(c.promote.users, ["alice"]);
    let w = &c.windows;
    assert_eq!(w.deny_weekdays, [Weekday::Fri, Weekday::Sat, Weekday::Sun]);
    assert_eq!(w.holidays[1].to_string(), "2027-01-01");
    assert_eq!(w.vacations[0].to.day(), 21);
    assert_eq!(w.freezes[0].from.to_string(), "2026-12-18T18:00");
    assert_eq!(w.freezes[0].reason.as_deref(), Some("year-end"));
    assert_eq!(w.hours.to_string(), "09:00-17:00");
    assert_eq!(w.min_time_left, Minutes(90));
}

#[test]
fn unknown_key_at_top_level() {
    assert_eq!(
        err("version: {}\nwindoes: {}\n"),
        "shipgate.yml:2:1: unknown key `windoes` at the top level; valid keys: version, schema, \
         environments, promote, windows, issue, forge, gates, prometheus, notify, log, deploy"
    );
}

#[test]
fn unknown_key_nested() {
    let expected = "unknown key `tag_prefx` in `version`; valid keys: tag_prefix, initial, types, \
                    pre_major_breaking, pre_major_feature, manifests, commit_message";
    assert_eq!(
        err("version: {tag_prefx: x}\n"),
        format!("shipgate.yml:1:11: {expected}")
    );
    assert_eq!(
        err("version:\n  tag_prefx: x\n"),
        format!("shipgate.yml:2:3: {expected}")
    );
    assert_eq!(
        err("windows:\n  freezes:\n  - from: 2026-08-03T10:00\n    too: x\n"),
        "shipgate.yml:4:5: unknown key `too` in `windows.freezes[0]`; valid keys: from, to, reason, \
         environments"
    );
}

#[test]
fn manifest_entries_take_path_pattern_and_all() {
    use super::version::ManifestEntry;
    let text = "version:\n  manifests:\n    - VERSION\n    - { path: ci.yml, pattern: '@v(.+)' }\n    \
                - { path: ci.yml, pattern: '@v(.+)', all: true }\n";
    let c = parse(text, "f").unwrap();
    let entries = c.version.manifests.unwrap();
    assert!(matches!(
        &entries[1],
        ManifestEntry::Pattern { all: false, .. }
    ));
    assert!(matches!(
        &entries[2],
        ManifestEntry::Pattern { all: true, .. }
    ));

    let expected = "`version.manifests`: each manifest is a path such as Cargo.toml, or a \
                    mapping with the keys `path` and `pattern`, and optionally `all` (true or false)";
    for entry in [
        "{ path: ci.yml, pattern: '@v(.+)', al: true }",
        "{ path: ci.yml, pattern: '@v(.+)', all: \"yes\" }",
        "{ path: ci.yml }",
    ] {
        assert_eq!(
            err(&format!("version:\n  manifests:\n    - {entry}\n")),
            format!("shipgate.yml:3:5: {expected}"),
            "{entry}"
        );
    }
}

#[test]
fn bad_enum_value() {
    assert_eq!(
        err("schema:\n  dialect: postgress\n"),
        "shipgate.yml:2:12: invalid value `postgress` for `schema.dialect`; valid values: \
         postgres, mysql, sqlite"
    );
    assert_eq!(
        err("windows:\n  deny_weekdays: [fri, monday]\n"),
        "shipgate.yml:2:24: invalid value `monday` for `windows.deny_weekdays[1]`; valid values: \
         mon, tue, wed, thu, fri, sat, sun"
    );
}

#[test]
fn bad_semver() {
    assert_eq!(
        err("version:\n  initial: 1.x\n"),
        "shipgate.yml:2:12: `version.initial`: unexpected character 'x' while parsing minor \
         version number; write a full semantic version such as \"0.1.0\""
    );
}

#[test]
fn wrong_type() {
    assert_eq!(
        err("schema:\n  paths: db\n"),
        "shipgate.yml:2:10: `schema.paths`: invalid type: string \"db\", expected a sequence"
    );
    assert_eq!(
        err("windows:\n  deny_day_before_holiday: yes\n"),
        "shipgate.yml:2:28: `windows.deny_day_before_holiday`: invalid type: string \"yes\", \
         expected a boolean (true or false)"
    );
    assert_eq!(
        err("[]\n"),
        "shipgate.yml:1:1: invalid type: sequence, expected a mapping"
    );
}

#[test]
fn bad_date() {
    assert_eq!(
        err("windows:\n  holidays: [2026-12-25, 2026-02-30]\n"),
        "shipgate.yml:2:26: `windows.holidays[1]`: invalid date `2026-02-30`: 2026-02 has 28 days"
    );
    assert_eq!(
        err("windows:\n  vacations: [{from: 2026-08-03, to: 2026-08-01}]\n"),
        "shipgate.yml:2:38: `windows.vacations[0].to`: the vacation ends (2026-08-01) before it \
         starts (2026-08-03); `to` is the last day off, on or after `from`"
    );
}

#[test]
fn bad_hours() {
    assert_eq!(
        err("windows:\n  hours: 9-5\n"),
        "shipgate.yml:2:10: `windows.hours`: invalid hours `9-5`: write HH:MM-HH:MM with times \
         from 00:00 to 24:00, e.g. \"09:00-17:00\" (\"00:00-24:00\" means all day)"
    );
}

#[test]
fn bad_access_level() {
    assert_eq!(
        err("promote:\n  gitlab: {access_level: 35}\n"),
        "shipgate.yml:2:26: `promote.gitlab.access_level`: invalid access level 35; use 30 \
         (Developer), 40 (Maintainer) or 50 (Owner)"
    );
}

#[test]
fn bad_promote_values_name_the_fix() {
    assert_eq!(
        err("promote:\n  prefix: \"\"\n"),
        "shipgate.yml:2:11: `promote.prefix`: invalid command prefix ``; use 1 to 8 characters \
         without spaces, such as `/` or `!`"
    );
    assert_eq!(
        err("promote:\n  dispatch: .github/workflows/deploy.yml\n"),
        "shipgate.yml:2:13: `promote.dispatch`: `.github/workflows/deploy.yml` is a path; name \
         the workflow file in .github/workflows only, such as `deploy.yml`"
    );
    assert_eq!(
        err("promote:\n  teams: [acme/release, ops]\n"),
        "shipgate.yml:2:25: `promote.teams[1]`: invalid team `ops`; write `org/team-slug` \
         (GitHub) or a group path such as `acme/release-managers` (GitLab)"
    );
}

#[test]
fn bad_environments_still_get_a_line() {
    assert_eq!(
        err("# deployment targets\nenvironments: []\n"),
        "shipgate.yml:2:15: `environments`: the list is empty; name at least one environment, \
         e.g. [stage, production], or remove the key to use that default"
    );
    assert_eq!(
        err("environments:\n  - stage\n  - production\n  - stage\n"),
        "shipgate.yml:4:5: `environments[2]`: `stage` is listed twice; each environment must \
         appear once"
    );
}

#[test]
fn yaml_syntax_error() {
    assert_eq!(
        err("version:\n  tag_prefix: a: b\n"),
        "shipgate.yml:2:16: invalid YAML: mapping values are not allowed in this context"
    );
}

#[test]
fn missing_default_file_gives_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(DEFAULT_PATH);
    assert_eq!(load(&path, false).unwrap(), Config::default());
}

#[test]
fn missing_explicit_file_is_an_error_naming_it() {
    let err = load(Path::new("ci/shipgate.yml"), true).unwrap_err();
    assert!(matches!(err, ConfigError::NotFound { .. }));
    assert_eq!(
        err.to_string(),
        "ci/shipgate.yml: config file not found; check the path given with --config, or leave \
         --config out to use shipgate.yml (or the defaults if it is absent)"
    );
}

#[test]
fn load_reads_the_file_and_labels_errors_with_its_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("shipgate.yml");
    std::fs::write(&path, "environments: [production]\n").unwrap();
    assert_eq!(load(&path, true).unwrap().environments, ["production"]);
    std::fs::write(&path, "\nschema: {dialect: oracle}\n").unwrap();
    let message = load(&path, false).unwrap_err().to_string();
    assert_eq!(
        message,
        format!(
            "{}:2:19: invalid value `oracle` for `schema.dialect`; valid values: postgres, \
             mysql, sqlite",
            path.display()
        )
    );
}

#[test]
fn a_directory_is_a_read_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = load(dir.path(), true).unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }), "{err}");
}
