//! The fake's repository tags: each names its commit; an annotated one has a tag object too.
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::{FakeGitlab, Shared, message, no_project, project_ok};

/// The tags, as `GET /projects/:id/repository/tags/:tag_name` answers them.
#[derive(Default)]
pub(super) struct Store {
    tags: Vec<Value>,
    /// Commits the repository holds besides the tagged ones.
    commits: Vec<String>,
}

impl Store {
    /// Whether `project.commit(reference)` finds a commit: a tag's name, or a commit a tag
    /// names, or one added by [`FakeGitlab::add_commit`].
    pub(super) fn resolves(&self, reference: &str) -> bool {
        self.commits.iter().any(|c| c == reference)
            || self
                .tags
                .iter()
                .any(|t| t["name"] == reference || t["commit"]["id"] == reference)
    }
}

/// `GET /projects/:id/repository/tags/:tag_name` (the name URL-encoded).
pub(super) fn routes() -> Router<Shared> {
    Router::new().route(
        "/api/v4/projects/{project}/repository/tags/{tag}",
        get(tag_get),
    )
}

impl FakeGitlab {
    /// Adds the commit `sha` to the repository (a deployment may name it).
    pub fn add_commit(&self, sha: &str) {
        self.db.lock().unwrap().tags.commits.push(sha.to_owned());
    }

    /// Adds an annotated tag `name` on the commit `sha` (its `target` is the tag object).
    pub fn add_tag(&self, name: &str, sha: &str) {
        self.push_tag(name, sha, true);
    }

    /// Adds a lightweight tag `name` on the commit `sha` (its `target` is the commit).
    pub fn add_lightweight_tag(&self, name: &str, sha: &str) {
        self.push_tag(name, sha, false);
    }

    fn push_tag(&self, name: &str, sha: &str, annotated: bool) {
        let mut db = self.db.lock().unwrap();
        let now = db.now();
        let object = format!("7a90{:036x}", db.tags.tags.len() + 1);
        let commit = json!({
            "id": sha, "short_id": sha.get(..8).unwrap_or(sha), "title": format!("Release {name}"),
            "message": format!("Release {name}\n"), "parent_ids": [], "created_at": now,
            "author_name": "Release Bot", "author_email": "release-bot@example.invalid",
            "authored_date": now, "committer_name": "Release Bot",
            "committer_email": "release-bot@example.invalid", "committed_date": now,
        });
        let tag = if annotated {
            json!({ "name": name, "target": object, "message": format!("Release {name}"),
                "commit": commit, "release": null, "protected": true, "created_at": now })
        } else {
            json!({ "name": name, "target": sha, "message": null, "commit": commit,
                "release": null, "protected": true, "created_at": null })
        };
        db.tags.tags.retain(|t| t["name"] != name);
        db.tags.tags.push(tag);
    }
}

async fn tag_get(
    State(db): State<Shared>,
    Path((project, tag)): Path<(String, String)>,
) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let db = db.lock().unwrap();
    match db.tags.tags.iter().find(|t| t["name"] == tag.as_str()) {
        Some(found) => axum::Json(found.clone()).into_response(),
        None => message(404, "404 Tag Not Found"),
    }
}
