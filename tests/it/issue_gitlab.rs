//! `shipgate-issue` against the fake GitLab API, through the real gitlab crate.
use predicates::str::contains;

use crate::fake_gitlab::{FakeGitlab, PROJECT, PROJECT_ID};
use crate::fixture::TestRepo;

const TOKEN: &str = "glpat-ci-token-value";

/// A repository released as v0.1.0 by shipgate-version.
fn released() -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("feat(api): paginate");
    repo.version().arg("--no-push").assert().success();
    repo
}

/// [`released`], its tag known to `fake`'s repository.
fn released_on(fake: &FakeGitlab) -> TestRepo {
    let repo = released();
    fake.add_tag("v0.1.0", &repo.git(&["rev-parse", "v0.1.0^{commit}"]));
    repo
}

/// `shipgate-issue` as a GitLab CI job of pipeline `pipeline` would run it.
fn in_gitlab_ci(repo: &TestRepo, fake: &FakeGitlab, pipeline: &str) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-issue");
    command
        .env("GITLAB_CI", "true")
        .env("CI_API_V4_URL", fake.api_url())
        .env("CI_PROJECT_ID", PROJECT_ID)
        .env("CI_PIPELINE_ID", pipeline)
        .env("GITLAB_TOKEN", TOKEN);
    command
}

#[test]
fn gitlab_needs_a_token_and_a_project() {
    let repo = released();
    repo.binary("shipgate-issue")
        .args(["--forge", "gitlab", "open"])
        .assert()
        .code(2)
        .stderr(contains("GITLAB_TOKEN is not set"));
    repo.binary("shipgate-issue")
        .args(["--forge", "gitlab", "open"])
        .env("GITLAB_TOKEN", "t")
        .assert()
        .code(2)
        .stderr(contains("--repository ID-OR-PATH"));
}

#[test]
fn gitlab_ci_opens_once_and_records_a_deployment() {
    let fake = FakeGitlab::start(TOKEN, "project_42_bot_shipgate");
    let repo = released_on(&fake);
    for _ in 0..2 {
        in_gitlab_ci(&repo, &fake, "555")
            .arg("open")
            .assert()
            .success()
            .stdout(contains("deployment issue #1 for v0.1.0"));
    }
    assert_eq!(fake.issues().len(), 1, "a re-run finds the issue again");

    in_gitlab_ci(&repo, &fake, "555")
        .args(["record", "--env", "stage", "--status", "success"])
        .assert()
        .success()
        .stdout(contains("recorded success on stage for v0.1.0 in #1"));
    let deployments = fake.deployments();
    assert_eq!(deployments.len(), 1);
    assert_eq!(deployments[0]["ref"], "v0.1.0");
    assert_eq!(deployments[0]["status"], "success");
    assert_eq!(
        deployments[0]["sha"].as_str(),
        Some(repo.git(&["rev-parse", "v0.1.0^{commit}"]).as_str())
    );
    let body = fake.issues()[0]["description"].as_str().unwrap().to_owned();
    assert!(body.contains("stage"), "{body}");

    // --api-url and --repository override the CI variables (a project path works too).
    repo.binary("shipgate-issue")
        .args([
            "--forge",
            "gitlab",
            "--api-url",
            &fake.api_url(),
            "--repository",
            PROJECT,
        ])
        .args(["open", "--version", "0.1.0"])
        .env("GITLAB_TOKEN", TOKEN)
        .assert()
        .success()
        .stdout(contains("deployment issue #1 for v0.1.0"));
}

#[test]
fn gitlab_rerun_of_record_in_the_same_pipeline_makes_no_second_deployment() {
    let fake = FakeGitlab::start(TOKEN, "project_42_bot_shipgate");
    let repo = released_on(&fake);
    in_gitlab_ci(&repo, &fake, "555")
        .arg("open")
        .assert()
        .success();
    for status in ["in-progress", "in-progress", "success", "success"] {
        in_gitlab_ci(&repo, &fake, "555")
            .args(["record", "--env", "stage", "--status", status])
            .assert()
            .success();
    }
    let deployments = fake.deployments();
    assert_eq!(
        deployments.len(),
        1,
        "one deployment for one pipeline: {deployments:#?}"
    );
    assert_eq!(deployments[0]["status"], "success");

    // Another pipeline deploying the same release again is a deployment of its own.
    in_gitlab_ci(&repo, &fake, "556")
        .args(["record", "--env", "stage", "--status", "success"])
        .assert()
        .success();
    assert_eq!(fake.deployments().len(), 2);
}
