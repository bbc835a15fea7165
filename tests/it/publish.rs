//! `shipgate-version publish` against the fake GitHub: the release of a tag made once, its
//! notes and files brought up to date without repeating work, and what stops it before
//! anything is made.
use std::process::Output;
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use secrecy::SecretString;
use serde_json::{Value, json};
use shipgate::forge::AnyForge;
use shipgate::forge::github::GithubForge;
use shipgate::github_release::{AssetAction, PublishRequest, Published};
use shipgate::retry::RetryPolicy;

use crate::fake_github::{FakeGithub, Fault, REPO};
use crate::fake_server::Recorded;
use crate::fixture::TestRepo;
use crate::http_server::HttpServer;

const TOKEN: &str = "ghs_publish_token_never_shown";
const TAG: &str = "v1.2.0";
const SHA: &str = "c0c0a000c0c0a000c0c0a000c0c0a000c0c0a000";
const NOTES: &str = "### Features\n\n- paginate the user list\n";

/// A fake GitHub holding `TAG` as shipgate-version writes it, and a repository to run in.
fn tagged() -> (FakeGithub, TestRepo) {
    let fake = FakeGithub::start(TOKEN, None);
    fake.set_branch("main", SHA);
    fake.add_tag_with_message(TAG, SHA, &format!("{TAG}\n\n{NOTES}"));
    (fake, TestRepo::new())
}

/// `shipgate-version publish ARGS` in a workflow run for the pushed tag.
fn publish(repo: &TestRepo, fake: &FakeGithub, args: &[&str]) -> assert_cmd::Command {
    let mut command = repo.version();
    command
        .arg("publish")
        .args(args)
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_API_URL", fake.url())
        .env("GITHUB_REPOSITORY", REPO)
        .env("GITHUB_TOKEN", TOKEN)
        .env("GITHUB_REF_TYPE", "tag")
        .env("GITHUB_REF_NAME", TAG);
    command
}

/// The run's output, after checking that the token shows nowhere in it.
fn run(command: &mut assert_cmd::Command) -> Output {
    let output = command.output().unwrap();
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(!text.contains(TOKEN), "the token was shown:\n{text}");
    }
    output
}

/// The JSON outputs of a successful run (`--format json`).
fn outputs(command: &mut assert_cmd::Command) -> Value {
    let output = run(command.args(["--format", "json"]));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The exit code and stderr of a failed run.
fn failure(command: &mut assert_cmd::Command) -> (Option<i32>, String) {
    let output = run(command);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    (output.status.code(), stderr)
}

/// Requests with `method` whose path contains `path`.
fn sent(requests: &[Recorded], method: &str, path: &str) -> usize {
    let matching = requests.iter().filter(|r| r.method == method);
    matching.filter(|r| r.path.contains(path)).count()
}

/// Requests that change something on GitHub.
fn writes(requests: &[Recorded]) -> Vec<String> {
    let changing = requests.iter().filter(|r| r.method != "GET");
    changing
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

fn the_release(fake: &FakeGithub) -> Value {
    let releases = fake.releases();
    assert_eq!(releases.len(), 1, "one release: {releases:?}");
    releases[0].clone()
}

fn id(release: &Value) -> u64 {
    release["id"].as_u64().unwrap()
}

#[test]
fn a_draft_gets_the_tag_s_notes_and_the_files_byte_for_byte_once() {
    let (fake, repo) = tagged();
    let archive: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let tarball = repo.root().join("shop-1.2.0.tar.gz");
    let sums = repo.root().join("SHA256SUMS");
    std::fs::write(&tarball, &archive).unwrap();
    std::fs::write(&sums, "abc  shop-1.2.0.tar.gz\n").unwrap();
    let assets = [
        "--draft",
        "--asset",
        tarball.to_str().unwrap(),
        "--asset",
        sums.to_str().unwrap(),
    ];

    let first = outputs(&mut publish(&repo, &fake, &assets));
    let release = the_release(&fake);
    assert_eq!(first["tag"], TAG);
    assert_eq!(first["release_id"], id(&release).to_string());
    assert_eq!(first["release_url"], release["html_url"]);
    assert_eq!(
        (first["draft"].clone(), release["draft"].clone()),
        ("true".into(), true.into())
    );
    assert_eq!(
        (first["uploaded"].clone(), first["skipped"].clone()),
        ("2".into(), "0".into())
    );
    assert_eq!(release["name"], TAG);
    assert_eq!(release["body"], NOTES.trim_end());
    assert_eq!(
        fake.asset_bytes(id(&release), "shop-1.2.0.tar.gz").unwrap(),
        archive
    );
    let sums_held = fake.asset_bytes(id(&release), "SHA256SUMS").unwrap();
    assert_eq!(sums_held, b"abc  shop-1.2.0.tar.gz\n");
    // The uploads went to the API base (the fake's), not to the release's upload_url.
    let uploads: Vec<Recorded> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/assets") && r.method == "POST")
        .collect();
    assert_eq!(uploads.len(), 2);
    assert_eq!(uploads[0].query, "name=shop-1.2.0.tar.gz");

    fake.clear_requests();
    let again = outputs(&mut publish(&repo, &fake, &assets));
    assert_eq!(
        (again["uploaded"].clone(), again["skipped"].clone()),
        ("0".into(), "2".into())
    );
    assert_eq!(again["release_id"], first["release_id"]);
    assert_eq!(
        writes(&fake.requests()),
        Vec::<String>::new(),
        "nothing changed"
    );

    std::fs::write(&sums, "def  shop-1.2.0.tar.gz\n").unwrap();
    fake.clear_requests();
    let changed = outputs(&mut publish(&repo, &fake, &assets));
    assert_eq!(
        (changed["uploaded"].clone(), changed["skipped"].clone()),
        ("1".into(), "1".into())
    );
    let requests = fake.requests();
    assert_eq!(sent(&requests, "DELETE", "/releases/assets/"), 1);
    assert_eq!(sent(&requests, "POST", "/assets"), 1);
    assert_eq!(writes(&requests).len(), 2, "{:?}", writes(&requests));
    let release = the_release(&fake);
    assert_eq!(release["assets"].as_array().unwrap().len(), 2);
    let sums_held = fake.asset_bytes(id(&release), "SHA256SUMS").unwrap();
    assert_eq!(sums_held, b"def  shop-1.2.0.tar.gz\n");
    assert_eq!(release["draft"], true, "still a draft");
}

#[test]
fn a_notes_file_replaces_the_notes_and_a_run_without_one_keeps_them() {
    let (fake, repo) = tagged();
    let first = outputs(&mut publish(&repo, &fake, &[]));
    assert_eq!(first["draft"], "false");
    let release = the_release(&fake);
    assert_eq!(release["body"], NOTES.trim_end());
    assert_eq!(release["draft"], false);
    assert!(
        release["html_url"]
            .as_str()
            .unwrap()
            .ends_with("/releases/tag/v1.2.0")
    );

    let notes = repo.root().join("notes.md");
    std::fs::write(&notes, "Hand-written notes.\n").unwrap();
    fake.clear_requests();
    outputs(&mut publish(
        &repo,
        &fake,
        &["--notes-file", notes.to_str().unwrap()],
    ));
    assert_eq!(the_release(&fake)["body"], "Hand-written notes.\n");
    assert_eq!(sent(&fake.requests(), "PATCH", "/releases/"), 1);

    fake.clear_requests();
    outputs(&mut publish(
        &repo,
        &fake,
        &["--notes-file", notes.to_str().unwrap()],
    ));
    assert_eq!(
        writes(&fake.requests()),
        Vec::<String>::new(),
        "the same notes again"
    );

    fake.edit_release_notes(id(&release), "Edited on the web page.");
    fake.clear_requests();
    let output = run(&mut publish(&repo, &fake, &[]));
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("notes: kept as they were"), "{text}");
    assert_eq!(the_release(&fake)["body"], "Edited on the web page.");
    assert_eq!(writes(&fake.requests()), Vec::<String>::new());
}

#[test]
fn a_draft_is_published_without_draft_and_never_unpublished_with_it() {
    let (fake, repo) = tagged();
    let file = repo.root().join("shop.zip");
    std::fs::write(&file, "zip").unwrap();
    let asset = ["--asset", file.to_str().unwrap()];
    outputs(publish(&repo, &fake, &asset).arg("--draft"));
    let draft = the_release(&fake);
    assert_eq!(draft["draft"], true);
    assert!(draft["html_url"].as_str().unwrap().contains("untagged-"));

    fake.clear_requests();
    let published = outputs(&mut publish(&repo, &fake, &asset));
    assert_eq!(published["draft"], "false");
    let release = the_release(&fake);
    assert_eq!(
        (release["draft"].clone(), release["id"].clone()),
        (false.into(), draft["id"].clone())
    );
    assert_eq!(published["release_url"], release["html_url"]);
    assert_eq!(
        writes(&fake.requests()),
        [format!("PATCH /repos/{REPO}/releases/{}", id(&release))]
    );

    fake.clear_requests();
    let output = run(publish(&repo, &fake, &asset).arg("--draft"));
    assert!(output.status.success());
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("is published and stays so"), "{text}");
    assert_eq!(the_release(&fake)["draft"], false);
    assert_eq!(writes(&fake.requests()), Vec::<String>::new());
}

#[test]
fn a_new_release_is_published_only_once_its_files_are_there() {
    let (fake, repo) = tagged();
    let file = repo.root().join("shop.zip");
    std::fs::write(&file, "zip").unwrap();
    let made = outputs(&mut publish(
        &repo,
        &fake,
        &["--asset", file.to_str().unwrap()],
    ));
    assert_eq!(
        (made["draft"].clone(), made["uploaded"].clone()),
        ("false".into(), "1".into())
    );
    let release = the_release(&fake);
    let order: Vec<String> = writes(&fake.requests());
    assert_eq!(
        order,
        [
            format!("POST /repos/{REPO}/releases"),
            format!("POST /repos/{REPO}/releases/{}/assets", id(&release)),
            format!("PATCH /repos/{REPO}/releases/{}", id(&release)),
        ]
    );
    assert_eq!(release["draft"], false);
}

#[test]
fn a_lightweight_tag_gives_a_release_without_notes() {
    let fake = FakeGithub::start(TOKEN, None);
    fake.add_lightweight_tag(TAG, SHA);
    let repo = TestRepo::new();
    outputs(&mut publish(&repo, &fake, &[]));
    assert_eq!(the_release(&fake)["body"], "");
}

#[test]
fn a_tag_github_lacks_stops_the_run_before_anything_is_made() {
    let fake = FakeGithub::start(TOKEN, None);
    fake.set_branch("main", SHA);
    let repo = TestRepo::new();
    let (code, stderr) = failure(&mut publish(&repo, &fake, &["--tag", "v9.9.9"]));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("tag v9.9.9 is not on GitHub: push the tag first"),
        "{stderr}"
    );
    assert!(fake.releases().is_empty());
    assert!(!fake.has_tag("v9.9.9"), "GitHub was never asked to make it");
    assert_eq!(writes(&fake.requests()), Vec::<String>::new());
}

#[test]
fn a_missing_file_stops_the_run_before_anything_is_sent() {
    let (fake, repo) = tagged();
    let missing = repo.root().join("gone.tar.gz");
    let args = ["--asset", missing.to_str().unwrap()];
    let (code, stderr) = failure(&mut publish(&repo, &fake, &args));
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("gone.tar.gz: cannot read the asset"),
        "{stderr}"
    );
    assert!(fake.releases().is_empty());
    assert!(fake.requests().is_empty(), "{:?}", fake.requests());
}

#[test]
fn no_tag_and_other_forges_are_usage_errors() {
    let (fake, repo) = tagged();
    let mut untagged = publish(&repo, &fake, &[]);
    untagged
        .env_remove("GITHUB_REF_TYPE")
        .env_remove("GITHUB_REF_NAME");
    let (code, stderr) = failure(&mut untagged);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("pass --tag TAG"), "{stderr}");

    let mut gitlab = repo.version();
    gitlab
        .args(["publish", "--tag", TAG])
        .env("GITLAB_CI", "true")
        .env("CI_COMMIT_TAG", TAG);
    let (code, stderr) = failure(&mut gitlab);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(stderr.contains("the forge here is GitLab"), "{stderr}");
    assert!(
        stderr.contains("`release:` keyword of .gitlab-ci.yml"),
        "{stderr}"
    );
    let (code, stderr) = failure(
        repo.version()
            .args(["publish", "--tag", TAG, "--forge", "local"]),
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("the forge here is the local forge"),
        "{stderr}"
    );
    assert!(fake.requests().is_empty());
}

#[test]
fn the_token_is_not_shown_even_in_trace_logs() {
    let (fake, repo) = tagged();
    let file = repo.root().join("shop.zip");
    std::fs::write(&file, "zip").unwrap();
    let made = outputs(&mut publish(
        &repo,
        &fake,
        &["-vv", "--asset", file.to_str().unwrap()],
    ));
    assert_eq!(made["uploaded"], "1");
    // A token GitHub refuses is not shown in the error either.
    let other = FakeGithub::start("another-token", None);
    let (code, stderr) = failure(&mut publish(&repo, &other, &["-vv"]));
    assert_eq!(code, Some(3), "{stderr}");
    assert!(stderr.contains("the token was refused (401)"), "{stderr}");
}

#[test]
fn an_upload_broken_half_way_is_replaced_on_the_next_run() {
    let (fake, repo) = tagged();
    let file = repo.root().join("shop.zip");
    std::fs::write(&file, "zip").unwrap();
    let asset = ["--asset", file.to_str().unwrap()];
    outputs(&mut publish(&repo, &fake, &asset));
    let release = the_release(&fake);
    fake.break_asset(id(&release), "shop.zip");

    let output = run(&mut publish(&repo, &fake, &asset));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{text}");
    assert!(
        text.contains("replaced shop.zip (its upload had not finished)"),
        "{text}"
    );
    assert_eq!(fake.asset_bytes(id(&release), "shop.zip").unwrap(), b"zip");
    assert_eq!(the_release(&fake)["assets"][0]["state"], "uploaded");
}

/// The library's `publish` on the fake, retrying fast.
async fn publish_with_library(fake: &FakeGithub, assets: &[std::path::PathBuf]) -> Published {
    let forge = GithubForge::new(&fake.url(), REPO, SecretString::from(TOKEN), None)
        .unwrap()
        .with_retry(RetryPolicy::fast());
    let request = PublishRequest::new(TAG.to_owned(), false, None, assets).unwrap();
    shipgate::github_release::publish(&AnyForge::Github(Box::new(forge)), &request)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_lost_create_or_upload_is_found_instead_of_made_twice() {
    let (fake, repo) = tagged();
    let file = repo.root().join("shop.zip");
    std::fs::write(&file, "zip").unwrap();
    fake.fail("POST", "/releases$", Fault::DropAfterCreate, 1);
    fake.fail("POST", "/assets$", Fault::DropAfterCreate, 1);
    let published = publish_with_library(&fake, std::slice::from_ref(&file)).await;
    assert!(published.created);
    assert_eq!(
        published.assets,
        [("shop.zip".to_owned(), AssetAction::Uploaded)]
    );
    let release = the_release(&fake);
    assert_eq!(release["assets"].as_array().unwrap().len(), 1);
    assert_eq!(release["draft"], false);
    let requests = fake.requests();
    assert_eq!(
        sent(&requests, "POST", "/releases"),
        2,
        "the create and the upload, once each"
    );

    // A 500 GitHub answered without keeping anything: looked for, then sent again.
    std::fs::write(&file, "zip, again").unwrap();
    fake.fail("POST", "/assets$", Fault::ServerError, 1);
    fake.clear_requests();
    let published = publish_with_library(&fake, &[file]).await;
    let replaced = AssetAction::Replaced(shipgate::github_release::Mismatch::Size);
    assert_eq!(published.assets, [("shop.zip".to_owned(), replaced)]);
    assert_eq!(sent(&fake.requests(), "POST", "/assets"), 2);
    assert_eq!(
        fake.asset_bytes(id(&release), "shop.zip").unwrap(),
        b"zip, again"
    );
}

/// What reached a stand-in for a GitHub Enterprise Server: method, path and query, and the
/// `Authorization` and `Content-Type` headers.
type Seen = Arc<Mutex<Vec<(String, Option<String>, Option<String>)>>>;

#[tokio::test]
async fn a_ghes_upload_goes_to_its_uploads_path_and_nowhere_else() {
    let seen: Seen = Arc::default();
    let record = seen.clone();
    let router = axum::Router::new().fallback(move |request: axum::extract::Request| {
        let record = record.clone();
        async move {
            let header = |name: &str| {
                let value = request.headers().get(name)?;
                value.to_str().ok().map(str::to_owned)
            };
            let line = format!("{} {}", request.method(), request.uri());
            let entry = (line, header("authorization"), header("content-type"));
            record.lock().unwrap().push(entry);
            let asset = json!({ "id": 5, "name": "a.zip", "size": 3,
                "digest": null, "state": "uploaded" });
            (StatusCode::CREATED, axum::Json(asset))
        }
    });
    let server = HttpServer::start(router);
    let api = format!("{}/api/v3", server.url());
    let forge = GithubForge::new(&api, REPO, SecretString::from(TOKEN), None).unwrap();
    let asset = forge
        .upload_release_asset(7, "a.zip", b"abc")
        .await
        .unwrap();
    assert_eq!((asset.id, asset.size), (5, 3));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [(
            format!("POST /api/uploads/repos/{REPO}/releases/7/assets?name=a.zip"),
            Some(format!("Bearer {TOKEN}")),
            Some("application/octet-stream".to_owned()),
        )]
    );
}
