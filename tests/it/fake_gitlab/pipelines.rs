//! The fake's pipelines: created through `POST /projects/:id/pipeline`, added by tests with a
//! status, or implied by an environment job; listed and read as `lib/api/ci/pipelines.rb` and
//! `app/finders/ci/pipelines_finder.rb` do.
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::{Db, FakeGitlab, PROJECT, Params, Shared, message, no_project, project_ok};

/// Pipelines, oldest first, and the variables each created one was asked with (not part of
/// GitLab's answer: `Entities::Ci::Pipeline` exposes none).
#[derive(Default)]
pub(super) struct Store {
    items: Vec<Value>,
    variables: Vec<(u64, Value)>,
}

pub(super) fn routes() -> Router<Shared> {
    let p = "/api/v4/projects/{project}";
    Router::new()
        .route(&format!("{p}/pipeline"), post(create))
        .route(&format!("{p}/pipelines"), get(list))
        .route(&format!("{p}/pipelines/{{id}}"), get(one))
}

impl Db {
    fn push_pipeline(
        &mut self,
        id: u64,
        git_ref: &str,
        sha: &str,
        status: &str,
        source: &str,
    ) -> Value {
        let iid = self.pipelines.items.len() + 1;
        let now = self.now();
        let tag = git_ref.starts_with('v');
        let pipeline = json!({
            "id": id, "iid": iid, "project_id": 42, "sha": sha, "ref": git_ref, "tag": tag,
            "status": status, "source": source, "name": null, "user": self.actor(),
            "created_at": now, "updated_at": now,
            "web_url": format!("https://gitlab.example/{PROJECT}/-/pipelines/{id}"),
        });
        self.pipelines.items.push(pipeline.clone());
        pipeline
    }

    /// Pipeline `id`, added (running, from a push) if the fake does not hold it.
    pub(super) fn pipeline_for(&mut self, id: u64, git_ref: &str, sha: &str) -> Value {
        if let Some(p) = self.pipelines.items.iter().find(|p| p["id"] == id) {
            return p.clone();
        }
        self.push_pipeline(id, git_ref, sha, "running", "push")
    }
}

impl FakeGitlab {
    /// Adds a pipeline at `git_ref` (a tag when it starts with `v`) and `sha` in `status`, by the
    /// token's user; its id.
    pub fn add_pipeline(&self, git_ref: &str, sha: &str, status: &str) -> u64 {
        let mut db = self.db.lock().unwrap();
        let id = db.id();
        db.push_pipeline(id, git_ref, sha, status, "push");
        id
    }

    /// Sets the status of pipeline `id`.
    pub fn set_pipeline_status(&self, id: u64, status: &str) {
        let mut db = self.db.lock().unwrap();
        let now = db.now();
        let p = db.pipelines.items.iter_mut().find(|p| p["id"] == id);
        let p = p.expect("a pipeline");
        p["status"] = json!(status);
        p["updated_at"] = json!(now);
    }

    /// The pipelines created through `POST /projects/:id/pipeline`, oldest first, each with
    /// the `variables` it was asked with.
    pub fn pipelines(&self) -> Vec<Value> {
        let db = self.db.lock().unwrap();
        let api = db.pipelines.items.iter().filter(|p| p["source"] == "api");
        api.map(|p| {
            let asked = db.pipelines.variables.iter().find(|(id, _)| p["id"] == *id);
            let mut p = p.clone();
            p["variables"] = asked.map_or(Value::Null, |(_, v)| v.clone());
            p
        })
        .collect()
    }
}

async fn create(State(db): State<Shared>, Path(project): Path<String>, body: String) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let new: Value = serde_json::from_str(&body).unwrap_or_default();
    let git_ref = new["ref"].as_str().unwrap_or_default();
    let mut db = db.lock().unwrap();
    let id = db.id();
    let sha = format!("{git_ref}-sha");
    let pipeline = db.push_pipeline(id, git_ref, &sha, "created", "api");
    db.pipelines.variables.push((id, new["variables"].clone()));
    (StatusCode::CREATED, axum::Json(pipeline)).into_response()
}

/// `scope`: `running`, `pending`, `finished` (success, failed, canceled, skipped), `branches`,
/// `tags` (`Ci::PipelinesFinder#by_scope`).
fn in_scope(p: &Value, scope: &str) -> bool {
    let status = p["status"].as_str().unwrap_or_default();
    match scope {
        "running" | "pending" => status == scope,
        "finished" => matches!(status, "success" | "failed" | "canceled" | "skipped"),
        "branches" => p["tag"] == false,
        "tags" => p["tag"] == true,
        _ => true,
    }
}

async fn list(
    State(db): State<Shared>,
    Path(project): Path<String>,
    Query(params): Params,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let db = db.lock().unwrap();
    let param = |n: &str| params.get(n).filter(|v| !v.is_empty());
    let field_is =
        |p: &Value, field: &str, n: &str| param(n).is_none_or(|v| p[field] == v.as_str());
    let mut items: Vec<Value> = db
        .pipelines
        .items
        .iter()
        .filter(|p| param("scope").is_none_or(|s| in_scope(p, s)))
        .filter(|p| field_is(p, "status", "status"))
        .filter(|p| field_is(p, "ref", "ref"))
        .filter(|p| field_is(p, "sha", "sha"))
        .filter(|p| field_is(p, "source", "source"))
        .filter(|p| param("username").is_none_or(|u| p["user"]["username"] == u.as_str()))
        .cloned()
        .collect();
    let order = param("order_by").map_or("id", String::as_str);
    let key = |p: &Value| match order {
        "status" | "ref" | "updated_at" => p[order].as_str().unwrap_or_default().to_owned(),
        "user_id" => format!("{:020}", p["user"]["id"].as_u64().unwrap_or_default()),
        _ => format!("{:020}", p["id"].as_u64().unwrap_or_default()),
    };
    items.sort_by_key(key);
    if param("sort").is_none_or(|s| s == "desc") {
        items.reverse();
    }
    db.pager().page(items, &uri, &headers)
}

async fn one(State(db): State<Shared>, Path((project, id)): Path<(String, u64)>) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let db = db.lock().unwrap();
    match db.pipelines.items.iter().find(|p| p["id"] == id) {
        Some(p) => axum::Json(p.clone()).into_response(),
        None => message(404, "404 Not found"),
    }
}
