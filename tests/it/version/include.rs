//! `--include`: a file an earlier step wrote goes into the release commit with the manifests,
//! and survives a release that is undone.
use predicates::str::contains;

use super::publish::{lock_remote_ref, ready_to_release, remote_ref};

const SUMS: &str = "0123abcd  app-1.3.0.tar.gz\n";

#[test]
fn an_included_file_is_in_the_release_commit_and_tag() {
    let repo = ready_to_release();
    repo.write("checksums.txt", "# none yet\n");
    repo.commit("chore: track checksums");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.write("checksums.txt", SUMS);
    repo.write("notes.txt", "untracked, left alone\n");

    repo.version()
        .args(["--include", "checksums.txt"])
        .assert()
        .success()
        .stdout(contains("released v1.3.0"));
    let files = repo.git(&["show", "--format=", "--name-only", "v1.3.0^{commit}"]);
    assert_eq!(files, "VERSION\nchecksums.txt", "{files}");
    assert_eq!(repo.git(&["show", "v1.3.0:checksums.txt"]), SUMS.trim_end());
    assert!(
        remote_ref(&repo, "refs/tags/v1.3.0").is_some(),
        "tag pushed"
    );
    assert_eq!(repo.git(&["status", "--porcelain"]), "?? notes.txt");
}

#[test]
fn a_new_file_can_be_included_and_alone_makes_the_release_commit() {
    let repo = ready_to_release();
    // No manifest to bump: the included file is the release commit's one change.
    repo.write("shipgate.yml", "version:\n  manifests: []\n");
    repo.commit("chore: no manifests");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.write("dist/checksums.txt", SUMS);
    repo.version()
        .args(["--include", "dist/checksums.txt"])
        .assert()
        .success();
    assert_eq!(
        repo.git(&["show", "--format=%s", "--name-only", "v1.3.0^{commit}"]),
        "chore(release): v1.3.0\n\ndist/checksums.txt"
    );
}

#[test]
fn other_changes_still_stop_the_release() {
    let repo = ready_to_release();
    repo.write("checksums.txt", "# none yet\n");
    repo.write("README", "readme\n");
    repo.commit("chore: track checksums");
    repo.write("checksums.txt", SUMS);
    repo.write("README", "edited\n");
    let head = repo.head();
    repo.version()
        .args(["--include", "checksums.txt"])
        .assert()
        .code(2)
        .stderr(contains("README"));
    assert_eq!(repo.head(), head);
    assert_eq!(repo.read("checksums.txt"), SUMS);
}

#[test]
fn a_failed_push_keeps_what_the_earlier_step_wrote() {
    let repo = ready_to_release();
    repo.write("checksums.txt", "# none yet\n");
    repo.commit("chore: track checksums");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.write("checksums.txt", SUMS);
    let head = repo.head();
    let blocker = lock_remote_ref(&repo, "refs/heads/main");

    repo.version()
        .args(["--include", "checksums.txt"])
        .assert()
        .code(3);
    assert_eq!(repo.head(), head, "the local release commit is undone");
    assert_eq!(repo.read("checksums.txt"), SUMS, "the step's file is kept");
    assert_eq!(repo.read("VERSION"), "1.2.0\n");

    std::fs::remove_file(blocker).unwrap();
    repo.version()
        .args(["--include", "checksums.txt"])
        .assert()
        .success();
    assert_eq!(repo.git(&["show", "v1.3.0:checksums.txt"]), SUMS.trim_end());
}

#[test]
fn a_missing_or_outside_file_is_refused_before_anything_is_written() {
    let repo = ready_to_release();
    let head = repo.head();
    repo.version()
        .args(["--include", "nope.txt"])
        .assert()
        .code(2)
        .stderr(contains("--include nope.txt"));
    let outside = repo.root().join("outside.txt");
    std::fs::write(&outside, SUMS).unwrap();
    repo.version()
        .arg("--include")
        .arg(&outside)
        .assert()
        .code(2)
        .stderr(contains("not inside the repository"));
    assert_eq!(repo.head(), head);
    assert_eq!(repo.git(&["tag", "-l", "v1.3.0"]), "");
}
