//! `shipgate-image` against a real registry (Debian's `docker-registry`): promotion by digest
//! within a repository and into another, indexes, a moved source refused, missing and bad
//! references, retries through a faulty proxy, credentials, re-runs, inspect, and the outputs.
use std::path::PathBuf;

use predicates::str::contains;
use serde_json::Value;

use crate::fixture::TestRepo;
use crate::registry::{TestRegistry, binary};
use crate::registry_proxy::RegistryProxy;

/// A started registry and an isolated place to run the binary from; `None` when the registry
/// is not installed (outside CI).
fn setup() -> Option<(TestRegistry, TestRepo)> {
    let registry = TestRegistry::start(&binary()?);
    Some((registry, TestRepo::new()))
}

fn image(repo: &TestRepo, args: &[&str]) -> assert_cmd::Command {
    let mut command = repo.binary("shipgate-image");
    command.arg("--insecure").args(args);
    command
}

fn json(repo: &TestRepo, args: &[&str]) -> (i32, Value) {
    let output = image(repo, &["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap(), value)
}

fn validates(schema: &str, value: &Value) {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("schemas")
        .join(schema);
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(value)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{value}: {errors:#?}");
}

#[test]
fn a_single_platform_image_is_promoted_within_its_repository_without_moving_a_blob() {
    let Some((registry, repo)) = setup() else {
        return;
    };
    let host = registry.host();
    let digest = registry.push_image("app:rc-1.4.0", "layer one");
    let blobs = registry.stored_blobs();
    let before = registry.requests().len();
    let (code, out) = json(
        &repo,
        &[
            "promote",
            "--from",
            &format!("{host}/app:rc-1.4.0"),
            "--to",
            &format!("{host}/app:1.4.0"),
            "--to",
            &format!("{host}/app:stable"),
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["digest"], digest.as_str());
    assert_eq!(
        out["media_type"],
        "application/vnd.oci.image.manifest.v1+json"
    );
    let actions: Vec<&str> = out["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["written", "written"]);
    validates("image-promote-output.schema.json", &out);
    for tag in ["app:1.4.0", "app:stable"] {
        assert_eq!(
            registry.manifest_digest(tag).as_deref(),
            Some(digest.as_str()),
            "{tag}"
        );
    }
    let since: Vec<String> = registry.requests()[before..].to_vec();
    assert!(
        since.iter().all(|r| !r.contains("/blobs/")),
        "no blob request at all: {since:#?}"
    );
    assert_eq!(registry.stored_blobs(), blobs, "no new blob in storage");
}

#[test]
fn an_index_is_promoted_whole_and_a_rerun_changes_nothing() {
    let Some((registry, repo)) = setup() else {
        return;
    };
    let host = registry.host();
    let (digest, _) = registry.push_index("app:rc-2.0.0", "multi");
    let args = [
        "promote",
        "--from",
        &format!("{host}/app:rc-2.0.0"),
        "--to",
        &format!("{host}/app:2.0.0"),
    ];
    image(&repo, &args)
        .assert()
        .code(0)
        .stdout(contains(format!("{host}/app:rc-2.0.0 is {digest} (application/vnd.oci.image.index.v1+json: linux/amd64, linux/arm64)")))
        .stdout(contains(format!("written     {host}/app:2.0.0")));
    assert_eq!(
        registry.manifest_digest("app:2.0.0").as_deref(),
        Some(digest.as_str())
    );
    let before = registry.requests().len();
    image(&repo, &args)
        .assert()
        .code(0)
        .stdout(contains(format!("unchanged   {host}/app:2.0.0")));
    let since: Vec<String> = registry.requests()[before..].to_vec();
    assert!(
        since
            .iter()
            .all(|r| !r.starts_with("PUT ") && !r.starts_with("POST ")),
        "{since:#?}"
    );
}

#[test]
fn promoting_into_another_repository_mounts_the_blobs_and_pushes_the_manifests_by_digest() {
    let Some((registry, repo)) = setup() else {
        return;
    };
    let host = registry.host();
    let (digest, children) = registry.push_index("team/app:rc-3.0.0", "cross");
    registry.push_image("prod/app:old", "an older release");
    let blobs = registry.stored_blobs();
    let before = registry.requests().len();
    let (code, out) = json(
        &repo,
        &[
            "promote",
            "--from",
            &format!("{host}/team/app:rc-3.0.0"),
            "--to",
            &format!("{host}/prod/app:3.0.0"),
        ],
    );
    assert_eq!(code, 0, "{out}");
    let target = &out["targets"][0];
    assert_eq!(target["action"], "written");
    assert_eq!(target["blobs_mounted"], 4, "two configs and two layers");
    assert_eq!(target["blobs_copied"], 0);
    assert_eq!(target["manifests_pushed"], 2);
    assert_eq!(
        registry.manifest_digest("prod/app:3.0.0").as_deref(),
        Some(digest.as_str())
    );
    for child in &children {
        assert_eq!(
            registry
                .manifest_digest(&format!("prod/app@{child}"))
                .as_deref(),
            Some(child.as_str())
        );
    }
    let since: Vec<String> = registry.requests()[before..].to_vec();
    let mounts = since
        .iter()
        .filter(|r| {
            r.starts_with("POST /v2/prod/app/blobs/uploads/?")
                && r.contains("mount=")
                && r.contains("from=team%2Fapp")
        })
        .count();
    assert_eq!(mounts, 4, "{since:#?}");
    assert!(
        registry.uploads_since("prod/app", before).is_empty(),
        "nothing uploaded"
    );
    assert!(since.iter().all(|r| !r.starts_with("PATCH ")), "{since:#?}");
    assert_eq!(
        registry.stored_blobs(),
        blobs,
        "mounted blobs share their storage"
    );
    let again = registry.requests().len();
    let (code, out) = json(
        &repo,
        &[
            "promote",
            "--from",
            &format!("{host}/team/app:rc-3.0.0"),
            "--to",
            &format!("{host}/prod/app:3.0.1"),
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        out["targets"][0]["blobs_mounted"], 0,
        "only blobs the target lacks are mounted"
    );
    assert_eq!(out["targets"][0]["manifests_pushed"], 0);
    assert!(
        registry.requests()[again..]
            .iter()
            .all(|r| !r.contains("mount="))
    );
}

#[test]
fn a_declined_mount_is_followed_by_a_copy_of_the_blob() {
    let Some((registry, repo)) = setup() else {
        return;
    };
    let digest = registry.push_image("team/app:rc-3.1.0", "copied across");
    let proxy = RegistryProxy::declining_mounts(registry.host());
    let host = proxy.host();
    let before = registry.requests().len();
    let (code, out) = json(
        &repo,
        &[
            "promote",
            "--from",
            &format!("{host}/team/app:rc-3.1.0"),
            "--to",
            &format!("{host}/prod/app:3.1.0"),
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert_eq!(out["targets"][0]["blobs_mounted"], 0);
    assert_eq!(
        out["targets"][0]["blobs_copied"], 2,
        "the config and the layer"
    );
    assert_eq!(
        registry.uploads_since("prod/app", before).len(),
        4,
        "a declined mount and an upload per blob"
    );
    assert_eq!(registry.manifest_digest("prod/app:3.1.0"), Some(digest));
}

#[test]
fn a_moved_source_is_refused_with_both_digests_named() {
    let Some((registry, repo)) = setup() else {
        return;
    };
    let host = registry.host();
    let tested = registry.push_image("app:rc-1.5.0", "what stage tested");
    let moved = registry.push_image("app:rc-1.5.0", "pushed again since");
    let from = format!("{host}/app:rc-1.5.0");
    let output = image(
        &repo,
        &[
            "--format",
            "json",
            "promote",
            "--from",
            &from,
            "--to",
            &format!("{host}/app:1.5.0"),
            "--expect-digest",
            &tested,
        ],
    )
    .output()
    .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let out: Value = serde_json::from_slice(&output.stdout).unwrap();
    validates("image-promote-output.schema.json", &out);
    let refused = out["refused"].as_str().unwrap();
    assert!(
        refused.contains(&format!(
            "{from} now resolves to {moved}, not the expected {tested}"
        )),
        "{refused}"
    );
    assert_eq!(
        registry.manifest_digest("app:1.5.0"),
        None,
        "nothing written"
    );
    image(
        &repo,
        &[
            "promote",
            "--from",
            &from,
            "--to",
            &format!("{host}/app:1.5.0"),
            "--expect-digest",
            &moved,
        ],
    )
    .assert()
    .code(0);
    assert_eq!(registry.manifest_digest("app:1.5.0"), Some(moved));
}

#[test]
fn a_missing_source_and_bad_references_are_usage_errors_naming_what_to_fix() {
    let Some((registry, repo)) = setup() else {
        return;
    };
    let host = registry.host();
    registry.push_image("app:rc-1.0.0", "x");
    image(
        &repo,
        &[
            "promote",
            "--from",
            &format!("{host}/app:rc-9.9.9"),
            "--to",
            &format!("{host}/app:9.9.9"),
        ],
    )
    .assert()
    .code(2)
    .stderr(contains(format!(
        "{host}/app:rc-9.9.9: not found in the registry"
    )));
    image(&repo, &["inspect", &format!("{host}/nothing:1")])
        .assert()
        .code(2)
        .stderr(contains(format!(
            "{host}/nothing:1: not found in the registry"
        )));
    image(
        &repo,
        &[
            "promote",
            "--from",
            &format!("{host}/app:rc-1.0.0"),
            "--to",
            &format!("{host}/app"),
        ],
    )
    .assert()
    .code(2)
    .stderr(contains(format!(
        "--to {host}/app: no tag (`latest` is never assumed); expected REGISTRY/REPOSITORY:TAG"
    )));
    image(
        &repo,
        &[
            "promote",
            "--from",
            "app:rc-1.0.0",
            "--to",
            &format!("{host}/app:1"),
        ],
    )
    .assert()
    .code(2)
    .stderr(contains("--from app:rc-1.0.0: no registry host"));
    image(
        &repo,
        &[
            "promote",
            "--from",
            &format!("{host}/app:rc-1.0.0"),
            "--to",
            "other.example/app:1",
        ],
    )
    .assert()
    .code(2)
    .stderr(contains("is on another registry than --from"));
    image(
        &repo,
        &[
            "promote",
            "--from",
            &format!("{host}/app:rc-1.0.0"),
            "--to",
            &format!("{host}/app:1"),
            "--expect-digest",
            "abc",
        ],
    )
    .assert()
    .code(2)
    .stderr(contains("--expect-digest abc: not a digest"));
    assert_eq!(registry.manifest_digest("app:1"), None);
}

#[test]
fn server_errors_are_retried_through_the_retry_policy() {
    let Some((registry, repo)) = setup() else {
        return;
    };
    let digest = registry.push_image("app:rc-1.6.0", "flaky");
    let proxy = RegistryProxy::start(registry.host(), 2, None);
    let host = proxy.host();
    image(
        &repo,
        &[
            "promote",
            "--from",
            &format!("{host}/app:rc-1.6.0"),
            "--to",
            &format!("{host}/app:1.6.0"),
        ],
    )
    .assert()
    .code(0)
    .stdout(contains(format!("written     {host}/app:1.6.0")));
    let seen = proxy.seen();
    let source: Vec<&String> = seen
        .iter()
        .filter(|r| r.contains("/manifests/rc-1.6.0"))
        .collect();
    assert!(
        source.len() >= 3 && source[..2].iter().all(|r| r.ends_with(" 503")),
        "{seen:#?}"
    );
    assert!(source[2].ends_with(" 200"), "{seen:#?}");
    assert_eq!(registry.manifest_digest("app:1.6.0"), Some(digest));
}

#[test]
fn credentials_come_from_the_docker_config_or_the_environment_and_are_never_printed() {
    let Some((registry, repo)) = setup() else {
        return;
    };
    registry.push_image("app:rc-1.7.0", "private");
    let proxy = RegistryProxy::start(registry.host(), 0, Some(("robot", "hunter2-secret")));
    let host = proxy.host();
    let args = [
        "promote",
        "--from",
        &format!("{host}/app:rc-1.7.0"),
        "--to",
        &format!("{host}/app:1.7.0"),
    ];
    let refused = image(&repo, &args).output().unwrap();
    assert_eq!(refused.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("the registry refused access"), "{stderr}");
    assert!(stderr.contains("SHIPGATE_REGISTRY_USER"), "{stderr}");
    let docker = repo.root().join("docker");
    std::fs::create_dir_all(&docker).unwrap();
    let auth = base64::Engine::encode(
        &base64::engine::general_purpose::STANDARD,
        "robot:hunter2-secret",
    );
    std::fs::write(
        docker.join("config.json"),
        format!(r#"{{"auths": {{"{host}": {{"auth": "{auth}"}}}}}}"#),
    )
    .unwrap();
    let output = image(&repo, &["-vv"])
        .args(args)
        .env("DOCKER_CONFIG", &docker)
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!all.contains("hunter2"), "{all}");
    assert!(all.contains("docker config auths"), "{all}");
    // A credential helper named for the registry (credHelpers) is asked for it, on PATH.
    let helpers = repo.root().join("helpers");
    std::fs::create_dir_all(&helpers).unwrap();
    let helper = helpers.join("docker-credential-vault");
    std::fs::write(
        &helper,
        format!(
            "#!/bin/sh\nread -r server\n[ \"$server\" = \"{host}\" ] || exit 1\n\
             echo '{{\"ServerURL\":\"{host}\",\"Username\":\"robot\",\"Secret\":\"hunter2-secret\"}}'\n"
        ),
    )
    .unwrap();
    crate::fixture::make_executable(&helper);
    std::fs::write(
        docker.join("config.json"),
        format!(r#"{{"credHelpers": {{"{host}": "vault"}}, "auths": {{"{host}": {{}}}}}}"#),
    )
    .unwrap();
    let path = format!(
        "{}:{}",
        helpers.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = image(&repo, &["-vv", "inspect", &format!("{host}/app:1.7.0")])
        .env("DOCKER_CONFIG", &docker)
        .env("PATH", &path)
        .output()
        .unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(0), "{all}");
    assert!(all.contains("docker credential helper vault"), "{all}");
    assert!(!all.contains("hunter2"), "{all}");
    image(&repo, &["inspect", &format!("{host}/app:1.7.0")])
        .env("SHIPGATE_REGISTRY_USER", "robot")
        .env("SHIPGATE_REGISTRY_PASSWORD", "hunter2-secret")
        .assert()
        .code(0);
}

#[test]
fn inspect_prints_the_digest_media_type_and_platforms() {
    let Some((registry, repo)) = setup() else {
        return;
    };
    let host = registry.host();
    let single = registry.push_image("app:one", "single");
    let (index, children) = registry.push_index("app:multi", "multi");
    image(&repo, &["inspect", &format!("{host}/app:one")])
        .assert()
        .code(0)
        .stdout(format!(
            "{single}\nmedia type  application/vnd.oci.image.manifest.v1+json\n"
        ));
    image(&repo, &["inspect", &format!("{host}/app:multi")])
        .assert()
        .code(0)
        .stdout(format!("{index}\nmedia type  application/vnd.oci.image.index.v1+json\nplatforms   linux/amd64, linux/arm64\n"));
    let (code, out) = json(&repo, &["inspect", &format!("{host}/app@{index}")]);
    assert_eq!(code, 0);
    validates("image-inspect-output.schema.json", &out);
    assert_eq!(out["manifests"][1]["digest"], children[1].as_str());
    assert_eq!(out["manifests"][1]["platform"], "linux/arm64");
    assert_eq!(out["pinned"], format!("{host}/app@{index}"));
    // A registry on loopback is spoken to over plain HTTP without --insecure, as docker does;
    // `pinned` is what a later environment deploys.
    let outputs = repo.root().join("inspect-output");
    repo.binary("shipgate-image")
        .args(["inspect", &format!("{host}/app:one")])
        .env("GITHUB_OUTPUT", &outputs)
        .assert()
        .code(0);
    let written = std::fs::read_to_string(&outputs).unwrap();
    assert!(written.contains(&format!("digest={single}\n")), "{written}");
    assert!(
        written.contains(&format!("pinned={host}/app@{single}\n")),
        "{written}"
    );
}

#[test]
fn outputs_reach_github_output_and_the_dotenv_file_and_dry_run_writes_nothing() {
    let Some((registry, repo)) = setup() else {
        return;
    };
    let host = registry.host();
    let digest = registry.push_image("app:rc-1.8.0", "outputs");
    let github_output = repo.root().join("github_output");
    let dotenv = repo.root().join("image.env");
    let from = format!("{host}/app:rc-1.8.0");
    let (to, latest) = (format!("{host}/app:1.8.0"), format!("{host}/app:latest"));
    let before = registry.requests().len();
    image(
        &repo,
        &["promote", "--dry-run", "--from", &from, "--to", &to],
    )
    .assert()
    .code(0)
    .stdout(contains(format!("would write {to}")));
    assert_eq!(registry.manifest_digest("app:1.8.0"), None);
    assert!(
        registry.requests()[before..]
            .iter()
            .all(|r| r.starts_with("GET ") || r.starts_with("HEAD "))
    );
    registry.push_image("app:latest", "something else");
    image(
        &repo,
        &[
            "promote",
            "--from",
            &from,
            "--to",
            &to,
            "--to",
            &latest,
            "--dotenv",
            dotenv.to_str().unwrap(),
        ],
    )
    .env("GITHUB_OUTPUT", &github_output)
    .env("GITHUB_STEP_SUMMARY", repo.root().join("summary.md"))
    .assert()
    .code(0);
    let summary = std::fs::read_to_string(repo.root().join("summary.md")).unwrap();
    assert!(
        summary.contains(&format!("| `{to}` | written |\n| `{latest}` | written |")),
        "{summary}"
    );
    let written = std::fs::read_to_string(&github_output).unwrap();
    assert!(written.contains(&format!("digest={digest}\n")), "{written}");
    assert!(
        written.contains(&format!("tags={to},{latest}\n")),
        "{written}"
    );
    assert_eq!(
        std::fs::read_to_string(&dotenv).unwrap(),
        format!(
            "SHIPGATE_DIGEST={digest}\nSHIPGATE_TAGS={to},{latest}\nSHIPGATE_WRITTEN={to},{latest}\n"
        )
    );
    image(
        &repo,
        &[
            "promote",
            "--from",
            &from,
            "--to",
            &to,
            "--dotenv",
            dotenv.to_str().unwrap(),
        ],
    )
    .assert()
    .code(0);
    assert_eq!(
        std::fs::read_to_string(&dotenv).unwrap(),
        format!("SHIPGATE_DIGEST={digest}\nSHIPGATE_TAGS={to}\nSHIPGATE_WRITTEN=\n"),
        "a re-run writes nothing and says so"
    );
}

#[test]
fn help_explains_outputs_credentials_and_exit_codes() {
    let repo = TestRepo::new();
    let output = repo
        .binary("shipgate-image")
        .arg("--help")
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}
