//! The fake's releases (the Releases page's objects) and their assets, served as GitHub's
//! `release` and `release-asset`: listed with drafts (the fake's token has push access), found
//! by tag when published, created, edited, and assets uploaded (their bytes kept, their
//! `digest` computed) and deleted. Each rule cites the operation's description in GitHub's
//! OpenAPI description, or says which of GitHub's behaviours it models where that is silent.
use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, State};
use axum::handler::Handler as _;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::contract::shaped;
use super::{Db, FakeGithub, PAGER, REPO, Shared, message, parse_body, repo_ok};
use crate::fake_server::query_params;

const API: &str = "https://api.github.com/repos/acme/shop";

/// Releases and their assets.
#[derive(Default)]
pub(super) struct Store {
    /// Releases, oldest first, their `assets` left empty (filled in when served).
    releases: Vec<Value>,
    /// Release id, `release-asset`, and the bytes uploaded.
    assets: Vec<(u64, Value, Vec<u8>)>,
    /// The last id given: release and asset ids are never given twice.
    last_id: u64,
}

/// The release and release asset endpoints.
pub(super) fn routes() -> Router<Shared> {
    let releases = "/repos/{owner}/{repo}/releases";
    Router::new()
        .route(releases, get(list).post(create))
        .route(&format!("{releases}/{{id}}"), get(one).patch(edit))
        .route(&format!("{releases}/tags/{{*tag}}"), get(by_tag))
        .route(
            &format!("{releases}/{{id}}/assets"),
            // A release asset may be up to 2 GiB; the fake's gate bounds what it reads.
            get(assets_list).post(upload.layer(DefaultBodyLimit::disable())),
        )
        .route(&format!("{releases}/assets/{{id}}"), delete(asset_delete))
}

impl FakeGithub {
    /// The releases held, drafts too, oldest first, each with its `assets`.
    pub fn releases(&self) -> Vec<Value> {
        let db = self.db.lock().unwrap();
        let store = &db.releases;
        store.releases.iter().map(|r| store.served(r)).collect()
    }

    /// The bytes of asset `name` of release `release_id`, as they were uploaded.
    pub fn asset_bytes(&self, release_id: u64, name: &str) -> Option<Vec<u8>> {
        let db = self.db.lock().unwrap();
        let assets = db.releases.assets.iter();
        assets
            .filter(|(release, _, _)| *release == release_id)
            .find(|(_, asset, _)| asset["name"] == name)
            .map(|(_, _, bytes)| bytes.clone())
    }

    /// Leaves asset `name` of release `release_id` as an upload that broke half-way does:
    /// "When an upstream failure occurs, you will receive a `502 Bad Gateway` status. This may
    /// leave an empty asset", in a state other than `uploaded` (`open`, as the schema lists).
    pub fn break_asset(&self, release_id: u64, name: &str) {
        let mut db = self.db.lock().unwrap();
        let (_, asset, bytes) = db
            .releases
            .assets
            .iter_mut()
            .find(|(release, asset, _)| *release == release_id && asset["name"] == name)
            .expect("an asset the fake holds");
        asset["state"] = json!("open");
        asset["size"] = json!(0);
        asset["digest"] = Value::Null;
        bytes.clear();
    }

    /// Replaces release `id`'s notes, as a person editing it on GitHub's web page would.
    pub fn edit_release_notes(&self, id: u64, body: &str) {
        let mut db = self.db.lock().unwrap();
        let now = db.now();
        let release = db.releases.find(id).expect("a release the fake holds");
        release["body"] = json!(body);
        release["updated_at"] = json!(now);
    }
}

impl Store {
    fn find(&mut self, id: u64) -> Option<&mut Value> {
        self.releases.iter_mut().find(|r| r["id"] == id)
    }

    fn next_id(&mut self) -> u64 {
        self.last_id += 1;
        9000 + self.last_id
    }

    /// A published release of `tag` other than `except`.
    fn published(&self, tag: &str, except: u64) -> Option<&Value> {
        self.releases
            .iter()
            .find(|r| r["tag_name"] == tag && r["draft"] == false && r["id"] != except)
    }

    /// `release` as GitHub serves it: with its assets, in upload order.
    fn served(&self, release: &Value) -> Value {
        let mut served = release.clone();
        served["assets"] = self
            .assets
            .iter()
            .filter(|(id, _, _)| release["id"] == *id)
            .map(|(_, asset, _)| asset.clone())
            .collect();
        served
    }
}

/// The page of a release: a draft has none under its tag yet (GitHub names it `untagged-…`).
fn html_url(tag: &str, draft: bool, id: u64) -> String {
    let name = if draft {
        format!("untagged-{id:020x}")
    } else {
        tag.to_owned()
    };
    format!("https://github.com/{REPO}/releases/tag/{name}")
}

/// GitHub's `Validation Failed` answer naming the field and why (`validation-error`).
fn validation_failed(resource: &str, code: &str, field: &str) -> Response {
    let body = json!({
        "message": "Validation Failed",
        "errors": [{ "resource": resource, "code": code, "field": field }],
        "documentation_url": "https://docs.github.com/rest/releases/releases",
    });
    (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
}

/// The tag a release is published with, which GitHub creates when it is missing: the
/// description's `target_commitish`, "Specifies the commitish value that determines where the
/// Git tag is created from. Can be any branch or commit SHA. Unused if the Git tag already
/// exists. Default: the repository's default branch." A draft makes no tag until published.
fn ensure_tag(db: &mut Db, tag: &str, target: Option<&str>) -> Result<(), Box<Response>> {
    if db.git.has(tag) {
        return Ok(());
    }
    let target = target.map_or_else(|| db.commits.default_branch().to_owned(), str::to_owned);
    let Some(sha) = db.resolve(&target) else {
        return Err(Box::new(validation_failed(
            "Release",
            "invalid",
            "target_commitish",
        )));
    };
    db.git.add_lightweight(tag, &sha);
    Ok(())
}

fn id_of(raw: &str) -> u64 {
    raw.parse().unwrap_or(0)
}

/// `GET /repos/{owner}/{repo}/releases`, newest first and paged: "Information about published
/// releases are available to everyone. Only users with push access will receive listings for
/// draft releases." (the fake's token has push access: drafts are listed).
async fn list(
    State(db): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !repo_ok(&owner, &repo) {
        return message(404, "Not Found");
    }
    let items: Vec<Value> = {
        let db = db.lock().unwrap();
        let store = &db.releases;
        store
            .releases
            .iter()
            .rev()
            .map(|r| store.served(r))
            .collect()
    };
    PAGER.page(items, &uri, &headers)
}

/// `POST /repos/{owner}/{repo}/releases` (201 `release`). The description documents 422
/// `validation_failed`; GitHub gives it (`already_exists` on `tag_name`) when a published
/// release of the tag exists. Drafts do not hold their tag: GitHub lets several drafts share
/// one, so a client that misses its draft makes a second one. Publishing creates a missing tag
/// ([`ensure_tag`]).
async fn create(
    State(db): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    body: String,
) -> Response {
    let new = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    if !repo_ok(&owner, &repo) {
        return message(404, "Not Found");
    }
    let mut db = db.lock().unwrap();
    let tag = new["tag_name"].as_str().unwrap_or_default().to_owned();
    let draft = new["draft"].as_bool().unwrap_or(false);
    if db.releases.published(&tag, 0).is_some() {
        return validation_failed("Release", "already_exists", "tag_name");
    }
    if !draft {
        if let Err(refused) = ensure_tag(&mut db, &tag, new["target_commitish"].as_str()) {
            return *refused;
        }
    }
    let id = db.releases.next_id();
    let now = db.now();
    let target = new["target_commitish"]
        .as_str()
        .map_or_else(|| db.commits.default_branch().to_owned(), str::to_owned);
    let release = shaped(
        "release",
        json!({
            "id": id, "node_id": format!("RE_{id}"), "url": format!("{API}/releases/{id}"),
            "assets_url": format!("{API}/releases/{id}/assets"),
            "upload_url": format!(
                "https://uploads.github.com/repos/{REPO}/releases/{id}/assets{{?name,label}}"
            ),
            "html_url": html_url(&tag, draft, id),
            "tarball_url": format!("{API}/tarball/{tag}"),
            "zipball_url": format!("{API}/zipball/{tag}"),
            "tag_name": tag, "target_commitish": target,
            "name": new.get("name").cloned().unwrap_or(Value::Null),
            "body": new.get("body").cloned().unwrap_or(Value::Null),
            "draft": draft, "prerelease": new["prerelease"].as_bool().unwrap_or(false),
            "created_at": now, "updated_at": now,
            "published_at": if draft { Value::Null } else { json!(now) },
            "author": db.actor(), "assets": [],
        }),
    );
    db.releases.releases.push(release.clone());
    (StatusCode::CREATED, axum::Json(release)).into_response()
}

/// `GET /repos/{owner}/{repo}/releases/{release_id}` (a draft too, to push access).
async fn one(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> Response {
    let db = db.lock().unwrap();
    let found = db.releases.releases.iter().find(|r| r["id"] == id_of(&id));
    match found {
        Some(release) if repo_ok(&owner, &repo) => {
            axum::Json(db.releases.served(release)).into_response()
        }
        _ => message(404, "Not Found"),
    }
}

/// `GET /repos/{owner}/{repo}/releases/tags/{tag}`: "Get a published release with the
/// specified tag." A draft is never answered here (404), whoever asks.
async fn by_tag(
    State(db): State<Shared>,
    Path((owner, repo, tag)): Path<(String, String, String)>,
) -> Response {
    let db = db.lock().unwrap();
    match db.releases.published(&tag, 0) {
        Some(release) if repo_ok(&owner, &repo) => {
            axum::Json(db.releases.served(release)).into_response()
        }
        _ => message(404, "Not Found"),
    }
}

/// `PATCH /repos/{owner}/{repo}/releases/{release_id}`: the fields sent replace the release's;
/// `draft`: "`true` makes the release a draft, and `false` publishes the release". Publishing
/// follows [`create`]'s rules: 422 `already_exists` beside a published release of the tag, and
/// a missing tag created.
async fn edit(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, String)>,
    body: String,
) -> Response {
    let patch = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let id = id_of(&id);
    let mut db = db.lock().unwrap();
    let Some(release) = db.releases.find(id).filter(|_| repo_ok(&owner, &repo)) else {
        return message(404, "Not Found");
    };
    let mut release = release.clone();
    for field in ["tag_name", "target_commitish", "name", "body", "prerelease"] {
        if let Some(value) = patch.get(field) {
            release[field] = value.clone();
        }
    }
    let tag = release["tag_name"].as_str().unwrap_or_default().to_owned();
    let was_draft = release["draft"] == true;
    let draft = patch["draft"].as_bool().unwrap_or(was_draft);
    let now = db.now();
    if was_draft && !draft {
        if db.releases.published(&tag, id).is_some() {
            return validation_failed("Release", "already_exists", "tag_name");
        }
        if let Err(refused) = ensure_tag(&mut db, &tag, release["target_commitish"].as_str()) {
            return *refused;
        }
        release["published_at"] = json!(now);
    }
    release["draft"] = json!(draft);
    release["html_url"] = json!(html_url(&tag, draft, id));
    release["updated_at"] = json!(now);
    let served = db.releases.served(&release);
    *db.releases.find(id).expect("found above") = release;
    axum::Json(served).into_response()
}

/// `GET /repos/{owner}/{repo}/releases/{release_id}/assets`, in upload order, paged.
async fn assets_list(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let items = {
        let db = db.lock().unwrap();
        let id = id_of(&id);
        if !repo_ok(&owner, &repo) || !db.releases.releases.iter().any(|r| r["id"] == id) {
            return message(404, "Not Found");
        }
        let assets = db.releases.assets.iter();
        let of_release = assets.filter(|(release, _, _)| *release == id);
        of_release.map(|(_, asset, _)| asset.clone()).collect()
    };
    PAGER.page(items, &uri, &headers)
}

/// The name GitHub gives an uploaded file: "GitHub renames asset filenames that have special
/// characters, non-alphanumeric characters, and leading or trailing periods" (modelled: any
/// character but letters, digits, `-`, `_` and `.` becomes `.`, and periods at either end go).
fn renamed(name: &str) -> String {
    let kept: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "-_.".contains(c) {
                c
            } else {
                '.'
            }
        })
        .collect();
    kept.trim_matches('.').to_owned()
}

/// `POST /repos/{owner}/{repo}/releases/{release_id}/assets?name=…[&label=…]`, the upload (on
/// GitHub at the upload host; here the API's own): "GitHub expects the asset data in its raw
/// binary form, rather than JSON" with "the required `Content-Type` header to provide the media
/// type of the asset" (the contract refuses a body without it). 201 `release-asset` with the
/// bytes' `size` and `digest`; "If you upload an asset with the same filename as another
/// uploaded asset, you'll receive an error" (422); the name renamed ([`renamed`]).
async fn upload(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
    bytes: Bytes,
) -> Response {
    let params = query_params(&uri);
    let param = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
    };
    let name = renamed(&param("name").unwrap_or_default());
    let id = id_of(&id);
    let mut db = db.lock().unwrap();
    let Some(release) = db.releases.find(id).filter(|_| repo_ok(&owner, &repo)) else {
        return message(404, "Not Found");
    };
    let tag = release["tag_name"].as_str().unwrap_or_default().to_owned();
    let taken = db.releases.assets.iter();
    if taken
        .filter(|(release, _, _)| *release == id)
        .any(|(_, asset, _)| asset["name"] == name.as_str())
    {
        return validation_failed("ReleaseAsset", "already_exists", "name");
    }
    let asset_id = db.releases.next_id();
    let now = db.now();
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("application/octet-stream");
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let asset = shaped(
        "release-asset",
        json!({
            "id": asset_id, "node_id": format!("RA_{asset_id}"), "name": name,
            "label": param("label").map_or(Value::Null, Value::from),
            "content_type": content_type, "state": "uploaded", "size": bytes.len(),
            "digest": format!("sha256:{digest}"), "download_count": 0,
            "created_at": now, "updated_at": now, "uploader": db.actor(),
            "url": format!("{API}/releases/assets/{asset_id}"),
            "browser_download_url": format!(
                "https://github.com/{REPO}/releases/download/{tag}/{name}"
            ),
        }),
    );
    let kept = (id, asset.clone(), bytes.to_vec());
    db.releases.assets.push(kept);
    (StatusCode::CREATED, axum::Json(asset)).into_response()
}

/// `DELETE /repos/{owner}/{repo}/releases/assets/{asset_id}`: 204, or 404 (`not_found`) for an
/// asset the fake does not hold.
async fn asset_delete(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, String)>,
) -> Response {
    if !repo_ok(&owner, &repo) {
        return message(404, "Not Found");
    }
    let mut db = db.lock().unwrap();
    let assets = &mut db.releases.assets;
    let before = assets.len();
    assets.retain(|(_, asset, _)| asset["id"] != id_of(&id));
    if assets.len() == before {
        return message(404, "Not Found");
    }
    StatusCode::NO_CONTENT.into_response()
}
