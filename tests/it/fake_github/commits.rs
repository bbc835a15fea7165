//! The fake's repository, branches (with required status checks) and what is reported on
//! commits: check runs and commit statuses, served as GitHub's `full-repository`,
//! `branch-with-protection`, `check-run` and `combined-commit-status`.
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::contract::shaped;
use super::{Db, FakeGithub, PAGER, REPO, Shared, message, objects, repo_ok};
use crate::fake_server::query_params;

const API: &str = "https://api.github.com/repos/acme/shop";

/// Branches, check runs, commit statuses.
#[derive(Default)]
pub(super) struct Store {
    default_branch: Option<String>,
    /// Name, head commit, required status check contexts (`None`: unprotected).
    branches: Vec<(String, String, Option<Vec<String>>)>,
    check_runs: Vec<Value>,
    /// Commit and status, oldest first.
    statuses: Vec<(String, Value)>,
}

/// The repository, branch, check runs and combined status endpoints.
pub(super) fn routes() -> Router<Shared> {
    let repo = "/repos/{owner}/{repo}";
    Router::new()
        .route(repo, get(repository))
        .route(&format!("{repo}/branches/{{*branch}}"), get(branch))
        .route(&format!("{repo}/commits/{{*rest}}"), get(commit_reports))
}

impl Db {
    /// The commit `git_ref` names: a branch, a tag (through its tag objects) or a full sha.
    pub(super) fn resolve(&self, git_ref: &str) -> Option<String> {
        let name = git_ref
            .strip_prefix("refs/heads/")
            .or_else(|| git_ref.strip_prefix("refs/tags/"))
            .unwrap_or(git_ref);
        if let Some((_, sha, _)) = self.commits.branches.iter().find(|(b, _, _)| b == name) {
            return Some(sha.clone());
        }
        if let Some(sha) = self.git.commit_of(name) {
            return Some(sha);
        }
        let full_sha = git_ref.len() == 40 && git_ref.bytes().all(|b| b.is_ascii_hexdigit());
        full_sha.then(|| git_ref.to_owned())
    }
}

impl Store {
    /// The default branch (`main` until set).
    pub(super) fn default_branch(&self) -> &str {
        self.default_branch.as_deref().unwrap_or("main")
    }
}

impl Db {
    /// The latest status of each context on `sha`, newest first.
    fn latest_statuses(&self, sha: &str) -> Vec<Value> {
        let mut latest: Vec<Value> = Vec::new();
        for (_, status) in self.commits.statuses.iter().rev().filter(|(s, _)| s == sha) {
            if !latest.iter().any(|l| l["context"] == status["context"]) {
                latest.push(status.clone());
            }
        }
        latest
    }

    /// The contexts that keep a deployment of `sha` from being created, comma-separated:
    /// `required` (`null`: every context on the commit; `[]`: none) not in `success`.
    pub(super) fn unmet_contexts(&self, sha: &str, required: &Value) -> Option<String> {
        let latest = self.latest_statuses(sha);
        let state = |context: &str| {
            latest
                .iter()
                .find(|s| s["context"] == context)
                .and_then(|s| s["state"].as_str())
        };
        let wanted: Vec<String> = match required.as_array() {
            Some(list) => list
                .iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect(),
            None => latest
                .iter()
                .filter_map(|s| s["context"].as_str().map(str::to_owned))
                .collect(),
        };
        let unmet: Vec<String> = wanted
            .into_iter()
            .filter(|c| state(c) != Some("success"))
            .collect();
        (!unmet.is_empty()).then(|| unmet.join(", "))
    }
}

impl FakeGithub {
    /// Makes `name` the default branch (`main` until set).
    pub fn set_default_branch(&self, name: &str) {
        self.db.lock().unwrap().commits.default_branch = Some(name.to_owned());
    }

    /// Adds (or moves) branch `name` to `sha`.
    pub fn set_branch(&self, name: &str, sha: &str) {
        let mut db = self.db.lock().unwrap();
        let branches = &mut db.commits.branches;
        match branches.iter_mut().find(|(b, _, _)| b == name) {
            Some(branch) => branch.1 = sha.to_owned(),
            None => branches.push((name.to_owned(), sha.to_owned(), None)),
        }
    }

    /// Protects branch `name` (which must exist), requiring status checks `contexts`.
    pub fn require_checks(&self, name: &str, contexts: &[&str]) {
        let mut db = self.db.lock().unwrap();
        let branch = db
            .commits
            .branches
            .iter_mut()
            .find(|(b, _, _)| b == name)
            .expect("a branch set with set_branch");
        branch.2 = Some(contexts.iter().map(|c| (*c).to_owned()).collect());
    }

    /// Adds a check run `name` on commit `sha`: `status` queued, in_progress or completed,
    /// with `conclusion` (success, failure, …) once completed. Returns its id.
    pub fn add_check_run(
        &self,
        sha: &str,
        name: &str,
        status: &str,
        conclusion: Option<&str>,
    ) -> u64 {
        let mut db = self.db.lock().unwrap();
        let id = 40_000 + db.commits.check_runs.len() as u64;
        let now = db.now();
        let completed = (status == "completed").then(|| now.clone());
        let run = shaped(
            "check-run",
            json!({
                "id": id, "node_id": format!("CR_{id}"), "head_sha": sha, "name": name,
                "status": status, "conclusion": conclusion, "started_at": now,
                "completed_at": completed, "url": format!("{API}/check-runs/{id}"),
                "html_url": format!("https://github.com/{REPO}/runs/{id}"),
                "details_url": format!("https://github.com/{REPO}/runs/{id}"),
                "external_id": "", "pull_requests": [],
                "output": { "title": null, "summary": null, "text": null,
                    "annotations_count": 0, "annotations_url": format!("{API}/check-runs/{id}/annotations") },
                "check_suite": { "id": 50_000 + id },
                "app": null,
            }),
        );
        db.commits.check_runs.push(run);
        id
    }

    /// Adds a commit status `context` in `state` (error, failure, pending or success) on `sha`.
    pub fn add_commit_status(&self, sha: &str, context: &str, state: &str) {
        let mut db = self.db.lock().unwrap();
        let id = 45_000 + db.commits.statuses.len() as u64;
        let now = db.now();
        let status = shaped(
            "simple-commit-status",
            json!({
                "id": id, "node_id": format!("SC_{id}"), "state": state, "context": context,
                "description": null, "target_url": null,
                "avatar_url": "https://avatars.githubusercontent.com/u/9919?v=4",
                "url": format!("{API}/statuses/{sha}"), "created_at": now, "updated_at": now,
            }),
        );
        db.commits.statuses.push((sha.to_owned(), status));
    }
}

fn owner() -> Value {
    let mut owner = objects::user("acme", "Organization");
    owner["url"] = json!("https://api.github.com/orgs/acme");
    owner
}

/// `GET /repos/{owner}/{repo}` (`full-repository`).
async fn repository(
    State(db): State<Shared>,
    Path((owner_, repo)): Path<(String, String)>,
) -> Response {
    if !repo_ok(&owner_, &repo) {
        return message(404, "Not Found");
    }
    let db = db.lock().unwrap();
    let default_branch = db.commits.default_branch();
    axum::Json(shaped(
        "full-repository",
        json!({
            "id": 1296269, "node_id": "R_shop", "name": "shop", "full_name": REPO,
            "owner": owner(), "private": true, "default_branch": default_branch,
            "url": API, "html_url": format!("https://github.com/{REPO}"),
            "created_at": "2026-01-05T09:00:00Z", "updated_at": "2026-03-02T08:00:00Z",
            "pushed_at": "2026-03-02T08:00:00Z",
        }),
    ))
    .into_response()
}

/// `GET /repos/{owner}/{repo}/branches/{branch}` (`branch-with-protection`); 404 "Branch not
/// found" for a branch the fake does not hold.
async fn branch(
    State(db): State<Shared>,
    Path((owner_, repo, name)): Path<(String, String, String)>,
) -> Response {
    let db = db.lock().unwrap();
    let found = db.commits.branches.iter().find(|(b, _, _)| *b == name);
    let Some((name, sha, contexts)) = found.filter(|_| repo_ok(&owner_, &repo)) else {
        return message(404, "Branch not found");
    };
    let url = format!("{API}/branches/{name}");
    let protection_url = format!("{url}/protection");
    let protection = match contexts {
        Some(contexts) => json!({
            "enabled": true, "url": protection_url,
            "required_status_checks": {
                "url": format!("{protection_url}/required_status_checks"),
                "enforcement_level": "non_admins",
                "contexts": contexts,
                "checks": contexts.iter().map(|c| json!({ "context": c, "app_id": null })).collect::<Vec<_>>(),
                "contexts_url": format!("{protection_url}/required_status_checks/contexts"),
                "strict": false,
            },
        }),
        None => json!({ "enabled": false }),
    };
    let commit = shaped(
        "commit",
        json!({
            "sha": sha, "node_id": format!("C_{sha}"), "url": format!("{API}/commits/{sha}"),
            "html_url": format!("https://github.com/{REPO}/commit/{sha}"),
            "comments_url": format!("{API}/commits/{sha}/comments"),
        }),
    );
    axum::Json(shaped(
        "branch-with-protection",
        json!({
            "name": name, "commit": commit, "protected": contexts.is_some(),
            "protection": protection, "protection_url": protection_url,
            "_links": { "html": format!("https://github.com/{REPO}/tree/{name}"), "self": url },
        }),
    ))
    .into_response()
}

/// `GET …/commits/{ref}/check-runs` (`check_name`, `status`, `filter`, paged) and
/// `GET …/commits/{ref}/status` (the latest status per context, combined: failure if any
/// failed or errored, pending if any is pending or none exists, else success).
async fn commit_reports(
    State(db): State<Shared>,
    Path((owner_, repo, rest)): Path<(String, String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let db = db.lock().unwrap();
    let (git_ref, report) = match rest.rsplit_once('/') {
        Some((r, report @ ("check-runs" | "status"))) => (r, report),
        _ => return message(404, "Not Found"),
    };
    let Some(sha) = db.resolve(git_ref).filter(|_| repo_ok(&owner_, &repo)) else {
        return message(422, &format!("No commit found for SHA: {git_ref}"));
    };
    if report == "check-runs" {
        let params = query_params(&uri);
        let param = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let mut runs: Vec<Value> = db
            .commits
            .check_runs
            .iter()
            .filter(|r| r["head_sha"] == sha.as_str())
            .filter(|r| param("check_name").is_none_or(|n| r["name"] == n))
            .filter(|r| param("status").is_none_or(|s| r["status"] == s))
            .cloned()
            .collect();
        // `filter` (default `latest`): "`latest` returns the most recent check runs", one per name.
        if param("filter") != Some("all") {
            let mut latest: Vec<Value> = Vec::new();
            for run in runs.into_iter().rev() {
                if !latest.iter().any(|l| l["name"] == run["name"]) {
                    latest.insert(0, run);
                }
            }
            runs = latest;
        }
        let total = runs.len();
        let (runs, page_headers) = PAGER.cut(runs, &uri, &headers);
        let mut answer =
            axum::Json(json!({ "total_count": total, "check_runs": runs })).into_response();
        for (name, value) in page_headers {
            answer.headers_mut().insert(name, value.parse().unwrap());
        }
        return answer;
    }
    let latest = db.latest_statuses(&sha);
    let has = |state: &str| latest.iter().any(|s| s["state"] == state);
    let state = if has("failure") || has("error") {
        "failure"
    } else if latest.is_empty() || has("pending") {
        "pending"
    } else {
        "success"
    };
    let repository = shaped(
        "minimal-repository",
        json!({ "id": 1296269, "node_id": "R_shop", "name": "shop", "full_name": REPO,
            "owner": owner(), "private": true, "url": API,
            "html_url": format!("https://github.com/{REPO}") }),
    );
    axum::Json(json!({
        "state": state, "sha": sha, "total_count": latest.len(), "statuses": latest,
        "repository": repository, "commit_url": format!("{API}/commits/{sha}"),
        "url": format!("{API}/commits/{sha}/status"),
    }))
    .into_response()
}
