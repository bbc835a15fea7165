//! `shipgate-log`: rows appended on the log branch of a real bare remote, racing jobs, a
//! malformed log left alone, Markdown and JSON output.
use std::process::Stdio;

use predicates::str::contains;
use serde_json::Value;

use crate::fixture::TestRepo;

const LOG: &str = "shipgate-log:deployments/acme.csv";

fn released() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("feat: first");
    repo.git(&["tag", "v1.1.0"]);
    repo.commit("fix: totals\n\nRefs: SHOP-12");
    repo.git(&["tag", "v1.2.0"]);
    repo.write("shipgate.yml", "log:\n  project: Acme\n");
    repo.git(&["add", "shipgate.yml"]);
    repo.git(&["commit", "-q", "-m", "chore: config"]);
    repo
}

fn log_cmd(repo: &TestRepo) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-log");
    command
        .env("USER", "ada")
        .env_remove("SHIPGATE_ENVIRONMENT");
    command
}

fn remote_log(repo: &TestRepo) -> String {
    repo.remote_git(&["show", LOG])
}

#[test]
fn append_commits_rows_on_the_log_branch_without_touching_the_work_tree() {
    let repo = released();
    let head = repo.head();
    log_cmd(&repo)
        .args(["append", "--env", "stage", "--version", "1.2.0", "--duration", "90s", "--image", "api=1.2.0"])
        .assert()
        .success()
        .stdout(contains("appended Acme stage v1.2.0 (success) to deployments/acme.csv on branch shipgate-log (1 rows, commit "));
    log_cmd(&repo)
        .args([
            "append",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--result",
            "failure",
            "--rolled-back",
        ])
        .assert()
        .success();
    let log = remote_log(&repo);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 3, "{log}");
    assert_eq!(
        lines[0],
        "date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back,run"
    );
    assert!(
        lines[1].ends_with(",Acme,stage,1.2.0,1.1.0,api=1.2.0,SHOP-12,ada,1m30s,success,no,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].ends_with(",Acme,production,1.2.0,1.1.0,,SHOP-12,ada,,failure,yes,"),
        "{}",
        lines[2]
    );
    assert_eq!(repo.head(), head);
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
    assert_eq!(repo.git(&["rev-parse", "--abbrev-ref", "HEAD"]), "main");
    assert_eq!(
        repo.remote_git(&["rev-list", "--count", "shipgate-log"]),
        "2"
    );
    assert_eq!(
        repo.git(&["for-each-ref", "refs/shipgate/"]),
        "",
        "private refs are cleaned up"
    );
}

#[test]
fn two_jobs_appending_at_once_keep_both_rows() {
    let repo = released();
    repo.git(&["push", "-q", "origin", "main", "--tags"]);
    let other = repo.root().join("other");
    repo.git(&[
        "clone",
        "-q",
        repo.remote().to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    let spawn = |dir: &std::path::Path, env: &str| {
        let mut command = repo.process("shipgate-log");
        command
            .current_dir(dir)
            .env("USER", "ada")
            .args([
                "append",
                "--env",
                env,
                "--version",
                "1.2.0",
                "--format",
                "json",
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let jobs = [spawn(&repo.path(), "stage"), spawn(&other, "production")];
    let mut attempts = Vec::new();
    for job in jobs {
        let output = job.wait_with_output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        attempts.push(json["attempts"].as_u64().unwrap());
    }
    let log = remote_log(&repo);
    assert_eq!(log.lines().count(), 3, "{log}\nattempts: {attempts:?}");
    assert!(
        log.contains(",stage,") && log.contains(",production,"),
        "{log}"
    );
}

#[test]
fn a_malformed_log_is_reported_and_never_overwritten() {
    let repo = released();
    repo.git(&["checkout", "-q", "--orphan", "shipgate-log"]);
    repo.git(&["rm", "-rq", "--cached", "."]);
    repo.write("deployments/acme.csv", "when,what\n2026-01-01,deploy\n");
    repo.git(&["add", "deployments/acme.csv"]);
    repo.git(&["commit", "-q", "-m", "a hand-made log"]);
    repo.git(&["push", "-q", "origin", "shipgate-log"]);
    let before = repo.remote_git(&["rev-parse", "shipgate-log"]);
    repo.git(&["checkout", "-q", "-f", "main"]);
    log_cmd(&repo)
        .args(["append", "--env", "stage", "--version", "1.2.0"])
        .assert()
        .code(2)
        .stderr(contains("deployments/acme.csv on branch shipgate-log is not a valid deployment log (line 1: the header is `when,what`"))
        .stderr(contains("it was left as it is"));
    assert_eq!(repo.remote_git(&["rev-parse", "shipgate-log"]), before);
    assert_eq!(remote_log(&repo), "when,what\n2026-01-01,deploy");
}

#[test]
fn show_prints_the_log_as_markdown_and_json() {
    let repo = released();
    log_cmd(&repo)
        .args(["append", "--env", "stage", "--version", "1.2.0"])
        .assert()
        .success();
    let output = log_cmd(&repo)
        .args(["show", "--format", "markdown"])
        .output()
        .unwrap();
    let table = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(
        lines[0],
        "| date | project | environment | version | previous_version | components | tickets | who | duration | result | rolled_back | run |"
    );
    assert_eq!(
        lines[1],
        "|---|---|---|---|---|---|---|---|---|---|---|---|"
    );
    assert!(
        lines[2]
            .ends_with(" | Acme | stage | 1.2.0 | 1.1.0 |  | SHOP-12 | ada |  | success | no |  |"),
        "{table}"
    );
    let schema: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/log-output.schema.json"
    )))
    .unwrap();
    let validator = jsonschema::draft202012::new(&schema).unwrap();
    for args in [
        vec!["show", "--format", "json"],
        vec![
            "append",
            "--env",
            "production",
            "--version",
            "1.2.0",
            "--format",
            "json",
        ],
    ] {
        let output = log_cmd(&repo).args(&args).output().unwrap();
        assert!(output.status.success());
        let json: Value = serde_json::from_slice(&output.stdout).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&json)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{args:?}: {errors:#?}\n{json:#}");
    }
}

#[test]
fn show_with_no_log_yet_is_just_the_header_and_bad_input_exits_2() {
    let repo = released();
    log_cmd(&repo)
        .arg("show")
        .assert()
        .success()
        .stdout("date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back,run\n");
    log_cmd(&repo)
        .args(["append", "--env", "stage", "--version", "one"])
        .assert()
        .code(2);
}

#[test]
fn help_explains_the_branch_races_and_exit_codes() {
    let repo = TestRepo::new();
    let output = repo.binary("shipgate-log").arg("--help").output().unwrap();
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}
