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

#[test]
fn a_rerun_of_the_same_ci_run_finds_its_row_and_adds_none() {
    let repo = released();
    let append = |run: &str, result: &str| {
        let output = log_cmd(&repo)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_RUN_ID", run)
            .args(["append", "--env", "production", "--version", "1.2.0"])
            .args(["--result", result])
            .output()
            .unwrap();
        assert!(output.status.success(), "{output:?}");
        String::from_utf8(output.stdout).unwrap()
    };
    assert!(append("4242", "success").starts_with("appended "));
    let tip = repo.remote_git(&["rev-parse", "shipgate-log"]);
    let again = append("4242", "success");
    assert!(
        again.starts_with("already in the log: Acme production v1.2.0 (success) of run 4242 in deployments/acme.csv on branch shipgate-log (commit "),
        "{again}"
    );
    assert_eq!(
        repo.remote_git(&["rev-parse", "shipgate-log"]),
        tip,
        "nothing pushed"
    );
    // Another run, or the same run with another outcome, is another row.
    assert!(append("4243", "success").starts_with("appended "));
    assert!(append("4242", "failure").starts_with("appended "));
    let log = remote_log(&repo);
    assert_eq!(log.lines().count(), 4, "{log}");
    assert_eq!(
        log.lines()
            .filter(|l| l.ends_with(",success,no,4242"))
            .count(),
        1,
        "{log}"
    );
}

#[test]
fn stale_private_refs_of_a_failed_run_do_not_break_an_append() {
    let repo = released();
    log_cmd(&repo)
        .args(["append", "--env", "stage", "--version", "1.2.0"])
        .assert()
        .success();
    // A failed run's leftovers: a log commit the remote never accepted, a tracking ref to it,
    // and a private ref to an object that does not exist at all.
    let orphan = repo.git(&["commit-tree", "-m", "log: never pushed", "HEAD^{tree}"]);
    repo.git(&[
        "update-ref",
        "refs/shipgate/log/4242-append-outgoing",
        &orphan,
    ]);
    repo.git(&["update-ref", "refs/remotes/origin/shipgate-log", &orphan]);
    let missing = repo
        .path()
        .join(".git/refs/shipgate/log/4242-append-fetched");
    std::fs::write(missing, "1234567890123456789012345678901234567890\n").unwrap();
    let before = repo.remote_git(&["rev-parse", "shipgate-log"]);
    log_cmd(&repo)
        .args(["append", "--env", "production", "--version", "1.2.0"])
        .assert()
        .success()
        .stdout(contains("(2 rows, commit "));
    let after = repo.remote_git(&["rev-parse", "shipgate-log"]);
    assert_eq!(
        repo.remote_git(&["rev-parse", &format!("{after}^")]),
        before
    );
    let log = remote_log(&repo);
    assert!(
        log.contains(",stage,") && log.contains(",production,"),
        "{log}"
    );
}

#[test]
fn formula_cells_are_escaped_in_the_csv_and_read_back_as_given() {
    let repo = released();
    let who = "=HYPERLINK(\"http://evil.example\",\"ada\")";
    log_cmd(&repo)
        .args([
            "append",
            "--env",
            "stage",
            "--version",
            "1.2.0",
            "--run",
            "@77",
        ])
        .args(["--who", who, "--image", "api=-1"])
        .assert()
        .success();
    let log = remote_log(&repo);
    let row = log.lines().nth(1).unwrap();
    assert!(
        row.ends_with(",Acme,stage,1.2.0,1.1.0,api=-1,SHOP-12,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"ada\"\")\",,success,no,'@77"),
        "{row}"
    );
    let json = log_cmd(&repo)
        .args(["show", "--format", "json"])
        .output()
        .unwrap();
    let json: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["rows"][0]["who"], who);
    assert_eq!(json["rows"][0]["run"], "@77");
    let table = log_cmd(&repo)
        .args(["show", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&table.stdout)
            .contains(" | =HYPERLINK(\"http://evil.example\",\"ada\") | ")
    );
    // The re-run is found through the escaped cell.
    log_cmd(&repo)
        .args([
            "append",
            "--env",
            "stage",
            "--version",
            "1.2.0",
            "--run",
            "@77",
        ])
        .args(["--who", who])
        .assert()
        .success()
        .stdout(contains("already in the log"));
    assert_eq!(remote_log(&repo).lines().count(), 2);
}

#[test]
fn a_log_without_the_run_column_gets_it_and_keeps_its_rows() {
    let repo = released();
    repo.git(&["checkout", "-q", "--orphan", "shipgate-log"]);
    repo.git(&["rm", "-rq", "--cached", "."]);
    let legacy = "date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back\n2026-11-24T10:42:00Z,Acme,stage,1.1.0,,,,ada,,success,no\n";
    repo.write("deployments/acme.csv", legacy);
    repo.git(&["add", "deployments/acme.csv"]);
    repo.git(&["commit", "-q", "-m", "a log of an earlier shipgate"]);
    repo.git(&["push", "-q", "origin", "shipgate-log"]);
    repo.git(&["checkout", "-q", "-f", "main"]);
    log_cmd(&repo)
        .args([
            "append",
            "--env",
            "stage",
            "--version",
            "1.2.0",
            "--run",
            "9",
        ])
        .assert()
        .success();
    let log = remote_log(&repo);
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(
        lines[0],
        "date,project,environment,version,previous_version,components,tickets,who,duration,result,rolled_back,run"
    );
    assert_eq!(
        lines[1],
        "2026-11-24T10:42:00Z,Acme,stage,1.1.0,,,,ada,,success,no,"
    );
    assert!(lines[2].ends_with(",success,no,9"), "{log}");
}

#[test]
fn pushing_to_a_local_path_without_git_is_a_clear_error() {
    let repo = released();
    let empty = repo.root().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    log_cmd(&repo)
        .env("PATH", &empty)
        .args(["append", "--env", "stage", "--version", "1.2.0"])
        .assert()
        .code(2)
        .stderr(contains(
            ", a remote on a local path, needs the git executable",
        ))
        .stderr(contains("install git"));
    assert_eq!(
        repo.remote_git(&["branch", "--list", "shipgate-log"]),
        "",
        "nothing pushed"
    );
}

#[test]
fn a_remote_given_as_a_relative_path_is_pushed_to() {
    let repo = released();
    repo.git(&["remote", "set-url", "origin", "../remote.git"]);
    log_cmd(&repo)
        .args(["append", "--env", "stage", "--version", "1.2.0"])
        .assert()
        .success();
    assert_eq!(remote_log(&repo).lines().count(), 2);
}
