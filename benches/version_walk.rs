//! `shipgate-version --dry-run` on a synthetic repository of 100,000 commits and 2,000 tags,
//! with `git log` over the same range as the baseline, and binary start-up time.
//!
//! Run: `cargo bench --bench version_walk` (pinned to one core when `taskset` exists).
//! The repository is built once with `git fast-import` under `target/bench-repos/`.
#![allow(clippy::unwrap_used, clippy::print_stdout, missing_docs)]
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

mod timing;
use timing::{median, ms, pinned};

/// Every command measured here must succeed.
fn time(program: &Path, dir: &Path, args: &[&str]) -> Duration {
    timing::time(program, dir, args, 0)
}

const COMMITS: usize = 100_000;
const TAGS: usize = 2_000;
/// The last tag sits this many commits below HEAD.
const LAST_TAG_DEPTH: usize = 1_000;

fn main() {
    let repo = synthetic_repo();
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_shipgate-version"));
    let no_tags = repo.parent().unwrap().join("no-tags.yml");
    std::fs::write(&no_tags, "version:\n  tag_prefix: none-of-these-\n").unwrap();
    let last_tag = format!("v{}.0.0", TAGS);

    println!(
        "synthetic repository: {COMMITS} commits, {TAGS} tags, last tag {LAST_TAG_DEPTH} commits back"
    );
    println!("(medians; pinned to one core: {})", pinned());
    report(
        "startup: shipgate-version --version",
        50,
        || time(&binary, &repo, &["--version"]),
        None,
    );
    report(
        "(a) --dry-run, last tag 1,000 commits back",
        15,
        || time(&binary, &repo, &["--dry-run", "--format", "json"]),
        Some(("git log over the same range", &|| {
            time(
                Path::new("git"),
                &repo,
                &["log", "--format=%H %s%n%b", &format!("{last_tag}..HEAD")],
            )
        })),
    );
    report(
        "(b) --dry-run, no release tag at all",
        5,
        || {
            time(
                &binary,
                &repo,
                &[
                    "--dry-run",
                    "--format",
                    "json",
                    "--config",
                    no_tags.to_str().unwrap(),
                ],
            )
        },
        Some(("git log over all history", &|| {
            time(Path::new("git"), &repo, &["log", "--format=%H %s%n%b"])
        })),
    );
}

fn report(
    name: &str,
    runs: usize,
    measure: impl Fn() -> Duration,
    baseline: Option<(&str, &dyn Fn() -> Duration)>,
) {
    let ours = median(runs, measure);
    print!("{name:<46} {:>9.2} ms", ms(ours));
    if let Some((label, baseline)) = baseline {
        print!("   | {label}: {:>8.2} ms", ms(median(runs, baseline)));
    }
    println!();
}

/// Build (once) a linear history of conventional commits with release tags, half annotated.
fn synthetic_repo() -> PathBuf {
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-repos");
    let repo = base.join(format!("linear-{COMMITS}-{TAGS}"));
    if repo.join(".git/shipgate-bench-complete").exists() {
        return repo;
    }
    let _ = std::fs::remove_dir_all(&repo);
    std::fs::create_dir_all(&repo).unwrap();
    git(&repo, &["init", "-q", "-b", "main"]);
    let mut child = Command::new("git")
        .args(["fast-import", "--quiet"])
        .current_dir(&repo)
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stream = std::io::BufWriter::new(child.stdin.take().unwrap());
    let kinds = [
        "feat(core): add knob",
        "fix: handle the edge",
        "chore: tidy",
        "docs: explain",
        "perf: faster path",
    ];
    let mut tags = 0;
    for n in 1..=COMMITS {
        let when = 1_600_000_000 + n * 60;
        let message = format!("{} {n}\n\nBody of commit {n}.\n", kinds[n % kinds.len()]);
        writeln!(
            stream,
            "commit refs/heads/main\nmark :{n}\ncommitter Bench <bench@example.com> {when} +0000"
        )
        .unwrap();
        writeln!(stream, "data {}\n{message}", message.len()).unwrap();
        if n == 1 {
            writeln!(stream, "M 644 inline file.txt\ndata 2\nx").unwrap();
        }
        writeln!(stream).unwrap();
        if tags < TAGS && n == (tags + 1) * (COMMITS - LAST_TAG_DEPTH) / TAGS {
            tags += 1;
            if tags % 2 == 0 {
                let text = format!("v{tags}.0.0");
                writeln!(stream, "tag v{tags}.0.0\nfrom :{n}\ntagger Bench <bench@example.com> {when} +0000\ndata {}\n{text}", text.len()).unwrap();
            } else {
                writeln!(stream, "reset refs/tags/v{tags}.0.0\nfrom :{n}\n").unwrap();
            }
        }
    }
    drop(stream);
    assert!(child.wait().unwrap().success());
    git(&repo, &["checkout", "-q", "main"]);
    git(&repo, &["gc", "-q"]);
    let head_distance = git(
        &repo,
        &["rev-list", "--count", &format!("v{TAGS}.0.0..HEAD")],
    );
    assert_eq!(head_distance.trim(), LAST_TAG_DEPTH.to_string());
    std::fs::write(repo.join(".git/shipgate-bench-complete"), "").unwrap();
    repo
}

fn git(dir: &Path, args: &[&str]) -> String {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).unwrap()
}
