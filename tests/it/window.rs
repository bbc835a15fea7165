//! `shipgate-window` against real repositories and the fake GitLab API: exit codes, outputs,
//! the JSON shape, risk from the release, and GitLab deploy freeze periods.
use predicates::str::contains;
use serde_json::Value;

use crate::fake_gitlab::{FakeGitlab, Fault, PROJECT_ID};
use crate::fixture::TestRepo;

const TOKEN: &str = "glpat-window-token";

/// Madrid; production 09:00-17:00 with a margin, Thursdays closed for high-risk releases.
const CONFIG: &str = "\
environments: [stage, production]
windows:
  timezone: Europe/Madrid
  holidays_file: ops/holidays.ics
  hours: \"09:00-17:00\"
  min_time_left: 60m
  high_risk: { deny_weekdays: [thu] }
";

const HOLIDAYS: &str = "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20261208\nSUMMARY:Immaculate Conception\nEND:VEVENT\nEND:VCALENDAR\n";

/// Tuesday 10:00 in Madrid.
const TUESDAY: &str = "2026-11-24T10:00:00+01:00";
/// Friday 10:00 in Madrid.
const FRIDAY: &str = "2026-11-27T10:00:00+01:00";
/// Thursday 10:00 in Madrid.
const THURSDAY: &str = "2026-11-26T10:00:00+01:00";

fn repo() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("shipgate.yml", CONFIG);
    repo.write("ops/holidays.ics", HOLIDAYS);
    repo.commit("chore: window config");
    repo
}

fn window(repo: &TestRepo) -> assert_cmd::Command {
    repo.binary("shipgate-window")
}

fn json(repo: &TestRepo, args: &[&str]) -> (i32, Value) {
    let output = window(repo)
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().unwrap(), value)
}

#[test]
fn allowed_exits_0_and_denied_exits_1_with_the_next_moment() {
    let repo = repo();
    window(&repo)
        .args(["--at", TUESDAY])
        .assert()
        .code(0)
        .stdout(
            "allowed: production at 2026-11-24 10:00 Europe/Madrid (risk low: no release \
             version known; no schema report)\n",
        );
    window(&repo)
        .args(["--at", FRIDAY, "--env", "production"])
        .assert()
        .code(1)
        .stdout(
            "denied: production at 2026-11-27 10:00 Europe/Madrid (risk low: no release \
             version known; no schema report): Friday is a denied weekday for production; \
             Friday 2026-11-27 is the day before a non-working day (Saturday); next allowed \
             2026-11-30 09:00 Europe/Madrid (2026-11-30T08:00:00Z)\n",
        );
    // stage is open by default; the holidays file is read from the repository root.
    window(&repo)
        .args(["--at", FRIDAY, "--env", "stage"])
        .assert()
        .code(0);
    window(&repo)
        .args(["--at", "2026-12-08T12:00:00+01:00"])
        .assert()
        .code(1)
        .stdout(contains(
            "2026-12-08 is a holiday (Immaculate Conception); next allowed 2026-12-09 09:00",
        ));
}

#[test]
fn outputs_go_to_github_output_the_summary_and_dotenv() {
    let repo = repo();
    let output = repo.root().join("github_output");
    let summary = repo.root().join("summary.md");
    let dotenv = repo.root().join("window.env");
    window(&repo)
        .args(["--at", FRIDAY, "--dotenv"])
        .arg(&dotenv)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .code(1);
    let reason = "Friday is a denied weekday for production; Friday 2026-11-27 is the day \
                  before a non-working day (Saturday)";
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        format!("allowed=false\nreason={reason}\nnext=2026-11-30T08:00:00Z\nrisk=low\n")
    );
    assert_eq!(
        std::fs::read_to_string(&dotenv).unwrap(),
        format!(
            "SHIPGATE_ALLOWED=false\nSHIPGATE_REASON={reason}\n\
             SHIPGATE_NEXT=2026-11-30T08:00:00Z\nSHIPGATE_RISK=low\n"
        )
    );
    let summary_text = std::fs::read_to_string(&summary).unwrap();
    assert!(
        summary_text.starts_with(":no_entry: **Deployment window closed** for `production`"),
        "{summary_text}"
    );
    assert!(summary_text.contains("Next allowed: **2026-11-30 09:00 Europe/Madrid**"));

    // Allowed: outputs, but nothing in the summary.
    let summary = repo.root().join("summary-allowed.md");
    window(&repo)
        .args(["--at", TUESDAY])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .code(0);
    assert!(
        std::fs::read_to_string(&output)
            .unwrap()
            .ends_with("allowed=true\nreason=allowed\nnext=\nrisk=low\n")
    );
    assert!(!summary.exists());
}

#[test]
fn usage_errors_exit_2() {
    let repo = repo();
    window(&repo)
        .args(["--at", "tomorrow"])
        .assert()
        .code(2)
        .stderr(contains("--at tomorrow: not an RFC 3339 instant"));
    window(&repo)
        .args(["--env", "prod"])
        .assert()
        .code(2)
        .stderr(contains(
            "--env prod is not one of the configured environments (stage, production)",
        ));
    repo.write(
        "ops/holidays.ics",
        "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART:20261208T090000\nEND:VEVENT\nEND:VCALENDAR\n",
    );
    window(&repo).assert().code(2).stderr(contains(
        "ops/holidays.ics:3: DTSTART `20261208T090000` has a time of day",
    ));
    repo.write(
        "shipgate.yml",
        "windows: {hours: \"09:00-10:00\", min_time_left: 2h}\n",
    );
    window(&repo)
        .assert()
        .code(2)
        .stderr(contains("shipgate.yml:1:48: `windows.min_time_left`"));
}

#[test]
fn json_output_matches_its_schema() {
    let schema: Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/window-output.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let repo = repo();
    let (code, allowed) = json(&repo, &["--at", TUESDAY]);
    assert_eq!(code, 0);
    assert_eq!(allowed["allowed"], true);
    assert_eq!(allowed["next"], Value::Null);
    let (code, denied) = json(&repo, &["--at", FRIDAY, "--risk", "high"]);
    assert_eq!(code, 1);
    assert_eq!(denied["next"], "2026-11-30T08:00:00Z");
    assert_eq!(denied["risk"], "high");
    assert_eq!(denied["risk_reason"], "given with --risk");
    for value in [&allowed, &denied] {
        let errors: Vec<String> = validator
            .iter_errors(value)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{value}: {errors:#?}");
    }
    assert!(
        !validator.is_valid(&serde_json::json!({ "allowed": "yes" })),
        "the schema can fail"
    );
}

#[test]
fn risk_is_high_after_a_major_bump_or_a_risky_schema_report() {
    let repo = repo();
    repo.git(&["tag", "v1.4.2"]);
    repo.commit("feat!: new API");
    repo.git(&["tag", "v2.0.0"]);
    window(&repo)
        .args(["--at", THURSDAY])
        .assert()
        .code(1)
        .stdout(contains("(risk high: major bump 1.4.2 → 2.0.0)"))
        .stdout(contains(
            "Thursday is a denied weekday for high-risk releases to production",
        ));
    // A minor release is low risk, on Thursday too.
    window(&repo)
        .args(["--at", THURSDAY, "--release", "v1.5.0"])
        .assert()
        .code(0)
        .stdout(contains(
            "(risk low: 1.5.0 after 1.4.2 is no major bump; no schema report)",
        ));
    // --risk wins over the tag.
    window(&repo)
        .args(["--at", THURSDAY, "--risk", "low"])
        .assert()
        .code(0);

    let report = repo.root().join("schema.json");
    std::fs::write(
        &report,
        r#"{"order":"code-first","reason":"r","pre_deploy":[],"post_deploy":["db/migrate/2.rb"],"migrations":[{"path":"db/migrate/2.rb","framework":"rails","class":"destructive","post_deploy":false,"findings":[{"rule":"SG102","severity":"warning","class":"destructive","line":3,"column":5,"message":"m","help":"h"}]}]}"#,
    )
    .unwrap();
    window(&repo)
        .args(["--at", THURSDAY, "--release", "1.5.0", "--schema-report"])
        .arg(&report)
        .assert()
        .code(1)
        .stdout(contains(
            "(risk high: schema order code-first; 1 destructive schema change)",
        ));
    std::fs::write(&report, "{}").unwrap();
    window(&repo)
        .args(["--schema-report"])
        .arg(&report)
        .assert()
        .code(2)
        .stderr(contains("schema.json"));
}

/// `shipgate-window` as a GitLab CI job runs it.
fn in_gitlab_ci(repo: &TestRepo, fake: &FakeGitlab) -> assert_cmd::Command {
    let mut command = window(repo);
    command
        .env("GITLAB_CI", "true")
        .env("CI_API_V4_URL", fake.api_url())
        .env("CI_PROJECT_ID", PROJECT_ID)
        .env("GITLAB_TOKEN", TOKEN);
    command
}

/// Weekends allowed, so that only the GitLab freeze denies.
const OPEN_WEEK: &str = "\
windows:
  timezone: Europe/Madrid
  deny_weekdays: []
  deny_day_before_holiday: false
";

#[test]
fn gitlab_freeze_periods_deny_until_their_end() {
    let fake = FakeGitlab::start(TOKEN, "project_42_bot");
    fake.add_freeze("0 23 * * 5", "0 7 * * 1", "Europe/Madrid");
    let repo = repo();
    repo.write("shipgate.yml", OPEN_WEEK);
    let saturday = "2026-03-28T10:00:00+01:00";
    in_gitlab_ci(&repo, &fake)
        .args(["--at", saturday])
        .assert()
        .code(1)
        .stdout(contains(
            "GitLab deploy freeze (`0 23 * * 5` to `0 7 * * 1`, Europe/Madrid) until 2026-03-30 \
             07:00 Europe/Madrid; next allowed 2026-03-30 07:00 Europe/Madrid \
             (2026-03-30T05:00:00Z)",
        ));
    assert!(
        fake.requests()
            .iter()
            .any(|r| r.path == "/api/v4/projects/42/freeze_periods"),
        "{:#?}",
        fake.requests()
    );
    let (code, report) = {
        let output = in_gitlab_ci(&repo, &fake)
            .args(["--at", saturday, "--format", "json"])
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            serde_json::from_slice::<Value>(&output.stdout).unwrap(),
        )
    };
    assert_eq!(
        (code, report["gitlab_freeze_periods"].as_u64()),
        (1, Some(1))
    );

    // Turned off in the config, or no token: not read.
    repo.write(
        "shipgate.yml",
        &format!("{OPEN_WEEK}  gitlab_freeze_periods: false\n"),
    );
    in_gitlab_ci(&repo, &fake)
        .args(["--at", saturday])
        .assert()
        .code(0);
    repo.write("shipgate.yml", OPEN_WEEK);
    in_gitlab_ci(&repo, &fake)
        .args(["--at", saturday])
        .env_remove("GITLAB_TOKEN")
        .assert()
        .code(0)
        .stderr(contains("GITLAB_TOKEN is not set"));
    // Off GitLab CI, --forge gitlab reads them too.
    window(&repo)
        .args([
            "--at",
            saturday,
            "--forge",
            "gitlab",
            "--repository",
            PROJECT_ID,
        ])
        .args(["--api-url", &fake.api_url()])
        .env("GITLAB_TOKEN", TOKEN)
        .assert()
        .code(1);
}

#[test]
fn a_gitlab_api_failure_is_retried_then_exits_3() {
    let fake = FakeGitlab::start(TOKEN, "project_42_bot");
    fake.add_freeze("0 23 * * 5", "0 7 * * 1", "Europe/Madrid");
    let repo = repo();
    repo.write("shipgate.yml", OPEN_WEEK);
    // One failure: retried, and the answer is used.
    fake.fail("GET", "freeze_periods", Fault::ServerError, 1);
    in_gitlab_ci(&repo, &fake)
        .args(["--at", "2026-03-28T10:00:00+01:00"])
        .assert()
        .code(1)
        .stdout(contains("GitLab deploy freeze"));
    let calls = |fake: &FakeGitlab| {
        fake.requests()
            .iter()
            .filter(|r| r.path.ends_with("/freeze_periods"))
            .count()
    };
    assert_eq!(calls(&fake), 2);
    // Failing every time: exit 3 after the retries.
    fake.clear_requests();
    fake.fail("GET", "freeze_periods", Fault::ServerError, 100);
    in_gitlab_ci(&repo, &fake)
        .args(["--at", "2026-03-28T10:00:00+01:00"])
        .assert()
        .code(3)
        .stderr(contains("reading the GitLab deploy freeze periods"));
    assert!(calls(&fake) > 1, "retried");
}

#[test]
fn help_explains_rules_outputs_and_exit_codes() {
    let repo = TestRepo::new();
    let output = window(&repo).arg("--help").output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}
