//! shipgate releasing itself, end to end: `.github/workflows/release.yml` and `promote.yml` of
//! this repository run by `act` (no Docker: `-P ubuntu-latest=-self-hosted`) in a copy of the
//! repository's release files, against the fake GitHub. A `feat` commit lands on main → plan,
//! build, release: the archive's checksum goes into the release commit, the tag is pushed, the
//! draft release gets the notes, the archives, `SHA256SUMS`, the schemas and the templates
//! pinned to the tag's commit, and the deployment issue records stage → a maintainer's
//! "/promote production" publishes the draft and closes the issue. Running release.yml again
//! changes nothing.
//!
//! What cannot run here is replaced in the test's copy of release.yml, each replacement checked to
//! have found its step: the builds package the debug binaries as the `x86_64-unknown-linux-musl`
//! archive (`scripts/release.sh --bin-dir`; no musl standard library or zig here), the container
//! image jobs do nothing and the image digest is a stand-in (no container daemon), and the
//! artifact actions (not reachable here) copy through a folder shared by the jobs.
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_yaml::{Mapping, Value};

use crate::e2e_github::{
    RELEASE_TOKEN, TOKEN, act_with_env, binaries, comment_event, succeeded, user_repo_from,
};
use crate::fake_github::FakeGithub;
use crate::fixture::TestRepo;
use crate::release_install::{Downloads, SYSTEM_PATH};

/// What the release job's image step would have found: a stand-in digest.
const DIGEST: &str = "sha256:5e1f0c0ffee0000000000000000000000000000000000000000000000000d1e5";
/// The archive the actions download on Linux X64, and the one the release job runs.
const LINUX: &str = "x86_64-unknown-linux-musl";

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The tracked files a release reads and writes: sources, manifests, scripts, actions, templates.
fn project_repo() -> TestRepo {
    let repo = TestRepo::new();
    let listed = Command::new("git")
        .args(["ls-files", "-z", "--"])
        .args([
            ".github",
            "actions",
            "ci-templates",
            "docs",
            "schemas",
            "scripts",
            "src",
            "Cargo.toml",
            "Cargo.lock",
            "Dockerfile",
            "LICENSE",
            "README.md",
            "shipgate.yml",
        ])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(listed.status.success());
    for file in listed.stdout.split(|b| *b == 0).filter(|f| !f.is_empty()) {
        let file = std::str::from_utf8(file).unwrap();
        let to = repo.path().join(file);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(root().join(file), &to).unwrap();
    }
    std::fs::write(
        repo.path().join(".github/workflows/release.yml"),
        runnable_release_workflow(),
    )
    .unwrap();
    let mut config = std::fs::read_to_string(repo.path().join("shipgate.yml")).unwrap();
    config
        .push_str("# The fake API's clock is not today's.\npromote:\n  max_comment_age: 525600m\n");
    std::fs::write(repo.path().join("shipgate.yml"), config).unwrap();
    repo.git(&["add", "-A"]);
    repo.git(&["commit", "-q", "-m", "chore: the project"]);
    repo.git(&["push", "-q", "origin", "main"]);
    repo
}

/// release.yml with what cannot run here replaced (the module's doc says what and why); the
/// project's shipgate.yml with a comment age the fake's fixed clock passes.
fn runnable_release_workflow() -> String {
    let text = std::fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let mut workflow: Value = serde_yaml::from_str(&text).unwrap();
    let jobs = workflow["jobs"].as_mapping_mut().unwrap();
    let mut replaced = Vec::new();
    for (name, job) in jobs.iter_mut() {
        let name = name.as_str().unwrap().to_owned();
        if let Some(include) = job
            .get_mut("strategy")
            .and_then(|s| s.get_mut("matrix"))
            .and_then(|m| m.get_mut("include"))
            .and_then(Value::as_sequence_mut)
        {
            // One entry per job: the Linux X64 build, the amd64 image.
            include.retain(|entry| {
                entry["target"].as_str().is_none_or(|t| t == LINUX)
                    && entry["arch"].as_str().is_none_or(|a| a == "amd64")
            });
            for entry in include.iter_mut() {
                entry["os"] = Value::from("ubuntu-latest");
            }
        }
        let steps = job["steps"].as_sequence_mut().unwrap();
        let mut kept = Vec::new();
        for step in steps.drain(..) {
            let uses = step["uses"].as_str().unwrap_or_default().to_owned();
            let run = step["run"].as_str().unwrap_or_default().to_owned();
            let id = step["id"].as_str().unwrap_or_default().to_owned();
            if uses.starts_with("actions/upload-artifact@") {
                kept.push(upload_step(&step["with"]));
                replaced.push(format!("{name}: upload"));
            } else if uses.starts_with("actions/download-artifact@") {
                kept.push(download_step(&step["with"]));
                replaced.push(format!("{name}: download"));
            } else if name == "build" && (run.contains("rustup") || run.contains("zigbuild")) {
                replaced.push(format!("{name}: toolchain"));
            } else if name == "build" && run.contains("scripts/release.sh") {
                kept.push(run_step(
                    "the debug binaries as the archive",
                    &[("TARGET", "${{ matrix.target }}")],
                    "scripts/release.sh --bin-dir \"$SHIPGATE_BIN_DIR\" --target-name \"$TARGET\" --out dist",
                ));
                replaced.push(format!("{name}: release.sh"));
            } else if name == "image" && run.contains("docker") {
                kept.push(run_step("no container daemon", &[], "true"));
                replaced.push(format!("{name}: docker"));
            } else if id == "image" {
                let mut stand_in = run_step(
                    "the image digest, a stand-in",
                    &[],
                    &format!("echo \"digest={DIGEST}\" >> \"$GITHUB_OUTPUT\""),
                );
                stand_in["id"] = Value::from("image");
                kept.push(stand_in);
                replaced.push(format!("{name}: digest"));
            } else {
                kept.push(step);
            }
        }
        *steps = kept;
    }
    replaced.sort();
    replaced.dedup();
    assert_eq!(
        replaced,
        [
            "build: download",
            "build: release.sh",
            "build: toolchain",
            "build: upload",
            "image: docker",
            "image: download",
            "plan: upload",
            "release: digest",
            "release: download",
        ],
        "release.yml changed shape: say in this test what replaces its new steps"
    );
    serde_yaml::to_string(&workflow).unwrap()
}

fn run_step(name: &str, env: &[(&str, &str)], script: &str) -> Value {
    let mut step = Mapping::new();
    step.insert("name".into(), name.into());
    if !env.is_empty() {
        let mut vars = Mapping::new();
        for (key, value) in env {
            vars.insert((*key).into(), (*value).into());
        }
        step.insert("env".into(), Value::Mapping(vars));
    }
    step.insert("shell".into(), "bash".into());
    step.insert("run".into(), script.into());
    Value::Mapping(step)
}

/// `actions/upload-artifact` as a copy into `$ARTIFACTS/NAME/`.
fn upload_step(with: &Value) -> Value {
    let name = with["name"].as_str().unwrap();
    let path = with["path"].as_str().unwrap();
    run_step(
        "upload-artifact, as a copy",
        &[("ARTIFACT", name), ("FILES", path)],
        "mkdir -p \"$ARTIFACTS/$ARTIFACT\"\n# shellcheck disable=SC2086\ncp $FILES \"$ARTIFACTS/$ARTIFACT/\"\n",
    )
}

/// `actions/download-artifact` (by name, or by pattern merged) as a copy out of `$ARTIFACTS`.
fn download_step(with: &Value) -> Value {
    let selected = with["name"].as_str().or(with["pattern"].as_str()).unwrap();
    let path = with["path"].as_str().unwrap();
    run_step(
        "download-artifact, as a copy",
        &[("SELECTED", selected), ("TO", path)],
        "mkdir -p \"$TO\"\nfor dir in \"$ARTIFACTS\"/$SELECTED; do cp \"$dir\"/* \"$TO/\"; done\n",
    )
}

/// Every built binary, stripped (the archive packs and unpacks in seconds).
fn stripped_binaries(into: &Path) -> PathBuf {
    let dir = into.join("bin");
    std::fs::create_dir_all(&dir).unwrap();
    for bin in crate::release::binaries() {
        crate::release::strip_into(&binaries().join(&bin), &dir.join(&bin));
    }
    dir
}

fn act_env(repo: &TestRepo) -> Vec<(&'static str, String)> {
    let artifacts = repo.root().join("artifacts");
    std::fs::create_dir_all(&artifacts).unwrap();
    vec![
        ("ARTIFACTS", artifacts.display().to_string()),
        (
            "SHIPGATE_BIN_DIR",
            stripped_binaries(repo.root()).display().to_string(),
        ),
    ]
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[test]
fn shipgate_releases_itself_and_a_comment_publishes_the_release() {
    let fake = FakeGithub::start(TOKEN, None);
    fake.set_role("alice", "maintain");
    let repo = project_repo();
    fake.serve_git(&repo.remote());

    repo.commit("feat: shipgate releases itself");
    repo.git(&["push", "-q", "origin", "main"]);
    let (before, head) = (
        repo.git(&["rev-parse", "HEAD~1"]),
        repo.git(&["rev-parse", "HEAD"]),
    );
    let push = fake.push_event("refs/heads/main", &before, &head, "alice");
    let env = act_env(&repo);
    succeeded(&act_with_env(
        &repo,
        &fake,
        "push",
        "release",
        push.clone(),
        1,
        &env,
    ));

    // The tag is the release commit, which carries the checksum of its own Linux archive.
    repo.git(&["fetch", "-q", "--tags", "origin"]);
    let version = repo.git(&["show", "HEAD:Cargo.toml"]);
    let version = version
        .lines()
        .find_map(|l| l.strip_prefix("version = \""))
        .unwrap()
        .trim_end_matches('"')
        .to_owned();
    let tag = format!("v{version}");
    let commit = repo.git(&["rev-parse", &format!("{tag}^{{commit}}")]);
    assert_eq!(
        repo.git(&["rev-parse", "origin/main"]),
        commit,
        "main is the tag's commit: nothing is committed after the tag"
    );
    assert_eq!(
        repo.git(&["log", "-1", "--format=%s", &commit]),
        format!("chore(release): {tag}")
    );
    let archive = format!("shipgate-{version}-{LINUX}.tar.gz");
    let releases = fake.releases();
    assert_eq!(releases.len(), 1, "{releases:?}");
    let release = &releases[0];
    assert_eq!(release["tag_name"], tag.as_str());
    assert_eq!(release["draft"], true, "stage is the draft");
    let id = release["id"].as_u64().unwrap();
    let archive_bytes = fake
        .asset_bytes(id, &archive)
        .expect("the archive uploaded");
    let checksums = repo.git(&["show", &format!("{tag}:actions/lib/checksums.txt")]);
    assert!(
        checksums
            .lines()
            .any(|l| l == format!("{}  {archive}", sha256(&archive_bytes))),
        "the tag's checksums.txt pins the uploaded archive:\n{checksums}"
    );

    // The notes: the tag's, the image by digest, the commit the templates pin.
    let body = release["body"].as_str().unwrap();
    assert!(body.contains("### Features"), "{body}");
    assert!(body.contains(&format!("@{DIGEST}`")), "{body}");
    assert!(
        body.contains(&format!("pinned to commit {commit}")),
        "{body}"
    );

    // SHA256SUMS covers every asset; the templates archive pins the tag's commit.
    let sums = String::from_utf8(fake.asset_bytes(id, "SHA256SUMS").unwrap()).unwrap();
    let templates = format!("shipgate-templates-{version}.tar.gz");
    for name in [archive.as_str(), templates.as_str(), "shipgate.schema.json"] {
        let bytes = fake
            .asset_bytes(id, name)
            .unwrap_or_else(|| panic!("{name} uploaded"));
        assert!(
            sums.lines()
                .any(|l| l == format!("{}  {name}", sha256(&bytes))),
            "{name} in SHA256SUMS:\n{sums}"
        );
    }
    let unpacked = repo.root().join("templates");
    std::fs::create_dir_all(&unpacked).unwrap();
    std::fs::write(
        repo.root().join(&templates),
        fake.asset_bytes(id, &templates).unwrap(),
    )
    .unwrap();
    let untar = Command::new("tar")
        .arg("-xzf")
        .arg(repo.root().join(&templates))
        .arg("-C")
        .arg(&unpacked)
        .status()
        .unwrap();
    assert!(untar.success());
    let deploy = std::fs::read_to_string(unpacked.join("ci-templates/github/deploy.yml")).unwrap();
    assert!(
        deploy.contains(&format!(
            "shipgate/shipgate/actions/issue@{commit}  # {tag}"
        )),
        "the published templates pin the tag's commit"
    );

    // The deployment issue, and stage recorded as a deployment of the tag's commit.
    let issues = fake.issues();
    assert_eq!(issues.len(), 1);
    let issue = issues[0]["number"].as_u64().unwrap();
    let stage = fake.deployments_to("stage");
    assert_eq!(stage.len(), 1, "{stage:?}");
    assert_eq!(stage[0]["ref"], tag.as_str());
    assert_eq!(stage[0]["sha"], commit.as_str());

    // Running the workflow again for the same push changes nothing.
    fake.clear_requests();
    succeeded(&act_with_env(
        &repo, &fake, "push", "release", push, 2, &env,
    ));
    let writes: Vec<_> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET")
        .filter(|r| !r.path.contains("/deployments"))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        writes.iter().all(|w| !w.contains("/releases")),
        "no release or asset written again: {writes:?}"
    );
    assert_eq!(fake.releases().len(), 1);
    assert_eq!(fake.issues().len(), 1);

    // A maintainer's "/promote production": the publish job publishes the draft, closes the issue.
    let event = comment_event(&fake, issue, "alice", "/promote production");
    let job = fake.start_environment_job("production", "main", &commit, 3);
    let output = act_with_env(&repo, &fake, "issue_comment", "promote", event, 3, &env);
    fake.finish_environment_job(job, output.status.success());
    succeeded(&output);
    let release = fake.releases().remove(0);
    assert_eq!(release["draft"], false, "published");
    assert_eq!(release["body"].as_str().unwrap(), body, "notes kept");
    let issue = fake.issues().remove(0);
    assert_eq!(issue["state"], "closed", "{issue}");
    for text in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(text);
        assert!(!text.contains(TOKEN) && !text.contains(RELEASE_TOKEN));
    }

    // The GitHub quick start from what was published: the release's pinned starter workflows and
    // actions in a user's repository, no shipgate on PATH. The version action installs
    // shipgate-version from the release's archive, checked against the sha256 its commit pins.
    let assets = repo.root().join("assets");
    std::fs::create_dir_all(&assets).unwrap();
    std::fs::write(assets.join(&archive), &archive_bytes).unwrap();
    let downloads = Downloads::serve(&assets);
    let user = user_repo_from(&unpacked, "");
    user.commit("feat: first");
    user.git(&["push", "-q", "origin", "main"]);
    let (before, head) = (
        user.git(&["rev-parse", "HEAD~1"]),
        user.git(&["rev-parse", "HEAD"]),
    );
    let push = fake.push_event("refs/heads/main", &before, &head, "alice");
    let user_env = [
        ("PATH", SYSTEM_PATH.to_owned()),
        ("SHIPGATE_DOWNLOAD_BASE", downloads.url()),
    ];
    let output = act_with_env(&user, &fake, "push", "release", push, 4, &user_env);
    succeeded(&output);
    assert!(
        String::from_utf8_lossy(&output.stdout)
            .contains(&format!("from {archive} (sha256 verified)")),
        "installed from the release's archive"
    );
    assert_eq!(downloads.requests(), 1);
    assert!(
        user.git(&["ls-remote", "--tags", "origin"])
            .contains("refs/tags/v0.1.0")
    );

    gitlab_quick_start(
        &unpacked,
        &version,
        &archive_bytes,
        &repo.root().join("image"),
    );

    // The next release: the builds get the release commit's changes (Cargo.toml's version and
    // the rest shipgate.yml lists), and the tag names its own version everywhere.
    repo.git(&["pull", "-q", "--ff-only", "origin", "main"]);
    let before = repo.head();
    repo.commit("fix: the next one");
    repo.git(&["push", "-q", "origin", "main"]);
    let push = fake.push_event("refs/heads/main", &before, &repo.head(), "alice");
    succeeded(&act_with_env(
        &repo, &fake, "push", "release", push, 5, &env,
    ));
    repo.git(&["fetch", "-q", "--tags", "origin"]);
    let next = next_patch(&version);
    let tag = format!("v{next}");
    let at_tag = |file: &str| repo.git(&["show", &format!("{tag}:{file}")]);
    assert!(at_tag("Cargo.toml").contains(&format!("\nversion = \"{next}\"\n")));
    let next_archive = format!("shipgate-{next}-{LINUX}.tar.gz");
    let release = fake
        .releases()
        .into_iter()
        .find(|r| r["tag_name"] == tag.as_str())
        .expect("the next draft");
    let bytes = fake
        .asset_bytes(release["id"].as_u64().unwrap(), &next_archive)
        .expect("the next archive uploaded");
    assert!(
        at_tag("actions/lib/checksums.txt")
            .lines()
            .any(|l| l == format!("{}  {next_archive}", sha256(&bytes)))
    );
    assert!(at_tag("ci-templates/github/deploy.yml").contains(&format!("actions/issue@{tag}\n")));
    assert!(
        at_tag("ci-templates/gitlab/shipgate.yml")
            .contains(&format!("shipgate/shipgate:{next}@{DIGEST}\n"))
    );
}

/// `X.Y.Z` → `X.Y.(Z+1)`.
fn next_patch(version: &str) -> String {
    let (rest, patch) = version.rsplit_once('.').unwrap();
    format!("{rest}.{}", patch.parse::<u64>().unwrap() + 1)
}

/// The GitLab quick start from what was published: the release's template, whose default image
/// is the release's by digest, included with its defaults; the jobs' PATH holds what that image
/// holds, the release's Linux archive unpacked (the Dockerfile's release stage), and no other
/// shipgate. The version job releases the user's repository.
fn gitlab_quick_start(published: &Path, version: &str, archive: &[u8], image: &Path) {
    use crate::e2e_gitlab::{ME, TOKEN as GITLAB_TOKEN, pipeline_on_path, quick_start_repo};
    let template = published.join("ci-templates/gitlab/shipgate.yml");
    let text = std::fs::read_to_string(&template).unwrap();
    assert!(
        text.contains(&format!(
            "default: ghcr.io/shipgate/shipgate:{version}@{DIGEST}\n"
        )),
        "the published template runs the release's image by digest"
    );
    let bin = image.join("usr/local/bin");
    std::fs::create_dir_all(&bin).unwrap();
    let tarball = image.join("archive.tar.gz");
    std::fs::write(&tarball, archive).unwrap();
    let untar = Command::new("tar")
        .arg("-xzf")
        .arg(&tarball)
        .arg("-C")
        .arg(&bin)
        .status()
        .unwrap();
    assert!(untar.success());

    let fake = crate::fake_gitlab::FakeGitlab::start(GITLAB_TOKEN, ME);
    let user = quick_start_repo(&template);
    user.commit("feat: first");
    user.git(&["push", "-q", "origin", "main"]);
    let path = format!("{}:{SYSTEM_PATH}", bin.display());
    let output = pipeline_on_path(
        &user,
        &fake,
        &path,
        &[("CI_PIPELINE_SOURCE", "push")],
        &["shipgate-version"],
    );
    crate::e2e_gitlab::succeeded(&output);
    assert!(
        user.git(&["ls-remote", "--tags", "origin"])
            .contains("refs/tags/v0.1.0")
    );
}
