//! `shipgate-verify --issue` and `--on-fail-rollback` against the local forge: passed gates
//! tick their checklist items, a failed gate gets one comment per CI run, and a failure names
//! the previous successful release to roll back to.
use predicates::str::contains;
use serde_json::Value;
use shipgate::deploy_issue::parse;

use crate::fixture::TestRepo;

/// A repository with releases v0.1.0 and v0.2.0 and the deployment issue of v0.2.0 (#1 is
/// v0.1.0's, closed as superseded).
fn repo_with_issue(config: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.write("shipgate.yml", config);
    repo.commit("feat: first");
    repo.version().arg("--no-push").assert().success();
    issue(&repo).arg("open").assert().success();
    issue(&repo)
        .args(["record", "--env", "production", "--status", "success"])
        .env("GITHUB_RUN_ID", "100")
        .assert()
        .success();
    repo.commit("feat: second");
    repo.version().arg("--no-push").assert().success();
    issue(&repo).arg("open").assert().success();
    repo
}

fn issue(repo: &TestRepo) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-issue");
    command.env("USER", "ada");
    command
}

fn verify(repo: &TestRepo, run: &str) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-verify");
    command
        .env("USER", "ada")
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_RUN_ID", run)
        .args(["--forge", "local"]);
    command
}

fn body(repo: &TestRepo, number: u64) -> String {
    std::fs::read_to_string(
        repo.path()
            .join(format!(".shipgate/forge/issues/{number}/body.md")),
    )
    .unwrap()
}

/// The comments on issue `number` besides the sealed release, sorted.
fn comments(repo: &TestRepo, number: u64) -> Vec<String> {
    let dir = repo
        .path()
        .join(format!(".shipgate/forge/issues/{number}/comments"));
    let mut bodies: Vec<String> = std::fs::read_dir(&dir)
        .map(|entries| {
            entries
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|x| x == "md"))
                .map(|p| std::fs::read_to_string(p).unwrap())
                .filter(|body| !crate::fixture::is_release_claim(body))
                .collect()
        })
        .unwrap_or_default();
    bodies.sort();
    bodies
}

const CONFIG: &str = "\
gates:
  - { name: backup, type: file, path: db.dump, checklist: Backups verified }
  - { name: smoke, type: command, command: [\"false\"], checklist: Stage verified }
  - { name: soak, type: wait, duration: 0s, checklist: Not in the checklist }
";

#[test]
fn passed_gates_tick_and_failed_gates_comment_once_per_run() {
    let repo = repo_with_issue(CONFIG);
    repo.write("db.dump", "backup");
    let before = body(&repo, 2);
    assert!(before.contains("- [ ] Backups verified"));

    verify(&repo, "200")
        .args(["--issue", "--keep-going", "--release", "0.2.0"])
        .assert()
        .code(1)
        .stdout(contains(
            "issue #2: ticked Backups verified; commented on smoke\n",
        ))
        .stderr(contains(
            "issue #2: the checklist has no item \"Not in the checklist\" to tick",
        ));
    let after = body(&repo, 2);
    assert_eq!(
        after,
        before.replacen("- [ ] Backups verified", "- [x] Backups verified", 1),
        "only the passed gate's item is ticked"
    );
    assert!(after.contains("- [ ] Stage verified"));
    let first = comments(&repo, 2);
    assert_eq!(first.len(), 1);
    assert!(
        first[0].starts_with(":x: **Gate `smoke` (command) failed**\n\n`false` exited 1"),
        "{}",
        first[0]
    );
    assert!(first[0].contains("| exit_code | `1` |"));
    assert!(
        first[0]
            .trim_end()
            .ends_with("<!-- shipgate:verify smoke run 200 -->")
    );

    // The same CI run again: nothing new. Another run: one more comment.
    verify(&repo, "200")
        .args(["--issue", "--keep-going", "--release", "0.2.0"])
        .assert()
        .code(1)
        .stdout(contains("issue #2: ticked nothing; commented on nothing\n"));
    assert_eq!(comments(&repo, 2).len(), 1);
    let out = verify(&repo, "201")
        .args(["--issue", "--release", "v0.2.0", "--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        report["issue"],
        serde_json::json!({"number": 2, "ticked": [], "commented": ["smoke"]})
    );
    assert_eq!(comments(&repo, 2).len(), 2);
    verify(&repo, "201")
        .args(["--issue", "--release", "v0.2.0"])
        .assert()
        .code(1);
    assert_eq!(comments(&repo, 2).len(), 2);
    assert!(
        parse(&body(&repo, 2))
            .checklist
            .iter()
            .any(|i| i.text == "Backups verified" && i.checked)
    );

    // No issue for the release: a usage error naming the fix.
    verify(&repo, "202")
        .args(["--issue", "--release", "0.9.0"])
        .assert()
        .code(2)
        .stderr(contains("there is no open deployment issue for v0.9.0"));
}

#[test]
fn a_failure_names_the_previous_successful_release() {
    let repo = repo_with_issue(CONFIG);
    let output = repo.root().join("github_output");
    let out = verify(&repo, "300")
        .args([
            "--on-fail-rollback",
            "--env",
            "production",
            "--format",
            "json",
        ])
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_REF_TYPE", "tag")
        .env("GITHUB_REF_NAME", "v0.2.0")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["failed_gates"], serde_json::json!(["backup"]));
    assert_eq!(report["rollback_to"], "v0.1.0");
    let schema: Value = serde_json::from_str(include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/schemas/verify-output.schema.json"
    )))
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    assert!(validator.is_valid(&report), "{report:#}");
    assert_eq!(
        std::fs::read_to_string(&output).unwrap(),
        "passed=false\nfailed-gates=backup\ninconclusive-gates=\nrollback-to=v0.1.0\n"
    );
    // Only the release that failed has been deployed: nothing to roll back to.
    verify(&repo, "301")
        .args([
            "--on-fail-rollback",
            "--env",
            "production",
            "--release",
            "0.1.0",
        ])
        .assert()
        .code(1)
        .stdout(contains(
            "rollback-to: none (no earlier successful release of production)\n",
        ));
    // Passing gates never ask the forge.
    repo.write("db.dump", "x");
    repo.binary("shipgate-verify")
        .args([
            "--on-fail-rollback",
            "--env",
            "production",
            "--gate",
            "backup",
        ])
        .args(["--forge", "github"])
        .assert()
        .code(0);
    verify(&repo, "303")
        .args(["--on-fail-rollback"])
        .assert()
        .code(2)
        .stderr(contains("--env"));
}

#[test]
fn a_failure_comment_never_shows_a_secret_the_server_echoes() {
    let server = crate::verify::echo_service();
    let url = server.url();
    let repo = repo_with_issue(&format!(
        "\
gates:
  - {{ name: echo, type: http, url: \"{url}/echo\", retries: 0, headers_env: {{ Authorization: SMOKE_TOKEN }} }}
"
    ));
    verify(&repo, "300")
        .args(["--issue", "--release", "0.2.0"])
        .env("SMOKE_TOKEN", "Bearer s3cret-issue-token")
        .assert()
        .code(1)
        .stdout(contains("authorization: [secret]"));
    let comments = comments(&repo, 2);
    assert_eq!(comments.len(), 1, "{comments:#?}");
    assert!(
        comments[0].contains("authorization: [secret]") && !comments[0].contains("s3cret"),
        "{}",
        comments[0]
    );
}
