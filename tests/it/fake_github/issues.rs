//! The fake's issues (and the pull requests the issues endpoints list too) and their comments,
//! served as GitHub's `issue` and `issue-comment`; the comments' reactions are in [`reactions`](super::reactions).
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value, json};

use super::contract::shaped;
use super::{Db, FakeGithub, PAGER, REPO, Shared, message, objects, parse_body, repo_ok};
use crate::fake_server::query_params;

/// Issues, comments, reactions.
#[derive(Default)]
pub(super) struct Store {
    issues: Vec<Value>,
    /// Issue number and comment.
    pub(super) comments: Vec<(u64, Value)>,
    /// Comment id and reaction.
    pub(super) reactions: Vec<(u64, Value)>,
}

const API: &str = "https://api.github.com/repos/acme/shop";

/// The issues and comments endpoints.
pub(super) fn routes() -> Router<Shared> {
    let repo = "/repos/{owner}/{repo}";
    Router::new()
        .route(&format!("{repo}/issues"), get(list).post(create))
        .route(&format!("{repo}/issues/{{number}}"), get(one).patch(patch))
        .route(
            &format!("{repo}/issues/{{number}}/comments"),
            get(comments_list).post(comment_create),
        )
        .route(
            &format!("{repo}/issues/comments/{{id}}"),
            get(comment_get).patch(comment_patch),
        )
}

fn issue(db: &mut Db, title: &str, body: &Value, user: Value, labels: &[Value]) -> Value {
    let number = db.issues.issues.len() as u64 + 1;
    let now = db.now();
    let url = format!("{API}/issues/{number}");
    let labels: Vec<Value> = labels
        .iter()
        .filter_map(Value::as_str)
        .enumerate()
        .map(|(at, name)| {
            shaped(
                "label",
                json!({ "id": 600 + at, "node_id": format!("LA_{name}"), "name": name,
                    "url": format!("{API}/labels/{name}"), "color": "ededed" }),
            )
        })
        .collect();
    shaped(
        "issue",
        json!({
            "id": 500 + number, "node_id": format!("I_{number}"), "number": number,
            "title": title, "body": body, "state": "open", "user": user, "labels": labels,
            "url": url, "repository_url": API, "labels_url": format!("{url}/labels{{/name}}"),
            "comments_url": format!("{url}/comments"), "events_url": format!("{url}/events"),
            "html_url": format!("https://github.com/{REPO}/issues/{number}"),
            "locked": false, "comments": 0, "created_at": now, "updated_at": now,
            "author_association": "MEMBER",
        }),
    )
}

impl FakeGithub {
    /// Adds an issue (or a pull request, which the issues endpoints list too); its number.
    pub fn seed_issue(&self, title: &str, body: &str, pull_request: bool) -> u64 {
        let mut db = self.db.lock().unwrap();
        let mut new = issue(
            &mut db,
            title,
            &json!(body),
            objects::user("octocat", "User"),
            &[],
        );
        let number = new["number"].as_u64().unwrap();
        if pull_request {
            let html = format!("https://github.com/{REPO}/pull/{number}");
            new["pull_request"] = json!({
                "url": format!("{API}/pulls/{number}"), "html_url": html,
                "diff_url": format!("{html}.diff"), "patch_url": format!("{html}.patch"),
                "merged_at": null,
            });
        }
        db.issues.issues.push(new);
        number
    }

    /// Adds a comment to issue `number` written by `login` (`kind`: `User` or `Bot`); its id
    /// and creation time.
    pub fn seed_comment(&self, number: u64, body: &str, login: &str, kind: &str) -> (u64, String) {
        let mut db = self.db.lock().unwrap();
        let comment = comment(&mut db, number, &json!(body), objects::user(login, kind));
        let id = comment["id"].as_u64().unwrap();
        let created = comment["created_at"].as_str().unwrap().to_owned();
        (id, created)
    }

    /// Edits comment `id`'s body as its author would, which moves its `updated_at`.
    pub fn edit_comment(&self, id: u64, body: &str) {
        let mut db = self.db.lock().unwrap();
        let now = db.now();
        let (_, comment) = db
            .issues
            .comments
            .iter_mut()
            .find(|(_, c)| c["id"] == id)
            .expect("a comment the fake holds");
        comment["body"] = json!(body);
        comment["updated_at"] = json!(now);
    }

    /// Comment `id` as the fake holds it.
    pub fn comment(&self, id: u64) -> Option<Value> {
        let db = self.db.lock().unwrap();
        let found = db.issues.comments.iter().find(|(_, c)| c["id"] == id);
        found.map(|(_, c)| c.clone())
    }

    /// The comments of issue (or pull request) `number`, oldest first.
    pub fn comments_on(&self, number: u64) -> Vec<Value> {
        let db = self.db.lock().unwrap();
        let comments = db.issues.comments.iter();
        comments
            .filter(|(n, _)| *n == number)
            .map(|(_, c)| c.clone())
            .collect()
    }

    /// The issues (and pull requests) held.
    pub fn issues(&self) -> Vec<Value> {
        self.db.lock().unwrap().issues.issues.clone()
    }
}

fn find(db: &mut Db, number: u64) -> Option<&mut Value> {
    db.issues.issues.iter_mut().find(|i| i["number"] == number)
}

/// Adds a comment to issue `number` (which must exist) and counts it on the issue.
fn comment(db: &mut Db, number: u64, body: &Value, user: Value) -> Value {
    let id = 1001 + db.issues.comments.len() as u64;
    let now = db.now();
    let new = shaped(
        "issue-comment",
        json!({
            "id": id, "node_id": format!("IC_{id}"), "body": body, "user": user,
            "url": format!("{API}/issues/comments/{id}"),
            "html_url": format!("https://github.com/{REPO}/issues/{number}#issuecomment-{id}"),
            "issue_url": format!("{API}/issues/{number}"),
            "created_at": now, "updated_at": now, "author_association": "MEMBER",
        }),
    );
    db.issues.comments.push((number, new.clone()));
    if let Some(issue) = find(db, number) {
        issue["comments"] = json!(issue["comments"].as_u64().unwrap_or(0) + 1);
        issue["updated_at"] = json!(now);
    }
    new
}

/// `GET /repos/{owner}/{repo}/issues`: `state` (default open), `labels`, `creator`,
/// `sort=created` with `direction` (default desc), paged.
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
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let state = param("state").unwrap_or("open");
    let labels: Vec<&str> = param("labels")
        .map(|l| l.split(',').collect())
        .unwrap_or_default();
    let mut items: Vec<Value> = db
        .lock()
        .unwrap()
        .issues
        .issues
        .iter()
        .filter(|i| state == "all" || i["state"] == state)
        .filter(|i| param("creator").is_none_or(|c| i["user"]["login"] == c))
        .filter(|i| {
            labels.iter().all(|l| {
                i["labels"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .any(|x| x["name"] == *l)
            })
        })
        .cloned()
        .collect();
    if param("direction") != Some("asc") {
        items.reverse();
    }
    PAGER.page(items, &uri, &headers)
}

async fn create(
    State(db): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    body: String,
) -> Response {
    if !repo_ok(&owner, &repo) {
        return message(404, "Not Found");
    }
    let new = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let Some(title) = new["title"].as_str() else {
        return message(422, "Validation Failed");
    };
    let mut db = db.lock().unwrap();
    let actor = db.actor();
    let labels = new["labels"].as_array().cloned().unwrap_or_default();
    let body = new.get("body").cloned().unwrap_or(Value::Null);
    let created = issue(&mut db, title, &body, actor, &labels);
    db.issues.issues.push(created.clone());
    (StatusCode::CREATED, axum::Json(created)).into_response()
}

async fn one(
    State(db): State<Shared>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
) -> Response {
    let mut db = db.lock().unwrap();
    match find(&mut db, number) {
        Some(issue) if repo_ok(&owner, &repo) => axum::Json(issue.clone()).into_response(),
        _ => message(404, "Not Found"),
    }
}

/// `PATCH …/issues/{n}`: body, title, state (closing sets `closed_at`, `state_reason`).
async fn patch(
    State(db): State<Shared>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    body: String,
) -> Response {
    let patch = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    let now = db.now();
    let actor = db.actor();
    match find(&mut db, number) {
        Some(issue) if repo_ok(&owner, &repo) => {
            for key in ["body", "title", "state_reason"] {
                if let Some(v) = patch.get(key) {
                    issue[key] = v.clone();
                }
            }
            match patch["state"].as_str() {
                Some("closed") if issue["state"] == "open" => {
                    issue["state"] = json!("closed");
                    issue["closed_at"] = json!(now);
                    issue["closed_by"] = actor;
                    if patch.get("state_reason").is_none() {
                        issue["state_reason"] = json!("completed");
                    }
                }
                Some("open") if issue["state"] == "closed" => {
                    issue["state"] = json!("open");
                    issue["closed_at"] = Value::Null;
                    issue["state_reason"] = json!("reopened");
                }
                _ => {}
            }
            issue["updated_at"] = json!(now);
            axum::Json(issue.clone()).into_response()
        }
        _ => message(404, "Not Found"),
    }
}

async fn comments_list(
    State(db): State<Shared>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let mut db = db.lock().unwrap();
    if !repo_ok(&owner, &repo) || find(&mut db, number).is_none() {
        return message(404, "Not Found");
    }
    let items: Vec<Value> = db
        .issues
        .comments
        .iter()
        .filter(|(n, _)| *n == number)
        .map(|(_, c)| c.clone())
        .collect();
    PAGER.page(items, &uri, &headers)
}

async fn comment_create(
    State(db): State<Shared>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    body: String,
) -> Response {
    let new = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    if !repo_ok(&owner, &repo) || find(&mut db, number).is_none() {
        return message(404, "Not Found");
    }
    let actor = db.actor();
    let created = comment(&mut db, number, &new["body"], actor);
    (StatusCode::CREATED, axum::Json(created)).into_response()
}

/// `GET …/issues/comments/{comment_id}`.
async fn comment_get(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, u64)>,
) -> Response {
    let db = db.lock().unwrap();
    let found = db.issues.comments.iter().find(|(_, c)| c["id"] == id);
    match found {
        Some((_, comment)) if repo_ok(&owner, &repo) => axum::Json(comment.clone()).into_response(),
        _ => message(404, "Not Found"),
    }
}

/// `PATCH …/issues/comments/{comment_id}`: a new body, which moves `updated_at`.
async fn comment_patch(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, u64)>,
    body: String,
) -> Response {
    let patch = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    let now = db.now();
    let found = db.issues.comments.iter_mut().find(|(_, c)| c["id"] == id);
    match found {
        Some((_, comment)) if repo_ok(&owner, &repo) => {
            comment["body"] = patch["body"].clone();
            comment["updated_at"] = json!(now);
            axum::Json(comment.clone()).into_response()
        }
        _ => message(404, "Not Found"),
    }
}
