//! Making the release: commit, tag, push — and re-running after success or failure.
use predicates::str::contains;

use crate::fixture::TestRepo;

pub(super) fn ready_to_release() -> TestRepo {
    let repo = TestRepo::new();
    repo.write("VERSION", "1.2.0\n");
    repo.commit("chore: track VERSION");
    repo.git(&["tag", "-a", "v1.2.0", "-m", "v1.2.0"]);
    repo.git(&["push", "-q", "origin", "main", "v1.2.0"]);
    repo.commit("feat(cli): add --pre");
    repo.commit("fix: typo in help");
    repo.git(&["push", "-q", "origin", "main"]);
    repo
}

pub(super) fn remote_ref(repo: &TestRepo, reference: &str) -> Option<String> {
    let out = repo.remote_git(&["for-each-ref", "--format=%(objectname)", reference]);
    (!out.is_empty()).then_some(out)
}

#[test]
fn release_commits_tags_and_pushes_both() {
    let repo = ready_to_release();
    let before = repo.head();
    repo.version()
        .assert()
        .success()
        .stdout(contains("released v1.3.0 (minor bump from v1.2.0), pushed"));

    assert_eq!(repo.read("VERSION"), "1.3.0\n");
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s"]),
        "chore(release): v1.3.0"
    );
    assert_eq!(repo.git(&["rev-parse", "HEAD^"]), before);
    assert_eq!(
        repo.git(&["cat-file", "-t", "v1.3.0"]),
        "tag",
        "annotated tag"
    );
    let message = repo.git(&["tag", "-l", "--format=%(contents)", "v1.3.0"]);
    assert!(message.starts_with("v1.3.0\n\n### Features\n"), "{message}");
    assert_eq!(
        repo.git(&[
            "tag",
            "-l",
            "--format=%(taggername) %(taggeremail)",
            "v1.3.0"
        ]),
        "Cy Committer <cy@example.com>"
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%an <%ae>"]),
        "Ada Author <ada@example.com>"
    );
    assert_eq!(remote_ref(&repo, "refs/heads/main"), Some(repo.head()));
    assert_eq!(
        remote_ref(&repo, "refs/tags/v1.3.0"),
        Some(repo.git(&["rev-parse", "v1.3.0"]))
    );
}

#[test]
fn rerun_after_success_is_a_no_op_with_the_same_outputs() {
    let repo = ready_to_release();
    let first = repo.version().args(["--format", "json"]).output().unwrap();
    assert!(first.status.success());
    let head = repo.head();
    let second = repo.version().args(["--format", "json"]).output().unwrap();
    assert!(
        second.status.success(),
        "{}",
        String::from_utf8_lossy(&second.stderr)
    );
    let (first, second): (serde_json::Value, serde_json::Value) = (
        serde_json::from_slice(&first.stdout).unwrap(),
        serde_json::from_slice(&second.stdout).unwrap(),
    );
    for key in [
        "released",
        "version",
        "tag",
        "previous_version",
        "previous_tag",
        "bump",
        "notes",
        "commit",
    ] {
        assert_eq!(first[key], second[key], "{key}");
    }
    assert_eq!(second["already_released"], true);
    assert_eq!(repo.head(), head, "no new commit");
    assert_eq!(repo.git(&["tag", "-l", "v1.3*"]), "v1.3.0", "no new tag");
}

#[test]
fn without_manifests_the_tag_goes_on_head_and_no_commit_is_made() {
    let repo = TestRepo::new();
    repo.git(&["tag", "v0.4.0"]);
    repo.commit("fix: a");
    repo.git(&["push", "-q", "origin", "main"]);
    let head = repo.head();
    repo.version().assert().success();
    assert_eq!(repo.head(), head);
    assert_eq!(repo.git(&["rev-parse", "v0.4.1^{commit}"]), head);
    assert!(remote_ref(&repo, "refs/tags/v0.4.1").is_some());
}

#[test]
fn no_push_keeps_everything_local_and_a_later_run_pushes_it() {
    let repo = ready_to_release();
    repo.version()
        .arg("--no-push")
        .assert()
        .success()
        .stdout(contains("not pushed"));
    assert_eq!(remote_ref(&repo, "refs/tags/v1.3.0"), None);
    let release = repo.head();
    repo.version()
        .assert()
        .success()
        .stdout(contains("already released v1.3.0"));
    assert_eq!(remote_ref(&repo, "refs/heads/main"), Some(release));
    assert!(remote_ref(&repo, "refs/tags/v1.3.0").is_some());
}

#[test]
fn remote_that_moved_on_stops_the_release_before_anything_is_written() {
    let repo = ready_to_release();
    let other = repo.root().join("other");
    repo.git(&[
        "clone",
        "-q",
        repo.remote().to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    std::fs::write(other.join("new.txt"), "x").unwrap();
    let git_other = |args: &[&str]| {
        let mut full = vec!["-C", other.to_str().unwrap()];
        full.extend_from_slice(args);
        repo.git(&full)
    };
    git_other(&["add", "."]);
    git_other(&["commit", "-q", "-m", "fix: someone else"]);
    git_other(&["push", "-q", "origin", "main"]);
    let remote_tip = remote_ref(&repo, "refs/heads/main");

    let head = repo.head();
    repo.version()
        .assert()
        .code(3)
        .stderr(contains("the remote branch main moved on"))
        .stderr(contains("pull, then run again"));
    assert_eq!(repo.head(), head, "no release commit left");
    assert_eq!(repo.git(&["tag", "-l", "v1.3.0"]), "", "no tag left");
    assert_eq!(repo.read("VERSION"), "1.2.0\n");
    assert_eq!(remote_ref(&repo, "refs/heads/main"), remote_tip);
    assert_eq!(remote_ref(&repo, "refs/tags/v1.3.0"), None);

    repo.git(&["pull", "-q", "--rebase", "origin", "main"]);
    repo.version().assert().success();
    assert!(remote_ref(&repo, "refs/tags/v1.3.0").is_some());
}

/// Hold the remote's lock on `reference` (as a concurrent push would), so that updating it fails.
pub(super) fn lock_remote_ref(repo: &TestRepo, reference: &str) -> std::path::PathBuf {
    let lock = repo.remote().join(format!("{reference}.lock"));
    std::fs::create_dir_all(lock.parent().unwrap()).unwrap();
    std::fs::write(&lock, "").unwrap();
    lock
}

#[test]
fn failed_branch_push_undoes_the_local_release_and_a_rerun_completes() {
    let repo = ready_to_release();
    let blocker = lock_remote_ref(&repo, "refs/heads/main");
    let head = repo.head();
    let output = repo.version().output().unwrap();
    assert_eq!(output.status.code(), Some(3));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert!(
        stderr.contains("nothing was pushed and the local release commit and tag were removed"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("the remote rejected").count(),
        1,
        "the cause is said once: {stderr}"
    );
    assert!(!stderr.contains(": ;"), "no dangling separator: {stderr}");
    assert_eq!(repo.head(), head);
    assert_eq!(repo.git(&["tag", "-l", "v1.3.0"]), "");
    assert_eq!(repo.read("VERSION"), "1.2.0\n");
    assert_eq!(repo.git(&["status", "--porcelain"]), "");

    std::fs::remove_file(&blocker).unwrap();
    repo.version()
        .assert()
        .success()
        .stdout(contains("released v1.3.0"));
    assert!(remote_ref(&repo, "refs/tags/v1.3.0").is_some());
}

#[test]
fn failed_tag_push_is_completed_by_a_rerun() {
    let repo = ready_to_release();
    let blocker = lock_remote_ref(&repo, "refs/tags/v1.3.0");
    repo.version()
        .assert()
        .code(3)
        .stderr(contains(
            "the release commit was pushed but tag v1.3.0 was not",
        ))
        .stderr(contains("run again to push the tag"));
    assert_eq!(remote_ref(&repo, "refs/heads/main"), Some(repo.head()));
    assert_eq!(remote_ref(&repo, "refs/tags/v1.3.0"), None);

    std::fs::remove_file(&blocker).unwrap();
    repo.version()
        .assert()
        .success()
        .stdout(contains("already released v1.3.0"));
    assert_eq!(
        remote_ref(&repo, "refs/tags/v1.3.0"),
        Some(repo.git(&["rev-parse", "v1.3.0"]))
    );
}

#[test]
fn remote_tag_on_another_commit_stops_the_release() {
    let repo = ready_to_release();
    repo.remote_git(&["tag", "v1.3.0", "main~1"]);
    let head = repo.head();
    repo.version().assert().code(2).stderr(contains(
        "the remote already has tag v1.3.0 on another commit",
    ));
    assert_eq!(repo.head(), head);
    assert_eq!(repo.git(&["tag", "-l", "v1.3.0"]), "");
}

#[test]
fn detached_head_needs_a_branch() {
    let repo = ready_to_release();
    repo.git(&["checkout", "-q", "--detach"]);
    repo.version()
        .assert()
        .code(2)
        .stderr(contains("pass --branch NAME"));
    repo.version().args(["--branch", "main"]).assert().success();
    assert_eq!(remote_ref(&repo, "refs/heads/main"), Some(repo.head()));
}

#[test]
fn gitlab_detached_checkout_pushes_to_the_pipeline_branch() {
    let repo = ready_to_release();
    repo.git(&["checkout", "-q", "--detach"]);
    repo.version()
        .env("GITLAB_CI", "true")
        .env("CI_COMMIT_BRANCH", "main")
        .assert()
        .success();
    assert_eq!(remote_ref(&repo, "refs/heads/main"), Some(repo.head()));
}

#[test]
fn unknown_remote_is_reported_before_anything_is_written() {
    let repo = ready_to_release();
    let head = repo.head();
    repo.version()
        .args(["--remote", "upstream"])
        .assert()
        .code(2)
        .stderr(contains("there is no remote named upstream"));
    assert_eq!(repo.head(), head);
    assert_eq!(repo.git(&["tag", "-l", "v1.3.0"]), "");
}

#[test]
fn signed_tags_use_the_git_signing_setup() {
    let repo = ready_to_release();
    let key = repo.root().join("signing_key");
    let status = std::process::Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "test", "-f"])
        .arg(&key)
        .status();
    let Ok(status) = status else {
        panic!("ssh-keygen is needed for the signing test (openssh-client)");
    };
    assert!(status.success());
    repo.git(&["config", "gpg.format", "ssh"]);
    repo.git(&["config", "user.signingkey", key.to_str().unwrap()]);
    repo.version().arg("--sign").assert().success();
    let tag = repo.git(&["cat-file", "tag", "v1.3.0"]);
    assert!(tag.contains("-----BEGIN SSH SIGNATURE-----"), "{tag}");
    assert!(
        tag.contains("\nv1.3.0\n\n### Features\n"),
        "the notes survive signing verbatim: {tag}"
    );
    assert!(
        tag.contains("tagger Cy Committer <cy@example.com>"),
        "{tag}"
    );
}

/// Put the work tree back where a CI re-run starts: `main` at the commit the release was made on.
fn back_to_the_pre_release_commit(repo: &TestRepo) {
    repo.git(&["reset", "-q", "--hard", "HEAD~1"]);
}

/// Forget every local trace of the release (tag, remote-tracking ref, objects), as a fresh
/// checkout of the pre-release commit that fetched nothing newer would.
fn forget_the_release(repo: &TestRepo, tag: &str) {
    repo.git(&["tag", "-d", tag]);
    repo.git(&["update-ref", "-d", "refs/remotes/origin/main"]);
    repo.git(&["reflog", "expire", "--expire=now", "--all"]);
    repo.git(&["gc", "-q", "--prune=now"]);
}

fn json_run(repo: &TestRepo) -> serde_json::Value {
    let output = repo.version().args(["--format", "json"]).output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn ci_rerun_from_the_pre_release_commit_reports_the_earlier_release() {
    let repo = ready_to_release();
    let first = json_run(&repo);
    let release = repo.head();
    let remote_before = repo.remote_git(&["show-ref"]);
    back_to_the_pre_release_commit(&repo);

    let again = json_run(&repo);
    for key in [
        "released",
        "version",
        "tag",
        "previous_version",
        "previous_tag",
        "bump",
        "notes",
        "commit",
    ] {
        assert_eq!(first[key], again[key], "{key}");
    }
    assert_eq!(again["commit"], release.as_str());
    assert_eq!(again["already_released"], true);
    assert_eq!(
        repo.remote_git(&["show-ref"]),
        remote_before,
        "nothing new pushed"
    );
    assert_eq!(repo.git(&["tag", "-l", "v1.3*"]), "v1.3.0", "no second tag");
}

#[test]
fn ci_rerun_after_a_failed_tag_push_adopts_the_pushed_commit_and_pushes_the_tag() {
    let repo = ready_to_release();
    let blocker = lock_remote_ref(&repo, "refs/tags/v1.3.0");
    repo.version().assert().code(3);
    let release = remote_ref(&repo, "refs/heads/main").unwrap();
    std::fs::remove_file(&blocker).unwrap();
    back_to_the_pre_release_commit(&repo);
    forget_the_release(&repo, "v1.3.0");

    let again = json_run(&repo);
    assert_eq!(again["version"], "1.3.0");
    assert_eq!(again["commit"], release.as_str());
    assert_eq!(again["already_released"], true);
    assert_eq!(again["pushed"], true);
    assert_eq!(
        remote_ref(&repo, "refs/heads/main"),
        Some(release.clone()),
        "the branch is not pushed again"
    );
    assert_eq!(repo.remote_git(&["rev-parse", "v1.3.0^{commit}"]), release);
    let message = repo.remote_git(&["tag", "-l", "--format=%(contents)", "v1.3.0"]);
    assert!(message.starts_with("v1.3.0\n\n### Features\n"), "{message}");
}

#[test]
fn ci_rerun_when_the_remote_has_both_fetches_the_tag_instead_of_making_another() {
    let repo = ready_to_release();
    repo.version().assert().success();
    let remote_tag = remote_ref(&repo, "refs/tags/v1.3.0").unwrap();
    back_to_the_pre_release_commit(&repo);
    forget_the_release(&repo, "v1.3.0");

    let again = json_run(&repo);
    assert_eq!(again["already_released"], true);
    assert_eq!(
        repo.git(&["rev-parse", "refs/tags/v1.3.0"]),
        remote_tag,
        "the remote's own tag object"
    );
    assert_eq!(remote_ref(&repo, "refs/tags/v1.3.0"), Some(remote_tag));
}

#[test]
fn a_remote_commit_with_the_release_subject_on_another_base_is_not_adopted() {
    let repo = ready_to_release();
    let other = repo.root().join("other");
    repo.git(&[
        "clone",
        "-q",
        repo.remote().to_str().unwrap(),
        other.to_str().unwrap(),
    ]);
    let git_other = |args: &[&str]| {
        let mut full = vec!["-C", other.to_str().unwrap()];
        full.extend_from_slice(args);
        repo.git(&full)
    };
    git_other(&["commit", "-q", "--allow-empty", "-m", "fix: someone else"]);
    git_other(&[
        "commit",
        "-q",
        "--allow-empty",
        "-m",
        "chore(release): v1.3.0",
    ]);
    git_other(&["push", "-q", "origin", "main"]);
    repo.version()
        .assert()
        .code(3)
        .stderr(contains("the remote branch main moved on"));
    assert_eq!(repo.git(&["tag", "-l", "v1.3.0"]), "");
}
