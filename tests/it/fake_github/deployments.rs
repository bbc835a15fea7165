//! The fake's deployments and their statuses (GitHub's `deployment`, `deployment-status`),
//! the deployments Actions makes by itself for a job that names an `environment:`, and
//! workflow dispatches.
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::contract::shaped;
use super::{Db, FakeGithub, PAGER, REPO, Shared, message, objects, parse_body, repo_ok};
use crate::fake_server::query_params;

const API: &str = "https://api.github.com/repos/acme/shop";

/// Deployments, statuses, dispatches.
#[derive(Default)]
pub(super) struct Store {
    deployments: Vec<Value>,
    statuses: Vec<(u64, Value)>,
    dispatches: Vec<(String, Value)>,
    /// Environment jobs started: deployment id and the job's URL.
    jobs: Vec<(u64, String)>,
}

/// The deployments, statuses and workflow dispatch endpoints.
pub(super) fn routes() -> Router<Shared> {
    let repo = "/repos/{owner}/{repo}";
    Router::new()
        .route(&format!("{repo}/deployments"), get(list).post(create))
        .route(
            &format!("{repo}/deployments/{{id}}/statuses"),
            get(statuses_list).post(status_create),
        )
        .route(
            &format!("{repo}/actions/workflows/{{workflow}}/dispatches"),
            post(dispatch),
        )
}

/// The fields of a new deployment as the description of `POST …/deployments` gives their
/// defaults: task `deploy`, environment `production`, `transient_environment` false,
/// `production_environment` "true when environment is production and false otherwise".
fn deployment(db: &mut Db, new: &Value, sha: &str, creator: Value) -> Value {
    let id = 7000 + db.deployments.deployments.len() as u64;
    let environment = new["environment"]
        .as_str()
        .unwrap_or("production")
        .to_owned();
    let now = db.now();
    let url = format!("{API}/deployments/{id}");
    let created = shaped(
        "deployment",
        json!({
            "id": id, "node_id": format!("DE_{id}"), "url": url, "ref": new["ref"], "sha": sha,
            "task": new["task"].as_str().unwrap_or("deploy"),
            "payload": new.get("payload").cloned().unwrap_or(json!({})),
            "environment": environment, "original_environment": environment,
            "description": new.get("description").cloned().unwrap_or(Value::Null),
            "creator": creator, "created_at": now, "updated_at": now,
            "statuses_url": format!("{url}/statuses"), "repository_url": API,
            "transient_environment": new["transient_environment"].as_bool().unwrap_or(false),
            "production_environment": new["production_environment"]
                .as_bool()
                .unwrap_or(environment == "production"),
        }),
    );
    db.deployments.deployments.push(created.clone());
    created
}

/// A status of deployment `id` as the description of `POST …/statuses` gives it: `log_url`
/// "will automatically set `target_url` to the same value"; without `environment` the
/// previous status's, else the deployment's, is kept.
fn status(db: &mut Db, id: u64, new: &Value, creator: Value) -> Value {
    let previous = db
        .deployments
        .statuses
        .iter()
        .rev()
        .find(|(d, _)| *d == id)
        .map(|(_, s)| s["environment"].clone());
    let of_deployment = db
        .deployments
        .deployments
        .iter()
        .find(|d| d["id"] == id)
        .map(|d| d["environment"].clone());
    let environment = new
        .get("environment")
        .cloned()
        .or(previous)
        .or(of_deployment)
        .unwrap_or(Value::Null);
    let log_url = new["log_url"]
        .as_str()
        .or(new["target_url"].as_str())
        .unwrap_or("");
    let status_id = 8000 + db.deployments.statuses.len() as u64;
    let now = db.now();
    let deployment_url = format!("{API}/deployments/{id}");
    let created = shaped(
        "deployment-status",
        json!({
            "id": status_id, "node_id": format!("DES_{status_id}"), "state": new["state"],
            "creator": creator, "description": new["description"].as_str().unwrap_or(""),
            "environment": environment, "target_url": log_url, "log_url": log_url,
            "environment_url": new["environment_url"].as_str().unwrap_or(""),
            "url": format!("{deployment_url}/statuses/{status_id}"),
            "deployment_url": deployment_url, "repository_url": API,
            "created_at": now, "updated_at": now,
        }),
    );
    db.deployments.statuses.push((id, created.clone()));
    if new["state"] == "success" && new["auto_inactive"] != false {
        deactivate_earlier(db, id, &created["creator"]);
    }
    created
}

/// `auto_inactive` (default true) as the description of `POST …/statuses` gives it: "Adds a
/// new `inactive` status to all prior non-transient, non-production environment deployments
/// with the same repository and `environment` name as the created status's deployment. An
/// `inactive` status is only added to deployments that had a `success` state."
fn deactivate_earlier(db: &mut Db, id: u64, creator: &Value) {
    let Some(this) = db.deployments.deployments.iter().find(|d| d["id"] == id) else {
        return;
    };
    let environment = this["environment"].clone();
    let earlier: Vec<u64> = db
        .deployments
        .deployments
        .iter()
        .filter(|d| d["id"].as_u64() < Some(id) && d["environment"] == environment)
        .filter(|d| d["transient_environment"] != true && d["production_environment"] != true)
        .filter_map(|d| d["id"].as_u64())
        .collect();
    for other in earlier {
        let latest = db
            .deployments
            .statuses
            .iter()
            .rev()
            .find(|(d, _)| *d == other)
            .map(|(_, s)| s["state"].clone());
        if latest == Some(json!("success")) {
            status(db, other, &json!({ "state": "inactive" }), creator.clone());
        }
    }
}

impl FakeGithub {
    /// What GitHub Actions does when a job that names `environment:` starts in workflow run
    /// `run_id` on `git_ref` at `sha`: a deployment created by `github-actions[bot]` with
    /// payload `{}` and task `deploy`, then its statuses `queued` and `in_progress`, whose
    /// `log_url` and `target_url` are the job's page
    /// (`https://github.com/acme/shop/actions/runs/{run_id}/job/{job_id}`). Returns the
    /// deployment's id.
    ///
    /// GitHub's documentation (github/docs `data/reusables/actions/environment-deployment-event.md`):
    /// "When a workflow job that references an environment runs, it creates a deployment object
    /// with the environment property set to the name of your environment. As the workflow
    /// progresses, it also creates deployment status objects with [...] the state property set
    /// to the status of the job." The webhook description's `deployment-created` and
    /// `deployment-status-created` events carry the `workflow_run` that made them. The defaults
    /// (`task`, `production_environment`, `transient_environment`) are those of
    /// `POST /repos/{owner}/{repo}/deployments` in GitHub's OpenAPI description.
    pub fn start_environment_job(
        &self,
        environment: &str,
        git_ref: &str,
        sha: &str,
        run_id: u64,
    ) -> u64 {
        let mut db = self.db.lock().unwrap();
        let bot = objects::user(objects::ACTIONS_BOT, "Bot");
        let new = json!({ "ref": git_ref, "environment": environment, "payload": {} });
        let id = deployment(&mut db, &new, sha, bot.clone())["id"]
            .as_u64()
            .unwrap();
        let job_id = 60_000 + db.deployments.jobs.len() as u64;
        let job = format!("https://github.com/{REPO}/actions/runs/{run_id}/job/{job_id}");
        db.deployments.jobs.push((id, job.clone()));
        if let Some(made) = db.deployments.deployments.last_mut() {
            made["performed_via_github_app"] = objects::actions_app();
        }
        for state in ["queued", "in_progress"] {
            actions_status(&mut db, id, state, &job);
        }
        id
    }

    /// What Actions writes when the job of [`start_environment_job`](Self::start_environment_job)
    /// ends: the job's result, `success` or `failure`, linking the job again.
    pub fn finish_environment_job(&self, deployment_id: u64, success: bool) {
        let mut db = self.db.lock().unwrap();
        let job = db
            .deployments
            .jobs
            .iter()
            .find(|(d, _)| *d == deployment_id)
            .map(|(_, job)| job.clone())
            .expect("a deployment made by start_environment_job");
        let state = if success { "success" } else { "failure" };
        actions_status(&mut db, deployment_id, state, &job);
    }

    /// The deployments held, oldest first.
    pub fn deployments(&self) -> Vec<Value> {
        self.db.lock().unwrap().deployments.deployments.clone()
    }

    /// The deployments to `environment`, oldest first.
    pub fn deployments_to(&self, environment: &str) -> Vec<Value> {
        let mut all = self.deployments();
        all.retain(|d| d["environment"] == environment);
        all
    }

    /// The statuses of deployment `id`, oldest first.
    pub fn statuses(&self, id: u64) -> Vec<Value> {
        let db = self.db.lock().unwrap();
        db.deployments
            .statuses
            .iter()
            .filter(|(d, _)| *d == id)
            .map(|(_, s)| s.clone())
            .collect()
    }

    /// The workflow dispatches received: workflow and body.
    pub fn dispatches(&self) -> Vec<(String, Value)> {
        self.db.lock().unwrap().deployments.dispatches.clone()
    }
}

/// A status Actions writes on its deployment `id` of a job: `state`, linking the job's page,
/// by `github-actions[bot]` through the GitHub Actions app.
fn actions_status(db: &mut Db, id: u64, state: &str, job: &str) {
    let bot = objects::user(objects::ACTIONS_BOT, "Bot");
    let made = status(db, id, &json!({ "state": state, "log_url": job }), bot);
    let stored = db
        .deployments
        .statuses
        .iter_mut()
        .find(|(_, s)| s["id"] == made["id"]);
    if let Some((_, stored)) = stored {
        stored["performed_via_github_app"] = objects::actions_app();
    }
}

/// `GET …/deployments`: newest first, filtered by `sha`, `ref`, `task` and `environment`.
async fn list(
    State(db): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !repo_ok(&owner, &repo) {
        return message(404, "Not Found");
    }
    let params = query_params(&uri);
    let items: Vec<Value> = db
        .lock()
        .unwrap()
        .deployments
        .deployments
        .iter()
        .rev()
        .filter(|d| {
            params.iter().all(|(k, v)| match k.as_str() {
                "sha" | "ref" | "task" | "environment" => d[k] == v.as_str(),
                _ => true,
            })
        })
        .cloned()
        .collect();
    PAGER.page(items, &uri, &headers)
}

/// `POST …/deployments`: the ref resolved to its commit (a tag, a branch or a sha the fake
/// knows; else the `sha` the payload names); 422 "No ref found" otherwise. `required_contexts`
/// as the description gives it: "If you omit this parameter, GitHub verifies all unique
/// contexts before creating a deployment. To bypass checking entirely, pass an empty array";
/// a context not in `success` answers 409, documented as "Conflict when there is a merge
/// conflict or the commit's status checks failed".
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
    let git_ref = new["ref"].as_str().unwrap_or_default();
    let mut db = db.lock().unwrap();
    let sha = db
        .resolve(git_ref)
        .or_else(|| new["payload"]["sha"].as_str().map(str::to_owned));
    let Some(sha) = sha else {
        return message(422, &format!("No ref found for: {git_ref}"));
    };
    if let Some(failing) = db.unmet_contexts(&sha, &new["required_contexts"]) {
        return message(
            409,
            &format!("Conflict: Commit status checks failed for {git_ref}: {failing}."),
        );
    }
    let actor = db.actor();
    let created = deployment(&mut db, &new, &sha, actor);
    (StatusCode::CREATED, axum::Json(created)).into_response()
}

async fn statuses_list(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, u64)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let db = db.lock().unwrap();
    if !repo_ok(&owner, &repo) || !db.deployments.deployments.iter().any(|d| d["id"] == id) {
        return message(404, "Not Found");
    }
    let items = db
        .deployments
        .statuses
        .iter()
        .rev()
        .filter(|(d, _)| *d == id)
        .map(|(_, s)| s.clone())
        .collect();
    PAGER.page(items, &uri, &headers)
}

async fn status_create(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, u64)>,
    body: String,
) -> Response {
    let new = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    if !repo_ok(&owner, &repo) || !db.deployments.deployments.iter().any(|d| d["id"] == id) {
        return message(404, "Not Found");
    }
    let actor = db.actor();
    let created = status(&mut db, id, &new, actor);
    (StatusCode::CREATED, axum::Json(created)).into_response()
}

/// `POST …/actions/workflows/{workflow_id}/dispatches`: 204, or 200 with the run's details
/// when `return_run_details` is true.
async fn dispatch(
    State(db): State<Shared>,
    Path((owner, repo, workflow)): Path<(String, String, String)>,
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
    let details = new["return_run_details"] == true;
    db.deployments.dispatches.push((workflow, new));
    if details {
        let run = 30_000 + db.deployments.dispatches.len() as u64;
        return axum::Json(json!({
            "workflow_run_id": run,
            "run_url": format!("{API}/actions/runs/{run}"),
            "html_url": format!("https://github.com/{REPO}/actions/runs/{run}"),
        }))
        .into_response();
    }
    (StatusCode::NO_CONTENT, Body::empty()).into_response()
}
