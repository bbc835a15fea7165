//! `shipgate-version` against real repositories with a bare remote.
mod bad_input;
mod bumps;
mod https;
mod include;
mod manifests;
mod outputs;
mod publish;
mod replay;

use serde_json::Value;

use crate::fixture::TestRepo;

/// Run `--dry-run --format json` and return the object.
pub fn dry_run(repo: &TestRepo, args: &[&str]) -> Value {
    let output = repo
        .version()
        .args(["--dry-run", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "shipgate-version failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("JSON on stdout")
}

/// The version a dry run would release ("" when none).
pub fn next(repo: &TestRepo, args: &[&str]) -> String {
    dry_run(repo, args)["version"].as_str().unwrap().to_owned()
}
