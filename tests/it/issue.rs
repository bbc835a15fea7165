//! `shipgate-issue`: the binary against the local forge, and the flow against the fake GitHub API
//! through the real octocrab client (request counts from the fake's log).
use predicates::str::contains;
use secrecy::SecretString;
use semver::Version;
use shipgate::deploy_issue::{Release, parse};
use shipgate::forge::github::GithubForge;
use shipgate::forge::{DeploymentState, Forge, IssueState};
use shipgate::issue::{self, OpenRequest, RecordRequest};
use shipgate::retry::RetryPolicy;

use crate::fake_github::{FakeGithub, Fault, REPO};
use crate::fixture::TestRepo;

/// A repository released as v1.0.0 by shipgate-version (its tag holds the notes).
fn released() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("feat(api): paginate");
    repo.version().arg("--no-push").assert().success();
    repo
}

fn issue_cmd(repo: &TestRepo) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-issue");
    command.env("USER", "ada");
    command
}

fn body(repo: &TestRepo, number: u64) -> String {
    std::fs::read_to_string(
        repo.path()
            .join(format!(".shipgate/forge/issues/{number}/body.md")),
    )
    .unwrap()
}

#[test]
fn open_creates_once_and_a_rerun_keeps_ticks_and_history() {
    let repo = released();
    issue_cmd(&repo)
        .arg("open")
        .assert()
        .success()
        .stdout(contains("#1 for v0.1.0 created"));
    let first = body(&repo, 1);
    assert!(first.contains("<!-- shipgate:release v0.1.0 -->"));
    assert!(
        first.contains("**api:** paginate"),
        "notes from the tag: {first}"
    );
    issue_cmd(&repo)
        .arg("open")
        .assert()
        .success()
        .stdout(contains("#1 for v0.1.0 unchanged"));
    assert_eq!(body(&repo, 1), first);

    let ticked = first.replacen("- [ ] Backups verified", "- [x] Backups verified", 1);
    std::fs::write(
        repo.path().join(".shipgate/forge/issues/1/body.md"),
        &ticked,
    )
    .unwrap();
    issue_cmd(&repo)
        .args(["record", "--env", "stage", "--status", "success"])
        .assert()
        .success();
    repo.write("notes.md", "Hand-written notes.\n");
    issue_cmd(&repo)
        .args(["open", "--notes", "notes.md"])
        .assert()
        .success()
        .stdout(contains("updated"));
    let after = body(&repo, 1);
    assert!(after.contains("- [x] Backups verified"), "{after}");
    assert!(after.contains("Hand-written notes."));
    assert_eq!(parse(&after).history.len(), 1, "history kept");
    assert!(
        !repo.path().join(".shipgate/forge/issues/2").exists(),
        "no second issue"
    );
}

#[test]
fn record_is_idempotent_per_run_and_updates_the_table() {
    let repo = released();
    issue_cmd(&repo).arg("open").assert().success();
    for _ in 0..2 {
        issue_cmd(&repo)
            .args([
                "record",
                "--env",
                "stage",
                "--status",
                "success",
                "--url",
                "https://ci.example/1",
            ])
            .assert()
            .success();
    }
    let parsed = parse(&body(&repo, 1));
    assert_eq!(parsed.history.len(), 1);
    assert_eq!(parsed.rows[0].state, Some(DeploymentState::Success));
    assert_eq!(parsed.rows[0].version.as_deref(), Some("v0.1.0"));
    let deployments: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join(".shipgate/forge/deployments.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        deployments.as_array().unwrap().len(),
        1,
        "one deployment for one run"
    );
    assert_eq!(deployments[0]["git_ref"], "v0.1.0");
    assert_eq!(
        deployments[0]["sha"],
        repo.git(&["rev-parse", "v0.1.0^{commit}"])
    );
}

#[test]
fn concurrent_records_lose_no_update() {
    let repo = released();
    let envs = ["dev", "qa", "stage", "perf", "canary", "production"];
    repo.write(
        "shipgate.yml",
        &format!("environments: [{}]\n", envs.join(", ")),
    );
    issue_cmd(&repo).arg("open").assert().success();
    let children: Vec<_> = envs
        .iter()
        .map(|env| {
            repo.process("shipgate-issue")
                .env("USER", "ada")
                .args(["record", "--env", env, "--status", "success"])
                .stdout(std::process::Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    for mut child in children {
        assert!(child.wait().unwrap().success());
    }
    let parsed = parse(&body(&repo, 1));
    let mut recorded: Vec<&str> = parsed.rows.iter().map(|r| r.environment.as_str()).collect();
    recorded.sort_unstable();
    let mut expected = envs.to_vec();
    expected.sort_unstable();
    assert_eq!(recorded, expected);
    assert_eq!(parsed.history.len(), envs.len());
}

#[test]
fn a_newer_release_supersedes_the_older_issue() {
    let repo = released();
    issue_cmd(&repo).arg("open").assert().success();
    repo.commit("fix: later");
    repo.version().arg("--no-push").assert().success();
    issue_cmd(&repo)
        .arg("open")
        .assert()
        .success()
        .stdout(contains("#2 for v0.1.1 created"))
        .stdout(contains("closed #1 as superseded"));
    let old: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo.path().join(".shipgate/forge/issues/1/issue.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(old["state"], "closed");
    let comment =
        std::fs::read_to_string(repo.path().join(".shipgate/forge/issues/1/comments/2.md"))
            .unwrap();
    assert_eq!(
        comment,
        "Superseded by v0.1.1: this deployment issue for v0.1.0 is closed."
    );
}

#[test]
fn record_without_an_issue_and_unknown_environments_are_usage_errors() {
    let repo = released();
    issue_cmd(&repo)
        .args(["record", "--env", "stage", "--status", "success"])
        .assert()
        .code(2)
        .stderr(contains("no open deployment issue for v0.1.0"))
        .stderr(contains("shipgate-issue open --version 0.1.0"));
    issue_cmd(&repo)
        .args(["record", "--env", "prod", "--status", "success"])
        .assert()
        .code(2)
        .stderr(contains(
            "--env prod is not one of the configured environments (stage, production)",
        ));
}

#[test]
fn close_writes_a_last_entry_once_and_is_idempotent() {
    let repo = released();
    issue_cmd(&repo).arg("open").assert().success();
    issue_cmd(&repo)
        .args(["close", "--reason", "rolled-back"])
        .assert()
        .success()
        .stdout(contains(
            "closed deployment issue #1 for v0.1.0 (rolled-back)",
        ));
    issue_cmd(&repo)
        .arg("close")
        .assert()
        .success()
        .stdout(contains("nothing to close"));
    let parsed = parse(&body(&repo, 1));
    assert_eq!(parsed.history.last().unwrap().what, "closed: rolled-back");
}

#[test]
fn without_a_version_or_release_tag_it_says_what_to_pass() {
    let repo = TestRepo::new();
    issue_cmd(&repo)
        .arg("open")
        .assert()
        .code(2)
        .stderr(contains("pass --version X.Y.Z"));
}

#[test]
fn github_needs_a_token_and_a_repository() {
    let repo = released();
    issue_cmd(&repo)
        .args(["--forge", "github", "open"])
        .assert()
        .code(2)
        .stderr(contains("GITHUB_TOKEN is not set"));
    issue_cmd(&repo)
        .args(["--forge", "github", "open"])
        .env("GITHUB_TOKEN", "t")
        .assert()
        .code(2)
        .stderr(contains("--repository OWNER/NAME"));
}

// ---- the flow against the fake GitHub API ----

const TOKEN: &str = "ghs_actions-token-value";

fn github(fake: &FakeGithub) -> GithubForge {
    GithubForge::new(
        &fake.url(),
        REPO,
        SecretString::from(TOKEN.to_owned()),
        None,
    )
    .unwrap()
    .with_retry(RetryPolicy::fast())
}

fn open_request(version: &str) -> OpenRequest {
    OpenRequest {
        release: Release {
            version: Version::parse(version).unwrap(),
            previous: None,
            tag: format!("v{version}"),
            commit: "9fceb02d0ae598e95dc970b74767f19372d61af8".into(),
            images: vec![],
            notes: "### Features\n\n- x (9fceb02)\n".into(),
            url: None,
        },
        schema: None,
        checklist: vec!["Backups verified".into()],
        environments: vec!["stage".into(), "production".into()],
        labels: vec!["deployment".into()],
        assignees: vec![],
        close_superseded: true,
        seal: shipgate::seal::Seal::default(),
    }
}

fn record_request(env: &str, run: &str) -> RecordRequest {
    RecordRequest {
        version: Version::new(1, 2, 0),
        tag: "v1.2.0".into(),
        sha: "9fceb02d0ae598e95dc970b74767f19372d61af8".into(),
        environment: env.into(),
        state: DeploymentState::Success,
        url: Some(format!("https://github.com/acme/shop/actions/runs/{run}")),
        ci_run: run.into(),
        ci_job: None,
        actor: "alice".into(),
        when: "2026-11-24T10:00:00Z".into(),
        detail: None,
        environments: vec!["stage".into(), "production".into()],
    }
}

/// Requests since the last call, as `METHOD path`.
fn calls(fake: &FakeGithub) -> Vec<String> {
    let log = fake
        .requests()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    fake.clear_requests();
    log
}

#[tokio::test]
async fn open_seals_the_images_and_seals_again_only_when_they_change() {
    let fake = FakeGithub::start(TOKEN, None);
    let forge = github(&fake);
    let with_image = |reference: &str| {
        let mut request = open_request("1.2.0");
        request.release.images = vec![format!("app={reference}").parse().unwrap()];
        request
    };
    let first = "registry.test/app@sha256:aaaa";
    let opened = issue::open(&forge, &with_image(first)).await.unwrap();
    assert!(opened.claimed);
    let own = forge.own_login().await.unwrap();
    let sealed = |comments: &[shipgate::forge::Comment]| {
        issue::sealed_claim(comments, &own, &Default::default(), opened.number)
            .map(|claim| claim.images)
    };
    // The same images, or none (a later run that builds nothing), add no claim.
    for rerun in [with_image(first), open_request("1.2.0")] {
        assert!(!issue::open(&forge, &rerun).await.unwrap().claimed);
    }
    let comments = forge.comments(opened.number).await.unwrap();
    assert_eq!(comments.len(), 1, "{comments:?}");
    assert_eq!(
        sealed(&comments),
        Some(vec!["app=registry.test/app@sha256:aaaa".parse().unwrap()])
    );
    // A rebuilt image is sealed again, and the newest claim is what later environments get.
    let rebuilt = "registry.test/app@sha256:bbbb";
    assert!(
        issue::open(&forge, &with_image(rebuilt))
            .await
            .unwrap()
            .claimed
    );
    let comments = forge.comments(opened.number).await.unwrap();
    assert_eq!(comments.len(), 2, "{comments:?}");
    assert_eq!(
        sealed(&comments),
        Some(vec![format!("app={rebuilt}").parse().unwrap()])
    );
}

#[tokio::test]
async fn github_open_and_record_rerun_within_their_call_budgets() {
    let fake = FakeGithub::start(TOKEN, None);
    let forge = github(&fake);
    let opened = issue::open(&forge, &open_request("1.2.0")).await.unwrap();
    assert!(opened.created && opened.claimed);
    let first_open = calls(&fake);
    let again = issue::open(&forge, &open_request("1.2.0")).await.unwrap();
    assert_eq!(
        (again.number, again.created, again.updated, again.claimed),
        (opened.number, false, false, false)
    );
    // The release is sealed once, in a comment of shipgate's own.
    let comments = forge.comments(opened.number).await.unwrap();
    assert_eq!(comments.len(), 1, "{comments:?}");
    assert_eq!(
        issue::sealed_release(
            &comments,
            &comments[0].author,
            &Default::default(),
            opened.number
        ),
        Some(Version::new(1, 2, 0))
    );
    let rerun_open = calls(&fake);
    assert!(rerun_open.len() <= 3, "a re-run of open: {rerun_open:?}");

    issue::record(&forge, &record_request("stage", "101"))
        .await
        .unwrap();
    let first_record = calls(&fake);
    issue::record(&forge, &record_request("stage", "101"))
        .await
        .unwrap();
    let rerun_record = calls(&fake);
    assert!(
        rerun_record.len() <= 4,
        "a re-run of record: {rerun_record:?}"
    );
    assert_eq!(
        fake.deployments().len(),
        1,
        "one deployment per environment, version and run"
    );
    assert_eq!(fake.issues().len(), 1);
    println!(
        "requests — open: {} first, {} re-run; record: {} first, {} re-run",
        first_open.len(),
        rerun_open.len(),
        first_record.len(),
        rerun_record.len()
    );
    let issue = forge.issue(opened.number).await.unwrap();
    assert_eq!(parse(&issue.body).history.len(), 1);
}

#[tokio::test]
async fn github_open_after_a_lost_create_finds_the_issue_instead_of_making_another() {
    let fake = FakeGithub::start(TOKEN, None);
    fake.fail("POST", "/issues", Fault::DropAfterCreate, 1);
    let forge = github(&fake);
    let opened = issue::open(&forge, &open_request("1.2.0")).await.unwrap();
    assert_eq!(fake.issues().len(), 1, "exactly one issue");
    assert_eq!(opened.number, fake.issues()[0]["number"].as_u64().unwrap());
}

#[tokio::test]
async fn github_issues_of_others_are_not_ours_and_older_ones_are_superseded() {
    let fake = FakeGithub::start(TOKEN, None);
    let forge = github(&fake);
    let someone_else = fake.seed_issue(
        "Deploy v1.2.0",
        "<!-- shipgate:release v1.2.0 --> copied by a person",
        false,
    );
    let older = issue::open(&forge, &open_request("1.1.0")).await.unwrap();
    let opened = issue::open(&forge, &open_request("1.2.0")).await.unwrap();
    assert_ne!(
        opened.number, someone_else,
        "an issue by another author is not ours"
    );
    assert_eq!(opened.superseded, vec![older.number]);
    assert_eq!(
        forge.issue(older.number).await.unwrap().state,
        IssueState::Closed
    );
    let again = issue::open(&forge, &open_request("1.2.0")).await.unwrap();
    assert!(again.superseded.is_empty());
}

#[tokio::test]
async fn github_record_survives_server_errors_without_duplicates() {
    let fake = FakeGithub::start(TOKEN, None);
    let forge = github(&fake);
    issue::open(&forge, &open_request("1.2.0")).await.unwrap();
    fake.fail("PATCH", "/issues/", Fault::ServerError, 2);
    fake.fail("GET", "/deployments", Fault::TooMany, 1);
    issue::record(&forge, &record_request("stage", "7"))
        .await
        .unwrap();
    assert_eq!(fake.deployments().len(), 1);
}

#[tokio::test]
async fn github_records_racing_on_one_issue_both_land() {
    let fake = FakeGithub::start(TOKEN, None);
    let forge = github(&fake);
    let opened = issue::open(&forge, &open_request("1.2.0")).await.unwrap();
    let (stage, production) = (
        record_request("stage", "21"),
        record_request("production", "22"),
    );
    let (a, b) = tokio::join!(
        issue::record(&forge, &stage),
        issue::record(&forge, &production)
    );
    a.unwrap();
    b.unwrap();
    let parsed = parse(&forge.issue(opened.number).await.unwrap().body);
    let mut envs: Vec<&str> = parsed.rows.iter().map(|r| r.environment.as_str()).collect();
    envs.sort_unstable();
    assert_eq!(envs, ["production", "stage"]);
    assert_eq!(parsed.history.len(), 2);
}

#[test]
fn help_explains_the_commands() {
    let repo = TestRepo::new();
    let output = issue_cmd(&repo).arg("--help").output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

#[test]
fn json_outputs_match_their_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/issue-output.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let repo = released();
    for args in [
        &["open"][..],
        &["record", "--env", "stage", "--status", "queued"],
        &["close"],
        &["close"],
    ] {
        let output = issue_cmd(&repo)
            .args(["--format", "json"])
            .args(args)
            .output()
            .unwrap();
        assert!(output.status.success(), "{args:?}");
        let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert!(validator.is_valid(&json), "{args:?}: {json}");
    }
}
