//! A stateful fake of the GitHub REST API for one repository (`acme/shop`): issues, comments,
//! reactions, collaborator permissions, `GET /user`, deployments and their statuses, workflow
//! dispatch; tags and tag objects ([`git`]) and organization team memberships ([`teams`]). It
//! records every request and injects faults by method and path.
mod git;
mod teams;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Request, State};
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use crate::http_server::HttpServer;

/// The repository the fake serves.
pub const REPO: &str = "acme/shop";

/// A request as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// `GET`, `POST`, …
    pub method: String,
    /// The path.
    pub path: String,
    /// The query string, empty when none.
    pub query: String,
}

/// A fault to inject.
#[derive(Debug, Clone)]
pub enum Fault {
    /// 500 Internal Server Error.
    ServerError,
    /// 429 with `Retry-After: 1`.
    TooMany,
    /// 403 secondary rate limit with `Retry-After: 1`.
    SecondaryLimit,
    /// Answer after this long.
    Slow(Duration),
    /// Do the work, then never answer (the client times out).
    DropAfterCreate,
    /// Answer this status with this GitHub message.
    Status(u16, &'static str),
}

struct Rule {
    method: Method,
    path_contains: String,
    fault: Fault,
    times: usize,
}

#[derive(Default)]
struct Db {
    token: String,
    user: Option<String>,
    requests: Vec<Recorded>,
    rules: Vec<Rule>,
    clock: u64,
    issues: Vec<Value>,
    comments: Vec<(u64, Value)>,
    next_comment: u64,
    reactions: Vec<(u64, Value)>,
    roles: HashMap<String, String>,
    deployments: Vec<Value>,
    statuses: Vec<(u64, Value)>,
    dispatches: Vec<(String, Value)>,
    git: git::Store,
    teams: teams::Store,
}

impl Db {
    fn now(&mut self) -> String {
        self.clock += 1;
        let s = self.clock;
        format!(
            "2026-03-02T{:02}:{:02}:{:02}Z",
            8 + s / 3600,
            s / 60 % 60,
            s % 60
        )
    }

    fn actor(&self) -> Value {
        match &self.user {
            Some(login) => json!({ "login": login, "type": "User" }),
            None => json!({ "login": "github-actions[bot]", "type": "Bot" }),
        }
    }
}

type Shared = Arc<Mutex<Db>>;

/// The running fake.
pub struct FakeGithub {
    server: HttpServer,
    db: Shared,
}

impl FakeGithub {
    /// A fake that accepts `token`; `user` is who `GET /user` says the token is (`None`: a
    /// workflow's `GITHUB_TOKEN`, which gets 403 there and acts as `github-actions[bot]`).
    pub fn start(token: &str, user: Option<&str>) -> Self {
        let db: Shared = Arc::new(Mutex::new(Db {
            token: token.to_owned(),
            user: user.map(str::to_owned),
            next_comment: 1000,
            ..Db::default()
        }));
        let repo = "/repos/{owner}/{repo}";
        let router = Router::new()
            .route("/user", get(user_get))
            .route(
                &format!("{repo}/issues"),
                get(issues_list).post(issue_create),
            )
            .route(
                &format!("{repo}/issues/{{number}}"),
                get(issue_get).patch(issue_patch),
            )
            .route(
                &format!("{repo}/issues/{{number}}/comments"),
                get(comments_list).post(comment_create),
            )
            .route(
                &format!("{repo}/issues/comments/{{id}}/reactions"),
                get(reactions_list).post(reaction_create),
            )
            .route(
                &format!("{repo}/collaborators/{{login}}/permission"),
                get(permission_get),
            )
            .route(
                &format!("{repo}/deployments"),
                get(deployments_list).post(deployment_create),
            )
            .route(
                &format!("{repo}/deployments/{{id}}/statuses"),
                get(statuses_list).post(status_create),
            )
            .route(
                &format!("{repo}/actions/workflows/{{workflow}}/dispatches"),
                post(dispatch),
            )
            .merge(git::routes())
            .merge(teams::routes())
            .layer(middleware::from_fn_with_state(db.clone(), gate))
            .with_state(db.clone());
        Self {
            server: HttpServer::start(router),
            db,
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.server.url()
    }

    /// The next `times` requests with `method` whose path contains `path_contains` get `fault`.
    pub fn fail(&self, method: &str, path_contains: &str, fault: Fault, times: usize) {
        self.db.lock().unwrap().rules.push(Rule {
            method: method.parse().unwrap(),
            path_contains: path_contains.to_owned(),
            fault,
            times,
        });
    }

    /// Every request so far.
    pub fn requests(&self) -> Vec<Recorded> {
        self.db.lock().unwrap().requests.clone()
    }

    /// Forget the requests so far.
    pub fn clear_requests(&self) {
        self.db.lock().unwrap().requests.clear();
    }

    /// Adds an issue (or a pull request, which the issues endpoints list too); its number.
    pub fn seed_issue(&self, title: &str, body: &str, pull_request: bool) -> u64 {
        let mut db = self.db.lock().unwrap();
        let number = db.issues.len() as u64 + 1;
        let created_at = db.now();
        let mut issue = json!({
            "id": 500 + number, "number": number, "title": title, "body": body,
            "state": "open", "user": { "login": "octocat", "type": "User" },
            "html_url": format!("https://github.com/{REPO}/issues/{number}"),
            "labels": [], "created_at": created_at,
        });
        if pull_request {
            issue["pull_request"] = json!({ "url": "https://example.invalid/pull" });
        }
        db.issues.push(issue);
        number
    }

    /// Adds a comment to issue `number` written by `login` (`kind`: `User` or `Bot`); its id
    /// and creation time.
    pub fn seed_comment(&self, number: u64, body: &str, login: &str, kind: &str) -> (u64, String) {
        let mut db = self.db.lock().unwrap();
        db.next_comment += 1;
        let id = db.next_comment;
        let now = db.now();
        db.comments.push((
            number,
            json!({ "id": id, "body": body, "user": { "login": login, "type": kind },
                    "created_at": now, "updated_at": now }),
        ));
        (id, now)
    }

    /// Edits comment `id` as a person with write access can (`PATCH
    /// /repos/{owner}/{repo}/issues/comments/{comment_id}`): a new body and a later `updated_at`.
    pub fn edit_comment(&self, id: u64, body: &str) {
        let mut db = self.db.lock().unwrap();
        let now = db.now();
        let (_, comment) = db
            .comments
            .iter_mut()
            .find(|(_, c)| c["id"] == id)
            .expect("a comment with that id");
        comment["body"] = json!(body);
        comment["updated_at"] = json!(now);
    }

    /// Gives `login` a repository role (admin, maintain, write, triage, read or a custom one).
    pub fn set_role(&self, login: &str, role: &str) {
        self.db
            .lock()
            .unwrap()
            .roles
            .insert(login.to_owned(), role.to_owned());
    }

    /// The issues (and pull requests) held.
    pub fn issues(&self) -> Vec<Value> {
        self.db.lock().unwrap().issues.clone()
    }

    /// The deployments held, oldest first.
    pub fn deployments(&self) -> Vec<Value> {
        self.db.lock().unwrap().deployments.clone()
    }

    /// The statuses of deployment `id`, oldest first.
    pub fn statuses(&self, id: u64) -> Vec<Value> {
        let db = self.db.lock().unwrap();
        db.statuses
            .iter()
            .filter(|(d, _)| *d == id)
            .map(|(_, s)| s.clone())
            .collect()
    }

    /// The workflow dispatches received: workflow and body.
    pub fn dispatches(&self) -> Vec<(String, Value)> {
        self.db.lock().unwrap().dispatches.clone()
    }
}

fn message(status: u16, text: &str) -> Response {
    let code = StatusCode::from_u16(status).unwrap();
    let body = json!({
        "message": text,
        "documentation_url": "https://docs.github.com/rest",
        "status": status.to_string(),
    });
    (code, axum::Json(body)).into_response()
}

/// Records, authenticates, and injects the first matching fault.
async fn gate(State(db): State<Shared>, request: Request, next: Next) -> Response {
    let fault = {
        let mut db = db.lock().unwrap();
        db.requests.push(Recorded {
            method: request.method().to_string(),
            path: request.uri().path().to_owned(),
            query: request.uri().query().unwrap_or_default().to_owned(),
        });
        let expected = format!("Bearer {}", db.token);
        let auth = request.headers().get("authorization");
        if auth.and_then(|v| v.to_str().ok()) != Some(expected.as_str()) {
            return message(401, "Bad credentials");
        }
        let path = request.uri().path().to_owned();
        let rule = db.rules.iter_mut().find(|r| {
            r.times > 0 && r.method == *request.method() && path.contains(&r.path_contains)
        });
        rule.map(|r| {
            r.times -= 1;
            r.fault.clone()
        })
    };
    match fault {
        None => next.run(request).await,
        Some(Fault::ServerError) => message(500, "Server Error"),
        Some(Fault::TooMany) => {
            let mut r = message(429, "API rate limit exceeded");
            r.headers_mut().insert("retry-after", "1".parse().unwrap());
            r
        }
        Some(Fault::SecondaryLimit) => {
            let mut r = message(
                403,
                "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.",
            );
            r.headers_mut().insert("retry-after", "1".parse().unwrap());
            r
        }
        Some(Fault::Slow(delay)) => {
            tokio::time::sleep(delay).await;
            next.run(request).await
        }
        Some(Fault::DropAfterCreate) => {
            let _created = next.run(request).await;
            tokio::time::sleep(Duration::from_secs(30)).await;
            message(500, "unreachable: the client gave up")
        }
        Some(Fault::Status(status, text)) => message(status, text),
    }
}

fn repo_ok(owner: &str, repo: &str) -> bool {
    format!("{owner}/{repo}") == REPO
}

fn parse_body(body: &str) -> Result<Value, Box<Response>> {
    serde_json::from_str(body).map_err(|_| Box::new(message(400, "Problems parsing JSON")))
}

/// A page of `items` per `per_page` (default 30, at most 100) and `page`, with GitHub's
/// `Link` header (first, prev, next, last).
fn paged(items: Vec<Value>, uri: &Uri, headers: &HeaderMap) -> Response {
    let params: Vec<(String, String)> = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let per_page = param("per_page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(30)
        .clamp(1, 100);
    let page = param("page")
        .and_then(|v| v.parse::<usize>().ok())
        .unwrap_or(1)
        .max(1);
    let last = items.len().div_ceil(per_page).max(1);
    let slice: Vec<Value> = items
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .collect();
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .unwrap_or("127.0.0.1");
    let link_to = |p: usize| {
        let mut query: Vec<String> = params
            .iter()
            .filter(|(k, _)| k != "page")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        query.push(format!("page={p}"));
        format!("<http://{host}{}?{}>", uri.path(), query.join("&"))
    };
    let mut links = Vec::new();
    if page > 1 {
        links.push(format!("{}; rel=\"prev\"", link_to(page - 1)));
    }
    if page < last {
        links.push(format!("{}; rel=\"next\"", link_to(page + 1)));
        links.push(format!("{}; rel=\"last\"", link_to(last)));
    }
    if page > 1 {
        links.push(format!("{}; rel=\"first\"", link_to(1)));
    }
    let mut response = axum::Json(Value::Array(slice)).into_response();
    if !links.is_empty() {
        response
            .headers_mut()
            .insert("link", links.join(", ").parse().unwrap());
    }
    response
}

async fn user_get(State(db): State<Shared>) -> Response {
    let db = db.lock().unwrap();
    match &db.user {
        Some(login) => {
            axum::Json(json!({ "login": login, "id": 1, "type": "User" })).into_response()
        }
        None => message(403, "Resource not accessible by integration"),
    }
}

async fn issues_list(
    State(db): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !repo_ok(&owner, &repo) {
        return message(404, "Not Found");
    }
    let state = uri
        .query()
        .unwrap_or_default()
        .split('&')
        .find_map(|kv| kv.strip_prefix("state="))
        .unwrap_or("open")
        .to_owned();
    let items: Vec<Value> = db
        .lock()
        .unwrap()
        .issues
        .iter()
        .filter(|i| state == "all" || i["state"] == state.as_str())
        .cloned()
        .collect();
    paged(items, &uri, &headers)
}

async fn issue_create(
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
    let number = db.issues.len() as u64 + 1;
    let labels: Vec<Value> = new["labels"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|l| json!({ "name": l }))
        .collect();
    let issue = json!({
        "id": 500 + number, "number": number, "title": title, "body": new["body"],
        "state": "open", "user": db.actor(), "labels": labels,
        "html_url": format!("https://github.com/{REPO}/issues/{number}"),
        "created_at": db.now(),
    });
    db.issues.push(issue.clone());
    (StatusCode::CREATED, axum::Json(issue)).into_response()
}

fn find_issue(db: &mut Db, number: u64) -> Option<&mut Value> {
    db.issues.iter_mut().find(|i| i["number"] == number)
}

async fn issue_get(
    State(db): State<Shared>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
) -> Response {
    let mut db = db.lock().unwrap();
    match find_issue(&mut db, number) {
        Some(issue) if repo_ok(&owner, &repo) => axum::Json(issue.clone()).into_response(),
        _ => message(404, "Not Found"),
    }
}

async fn issue_patch(
    State(db): State<Shared>,
    Path((owner, repo, number)): Path<(String, String, u64)>,
    body: String,
) -> Response {
    let patch = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    match find_issue(&mut db, number) {
        Some(issue) if repo_ok(&owner, &repo) => {
            for key in ["body", "state", "title", "state_reason"] {
                if let Some(v) = patch.get(key) {
                    issue[key] = v.clone();
                }
            }
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
    if !repo_ok(&owner, &repo) || find_issue(&mut db, number).is_none() {
        return message(404, "Not Found");
    }
    let items: Vec<Value> = db
        .comments
        .iter()
        .filter(|(n, _)| *n == number)
        .map(|(_, c)| c.clone())
        .collect();
    paged(items, &uri, &headers)
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
    if !repo_ok(&owner, &repo) || find_issue(&mut db, number).is_none() {
        return message(404, "Not Found");
    }
    db.next_comment += 1;
    let now = db.now();
    let comment = json!({
        "id": db.next_comment, "body": new["body"], "user": db.actor(),
        "created_at": now, "updated_at": now,
    });
    db.comments.push((number, comment.clone()));
    (StatusCode::CREATED, axum::Json(comment)).into_response()
}

fn comment_exists(db: &Db, id: u64) -> bool {
    db.comments.iter().any(|(_, c)| c["id"] == id)
}

async fn reactions_list(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, u64)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let db = db.lock().unwrap();
    if !repo_ok(&owner, &repo) || !comment_exists(&db, id) {
        return message(404, "Not Found");
    }
    let items = db
        .reactions
        .iter()
        .filter(|(c, _)| *c == id)
        .map(|(_, r)| r.clone())
        .collect();
    paged(items, &uri, &headers)
}

async fn reaction_create(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, u64)>,
    body: String,
) -> Response {
    let new = match parse_body(&body) {
        Ok(v) => v,
        Err(r) => return *r,
    };
    let mut db = db.lock().unwrap();
    if !repo_ok(&owner, &repo) || !comment_exists(&db, id) {
        return message(404, "Not Found");
    }
    let content = new["content"].as_str().unwrap_or_default().to_owned();
    let allowed = [
        "+1", "-1", "laugh", "confused", "heart", "hooray", "rocket", "eyes",
    ];
    if !allowed.contains(&content.as_str()) {
        return message(422, "Validation Failed");
    }
    let actor = db.actor();
    let existing = db.reactions.iter().find(|(c, r)| {
        *c == id && r["content"] == content.as_str() && r["user"]["login"] == actor["login"]
    });
    if let Some((_, r)) = existing {
        return axum::Json(r.clone()).into_response();
    }
    let reaction = json!({
        "id": 9000 + db.reactions.len(), "content": content, "user": actor,
        "created_at": db.now(),
    });
    db.reactions.push((id, reaction.clone()));
    (StatusCode::CREATED, axum::Json(reaction)).into_response()
}

async fn permission_get(
    State(db): State<Shared>,
    Path((owner, repo, login)): Path<(String, String, String)>,
) -> Response {
    if !repo_ok(&owner, &repo) {
        return message(404, "Not Found");
    }
    let db = db.lock().unwrap();
    let role = db
        .roles
        .get(&login)
        .cloned()
        .unwrap_or_else(|| "none".into());
    // Base roles; a custom role here inherits write.
    let base = match role.as_str() {
        "admin" | "maintain" | "write" | "triage" | "read" | "none" => role.as_str(),
        _ => "write",
    };
    let permission = match base {
        "maintain" => "write",
        "triage" => "read",
        other => other,
    };
    let rank = ["none", "read", "triage", "write", "maintain", "admin"]
        .iter()
        .position(|r| *r == base)
        .unwrap_or(0);
    let flags = json!({
        "pull": rank >= 1, "triage": rank >= 2, "push": rank >= 3,
        "maintain": rank >= 4, "admin": rank >= 5,
    });
    axum::Json(json!({
        "permission": permission,
        "role_name": role,
        "user": { "login": login, "type": "User", "permissions": flags, "role_name": role },
    }))
    .into_response()
}

async fn deployments_list(
    State(db): State<Shared>,
    Path((owner, repo)): Path<(String, String)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if !repo_ok(&owner, &repo) {
        return message(404, "Not Found");
    }
    let param = |name: &str| {
        uri.query()
            .unwrap_or_default()
            .split('&')
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
            .map(|e| e.replace("%20", " "))
    };
    let (environment, git_ref) = (param("environment"), param("ref"));
    let items: Vec<Value> = db
        .lock()
        .unwrap()
        .deployments
        .iter()
        .rev()
        .filter(|d| environment.as_deref().is_none_or(|e| d["environment"] == e))
        .filter(|d| git_ref.as_deref().is_none_or(|r| d["ref"] == r))
        .cloned()
        .collect();
    paged(items, &uri, &headers)
}

async fn deployment_create(
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
    let Some(git_ref) = new["ref"].as_str() else {
        return message(422, "Validation Failed");
    };
    let mut db = db.lock().unwrap();
    let id = 7000 + db.deployments.len() as u64;
    // The fake resolves no refs: the commit is the one the payload names.
    let sha = new["payload"]["sha"]
        .as_str()
        .unwrap_or("0000000")
        .to_owned();
    let deployment = json!({
        "id": id, "ref": git_ref, "sha": sha, "task": "deploy",
        "environment": new.get("environment").cloned().unwrap_or(json!("production")),
        "description": new["description"], "payload": new["payload"],
        "creator": db.actor(), "created_at": db.now(),
    });
    db.deployments.push(deployment.clone());
    (StatusCode::CREATED, axum::Json(deployment)).into_response()
}

async fn statuses_list(
    State(db): State<Shared>,
    Path((owner, repo, id)): Path<(String, String, u64)>,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    let db = db.lock().unwrap();
    if !repo_ok(&owner, &repo) || !db.deployments.iter().any(|d| d["id"] == id) {
        return message(404, "Not Found");
    }
    let items = db
        .statuses
        .iter()
        .rev()
        .filter(|(d, _)| *d == id)
        .map(|(_, s)| s.clone())
        .collect();
    paged(items, &uri, &headers)
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
    if !repo_ok(&owner, &repo) || !db.deployments.iter().any(|d| d["id"] == id) {
        return message(404, "Not Found");
    }
    let states = [
        "error",
        "failure",
        "inactive",
        "in_progress",
        "queued",
        "pending",
        "success",
    ];
    if !new["state"].as_str().is_some_and(|s| states.contains(&s)) {
        return message(422, "Validation Failed");
    }
    let mut status = new.clone();
    status["id"] = json!(8000 + db.statuses.len());
    status["creator"] = db.actor();
    status["created_at"] = json!(db.now());
    db.statuses.push((id, status.clone()));
    (StatusCode::CREATED, axum::Json(status)).into_response()
}

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
    if new["ref"].as_str().is_none() {
        return message(422, "Invalid request: ref is missing");
    }
    db.lock().unwrap().dispatches.push((workflow, new));
    (StatusCode::NO_CONTENT, Body::empty()).into_response()
}
