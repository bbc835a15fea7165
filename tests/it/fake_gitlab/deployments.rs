//! The fake's deployments: those made through the API (`POST /projects/:id/deployments`, no
//! `deployable`) and those GitLab makes itself for a job that names an `environment:` (the job is
//! the `deployable`). Statuses move as `Deployment`'s state machine lets them
//! (`app/models/deployment.rb`, `state_machine :status`).
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use serde_json::{Value, json};

use super::{Db, FakeGitlab, PROJECT, Params, Shared, message, no_project, project_ok};
use crate::fake_server::refusal;

/// Deployments, oldest first, and environments by name.
#[derive(Default)]
pub(super) struct Store {
    items: Vec<Value>,
    environments: Vec<String>,
}

/// A CI job that names an `environment:` (`environment: name:` in `.gitlab-ci.yml`).
#[derive(Debug, Clone)]
pub struct EnvironmentJob<'a> {
    /// The job's id (`CI_JOB_ID`); `None`: the fake picks one.
    pub id: Option<u64>,
    /// The job's name (`CI_JOB_NAME`).
    pub name: &'a str,
    /// `environment: name:`.
    pub environment: &'a str,
    /// `CI_COMMIT_REF_NAME`.
    pub git_ref: &'a str,
    /// `CI_COMMIT_SHA`.
    pub sha: &'a str,
    /// `CI_PIPELINE_ID`.
    pub pipeline: u64,
}

pub(super) fn routes() -> Router<Shared> {
    let p = "/api/v4/projects/{project}/deployments";
    Router::new()
        .route(p, get(list).post(create))
        .route(&format!("{p}/{{id}}"), put(update).get(one))
}

impl Store {
    fn environment_id(&mut self, name: &str) -> u64 {
        if let Some(i) = self.environments.iter().position(|e| e == name) {
            return i as u64 + 1;
        }
        self.environments.push(name.to_owned());
        self.environments.len() as u64
    }
}

/// Whether `Deployment`'s state machine moves `from` to `to`: `run` from created or blocked;
/// `succeed`, `drop`, `cancel` from any other status (`app/models/deployment.rb`).
fn moves(from: &str, to: &str) -> bool {
    match to {
        "running" => matches!(from, "created" | "blocked"),
        "success" | "failed" | "canceled" => from != to,
        _ => false,
    }
}

/// Sets `status` (with `updated_at`, and `finished_at` on a finished status) as a transition.
fn set_status(d: &mut Value, status: &str, now: &str) {
    d["status"] = json!(status);
    d["updated_at"] = json!(now);
    if matches!(status, "success" | "failed" | "canceled") {
        d["finished_at"] = json!(now);
    }
}

/// A deployment as `Entities::Deployment` presents it: without `finished_at`, which the fake
/// holds for the finder's `finished_*` filters (`lib/api/entities/deployment.rb` exposes none).
fn presented(d: &Value) -> Value {
    let mut d = d.clone();
    if let Some(fields) = d.as_object_mut() {
        fields.remove("finished_at");
    }
    d
}

fn new_deployment(db: &mut Db, environment: &str, git_ref: &str, sha: &str, user: Value) -> Value {
    let id = db.id();
    let iid = db.deployments.items.len() + 1;
    let now = db.now();
    let env = db.deployments.environment_id(environment);
    json!({
        "id": id, "iid": iid, "ref": git_ref, "sha": sha, "status": "created",
        "created_at": now, "updated_at": now, "finished_at": null, "user": user,
        "environment": { "id": env, "name": environment,
            "external_url": format!("https://{environment}.example") },
        "deployable": null,
    })
}

impl FakeGitlab {
    /// What GitLab does when a job naming an `environment:` is processed (the jobs before it
    /// done: `Ci::PipelineProcessing::AtomicProcessingService#update_job!` calls
    /// `Deployments::CreateForJobService`) and then starts: a deployment is created (`created`,
    /// the job its `deployable`, the pipeline's user its `user`) and moves to `running` with the
    /// job (`Deployment#sync_status_with`). The job's and the deployment's ids.
    pub fn start_environment_job(&self, job: &EnvironmentJob<'_>) -> (u64, u64) {
        self.environment_job(job, "running")
    }

    /// What GitLab does for a job naming an `environment:` that is processed but not run (e.g.
    /// `when: on_failure` after a success): its deployment is created and skipped with it.
    pub fn skip_environment_job(&self, job: &EnvironmentJob<'_>) -> (u64, u64) {
        self.environment_job(job, "skipped")
    }

    fn environment_job(&self, job: &EnvironmentJob<'_>, status: &str) -> (u64, u64) {
        let mut db = self.db.lock().unwrap();
        let job_id = job.id.unwrap_or_else(|| db.id());
        let pipeline = db.pipeline_for(job.pipeline, job.git_ref, job.sha);
        let user = pipeline["user"].clone();
        let mut d = new_deployment(&mut db, job.environment, job.git_ref, job.sha, user.clone());
        let now = db.now();
        let started = if status == "running" {
            json!(now)
        } else {
            Value::Null
        };
        d["deployable"] = json!({
            "id": job_id, "status": status, "stage": "deploy", "name": job.name,
            "ref": job.git_ref, "tag": true, "allow_failure": false, "user": user,
            "created_at": d["created_at"], "started_at": started, "finished_at": null,
            "web_url": format!("https://gitlab.example/{PROJECT}/-/jobs/{job_id}"),
            "pipeline": {
                "id": pipeline["id"], "iid": pipeline["iid"], "project_id": 42,
                "sha": job.sha, "ref": job.git_ref, "status": "running",
                "source": pipeline["source"], "web_url": pipeline["web_url"],
            },
        });
        d["status"] = json!(status);
        d["updated_at"] = json!(now);
        let id = d["id"].as_u64().unwrap();
        db.deployments.items.push(d);
        (job_id, id)
    }

    /// What GitLab does when that job ends: its deployment moves to `success` or `failed`
    /// (`Deployment#sync_status_with`), as does the job.
    pub fn finish_environment_job(&self, job_id: u64, success: bool) {
        let mut db = self.db.lock().unwrap();
        let now = db.now();
        let status = if success { "success" } else { "failed" };
        let d = db
            .deployments
            .items
            .iter_mut()
            .find(|d| d["deployable"]["id"] == job_id)
            .expect("a job started with start_environment_job");
        set_status(d, status, &now);
        d["deployable"]["status"] = json!(status);
        d["deployable"]["finished_at"] = json!(now);
    }

    /// Adds a deployment made by a finished CI job of pipeline `pipeline`, `status` its own and
    /// its job's.
    pub fn seed_job_deployment(
        &self,
        environment: &str,
        git_ref: &str,
        pipeline: u64,
        status: &str,
    ) {
        let sha = format!("{git_ref}-sha");
        let job = EnvironmentJob {
            id: None,
            name: "deploy",
            environment,
            git_ref,
            sha: &sha,
            pipeline,
        };
        let (_, id) = self.start_environment_job(&job);
        let mut db = self.db.lock().unwrap();
        let now = db.now();
        let d = db
            .deployments
            .items
            .iter_mut()
            .find(|d| d["id"] == id)
            .unwrap();
        set_status(d, status, &now);
        d["deployable"]["status"] = json!(status);
        d["deployable"]["pipeline"]["status"] = json!(status);
        drop(db);
        // The job was the pipeline's last: the pipeline ends as it did.
        self.set_pipeline_status(pipeline, status);
    }

    /// Sets `updated_at` of deployment `id` (a test's clock for `updated_after`).
    pub fn set_deployment_updated_at(&self, id: u64, at: &str) {
        let mut db = self.db.lock().unwrap();
        let d = db.deployments.items.iter_mut().find(|d| d["id"] == id);
        d.expect("a deployment")["updated_at"] = json!(at);
    }

    /// The deployments held, oldest first.
    pub fn deployments(&self) -> Vec<Value> {
        self.db.lock().unwrap().deployments.items.clone()
    }
}

fn time(v: &Value) -> Option<jiff::Timestamp> {
    let s = v.as_str()?;
    s.parse().ok().or_else(|| {
        s.parse::<jiff::civil::DateTime>()
            .ok()
            .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
            .map(|z| z.timestamp())
            .or_else(|| {
                s.parse::<jiff::civil::Date>()
                    .ok()
                    .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                    .map(|z| z.timestamp())
            })
    })
}

/// `DeploymentsFinder#execute`: filters, then the order (`updated_at` when filtered by it, as
/// `implicitly_enforce_ordering_for_updated_at_filter` does; `created_at`/`iid` as `id`).
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
    let bound = |n: &str| param(n).and_then(|v| time(&json!(v)));
    let after = |d: &Value, field: &str, b: Option<jiff::Timestamp>| {
        b.is_none_or(|b| time(&d[field]).is_some_and(|t| t >= b))
    };
    let before = |d: &Value, field: &str, b: Option<jiff::Timestamp>| {
        b.is_none_or(|b| time(&d[field]).is_some_and(|t| t < b))
    };
    let mut items: Vec<Value> = db
        .deployments
        .items
        .iter()
        .filter(|d| param("environment").is_none_or(|e| d["environment"]["name"] == e.as_str()))
        .filter(|d| param("status").is_none_or(|s| d["status"] == s.as_str()))
        .filter(|d| after(d, "updated_at", bound("updated_after")))
        .filter(|d| before(d, "updated_at", bound("updated_before")))
        .filter(|d| after(d, "finished_at", bound("finished_after")))
        .filter(|d| before(d, "finished_at", bound("finished_before")))
        .cloned()
        .collect();
    let by_updated = param("updated_after").is_some() || param("updated_before").is_some();
    let order = if by_updated {
        "updated_at"
    } else {
        param("order_by").map_or("id", String::as_str)
    };
    let id = |d: &Value| d["id"].as_u64().unwrap_or_default();
    match order {
        "updated_at" | "finished_at" => items.sort_by(|a, b| {
            time(&a[order])
                .cmp(&time(&b[order]))
                .then(id(b).cmp(&id(a)))
        }),
        "ref" => items.sort_by(|a, b| a["ref"].as_str().cmp(&b["ref"].as_str())),
        _ => items.sort_by_key(id),
    }
    if param("sort").is_some_and(|s| s == "desc") {
        items.reverse();
    }
    let items = items.iter().map(presented).collect();
    db.pager().page(items, &uri, &headers)
}

async fn one(State(db): State<Shared>, Path((project, id)): Path<(String, u64)>) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let db = db.lock().unwrap();
    match db.deployments.items.iter().find(|d| d["id"] == id) {
        Some(d) => axum::Json(presented(d)).into_response(),
        None => message(404, "404 Not found"),
    }
}

/// `POST …/deployments`: the ref and the sha must name commits of the repository; then
/// `Deployments::CreateService`: the environment's last successful deployment when it equals
/// the request (`Deployment#equal_to?`), else a new one moved to the requested status.
async fn create(State(db): State<Shared>, Path(project): Path<String>, body: String) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let new: Value = serde_json::from_str(&body).unwrap_or_default();
    let text = |k: &str| new[k].as_str().unwrap_or_default().to_owned();
    let (environment, git_ref, sha, status) = (
        text("environment"),
        text("ref"),
        text("sha"),
        text("status"),
    );
    let mut db = db.lock().unwrap();
    // lib/api/deployments.rb: the ref must name a commit; app/models/deployment.rb `valid_sha`:
    // so must the sha (a validation error of the new deployment).
    for (field, reference, text) in [
        ("ref", &git_ref, "The branch or tag does not exist"),
        ("sha", &sha, "The commit does not exist"),
    ] {
        if !db.tags.resolves(reference) {
            let rule = format!(
                "POST /projects/:id/deployments: {field} {reference}: {text} (the fake's repository holds its tags and add_commit's commits)"
            );
            let body = json!({ "message": { field: [text] } });
            return refusal(
                (StatusCode::BAD_REQUEST, axum::Json(body)).into_response(),
                rule,
            );
        }
    }
    let last = db
        .deployments
        .items
        .iter()
        .filter(|d| d["environment"]["name"] == environment.as_str() && d["status"] == "success")
        .max_by_key(|d| d["finished_at"].as_str().map(str::to_owned));
    if let Some(last) = last
        .filter(|d| d["ref"] == git_ref.as_str() && d["sha"] == sha.as_str() && status == "success")
    {
        return (StatusCode::CREATED, axum::Json(presented(last))).into_response();
    }
    let user = db.actor();
    let mut d = new_deployment(&mut db, &environment, &git_ref, &sha, user);
    let now = db.now();
    set_status(&mut d, &status, &now);
    let answer = presented(&d);
    db.deployments.items.push(d);
    (StatusCode::CREATED, axum::Json(answer)).into_response()
}

/// `PUT …/deployments/:deployment_id`: a deployment a CI job made is GitLab's to update (403).
/// A status the state machine does not move to leaves the deployment as it was: `update_status`
/// answers false with no model errors, so `render_validation_error!` renders nothing and the
/// route answers 200 `null` (`lib/api/helpers.rb`); recorded as a violation all the same.
async fn update(
    State(db): State<Shared>,
    Path((project, id)): Path<(String, u64)>,
    body: String,
) -> Response {
    if !project_ok(&project) {
        return no_project();
    }
    let put: Value = serde_json::from_str(&body).unwrap_or_default();
    let status = put["status"].as_str().unwrap_or_default().to_owned();
    let mut db = db.lock().unwrap();
    let now = db.now();
    let Some(i) = db.deployments.items.iter().position(|d| d["id"] == id) else {
        return message(404, "404 Not found");
    };
    let current = db.deployments.items[i].clone();
    if !current["deployable"].is_null() {
        let text =
            "403 Forbidden - Deployments created using GitLab CI can not be updated using the API";
        let rule = format!(
            "PUT /projects/:id/deployments/:deployment_id (lib/api/deployments.rb): deployment {id} was made by job {}, {text}",
            current["deployable"]["id"]
        );
        return refusal(message(403, text), rule);
    }
    let from = current["status"].as_str().unwrap_or_default();
    if !moves(from, &status) {
        let rule = format!(
            "PUT /projects/:id/deployments/:deployment_id (app/models/deployment.rb state_machine): no transition from {from} to {status}; GitLab leaves it {from}"
        );
        return refusal(axum::Json(Value::Null).into_response(), rule);
    }
    let d = &mut db.deployments.items[i];
    set_status(d, &status, &now);
    axum::Json(presented(d)).into_response()
}
