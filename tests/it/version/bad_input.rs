//! Bad input: a clear message, exit 2 (or 3), and nothing written.
use predicates::str::contains;

use crate::fixture::TestRepo;

#[test]
fn not_a_git_repository() {
    let repo = TestRepo::new();
    let outside = repo.root().join("plain");
    std::fs::create_dir(&outside).unwrap();
    repo.version()
        .arg("--repo")
        .arg(&outside)
        .assert()
        .code(2)
        .stderr(contains("not a git repository"));
}

#[test]
fn shallow_clone_says_how_to_fetch_everything() {
    let repo = TestRepo::new();
    repo.git(&["tag", "v1.0.0"]);
    repo.commit("fix: a");
    repo.commit("fix: b");
    repo.git(&["push", "-q", "origin", "main", "v1.0.0"]);
    let shallow = repo.root().join("shallow");
    let url = format!("file://{}", repo.remote().display());
    repo.git(&[
        "clone",
        "-q",
        "--depth",
        "1",
        &url,
        shallow.to_str().unwrap(),
    ]);
    repo.version()
        .args(["--dry-run", "--repo"])
        .arg(&shallow)
        .assert()
        .code(2)
        .stderr(contains("shallow"))
        .stderr(contains("fetch-depth: 0"))
        .stderr(contains("GIT_DEPTH: 0"));
}

#[test]
fn dirty_tree_is_refused_but_a_dry_run_works() {
    let repo = TestRepo::new();
    repo.commit("feat: a");
    repo.write("shipgate.yml", "version: {}\n");
    repo.git(&["add", "shipgate.yml"]);
    repo.version()
        .assert()
        .code(2)
        .stderr(contains("uncommitted changes (shipgate.yml)"))
        .stderr(contains("--dry-run"));
    repo.version().arg("--dry-run").assert().success();
    assert_eq!(repo.read("shipgate.yml"), "version: {}\n");
}

#[test]
fn dry_run_writes_nothing() {
    let repo = TestRepo::new();
    repo.write("VERSION", "0.1.0\n");
    repo.commit("feat: a");
    repo.git(&["tag", "v0.1.0"]);
    repo.commit("feat: b");
    let outside = tempfile::tempdir().unwrap();
    let config = outside.path().join("elsewhere.yml");
    std::fs::write(&config, "version:\n  tag_prefix: v\n").unwrap();
    let refs_before = repo.git(&["show-ref"]);
    let head = repo.head();
    repo.version()
        .arg("--dry-run")
        .arg("--config")
        .arg(&config)
        .assert()
        .success();
    assert_eq!(repo.git(&["show-ref"]), refs_before);
    assert_eq!(repo.head(), head);
    assert_eq!(repo.read("VERSION"), "0.1.0\n");
    assert_eq!(repo.git(&["status", "--porcelain"]), "");
}

#[test]
fn bad_config_names_file_line_and_column() {
    let repo = TestRepo::new();
    repo.write("shipgate.yml", "version:\n  tag_prefx: v\n");
    repo.version()
        .arg("--dry-run")
        .assert()
        .code(2)
        .stderr(contains("shipgate.yml:2:3:"))
        .stderr(contains("tag_prefx"));
}

#[test]
fn missing_explicit_config_is_an_error_and_a_missing_default_is_not() {
    let repo = TestRepo::new();
    repo.version().arg("--dry-run").assert().success();
    repo.version()
        .args(["--dry-run", "--config", "nope.yml"])
        .assert()
        .code(2)
        .stderr(contains("nope.yml"));
}

#[test]
fn computed_tag_on_another_commit_is_an_error() {
    let repo = TestRepo::new();
    repo.git(&["tag", "v1.0.0"]);
    repo.commit("fix: a");
    repo.git(&["tag", "v1.0.1"]);
    repo.git(&["checkout", "-q", "-b", "hotfix", "v1.0.0"]);
    repo.commit("fix: b");
    let head = repo.head();
    repo.version()
        .arg("--no-push")
        .assert()
        .code(2)
        .stderr(contains("tag v1.0.1 already exists on commit"));
    assert_eq!(repo.head(), head);
}

#[test]
fn empty_repository() {
    let repo = TestRepo::empty();
    repo.version()
        .arg("--dry-run")
        .assert()
        .code(2)
        .stderr(contains("no commit yet"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    let repo = TestRepo::new();
    repo.version()
        .arg("--bumpp")
        .assert()
        .code(2)
        .stderr(contains("--bump"));
}
