//! Releases (the Releases page's objects) and their assets, GitHub's alone: a tag's release
//! found among all of them (drafts included), created, edited; its assets listed, deleted, and
//! uploaded to the upload host.
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::calls::NO_BODY;
use super::{GithubForge, PER_PAGE};
use crate::forge::transport::{Method, encode, parse};
use crate::forge::{ForgeError, ForgeResult};
use crate::retry::CallKind::{Create, Idempotent};

/// What the release calls need: `contents: write` (only push access sees drafts, too).
const NEEDS: &str = "contents: write";

/// A release, as shipgate reads GitHub's `release`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Release {
    /// Its id.
    pub id: u64,
    /// The tag it is the release of.
    pub tag_name: String,
    /// Not published yet.
    pub draft: bool,
    /// Its notes (Markdown); `None` when it has none.
    #[serde(default)]
    pub body: Option<String>,
    /// Its page.
    pub html_url: String,
}

/// An asset of a release, as shipgate reads GitHub's `release-asset`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ReleaseAsset {
    /// Its id.
    pub id: u64,
    /// Its file name.
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// `sha256:<hex>` of its bytes; `None` where GitHub computed none (assets uploaded before
    /// it did).
    #[serde(default)]
    pub digest: Option<String>,
    /// `uploaded` once whole; anything else is an upload that did not finish.
    pub state: String,
}

/// A release to create: named after its tag.
#[derive(Debug, Clone, Copy)]
pub struct NewRelease<'a> {
    /// The tag, which must exist (GitHub would otherwise create it at the default branch).
    pub tag: &'a str,
    /// Its notes.
    pub body: &'a str,
    /// Leave it unpublished.
    pub draft: bool,
}

/// What to change on a release; `None` leaves it as it is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReleaseEdit<'a> {
    /// New notes.
    pub body: Option<&'a str>,
    /// `Some(false)` publishes it.
    pub draft: Option<bool>,
}

impl ReleaseEdit<'_> {
    /// Whether it changes nothing.
    pub fn is_empty(&self) -> bool {
        self.body.is_none() && self.draft.is_none()
    }
}

impl GithubForge {
    /// The release of `tag`: the published one if there is one, else the newest draft; `None`
    /// when there is neither. Found in `GET /repos/{o}/{r}/releases` (newest first, page by
    /// page until a published one of the tag turns up), which lists drafts to a token with push
    /// access; `GET …/releases/tags/{tag}` answers only a published release and would miss a
    /// draft. GitHub lets several drafts share a tag, so a draft missed would be made again.
    pub async fn release_of_tag(&self, tag: &str) -> ForgeResult<Option<Release>> {
        let what = format!("listing the releases of {}", self.slug());
        let call = self.call(&what, NEEDS, Idempotent);
        let mut next = Some(self.repo_path(&format!("/releases?per_page={PER_PAGE}")));
        let mut draft = None;
        while let Some(page) = next {
            let answer = self.http.send(call, Method::Get, &page, NO_BODY).await?;
            let releases: Vec<Release> = parse(&what, &answer.body)?;
            for release in releases.into_iter().filter(|r| r.tag_name == tag) {
                if !release.draft {
                    return Ok(Some(release));
                }
                draft.get_or_insert(release);
            }
            next = answer.next;
        }
        Ok(draft)
    }

    /// `POST /repos/{o}/{r}/releases`, named after its tag. Not repeated after a failure the
    /// server may have acted on: look the release up first ([`crate::forge::create_once`]).
    pub async fn create_release(&self, new: &NewRelease<'_>) -> ForgeResult<Release> {
        let what = format!("creating the release of {} in {}", new.tag, self.slug());
        let call = self.call(&what, NEEDS, Create);
        let body = json!({
            "tag_name": new.tag,
            "name": new.tag,
            "body": new.body,
            "draft": new.draft,
        });
        let path = self.repo_path("/releases");
        self.http.json(call, Method::Post, &path, Some(&body)).await
    }

    /// `PATCH /repos/{o}/{r}/releases/{id}` with the fields `edit` sets.
    pub async fn edit_release(&self, id: u64, edit: &ReleaseEdit<'_>) -> ForgeResult<Release> {
        let what = format!("editing release {id} of {}", self.slug());
        let call = self.call(&what, NEEDS, Idempotent);
        let mut body = Map::new();
        if let Some(notes) = edit.body {
            body.insert("body".into(), json!(notes));
        }
        if let Some(draft) = edit.draft {
            body.insert("draft".into(), json!(draft));
        }
        let path = self.repo_path(&format!("/releases/{id}"));
        self.http
            .json(call, Method::Patch, &path, Some(&Value::Object(body)))
            .await
    }

    /// Every asset of release `id` (`GET /repos/{o}/{r}/releases/{id}/assets`, every page).
    pub async fn release_assets(&self, id: u64) -> ForgeResult<Vec<ReleaseAsset>> {
        let what = format!("listing the assets of release {id} of {}", self.slug());
        let call = self.call(&what, NEEDS, Idempotent);
        let path = self.repo_path(&format!("/releases/{id}/assets?per_page={PER_PAGE}"));
        self.http.all(call, &path).await
    }

    /// `DELETE /repos/{o}/{r}/releases/assets/{id}`; an asset already gone (404) is done.
    pub async fn delete_release_asset(&self, id: u64) -> ForgeResult<()> {
        let what = format!("deleting release asset {id} of {}", self.slug());
        let call = self.call(&what, NEEDS, Idempotent);
        let path = self.repo_path(&format!("/releases/assets/{id}"));
        match self.http.send(call, Method::Delete, &path, NO_BODY).await {
            Ok(_) | Err(ForgeError::NotFound { .. }) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Uploads `bytes` as asset `name` of release `release_id`: `POST
    /// {upload base}/repos/{o}/{r}/releases/{id}/assets?name=…` (`application/octet-stream`),
    /// the upload base derived from the API base ([`super::upload_base`]). GitHub refuses (422)
    /// a name the release already has; not repeated after a failure the server may have acted
    /// on.
    pub async fn upload_release_asset(
        &self,
        release_id: u64,
        name: &str,
        bytes: &[u8],
    ) -> ForgeResult<ReleaseAsset> {
        let what = format!(
            "uploading {name} to release {release_id} of {}",
            self.slug()
        );
        let call = self.call(&what, NEEDS, Create);
        let path = self.repo_path(&format!(
            "/releases/{release_id}/assets?name={}",
            encode(name)
        ));
        let http = self.uploads.http(self.http.retry, bytes.len())?;
        let answer = http
            .send_raw(call, Method::Post, &path, "application/octet-stream", bytes)
            .await?;
        parse(&what, &answer.body)
    }
}
