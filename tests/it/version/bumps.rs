//! Which version the commits ask for.
use super::{dry_run, next};
use crate::fixture::TestRepo;

fn released_at(tag: &str) -> TestRepo {
    let repo = TestRepo::new();
    repo.git(&["tag", "-a", tag, "-m", tag]);
    repo
}

#[test]
fn feat_bumps_minor_fix_perf_revert_bump_patch() {
    let repo = released_at("v1.2.3");
    repo.commit("fix: a");
    assert_eq!(next(&repo, &[]), "1.2.4");
    repo.commit("perf: b");
    repo.commit("revert: c");
    assert_eq!(next(&repo, &[]), "1.2.4");
    repo.commit("feat(api): d");
    let out = dry_run(&repo, &[]);
    assert_eq!(out["version"], "1.3.0");
    assert_eq!(out["tag"], "v1.3.0");
    assert_eq!(out["previous_version"], "1.2.3");
    assert_eq!(out["previous_tag"], "v1.2.3");
    assert_eq!(out["bump"], "minor");
    assert_eq!(out["released"], true);
}

#[test]
fn types_outside_the_map_release_nothing() {
    let repo = released_at("v1.0.0");
    repo.commit("docs: readme");
    repo.commit("chore(ci): cache");
    repo.commit("Update things");
    let out = dry_run(&repo, &[]);
    assert_eq!(out["released"], false);
    assert_eq!(out["version"], "");
    assert_eq!(out["bump"], "none");
    assert_eq!(out["previous_tag"], "v1.0.0");
}

#[test]
fn breaking_changes_bump_major() {
    let repo = released_at("v1.4.2");
    repo.commit("refactor!: drop the old flag");
    assert_eq!(next(&repo, &[]), "2.0.0");

    let repo = released_at("v1.4.2");
    repo.commit("fix: rename\n\nBREAKING CHANGE: the key is now `name`");
    assert_eq!(next(&repo, &[]), "2.0.0");

    let repo = released_at("v1.4.2");
    repo.commit("fix: rename\n\nBREAKING-CHANGE: the key is now `name`");
    let out = dry_run(&repo, &[]);
    assert_eq!(out["version"], "2.0.0");
    assert_eq!(out["bump"], "major");
}

#[test]
fn zero_major_rules_follow_the_config() {
    let repo = released_at("v0.3.1");
    repo.commit("feat!: new api");
    assert_eq!(next(&repo, &[]), "0.4.0");
    repo.write(
        "alt.yml",
        "version:\n  pre_major_breaking: major\n  pre_major_feature: patch\n",
    );
    assert_eq!(next(&repo, &["--config", "alt.yml"]), "1.0.0");

    let repo = released_at("v0.3.1");
    repo.commit("feat: small");
    assert_eq!(next(&repo, &[]), "0.4.0");
    repo.write("alt.yml", "version:\n  pre_major_feature: patch\n");
    assert_eq!(next(&repo, &["--config", "alt.yml"]), "0.3.2");
}

#[test]
fn type_map_is_configurable() {
    let repo = released_at("v2.0.0");
    repo.commit("docs: guide");
    assert_eq!(next(&repo, &[]), "");
    repo.write(
        "alt.yml",
        "version:\n  types: { docs: patch, feat: minor }\n",
    );
    assert_eq!(next(&repo, &["--config", "alt.yml"]), "2.0.1");
    repo.commit("fix: no longer releases");
    assert_eq!(next(&repo, &["--config", "alt.yml"]), "2.0.1");
}

#[test]
fn release_as_footer_forces_the_version() {
    let repo = released_at("v1.2.0");
    repo.commit("chore: cut the big one\n\nRelease-As: 3.0.0");
    let out = dry_run(&repo, &[]);
    assert_eq!(out["version"], "3.0.0");
    assert_eq!(out["bump"], "major");
}

#[test]
fn release_as_below_the_last_release_is_an_error() {
    let repo = released_at("v1.2.0");
    repo.commit("chore: oops\n\nRelease-As: 1.1.0");
    repo.version()
        .arg("--dry-run")
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "`Release-As: 1.1.0` is not above the last release 1.2.0",
        ));
}

#[test]
fn bump_flag_overrides_the_commits() {
    let repo = released_at("v1.2.0");
    repo.commit("feat: x");
    assert_eq!(next(&repo, &["--bump", "patch"]), "1.2.1");
    assert_eq!(next(&repo, &["--bump", "major"]), "2.0.0");
    repo.commit("docs: nothing releasable");
    assert_eq!(next(&repo, &["--bump", "minor"]), "1.3.0");
}

#[test]
fn first_release_is_the_initial_version_or_the_manifest_version() {
    let repo = TestRepo::new();
    repo.commit("feat: first");
    let out = dry_run(&repo, &[]);
    assert_eq!(out["version"], "0.1.0");
    assert_eq!(out["previous_version"], "");
    repo.write("alt.yml", "version:\n  initial: 1.0.0\n");
    assert_eq!(next(&repo, &["--config", "alt.yml"]), "1.0.0");
    repo.write("VERSION", "2.5.0\n");
    repo.commit("fix: ship VERSION");
    assert_eq!(next(&repo, &[]), "2.5.0");
}

#[test]
fn prereleases_count_from_existing_tags_and_are_not_a_base() {
    let repo = released_at("v1.2.0");
    repo.commit("feat: a");
    assert_eq!(next(&repo, &["--pre", "rc"]), "1.3.0-rc.1");
    repo.git(&["tag", "v1.3.0-rc.1"]);
    repo.commit("fix: b");
    assert_eq!(next(&repo, &["--pre", "rc"]), "1.3.0-rc.2");
    assert_eq!(next(&repo, &["--pre", "beta"]), "1.3.0-beta.1");
    let out = dry_run(&repo, &[]);
    assert_eq!(
        out["version"], "1.3.0",
        "rc tags are not the base of a stable release"
    );
    assert_eq!(out["previous_tag"], "v1.2.0");
}

#[test]
fn invalid_prerelease_identifier_is_a_usage_error() {
    let repo = released_at("v1.0.0");
    repo.version()
        .args(["--dry-run", "--pre", "rc 1"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "cannot be a prerelease identifier",
        ));
}

#[test]
fn merged_branches_count_and_merge_subjects_do_not() {
    let repo = released_at("v1.0.0");
    repo.git(&["checkout", "-q", "-b", "topic"]);
    repo.commit("feat(topic): from the branch");
    repo.git(&["checkout", "-q", "main"]);
    repo.commit("fix: on main");
    repo.git(&[
        "merge",
        "-q",
        "--no-ff",
        "-m",
        "feat!: a merge subject that must not count",
        "topic",
    ]);
    let out = dry_run(&repo, &[]);
    assert_eq!(out["version"], "1.1.0");
    let notes = out["notes"].as_str().unwrap();
    assert!(notes.contains("**topic:** from the branch"), "{notes}");
    assert!(!notes.contains("merge subject"), "{notes}");
}

#[test]
fn non_conventional_commits_are_listed_as_ignored() {
    let repo = released_at("v1.0.0");
    repo.commit("Fix the thing quickly");
    repo.commit("feat: real");
    let out = dry_run(&repo, &[]);
    let ignored = out["ignored_commits"].as_array().unwrap();
    assert_eq!(ignored.len(), 1);
    assert_eq!(ignored[0]["subject"], "Fix the thing quickly");
    repo.version()
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(predicates::str::contains(
            "ignored (not Conventional Commits):",
        ))
        .stdout(predicates::str::contains("Fix the thing quickly"));
}

#[test]
fn lightweight_annotated_and_foreign_tags() {
    let repo = TestRepo::new();
    repo.git(&["tag", "v1.0.0"]);
    repo.commit("fix: a");
    repo.git(&["tag", "-a", "v1.0.1", "-m", "annotated"]);
    repo.commit("fix: b");
    repo.git(&["tag", "latest"]);
    repo.git(&["tag", "v9"]);
    repo.git(&["tag", "release-5.0.0"]);
    assert_eq!(next(&repo, &[]), "1.0.2");
}

#[test]
fn highest_reachable_tag_wins_and_unreachable_tags_are_ignored() {
    let repo = released_at("v1.0.0");
    repo.git(&["checkout", "-q", "-b", "other"]);
    repo.commit("feat: elsewhere");
    repo.git(&["tag", "v5.0.0"]);
    repo.git(&["checkout", "-q", "main"]);
    repo.commit("fix: here");
    let out = dry_run(&repo, &[]);
    assert_eq!(out["previous_tag"], "v1.0.0");
    assert_eq!(out["version"], "1.0.1");
}

#[test]
fn bare_tag_prefix() {
    let repo = released_at("v3.0.0");
    repo.git(&["tag", "1.4.0"]);
    repo.commit("feat: x");
    repo.write("alt.yml", "version:\n  tag_prefix: \"\"\n");
    let out = dry_run(&repo, &["--config", "alt.yml"]);
    assert_eq!(out["tag"], "1.5.0");
    assert_eq!(out["previous_tag"], "1.4.0");
}
