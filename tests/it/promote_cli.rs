//! The `shipgate-promote` binary: the GitHub event from `GITHUB_EVENT_PATH`, `poll` on GitLab,
//! `check` at the start of the deploy job, outputs, exit codes, and tokens kept out of output.
use predicates::str::contains;

use secrecy::SecretString;
use shipgate::forge::github::GithubForge;
use shipgate::forge::{DeploymentState, Forge, NewDeployment, NewIssue};

use crate::fake_github::{FakeGithub, REPO};
use crate::fake_gitlab::{FakeGitlab, PROJECT_ID};
use crate::fixture::{TestRepo, deploy_issue_body};

const GH_TOKEN: &str = "ghs_cli_secret_token";
const GL_TOKEN: &str = "glpat-cli-secret-token";
const SHA: &str = "5555555555555555555555555555555555555555";
const MONDAY: &str = "2026-03-02T10:00:00Z";
const SATURDAY: &str = "2026-03-07T10:00:00Z";

fn issue_body() -> String {
    deploy_issue_body("1.2.0", SHA)
}

/// The fake GitHub with v1.2.0 green on stage and its deployment issue opened by the workflow
/// token, seeded through the real client.
fn github(repo: &TestRepo) -> (FakeGithub, u64) {
    github_with_images(repo, &[])
}

/// [`github`], with `images` (`NAME=REF`) sealed on the issue as the stage pipeline sealed them.
fn github_with_images(repo: &TestRepo, images: &[&str]) -> (FakeGithub, u64) {
    let fake = FakeGithub::start(GH_TOKEN, None);
    fake.add_tag("v1.2.0", SHA);
    fake.set_role("alice", "maintain");
    fake.set_role("bob", "write");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let issue = rt.block_on(async {
        let forge =
            GithubForge::new(&fake.url(), REPO, SecretString::from(GH_TOKEN), None).unwrap();
        let issue = forge
            .create_issue(&NewIssue {
                title: "Deploy v1.2.0".to_owned(),
                body: issue_body(),
                ..NewIssue::default()
            })
            .await
            .unwrap();
        let own = forge.own_login().await.unwrap();
        shipgate::issue::ensure_claim(
            &forge,
            &shipgate::seal::Seal::default(),
            &own,
            issue.number,
            &shipgate::issue::Claim {
                version: semver::Version::new(1, 2, 0),
                images: images.iter().map(|i| i.parse().unwrap()).collect(),
            },
        )
        .await
        .unwrap();
        let deployment = forge
            .create_deployment(&NewDeployment {
                environment: "stage".to_owned(),
                git_ref: "v1.2.0".to_owned(),
                sha: SHA.to_owned(),
                ci_run: "1".to_owned(),
                description: "stage".to_owned(),
            })
            .await
            .unwrap();
        forge
            .set_deployment_state(&deployment, DeploymentState::Success, None)
            .await
            .unwrap();
        issue.number
    });
    repo.write("shipgate.yml", "environments: [stage, production]\n");
    (fake, issue)
}

/// The `issue_comment` event file GitHub would give the workflow for comment `comment`.
fn event(repo: &TestRepo, fake: &FakeGithub, issue: u64, comment: u64) -> std::path::PathBuf {
    let path = repo.root().join(format!("event-{comment}.json"));
    let event = fake.comment_event(issue, comment);
    std::fs::write(&path, event.to_string()).unwrap();
    path
}

fn promote_on_github(repo: &TestRepo, fake: &FakeGithub) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-promote");
    command
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_TOKEN", GH_TOKEN)
        .env("GITHUB_REPOSITORY", REPO)
        .env("GITHUB_API_URL", fake.url())
        .env("GITHUB_RUN_ID", "77");
    command
}

fn outputs(path: &std::path::Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn an_event_accepted_without_dispatch_sets_outputs_for_the_next_job() {
    let repo = TestRepo::new();
    let (fake, issue) = github(&repo);
    let (comment, _) = fake.seed_comment(issue, "/promote production", "alice", "User");
    let event = event(&repo, &fake, issue, comment);
    let output = repo.root().join("github-output");
    let assert = promote_on_github(&repo, &fake)
        .env("GITHUB_EVENT_PATH", &event)
        .args(["--at", MONDAY])
        .env("GITHUB_OUTPUT", &output)
        .assert()
        .success()
        .stdout(contains(
            "`/promote production` accepted: v1.2.0 to production",
        ));
    let printed = format!("{:?}", assert.get_output());
    assert!(!printed.contains(GH_TOKEN), "token in output");
    let written = outputs(&output);
    for line in [
        "approved=true",
        "environment=production",
        "tag=v1.2.0",
        "version=1.2.0",
        "command=promote",
        &format!("issue={issue}"),
    ] {
        assert!(
            written.lines().any(|l| l == line),
            "{line:?} missing from {written}"
        );
    }
    assert!(fake.dispatches().is_empty(), "no dispatch configured");
}

#[test]
fn a_refused_event_exits_1_and_its_json_matches_the_schema() {
    let repo = TestRepo::new();
    let (fake, issue) = github(&repo);
    let (comment, _) = fake.seed_comment(issue, "/promote production", "bob", "User");
    let event = event(&repo, &fake, issue, comment);
    let output = promote_on_github(&repo, &fake)
        .env("GITHUB_EVENT_PATH", &event)
        .args(["--at", MONDAY, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json["approved"], "false");
    assert_eq!(json["command"], "promote");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/promote-output.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    assert!(validator.is_valid(&json), "{json}");
    let mut broken = json.clone();
    broken["approved"] = "maybe".into();
    assert!(!validator.is_valid(&broken));
    assert!(fake.dispatches().is_empty());
}

#[test]
fn a_dispatch_is_configured_in_shipgate_yml() {
    let repo = TestRepo::new();
    let (fake, issue) = github(&repo);
    repo.write(
        "shipgate.yml",
        "environments: [stage, production]\npromote:\n  dispatch: deploy.yml\n",
    );
    let (comment, _) = fake.seed_comment(issue, "/promote production", "alice", "User");
    let event = event(&repo, &fake, issue, comment);
    let output = repo.root().join("github-output");
    promote_on_github(&repo, &fake)
        .env("GITHUB_EVENT_PATH", &event)
        .args(["--at", MONDAY])
        .env("GITHUB_OUTPUT", &output)
        .assert()
        .success()
        .stdout(contains("(pipeline started)"));
    assert_eq!(fake.dispatches().len(), 1);
    assert!(
        outputs(&output).lines().any(|l| l == "approved=false"),
        "the dispatched workflow deploys, not a next job"
    );
}

#[test]
fn without_an_event_the_error_names_the_fix() {
    let repo = TestRepo::new();
    let (fake, _) = github(&repo);
    promote_on_github(&repo, &fake)
        .assert()
        .code(2)
        .stderr(contains("GITHUB_EVENT_PATH"))
        .stderr(contains("poll"));
}

#[test]
fn check_at_job_start_repeats_the_window_and_the_hold() {
    let repo = TestRepo::new();
    let (fake, issue) = github(&repo);
    // An accepted promotion stays valid for a week here, so that Saturday's check meets the
    // window rather than an expired promotion.
    repo.write(
        "shipgate.yml",
        "environments: [stage, production]\npromote: { lock_timeout: 10080m }\n",
    );
    // `shipgate-promote check` of v1.2.0 on production, low risk, at `at`, in a job at SHA.
    let check = |at: &str| {
        let mut command = promote_on_github(&repo, &fake);
        command.env("GITHUB_SHA", SHA).args([
            "check",
            "--env",
            "production",
            "--tag",
            "v1.2.0",
            "--risk",
            "low",
            "--at",
            at,
        ]);
        command
    };
    // Nothing was promoted yet: a job started by hand is refused.
    check(MONDAY).assert().code(1).stdout(contains(
        "promotion: shipgate accepted no command to deploy v1.2.0 to production",
    ));
    let (comment, _) = fake.seed_comment(issue, "/promote production", "alice", "User");
    let promoted = event(&repo, &fake, issue, comment);
    promote_on_github(&repo, &fake)
        .env("GITHUB_EVENT_PATH", &promoted)
        .args(["--at", MONDAY])
        .assert()
        .success();
    check(MONDAY)
        .assert()
        .success()
        .stdout(contains("allowed: v1.2.0 to production"));
    check(SATURDAY).assert().code(1).stdout(contains(
        "denied: v1.2.0 to production: when: outside the deployment window",
    ));
    // A hold accepted since the promotion stops the job too.
    let (comment, _) = fake.seed_comment(issue, "/hold DBA busy", "alice", "User");
    let event = event(&repo, &fake, issue, comment);
    promote_on_github(&repo, &fake)
        .env("GITHUB_EVENT_PATH", &event)
        .args(["--at", MONDAY])
        .assert()
        .success();
    let summary = repo.root().join("summary.md");
    check(MONDAY)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .code(1)
        .stdout(contains("on hold since"));
    assert!(outputs(&summary).contains("Deployment of `v1.2.0` to production stopped"));
    promote_on_github(&repo, &fake)
        .args(["check", "--env", "qa", "--tag", "v1.2.0"])
        .assert()
        .code(2)
        .stderr(contains(
            "not one of the configured environments (stage, production)",
        ));
}

#[test]
fn check_gives_the_image_digest_stage_sealed() {
    let repo = TestRepo::new();
    let pinned = "registry.test/shop/app@sha256:5f0e1b8c3d2a4f6e8a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f";
    let (fake, issue) = github_with_images(&repo, &[&format!("app={pinned}")]);
    let (comment, _) = fake.seed_comment(issue, "/promote production", "alice", "User");
    let promoted = event(&repo, &fake, issue, comment);
    promote_on_github(&repo, &fake)
        .env("GITHUB_EVENT_PATH", &promoted)
        .args(["--at", MONDAY])
        .assert()
        .success();
    let output = repo.root().join("check-output");
    promote_on_github(&repo, &fake)
        .env("GITHUB_SHA", SHA)
        .env("GITHUB_OUTPUT", &output)
        .args([
            "check",
            "--env",
            "production",
            "--tag",
            "v1.2.0",
            "--risk",
            "low",
        ])
        .args(["--at", MONDAY])
        .assert()
        .success();
    let written = outputs(&output);
    for line in [
        "allowed=true".to_owned(),
        format!("images=app={pinned}"),
        format!("image={pinned}"),
    ] {
        assert!(
            written.lines().any(|l| l == line),
            "{line:?} missing from {written}"
        );
    }
}

#[test]
fn poll_on_gitlab_creates_the_pipeline_and_writes_dotenv() {
    let repo = TestRepo::new();
    repo.write("shipgate.yml", "environments: [stage, production]\n");
    let fake = FakeGitlab::start(GL_TOKEN, "shipgate-bot");
    // A stage job of pipeline 300 deployed the tag; the fake names its commit `v1.2.0-sha`.
    fake.add_tag("v1.2.0", "v1.2.0-sha");
    fake.set_access("maria", 40);
    let iid = fake.seed_issue("Deploy v1.2.0", &issue_body(), "shipgate-bot");
    crate::fixture::seal_release_on_gitlab(
        &fake,
        iid,
        "1.2.0",
        "shipgate-bot",
        &shipgate::seal::Seal::default(),
    );
    fake.seed_job_deployment("stage", "v1.2.0", 300, "success");
    fake.seed_note(iid, "/promote production", "maria", false);
    let dotenv = repo.root().join("promote.env");
    let assert = repo
        .binary("shipgate-promote")
        .env("GITLAB_CI", "true")
        .env("CI_API_V4_URL", fake.api_url())
        .env("CI_PROJECT_ID", PROJECT_ID)
        .env("GITLAB_TOKEN", GL_TOKEN)
        .args(["poll", "--at", MONDAY, "--dotenv"])
        .arg(&dotenv)
        .assert()
        .success()
        .stdout(contains(
            "accepted: v1.2.0 to production (pipeline started)",
        ));
    assert!(!format!("{:?}", assert.get_output()).contains(GL_TOKEN));
    let env = outputs(&dotenv);
    assert!(env.contains("SHIPGATE_PROCESSED=1"), "{env}");
    assert!(env.contains("SHIPGATE_ACCEPTED=1"), "{env}");
    assert_eq!(fake.pipelines().len(), 1);
}

#[test]
fn help_explains_commands_checks_and_exit_codes() {
    let repo = TestRepo::new();
    let output = repo
        .binary("shipgate-promote")
        .arg("--help")
        .output()
        .unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

#[test]
fn the_local_forge_promotes_a_real_tag_by_poll() {
    let repo = TestRepo::new();
    repo.commit("feat(api): paginate");
    repo.version().arg("--no-push").assert().success();
    repo.write(
        "shipgate.yml",
        "promote: { dispatch: deploy.yml }\nwindows:\n  environments:\n    stage: { open: true }\n    production: { open: true }\n",
    );
    for args in [
        vec!["open"],
        vec!["record", "--env", "stage", "--status", "success"],
    ] {
        repo.binary("shipgate-issue")
            .env("USER", "ada")
            .args(["--forge", "local"])
            .args(args)
            .assert()
            .success();
    }
    let forge = repo.path().join(".shipgate/forge");
    std::fs::write(forge.join("permissions.json"), r#"{"alice": "maintain"}"#).unwrap();
    // Comment 1 is the release shipgate sealed when it opened the issue.
    let comments = forge.join("issues/1/comments");
    assert!(comments.join("1.md").exists());
    std::fs::write(comments.join("2.md"), "/promote production\n").unwrap();
    std::fs::write(
        comments.join("2.json"),
        r#"{"id": 2, "author": "alice", "created_at": "2026-03-02T09:00:00Z", "updated_at": "2026-03-02T09:00:00Z", "reactions": []}"#,
    )
    .unwrap();
    repo.binary("shipgate-promote")
        .env("USER", "ada")
        .args(["--forge", "local", "poll", "--at", MONDAY])
        .assert()
        .success()
        .stdout(contains(
            "accepted: v0.1.0 to production (pipeline started)",
        ));
    let pipelines = std::fs::read_to_string(forge.join("pipelines.jsonl")).unwrap();
    assert!(pipelines.contains(r#""ref":"v0.1.0""#), "{pipelines}");
    assert_eq!(pipelines.lines().count(), 1);
    // The tag's commit came from the repository: the reply names it.
    let head = repo.git(&["rev-parse", "--short=7", "v0.1.0^{commit}"]);
    let reply = std::fs::read_to_string(comments.join("3.md")).unwrap();
    assert!(
        reply.contains(&format!("(commit `{}`)", head.trim())),
        "{reply}"
    );
}

#[test]
fn a_reply_whose_create_failed_twice_is_written_once() {
    let repo = TestRepo::new();
    let (fake, issue) = github(&repo);
    let (comment, _) = fake.seed_comment(issue, "/promote production", "alice", "User");
    let event = event(&repo, &fake, issue, comment);
    let create = format!("/issues/{issue}/comments");
    fake.clear_requests();
    fake.fail("POST", &create, crate::fake_server::Fault::ServerError, 2);
    promote_on_github(&repo, &fake)
        .env("GITHUB_EVENT_PATH", &event)
        .args(["--at", MONDAY])
        .assert()
        .success()
        .stdout(contains("`/promote production` accepted"));
    let creates = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with(&create))
        .count();
    assert_eq!(creates, 3, "two failed creates, one that worked");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let comments = rt.block_on(async {
        let forge =
            GithubForge::new(&fake.url(), REPO, SecretString::from(GH_TOKEN), None).unwrap();
        forge.comments(issue).await.unwrap()
    });
    let replies: Vec<_> = comments
        .iter()
        .filter(|c| c.body.contains(&format!("shipgate:answer {comment} ")))
        .collect();
    assert_eq!(replies.len(), 1, "exactly one reply: {comments:#?}");
    assert!(
        replies[0].body.contains(" accepted "),
        "{}",
        replies[0].body
    );

    // The command is answered: a second run finds the answer and writes nothing.
    fake.clear_requests();
    promote_on_github(&repo, &fake)
        .env("GITHUB_EVENT_PATH", &event)
        .args(["--at", MONDAY])
        .assert()
        .success();
    let again = fake.requests();
    assert!(
        !again
            .iter()
            .any(|r| r.method == "POST" && r.path.ends_with(&create)),
        "{again:#?}"
    );
}
