//! Creates after a failure: a create the forge may have carried out (5xx, lost answer) is looked
//! up and tried again under the retry policy, so it lands exactly once; a refusal is final.
use std::time::Duration;

use predicates::str::contains;
use secrecy::SecretString;
use semver::Version;
use shipgate::deploy_issue::Release;
use shipgate::forge::gitlab::GitlabForge;
use shipgate::forge::{DeploymentState, Forge, comment_once};
use shipgate::issue::{self, OpenRequest, RecordRequest};
use shipgate::retry::RetryPolicy;

use crate::fake_github::{FakeGithub, REPO};
use crate::fake_gitlab::{FakeGitlab, Fault as GlFault, PROJECT, PROJECT_ID};
use crate::fake_server::Fault;
use crate::fixture::TestRepo;

const GH_TOKEN: &str = "ghs_create-once-token";
const GL_TOKEN: &str = "glpat-create-once-token";
const GL_BOT: &str = "project_42_bot_shipgate";

/// A repository released as v0.1.0, its tag known to the fake.
fn released(add_tag: impl Fn(&str, &str)) -> TestRepo {
    let repo = TestRepo::new();
    repo.commit("feat(api): paginate");
    repo.version().arg("--no-push").assert().success();
    add_tag("v0.1.0", &repo.git(&["rev-parse", "v0.1.0^{commit}"]));
    repo
}

/// `shipgate-issue` as a GitHub Actions job of run 555 would run it.
fn on_github(repo: &TestRepo, fake: &FakeGithub) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-issue");
    command
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_TOKEN", GH_TOKEN)
        .env("GITHUB_REPOSITORY", REPO)
        .env("GITHUB_API_URL", fake.url())
        .env("GITHUB_RUN_ID", "555");
    command
}

/// `shipgate-issue` as a GitLab CI job of pipeline 555 would run it.
fn on_gitlab(repo: &TestRepo, fake: &FakeGitlab) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-issue");
    command
        .env("GITLAB_CI", "true")
        .env("CI_API_V4_URL", fake.api_url())
        .env("CI_PROJECT_ID", PROJECT_ID)
        .env("CI_PIPELINE_ID", "555")
        .env("GITLAB_TOKEN", GL_TOKEN);
    command
}

/// How many of `requests` (method, path) were POSTs to a path ending in `tail`.
fn posts(requests: impl IntoIterator<Item = (String, String)>, tail: &str) -> usize {
    requests
        .into_iter()
        .filter(|(method, path)| method == "POST" && path.ends_with(tail))
        .count()
}

fn gh_posts(fake: &FakeGithub, tail: &str) -> usize {
    posts(
        fake.requests().into_iter().map(|r| (r.method, r.path)),
        tail,
    )
}

fn gl_posts(fake: &FakeGitlab, tail: &str) -> usize {
    posts(
        fake.requests().into_iter().map(|r| (r.method, r.path)),
        tail,
    )
}

#[test]
fn github_open_after_two_server_errors_makes_exactly_one_issue() {
    let fake = FakeGithub::start(GH_TOKEN, None);
    let repo = released(|t, s| {
        fake.add_tag(t, s);
    });
    fake.fail("POST", "/issues", Fault::ServerError, 2);
    on_github(&repo, &fake)
        .arg("open")
        .assert()
        .success()
        .stdout(contains("deployment issue #1 for v0.1.0"));
    assert_eq!(fake.issues().len(), 1, "exactly one issue");
    let posts = gh_posts(&fake, "/issues");
    assert_eq!(posts, 3, "two failed creates, one that worked");
    println!("github open: {posts} POST …/issues");
}

#[test]
fn gitlab_open_after_two_server_errors_makes_exactly_one_issue() {
    let fake = FakeGitlab::start(GL_TOKEN, GL_BOT);
    let repo = released(|t, s| fake.add_tag(t, s));
    fake.fail("POST", "/issues", GlFault::ServerError, 2);
    on_gitlab(&repo, &fake)
        .arg("open")
        .assert()
        .success()
        .stdout(contains("deployment issue #1 for v0.1.0"));
    assert_eq!(fake.issues().len(), 1, "exactly one issue");
    let posts = gl_posts(&fake, "/issues");
    assert_eq!(posts, 3, "two failed creates, one that worked");
    println!("gitlab open: {posts} POST …/issues");
}

#[test]
fn github_record_after_two_server_errors_makes_exactly_one_deployment() {
    let fake = FakeGithub::start(GH_TOKEN, None);
    let repo = released(|t, s| {
        fake.add_tag(t, s);
    });
    on_github(&repo, &fake).arg("open").assert().success();
    fake.clear_requests();
    fake.fail("POST", "/deployments", Fault::ServerError, 2);
    on_github(&repo, &fake)
        .args(["record", "--env", "stage", "--status", "success"])
        .assert()
        .success()
        .stdout(contains("recorded success on stage for v0.1.0 in #1"));
    let deployments = fake.deployments();
    assert_eq!(
        deployments.len(),
        1,
        "exactly one deployment: {deployments:#?}"
    );
    let posts = gh_posts(&fake, "/deployments");
    assert_eq!(posts, 3, "two failed creates, one that worked");
    println!("github record: {posts} POST …/deployments");
}

#[test]
fn gitlab_record_after_two_server_errors_makes_exactly_one_deployment() {
    let fake = FakeGitlab::start(GL_TOKEN, GL_BOT);
    let repo = released(|t, s| fake.add_tag(t, s));
    on_gitlab(&repo, &fake).arg("open").assert().success();
    fake.clear_requests();
    fake.fail("POST", "/deployments", GlFault::ServerError, 2);
    on_gitlab(&repo, &fake)
        .args(["record", "--env", "stage", "--status", "success"])
        .assert()
        .success()
        .stdout(contains("recorded success on stage for v0.1.0 in #1"));
    let deployments = fake.deployments();
    assert_eq!(
        deployments.len(),
        1,
        "exactly one deployment: {deployments:#?}"
    );
    assert_eq!(deployments[0]["status"], "success");
    let posts = gl_posts(&fake, "/deployments");
    assert_eq!(posts, 3, "two failed creates, one that worked");
    println!("gitlab record: {posts} POST …/deployments");
}

#[test]
fn a_refused_create_is_not_repeated() {
    let fake = FakeGithub::start(GH_TOKEN, None);
    let repo = released(|t, s| {
        fake.add_tag(t, s);
    });
    fake.fail(
        "POST",
        "/issues",
        Fault::Status(422, "Validation Failed"),
        1,
    );
    on_github(&repo, &fake)
        .arg("open")
        .assert()
        .failure()
        .stderr(contains("422"));
    assert!(fake.issues().is_empty());
    assert_eq!(gh_posts(&fake, "/issues"), 1, "no repeat");
    let _ = fake.take_violations();

    let fake = FakeGitlab::start(GL_TOKEN, GL_BOT);
    let repo = released(|t, s| fake.add_tag(t, s));
    fake.fail("POST", "/issues", GlFault::Status(403, "403 Forbidden"), 1);
    on_gitlab(&repo, &fake)
        .arg("open")
        .assert()
        .failure()
        .stderr(contains("403"));
    assert!(fake.issues().is_empty());
    assert_eq!(gl_posts(&fake, "/issues"), 1, "no repeat");
}

// ---- lost answers: the server did the work, the answer never came ----

fn quick() -> RetryPolicy {
    RetryPolicy {
        timeout: Duration::from_millis(500),
        ..RetryPolicy::fast()
    }
}

fn gitlab(fake: &FakeGitlab) -> GitlabForge {
    GitlabForge::new(
        &fake.api_url(),
        PROJECT,
        SecretString::from(GL_TOKEN.to_owned()),
        Some(GL_BOT.to_owned()),
    )
    .unwrap()
    .with_retry(quick())
}

fn open_request() -> OpenRequest {
    OpenRequest {
        release: Release {
            version: Version::new(0, 1, 0),
            previous: None,
            tag: "v0.1.0".into(),
            commit: "9fceb02d0ae598e95dc970b74767f19372d61af8".into(),
            images: vec![],
            notes: String::new(),
            url: None,
        },
        schema: None,
        checklist: vec![],
        environments: vec!["stage".into()],
        labels: vec![],
        assignees: vec![],
        close_superseded: false,
        seal: shipgate::seal::Seal::default(),
    }
}

#[tokio::test]
async fn gitlab_lost_answers_still_make_exactly_one_issue_and_one_deployment() {
    let fake = FakeGitlab::start(GL_TOKEN, GL_BOT);
    let sha = "9fceb02d0ae598e95dc970b74767f19372d61af8";
    fake.add_tag("v0.1.0", sha);
    let forge = gitlab(&fake);
    fake.fail("POST", "/issues", GlFault::DropAfterCreate, 1);
    let opened = issue::open(&forge, &open_request()).await.unwrap();
    assert!(opened.created);
    assert_eq!(fake.issues().len(), 1, "exactly one issue");
    assert_eq!(gl_posts(&fake, "/issues"), 1);

    fake.clear_requests();
    fake.fail("POST", "/deployments", GlFault::DropAfterCreate, 1);
    let request = RecordRequest {
        version: Version::new(0, 1, 0),
        tag: "v0.1.0".into(),
        sha: sha.into(),
        environment: "stage".into(),
        state: DeploymentState::Success,
        url: None,
        ci_run: "555".into(),
        ci_job: None,
        actor: "alice".into(),
        when: "2026-11-24T10:00:00Z".into(),
        detail: None,
        environments: vec!["stage".into()],
    };
    issue::record(&forge, &request).await.unwrap();
    assert_eq!(fake.deployments().len(), 1, "exactly one deployment");
    assert_eq!(gl_posts(&fake, "/deployments"), 1);
    assert_eq!(forge.retry_policy(), quick());
}

#[tokio::test]
async fn a_create_refused_with_retry_after_waits_as_long_before_it_looks_and_tries_again() {
    let github = FakeGithub::start(GH_TOKEN, None);
    github.add_tag("v0.1.0", "9fceb02d0ae598e95dc970b74767f19372d61af8");
    let forge = shipgate::forge::github::GithubForge::new(
        &github.url(),
        REPO,
        SecretString::from(GH_TOKEN.to_owned()),
        None,
    )
    .unwrap()
    .with_retry(quick());
    github.fail("POST", "/issues", Fault::Unavailable, 1);
    let started = std::time::Instant::now();
    issue::open(&forge, &open_request()).await.unwrap();
    // The quick policy backs off for milliseconds; the server asked for a second.
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(github.issues().len(), 1, "exactly one issue");
    assert_eq!(gh_posts(&github, "/issues"), 2);

    let gitlab_fake = FakeGitlab::start(GL_TOKEN, GL_BOT);
    gitlab_fake.add_tag("v0.1.0", "9fceb02d0ae598e95dc970b74767f19372d61af8");
    let forge = gitlab(&gitlab_fake);
    gitlab_fake.fail("POST", "/issues", GlFault::Unavailable, 1);
    let started = std::time::Instant::now();
    issue::open(&forge, &open_request()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(gitlab_fake.issues().len(), 1, "exactly one issue");
    assert_eq!(gl_posts(&gitlab_fake, "/issues"), 2);
}

#[tokio::test]
async fn comment_once_against_both_fakes_makes_one_comment_and_stops_at_a_refusal() {
    // The primitive the verify gate notes and the notify issue channel comment through.
    let marker = "<!-- shipgate:notify start v0.1.0 stage run 555 -->";
    let ours = |c: &shipgate::forge::Comment, login: &str| {
        c.author.eq_ignore_ascii_case(login) && c.body.contains(marker)
    };
    let body = format!("{marker}\nstarted");

    let fake = FakeGithub::start(GH_TOKEN, None);
    let number = fake.seed_issue("Deploy v0.1.0", "<!-- shipgate:release v0.1.0 -->", false);
    let forge = shipgate::forge::github::GithubForge::new(
        &fake.url(),
        REPO,
        SecretString::from(GH_TOKEN.to_owned()),
        None,
    )
    .unwrap()
    .with_retry(quick());
    let create = format!("/issues/{number}/comments");
    fake.fail("POST", &create, Fault::ServerError, 2);
    comment_once(&forge, number, &body, ours).await.unwrap();
    assert_eq!(forge.comments(number).await.unwrap().len(), 1);
    assert_eq!(gh_posts(&fake, &create), 3);
    fake.clear_requests();
    fake.fail(
        "POST",
        &create,
        Fault::Status(403, "Resource not accessible by integration"),
        1,
    );
    comment_once(&forge, number, &body, ours).await.unwrap_err();
    assert_eq!(gh_posts(&fake, &create), 1, "a refusal is not repeated");
    let _ = fake.take_violations();

    let fake = FakeGitlab::start(GL_TOKEN, GL_BOT);
    let iid = fake.seed_issue("Deploy v0.1.0", "<!-- shipgate:release v0.1.0 -->", GL_BOT);
    let forge = gitlab(&fake);
    fake.fail("POST", "/notes$", GlFault::DropAfterCreate, 1);
    comment_once(&forge, iid, &body, ours).await.unwrap();
    fake.fail("POST", "/notes$", GlFault::ServerError, 2);
    // Already there: a second call with the same marker after failures finds it.
    comment_once(&forge, iid, &body, ours).await.unwrap();
    let notes = forge.comments(iid).await.unwrap();
    assert_eq!(notes.len(), 1, "one note: {notes:#?}");
    assert_eq!(gl_posts(&fake, "/notes"), 2, "the lost one, then one 500");
}
