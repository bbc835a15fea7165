//! Outputs for CI (GITHUB_OUTPUT, dotenv, step summary), the notes file, JSON shape, snapshots.
use predicates::str::contains;

use super::dry_run;
use crate::fixture::TestRepo;

fn repo_with_history() -> TestRepo {
    let repo = TestRepo::new();
    repo.git(&["tag", "-a", "v2.4.1", "-m", "v2.4.1"]);
    repo.commit("feat(api): paginate the list endpoint");
    repo.commit("fix: close the file handle\n\nRefs: #12");
    repo.commit("perf(db): batch the inserts");
    repo.commit("revert: \"feat: the experiment\"");
    repo.commit("feat(auth)!: tokens expire after a day\n\nBREAKING CHANGE: sessions older than 24h are logged out");
    repo.commit("docs: explain the flags");
    repo.commit("WIP");
    repo
}

/// Parse a `$GITHUB_OUTPUT` file: `k=v` lines and `k<<DELIM` … `DELIM` blocks.
fn parse_github_output(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if let Some((key, delimiter)) = line.split_once("<<") {
            let mut value = Vec::new();
            for l in lines.by_ref() {
                if l == delimiter {
                    break;
                }
                value.push(l);
            }
            pairs.push((key.to_owned(), value.join("\n")));
        } else if let Some((key, value)) = line.split_once('=') {
            pairs.push((key.to_owned(), value.to_owned()));
        }
    }
    pairs
}

#[test]
fn release_notes_group_changes_by_kind() {
    let repo = repo_with_history();
    let notes = dry_run(&repo, &[])["notes"].as_str().unwrap().to_owned();
    let ids: Vec<String> = repo
        .git(&["log", "--format=%h", "-7", "--abbrev=7"])
        .lines()
        .map(str::to_owned)
        .collect();
    let mut filtered = notes.clone();
    for (i, id) in ids.iter().enumerate() {
        filtered = filtered.replace(id, &format!("[commit-{}]", ids.len() - i));
    }
    insta::assert_snapshot!(filtered);
}

#[test]
fn github_output_and_summary_are_written_in_actions() {
    let repo = repo_with_history();
    let output = repo.root().join("github_output");
    let summary = repo.root().join("summary.md");
    std::fs::write(&output, "earlier=kept\n").unwrap();
    repo.version()
        .args(["--dry-run"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_OUTPUT", &output)
        .env("GITHUB_STEP_SUMMARY", &summary)
        .assert()
        .success();
    let pairs = parse_github_output(&std::fs::read_to_string(&output).unwrap());
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    };
    assert_eq!(get("earlier"), Some("kept"), "appended, not truncated");
    assert_eq!(get("released"), Some("true"));
    assert_eq!(get("version"), Some("3.0.0"));
    assert_eq!(get("tag"), Some("v3.0.0"));
    assert_eq!(get("previous-version"), Some("2.4.1"));
    assert_eq!(get("previous-tag"), Some("v2.4.1"));
    assert_eq!(get("bump"), Some("major"));
    let notes = get("notes").unwrap();
    assert!(notes.starts_with("### Breaking changes\n"), "{notes}");
    assert!(
        notes.contains("### Features\n"),
        "multi-line value kept whole: {notes}"
    );
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.contains("Would release **v3.0.0**"), "{summary}");
}

#[test]
fn dotenv_holds_single_line_outputs_for_gitlab() {
    let repo = repo_with_history();
    let dotenv = repo.root().join("version.env");
    repo.version()
        .args(["--dry-run", "--dotenv"])
        .arg(&dotenv)
        .assert()
        .success();
    let text = std::fs::read_to_string(&dotenv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines,
        [
            "SHIPGATE_RELEASED=true",
            "SHIPGATE_VERSION=3.0.0",
            "SHIPGATE_TAG=v3.0.0",
            "SHIPGATE_PREVIOUS_VERSION=2.4.1",
            "SHIPGATE_PREVIOUS_TAG=v2.4.1",
            "SHIPGATE_BUMP=major",
        ]
    );
}

#[test]
fn notes_file_holds_the_notes_and_is_not_written_in_a_dry_run() {
    let repo = repo_with_history();
    let notes = repo.root().join("notes.md");
    repo.version()
        .arg("--dry-run")
        .arg("--notes-file")
        .arg(&notes)
        .assert()
        .success();
    assert!(!notes.exists(), "--dry-run writes nothing");
    repo.git(&["push", "-q", "origin", "main"]);
    repo.version()
        .arg("--notes-file")
        .arg(&notes)
        .assert()
        .success();
    let written = std::fs::read_to_string(&notes).unwrap();
    assert!(written.starts_with("### Breaking changes\n"), "{written}");
    assert_eq!(
        written,
        repo.git(&["tag", "-l", "--format=%(contents)", "v3.0.0"])
            .strip_prefix("v3.0.0\n\n")
            .unwrap()
            .trim_end()
            .to_owned()
            + "\n"
    );
}

#[test]
fn json_output_matches_its_schema() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/schemas/version-output.schema.json"
        ))
        .unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    let repo = repo_with_history();
    let released = dry_run(&repo, &[]);
    assert!(validator.is_valid(&released), "{released}");
    let quiet = TestRepo::new();
    let nothing = dry_run(&quiet, &[]);
    assert!(validator.is_valid(&nothing), "{nothing}");
    let mut broken = released.clone();
    broken["bump"] = "huge".into();
    assert!(!validator.is_valid(&broken));
}

#[test]
fn text_output_says_what_would_happen() {
    let repo = repo_with_history();
    repo.version()
        .arg("--dry-run")
        .assert()
        .success()
        .stdout(contains("would release v3.0.0 (major bump from v2.4.1)\n"))
        .stdout(contains("  ").and(contains("WIP")));
}

#[test]
fn help_explains_the_flags() {
    let repo = TestRepo::new();
    let output = repo.version().arg("--help").output().unwrap();
    assert!(output.status.success());
    insta::assert_snapshot!(String::from_utf8(output.stdout).unwrap());
}

#[test]
fn version_flag_prints_the_version() {
    let repo = TestRepo::new();
    repo.version()
        .arg("--version")
        .assert()
        .success()
        .stdout(format!("shipgate-version {}\n", env!("CARGO_PKG_VERSION")));
}

use predicates::prelude::PredicateBooleanExt as _;
