//! The fake's git data: tag references, lightweight (straight to a commit) or annotated (to a
//! tag object, which may point at another tag object), and the tag objects themselves — added by
//! the test, or read from the bare repository the fake serves ([`FakeGithub::serve_git`]): what a
//! push to GitHub makes, its API shows.
use std::path::{Path as FsPath, PathBuf};
use std::process::Command;

use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::{FakeGithub, REPO, Shared, message, repo_ok};

/// Tags and tag objects.
#[derive(Default)]
pub(super) struct Store {
    /// Tag name → the object `refs/tags/<name>` points at (`type`, `sha`).
    refs: Vec<(String, Value)>,
    /// Annotated tag objects, by their `sha`.
    objects: Vec<Value>,
    /// The bare repository pushes go to, whose tags the API also shows.
    served: Option<PathBuf>,
}

/// `GET /repos/{o}/{r}/git/ref/{ref}` (exact match) and `GET /repos/{o}/{r}/git/tags/{sha}`.
pub(super) fn routes() -> Router<Shared> {
    Router::new()
        .route("/repos/{owner}/{repo}/git/ref/{*name}", get(ref_get))
        .route("/repos/{owner}/{repo}/git/tags/{sha}", get(tag_object_get))
}

fn object(kind: &str, sha: &str) -> Value {
    let plural = if kind == "tag" { "tags" } else { "commits" };
    json!({ "type": kind, "sha": sha,
        "url": format!("https://api.github.com/repos/{REPO}/git/{plural}/{sha}") })
}

impl FakeGithub {
    /// Shows the tags of the bare repository `remote` (where the tests' pushes go) as GitHub
    /// shows a repository's: a tag pushed there is found by `git/ref/tags/NAME`, its tag object
    /// by `git/tags/SHA`. Tags added by the test are found first.
    pub fn serve_git(&self, remote: &FsPath) {
        self.db.lock().unwrap().git.served = Some(remote.to_path_buf());
    }

    /// Adds an annotated tag: a tag object pointing at `commit_sha`, and `refs/tags/<name>`
    /// pointing at the tag object. Returns the tag object's sha.
    pub fn add_tag(&self, name: &str, commit_sha: &str) -> String {
        self.add_nested_tag(name, commit_sha, 1).remove(0)
    }

    /// Adds an annotated tag whose tag object carries `message`, as `git tag -a -m` writes
    /// it. Returns the tag object's sha.
    pub fn add_tag_with_message(&self, name: &str, commit_sha: &str, message: &str) -> String {
        let sha = self.add_tag(name, commit_sha);
        let mut db = self.db.lock().unwrap();
        let object = db.git.objects.iter_mut().find(|o| o["sha"] == sha.as_str());
        object.expect("the tag object just made")["message"] = json!(message);
        sha
    }

    /// Whether the fake holds tag `name`.
    pub fn has_tag(&self, name: &str) -> bool {
        self.db.lock().unwrap().git.has(name)
    }

    /// Adds a lightweight tag: `refs/tags/<name>` pointing straight at `commit_sha`.
    pub fn add_lightweight_tag(&self, name: &str, commit_sha: &str) {
        self.set_ref(name, object("commit", commit_sha));
    }

    /// Adds a tag reached through `depth` (at least 1) annotated tag objects, each pointing at
    /// the next and the last at `commit_sha` (a tag of a tag …). Returns the tag objects' shas,
    /// the one `refs/tags/<name>` points at first.
    pub fn add_nested_tag(&self, name: &str, commit_sha: &str, depth: usize) -> Vec<String> {
        let mut target = object("commit", commit_sha);
        let mut shas = Vec::new();
        {
            let mut db = self.db.lock().unwrap();
            for _ in 0..depth.max(1) {
                let sha = format!("7a90{:036x}", db.git.objects.len() + 1);
                let tagged_at = db.now();
                db.git.objects.push(json!({
                    "node_id": format!("TAG_{sha}"), "tag": name, "sha": sha,
                    "url": format!("https://api.github.com/repos/{REPO}/git/tags/{sha}"),
                    "message": format!("Release {name}"),
                    "tagger": { "name": "release-bot", "email": "release-bot@example.invalid",
                        "date": tagged_at },
                    "object": target,
                    "verification": { "verified": false, "reason": "unsigned",
                        "signature": null, "payload": null, "verified_at": null },
                }));
                target = object("tag", &sha);
                shas.insert(0, sha);
            }
        }
        self.set_ref(name, target);
        shas
    }

    fn set_ref(&self, name: &str, target: Value) {
        self.db.lock().unwrap().git.set_ref(name, target);
    }
}

impl Store {
    /// Whether tag `name` exists (added by the test, or in the served repository).
    pub(super) fn has(&self, name: &str) -> bool {
        self.tag_ref(name).is_some()
    }

    /// Makes `refs/tags/<name>` point straight at `commit_sha` (a lightweight tag).
    pub(super) fn add_lightweight(&mut self, name: &str, commit_sha: &str) {
        self.set_ref(name, object("commit", commit_sha));
    }

    fn set_ref(&mut self, name: &str, target: Value) {
        self.refs.retain(|(n, _)| n != name);
        self.refs.push((name.to_owned(), target));
    }

    /// What `refs/tags/<name>` points at: a ref the test added, else the served repository's.
    fn tag_ref(&self, name: &str) -> Option<Value> {
        if let Some((_, target)) = self.refs.iter().find(|(n, _)| n == name) {
            return Some(target.clone());
        }
        let sha = self.git(&[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("refs/tags/{name}"),
        ])?;
        let kind = self.git(&["cat-file", "-t", &sha])?;
        Some(object(&kind, &sha))
    }

    /// The tag object `sha`: one the test added, else the served repository's.
    fn tag_object(&self, sha: &str) -> Option<Value> {
        if let Some(tag) = self.objects.iter().find(|o| o["sha"] == sha) {
            return Some(tag.clone());
        }
        if self.git(&["cat-file", "-t", sha])? != "tag" {
            return None;
        }
        parse_tag_object(sha, &self.git(&["cat-file", "tag", sha])?)
    }

    /// `git` in the served repository; `None` when there is none or git fails.
    fn git(&self, args: &[&str]) -> Option<String> {
        let served = self.served.as_ref()?;
        let output = Command::new("git")
            .arg("--git-dir")
            .arg(served)
            .args(args)
            .output()
            .ok()?;
        output.status.success().then(|| {
            String::from_utf8_lossy(&output.stdout)
                .trim_end()
                .to_owned()
        })
    }

    /// The commit tag `name` points at, through its tag objects.
    pub(super) fn commit_of(&self, name: &str) -> Option<String> {
        let mut target = self.tag_ref(name)?;
        for _ in 0..=self.objects.len() {
            if target["type"] == "commit" {
                return target["sha"].as_str().map(str::to_owned);
            }
            let object = self.tag_object(target["sha"].as_str()?)?;
            target = object["object"].clone();
        }
        None
    }
}

async fn ref_get(
    State(db): State<Shared>,
    Path((owner, repo, name)): Path<(String, String, String)>,
) -> Response {
    let db = db.lock().unwrap();
    let found = name
        .strip_prefix("tags/")
        .and_then(|tag| Some((tag, db.git.tag_ref(tag)?)));
    match found {
        Some((tag, target)) if repo_ok(&owner, &repo) => axum::Json(json!({
            "ref": format!("refs/tags/{tag}"), "node_id": format!("REF_{tag}"),
            "url": format!("https://api.github.com/repos/{REPO}/git/refs/tags/{tag}"),
            "object": target,
        }))
        .into_response(),
        _ => message(404, "Not Found"),
    }
}

async fn tag_object_get(
    State(db): State<Shared>,
    Path((owner, repo, sha)): Path<(String, String, String)>,
) -> Response {
    let db = db.lock().unwrap();
    match db.git.tag_object(&sha) {
        Some(tag) if repo_ok(&owner, &repo) => axum::Json(tag).into_response(),
        _ => message(404, "Not Found"),
    }
}

/// `git cat-file tag` output as GitHub's `git-tag` object.
fn parse_tag_object(sha: &str, text: &str) -> Option<Value> {
    let (headers, message) = text.split_once("\n\n").unwrap_or((text, ""));
    let header = |key: &str| {
        headers
            .lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix(' '))
    };
    let (tagger, when) = header("tagger")?.rsplit_once('>')?;
    let (name, email) = tagger.split_once(" <")?;
    let seconds: i64 = when.split_whitespace().next()?.parse().ok()?;
    let date = jiff::Timestamp::from_second(seconds)
        .ok()?
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    Some(json!({
        "node_id": format!("TAG_{sha}"), "tag": header("tag")?, "sha": sha,
        "url": format!("https://api.github.com/repos/{REPO}/git/tags/{sha}"),
        "message": message,
        "tagger": { "name": name.trim(), "email": email, "date": date },
        "object": object(header("type")?, header("object")?),
        "verification": { "verified": false, "reason": "unsigned",
            "signature": null, "payload": null, "verified_at": null },
    }))
}
