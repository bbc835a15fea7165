//! Pushing over smart HTTP on 127.0.0.1: the forge token goes as the basic-auth password to the
//! forge's host only, a refused token says what to check, and no token ever reaches the output.
use std::time::Duration;

use super::publish::{lock_remote_ref, ready_to_release, remote_ref};
use crate::fixture::TestRepo;
use crate::git_http::GitHttpServer;

const GITHUB_TOKEN: &str = "ghs_E2eGithubTokenNeverPrinted0123";
const GITLAB_TOKEN: &str = "glpat-E2eGitlabTokenNeverPrinted01";
const URL_PASSWORD: &str = "UrlPasswordNeverPrinted0123";

/// The bare remote served over HTTP to `user:password`, and `origin` pointed at it.
fn serve_origin(repo: &TestRepo, user: &str, password: &str) -> GitHttpServer {
    repo.remote_git(&["config", "http.receivepack", "true"]);
    let server = GitHttpServer::start(repo.root(), user, password);
    set_origin(repo, &format!("{}/remote.git", server.url()));
    server
}

fn set_origin(repo: &TestRepo, url: &str) {
    repo.git(&["remote", "set-url", "origin", url]);
}

/// What one run of `shipgate-version` did.
struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

impl Run {
    fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(
            self.code,
            Some(code),
            "stdout:\n{}\nstderr:\n{}",
            self.stdout,
            self.stderr
        );
        self
    }

    fn assert_stdout_has(&self, text: &str) -> &Self {
        assert!(self.stdout.contains(text), "{text:?} in:\n{}", self.stdout);
        self
    }

    fn assert_stderr_has(&self, text: &str) -> &Self {
        assert!(self.stderr.contains(text), "{text:?} in:\n{}", self.stderr);
        self
    }

    /// The secret appears neither on stdout nor on stderr.
    fn assert_never_shows(&self, secret: &str) -> &Self {
        assert!(
            !self.stdout.contains(secret),
            "leaked on stdout:\n{}",
            self.stdout
        );
        assert!(
            !self.stderr.contains(secret),
            "leaked on stderr:\n{}",
            self.stderr
        );
        self
    }
}

/// Release with every log line on (`-vv`, `SHIPGATE_LOG=trace`), so a leak would show.
fn release_loudly(repo: &TestRepo, env: &[(&str, &str)]) -> Run {
    let mut command = repo.version();
    command
        .arg("-vv")
        .env("SHIPGATE_LOG", "trace")
        .timeout(Duration::from_secs(120));
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("shipgate-version runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

fn assert_released_on_the_remote(repo: &TestRepo) {
    assert_eq!(remote_ref(repo, "refs/heads/main"), Some(repo.head()));
    assert_eq!(
        remote_ref(repo, "refs/tags/v1.3.0"),
        Some(repo.git(&["rev-parse", "v1.3.0"]))
    );
}

fn assert_nothing_released(repo: &TestRepo, head: &str) {
    assert_eq!(repo.head(), head, "no release commit left");
    assert_eq!(repo.git(&["tag", "-l", "v1.3.0"]), "", "no local tag left");
    assert_eq!(remote_ref(repo, "refs/tags/v1.3.0"), None);
}

/// Neither the password nor a basic-auth header carrying it reached the server.
fn assert_server_never_got(server: &GitHttpServer, password: &str) {
    let requests = server.requests();
    assert!(!requests.is_empty(), "the server was asked");
    for request in requests {
        assert_ne!(request.password(), Some(password), "{request:?}");
    }
}

#[test]
fn github_actions_pushes_with_github_token_as_basic_auth() {
    let repo = ready_to_release();
    let server = serve_origin(&repo, "x-access-token", GITHUB_TOKEN);
    let url = server.url();

    release_loudly(
        &repo,
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REF_TYPE", "branch"),
            ("GITHUB_REF_NAME", "main"),
            ("GITHUB_SERVER_URL", &url),
            ("GITHUB_TOKEN", GITHUB_TOKEN),
        ],
    )
    .assert_code(0)
    .assert_stdout_has("released v1.3.0 (minor bump from v1.2.0), pushed")
    .assert_never_shows(GITHUB_TOKEN);

    assert_released_on_the_remote(&repo);
    let pushes: Vec<_> = server
        .requests()
        .into_iter()
        .filter(|r| r.is_receive_pack())
        .collect();
    assert_eq!(pushes.len(), 2, "branch, then tag: {pushes:?}");
    for push in pushes {
        assert_eq!(
            push.user_and_password(),
            Some(("x-access-token", GITHUB_TOKEN))
        );
    }
}

#[test]
fn gitlab_ci_pushes_with_gitlab_token_as_basic_auth() {
    let repo = ready_to_release();
    let server = serve_origin(&repo, "oauth2", GITLAB_TOKEN);
    let url = server.url();

    release_loudly(
        &repo,
        &[
            ("GITLAB_CI", "true"),
            ("CI_COMMIT_BRANCH", "main"),
            ("CI_SERVER_URL", &url),
            ("GITLAB_TOKEN", GITLAB_TOKEN),
        ],
    )
    .assert_code(0)
    .assert_stdout_has("released v1.3.0 (minor bump from v1.2.0), pushed")
    .assert_never_shows(GITLAB_TOKEN);

    assert_released_on_the_remote(&repo);
    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.is_receive_pack() && r.user_and_password() == Some(("oauth2", GITLAB_TOKEN)))
    );
}

#[test]
fn github_token_is_not_sent_to_a_remote_on_another_host() {
    let repo = ready_to_release();
    let server = serve_origin(&repo, "x-access-token", GITHUB_TOKEN);
    let head = repo.head();

    release_loudly(
        &repo,
        &[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REF_TYPE", "branch"),
            ("GITHUB_REF_NAME", "main"),
            ("GITHUB_SERVER_URL", "https://github.example.com"),
            ("GITHUB_TOKEN", GITHUB_TOKEN),
        ],
    )
    .assert_code(3)
    .assert_stderr_has(&format!(
        "error: connecting to the remote failed: the token was not sent to {}, which is not the forge host github.example.com",
        server.host()
    ))
    .assert_stderr_has("set the server URL to the remote's server")
    .assert_never_shows(GITHUB_TOKEN);

    assert_server_never_got(&server, GITHUB_TOKEN);
    assert_nothing_released(&repo, &head);
}

#[test]
fn gitlab_token_is_not_sent_to_the_same_address_on_another_port() {
    let repo = ready_to_release();
    let server = serve_origin(&repo, "oauth2", GITLAB_TOKEN);
    let head = repo.head();

    release_loudly(
        &repo,
        &[
            ("GITLAB_CI", "true"),
            ("CI_COMMIT_BRANCH", "main"),
            ("CI_SERVER_URL", "http://127.0.0.1:1"),
            ("GITLAB_TOKEN", GITLAB_TOKEN),
        ],
    )
    .assert_code(3)
    .assert_stderr_has(&format!(
        "error: connecting to the remote failed: the token was not sent to {}, which is not the forge host 127.0.0.1:1",
        server.host()
    ))
    .assert_never_shows(GITLAB_TOKEN);

    assert_server_never_got(&server, GITLAB_TOKEN);
    assert_nothing_released(&repo, &head);
}

#[test]
fn refused_token_fails_with_a_hint_about_its_permissions() {
    let repo = ready_to_release();
    let server = serve_origin(&repo, "x-access-token", "ghs_TheTokenTheServerWants");
    let url = server.url();
    let head = repo.head();

    release_loudly(
        &repo,
        &[("GITHUB_SERVER_URL", &url), ("GITHUB_TOKEN", GITHUB_TOKEN)],
    )
    .assert_code(3)
    .assert_stderr_has("authentication failed; check that the token may push")
    .assert_stderr_has("contents: write on GitHub")
    .assert_never_shows(GITHUB_TOKEN);

    assert!(
        server
            .requests()
            .iter()
            .any(|r| r.user_and_password() == Some(("x-access-token", GITHUB_TOKEN))),
        "the token was offered to its own host"
    );
    assert_nothing_released(&repo, &head);
}

#[test]
fn password_in_the_remote_url_never_shows_when_authentication_fails() {
    let repo = ready_to_release();
    let server = serve_origin(&repo, "x-access-token", GITHUB_TOKEN);
    set_origin(
        &repo,
        &format!("http://user:{URL_PASSWORD}@{}/remote.git", server.host()),
    );
    let head = repo.head();

    release_loudly(&repo, &[])
        .assert_code(3)
        .assert_never_shows(URL_PASSWORD);

    assert_nothing_released(&repo, &head);
}

#[test]
fn password_in_the_remote_url_never_shows_when_the_push_is_rejected() {
    let repo = ready_to_release();
    let server = serve_origin(&repo, "user", URL_PASSWORD);
    set_origin(
        &repo,
        &format!("http://user:{URL_PASSWORD}@{}/remote.git", server.host()),
    );
    lock_remote_ref(&repo, "refs/heads/main");
    let head = repo.head();

    release_loudly(&repo, &[])
        .assert_code(3)
        .assert_stderr_has("nothing was pushed")
        .assert_never_shows(URL_PASSWORD);

    assert!(
        server.requests().iter().any(|r| r.is_receive_pack()),
        "the push reached the server"
    );
    assert_nothing_released(&repo, &head);
}
